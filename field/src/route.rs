//! The app's addresses, under `/field/`: the list, and one visit by its id.

use shouhou_web::router::{Routable, Site};

/// The app's part of the site: links under `/field/` are followed in place.
pub const SITE: Site = Site { base: "/field/", elsewhere: &[] };

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// Today's and the coming visits, and the reports waiting to be sent.
    Visits,
    /// One visit: the request, and the report.
    Visit(i64),
    NotFound,
}

impl Routable for Route {
    fn parse(path: &str, _query: &str) -> Route {
        let rest = path.strip_prefix("/field").unwrap_or(path).trim_matches('/');
        let mut segments = rest.split('/');
        match (segments.next(), segments.next(), segments.next()) {
            (Some(""), None, None) => Route::Visits,
            (Some("visits"), Some(id), None) => match id.parse::<i64>() {
                Ok(id) if id > 0 => Route::Visit(id),
                _ => Route::NotFound,
            },
            _ => Route::NotFound,
        }
    }

    fn path(&self) -> String {
        match self {
            Route::Visits | Route::NotFound => "/field/".into(),
            Route::Visit(id) => format!("/field/visits/{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_has_an_address_that_reads_back() {
        for route in [Route::Visits, Route::Visit(42)] {
            assert_eq!(Route::parse(&route.path(), ""), route);
        }
        assert_eq!(Route::parse("/field", ""), Route::Visits);
        for path in ["/field/visits/", "/field/visits/x", "/field/visits/-1", "/field/other"] {
            assert_eq!(Route::parse(path, ""), Route::NotFound, "{path}");
        }
    }
}
