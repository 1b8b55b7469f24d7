//! The desk's addresses, under `/desk/`, kept in the History API by the shared router: one
//! variant per screen, each read from its path and written back to it. A screen to come (the
//! dispatch board, the audit log) is a variant here and a page in `pages/`.

use shouhou_core::route::is_reference_like;
use shouhou_core::schema::is_plain_id;
use shouhou_web::http::encode;
use shouhou_web::router::{Routable, Site};

/// The desk's part of the site: links under `/desk/` are followed in place.
pub const SITE: Site = Site { base: "/desk/", elsewhere: &[] };

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Inbox,
    Request(String),
    Figures,
    /// Today's follow-up calls (回访).
    FollowUps,
    /// The dispatch board (派工): the engineers' visits, and the requests waiting for one.
    Board,
    /// The product archive: import, and finding a unit.
    Products,
    /// One unit of the archive, by product line and serial number, to read and edit.
    Product(String, String),
    /// Personal data (leads): erasure on a customer's request, the audit trail.
    Privacy,
    NotFound,
}

/// A percent-encoded path segment as the text it encodes; `None` for one that is not UTF-8
/// or not encoded as `encode` writes.
fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Routable for Route {
    fn parse(path: &str, _query: &str) -> Route {
        let rest = path.strip_prefix("/desk").unwrap_or(path).trim_matches('/');
        let mut segments = rest.split('/');
        match (segments.next(), segments.next(), segments.next()) {
            (Some(""), None, None) => Route::Inbox,
            (Some("figures"), None, None) => Route::Figures,
            (Some("follow-ups"), None, None) => Route::FollowUps,
            (Some("board"), None, None) => Route::Board,
            (Some("products"), None, None) => Route::Products,
            (Some("privacy"), None, None) => Route::Privacy,
            (Some("products"), Some(line), Some(serial)) if is_plain_id(line) => {
                match decode(serial) {
                    Some(serial) if !serial.trim().is_empty() && serial.chars().count() <= 100 => {
                        Route::Product(line.to_string(), serial)
                    }
                    _ => Route::NotFound,
                }
            }
            (Some("requests"), Some(reference), None) if is_reference_like(reference) => {
                Route::Request(reference.to_string())
            }
            _ => Route::NotFound,
        }
    }

    fn path(&self) -> String {
        match self {
            Route::Inbox | Route::NotFound => "/desk/".into(),
            Route::Figures => "/desk/figures".into(),
            Route::FollowUps => "/desk/follow-ups".into(),
            Route::Board => "/desk/board".into(),
            Route::Products => "/desk/products".into(),
            Route::Privacy => "/desk/privacy".into(),
            Route::Product(line, serial) => {
                ["/desk/products/", &encode(line), "/", &encode(serial)].concat()
            }
            Route::Request(reference) => ["/desk/requests/", &encode(reference)].concat(),
        }
    }
}

impl Route {
    /// The message key of the screen's name, for the page title.
    pub fn title_key(&self) -> &'static str {
        match self {
            Route::Inbox => "title.inbox",
            Route::Request(_) => "title.request",
            Route::Figures => "title.figures",
            Route::FollowUps => "title.follow_ups",
            Route::Board => "title.board",
            Route::Products | Route::Product(..) => "title.products",
            Route::Privacy => "title.privacy",
            Route::NotFound => "title.not_found",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_reads_back_from_its_address() {
        for route in [
            Route::Inbox,
            Route::Figures,
            Route::FollowUps,
            Route::Board,
            Route::Request("SR-20261127-0001".into()),
            Route::Products,
            Route::Product("inverter".into(), "INV 7K5/0042 变".into()),
            Route::Privacy,
        ] {
            assert_eq!(Route::parse(&route.path(), ""), route, "{}", route.path());
        }
    }

    #[test]
    fn the_desks_root_with_or_without_its_slash_is_the_inbox() {
        assert_eq!(Route::parse("/desk/", ""), Route::Inbox);
        assert_eq!(Route::parse("/desk", ""), Route::Inbox);
        assert_eq!(Route::parse("/desk/figures/", ""), Route::Figures);
    }

    #[test]
    fn unknown_or_hostile_addresses_are_not_found() {
        for path in [
            "/desk/no-such-screen",
            "/desk/requests",
            "/desk/requests/",
            "/desk/requests/SR-1/x",
            "/desk/requests/%3Cscript%3E",
            "/desk/requests/<b>",
            "/desk/products/Inverter/INV-1",
            "/desk/products/inverter/%E7%8",
            "/desk/products/inverter",
        ] {
            assert_eq!(Route::parse(path, ""), Route::NotFound, "{path}");
        }
        let long = format!("/desk/requests/{}", "A".repeat(65));
        assert_eq!(Route::parse(&long, ""), Route::NotFound);
    }

    #[test]
    fn each_screen_has_a_title() {
        assert_eq!(Route::Request("SR-1".into()).title_key(), "title.request");
        assert_eq!(Route::NotFound.title_key(), "title.not_found");
    }
}
