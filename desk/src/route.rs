//! The desk's addresses, hash-free under `/desk/`, kept in the History API.

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Inbox,
    Request(String),
    Figures,
    NotFound,
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let rest = path.strip_prefix("/desk").unwrap_or(path).trim_matches('/');
        match rest.split('/').collect::<Vec<_>>().as_slice() {
            [""] => Route::Inbox,
            ["figures"] => Route::Figures,
            ["requests", reference] if !reference.is_empty() => Route::Request(
                js_sys::decode_uri_component(reference)
                    .map_or_else(|_| reference.to_string(), String::from),
            ),
            _ => Route::NotFound,
        }
    }

    pub fn path(&self) -> String {
        match self {
            Route::Inbox | Route::NotFound => "/desk/".into(),
            Route::Figures => "/desk/figures".into(),
            Route::Request(reference) => {
                format!("/desk/requests/{}", String::from(js_sys::encode_uri_component(reference)))
            }
        }
    }

    pub fn current() -> Route {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        Route::parse(&path)
    }
}
