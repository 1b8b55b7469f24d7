//! Every screen of the customer app has a URL, so Back and Forward stay inside the app, a
//! reload shows the same screen and a printed receipt's link opens the status screen.
//!
//! Parsing lives here, not in the app, because what a URL means is a rule (which references
//! are plausible, which steps exist), testable natively.

use crate::steps::Step;

/// A screen, as its URL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Start,
    /// Guided troubleshooting; the node the customer is on stays in the draft.
    Help,
    /// A form step: contact, product, problem or report.
    Form(Step),
    Review,
    /// The receipt of a submitted request: its reference once the backend gave one, until
    /// then the outbox item's id.
    Sent(String),
    Drafts,
    Outbox,
    Status(String),
    /// Puts the device in kiosk mode.
    Kiosk,
}

impl Route {
    /// The screen a location names. `query` is the search part without `?`; a printed
    /// receipt's `/?status=<reference>` is the status screen. Anything unknown is the start.
    pub fn parse(path: &str, query: &str) -> Route {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => query
                .split('&')
                .find_map(|pair| pair.strip_prefix("status="))
                .filter(|reference| is_reference_like(reference))
                .map_or(Route::Start, |reference| Route::Status(reference.to_string())),
            ["help"] => Route::Help,
            ["review"] => Route::Review,
            ["drafts"] => Route::Drafts,
            ["outbox"] => Route::Outbox,
            ["kiosk"] => Route::Kiosk,
            // "Check a request": the reference is asked on the screen.
            ["status"] => Route::Status(String::new()),
            ["form", step] => match Step::parse(step) {
                Some(step) if step.is_form_page() => Route::Form(step),
                _ => Route::Start,
            },
            ["sent", key] if is_reference_like(key) => Route::Sent(key.to_string()),
            ["status", reference] if is_reference_like(reference) => {
                Route::Status(reference.to_string())
            }
            _ => Route::Start,
        }
    }

    pub fn path(&self) -> String {
        match self {
            Route::Start => "/".into(),
            Route::Help => "/help".into(),
            Route::Form(step) => format!("/form/{}", step.name()),
            Route::Review => "/review".into(),
            Route::Sent(key) => format!("/sent/{key}"),
            Route::Drafts => "/drafts".into(),
            Route::Outbox => "/outbox".into(),
            Route::Status(reference) if reference.is_empty() => "/status".into(),
            Route::Status(reference) => format!("/status/{reference}"),
            Route::Kiosk => "/kiosk".into(),
        }
    }

    /// The route of a journey step.
    pub fn of_step(step: Step) -> Route {
        match step {
            Step::Start => Route::Start,
            Step::Guide => Route::Help,
            Step::Review => Route::Review,
            step => Route::Form(step),
        }
    }
}

/// References and outbox ids are short runs of letters, digits and dashes; anything else in
/// a URL is not one and must not reach a look-up or the page (the desk's addresses too).
pub fn is_reference_like(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_reads_back_from_its_path() {
        let routes = [
            Route::Start,
            Route::Help,
            Route::Form(Step::Contact),
            Route::Form(Step::Product),
            Route::Form(Step::Problem),
            Route::Form(Step::Report),
            Route::Review,
            Route::Sent("SR-20261127-0001".into()),
            Route::Drafts,
            Route::Outbox,
            Route::Status("SR-20261127-0001".into()),
            Route::Status(String::new()),
            Route::Kiosk,
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.path(), ""), route, "{}", route.path());
        }
    }

    #[test]
    fn a_printed_receipts_query_opens_the_status_screen() {
        assert_eq!(
            Route::parse("/", "status=SR-20261127-0001"),
            Route::Status("SR-20261127-0001".into())
        );
        assert_eq!(Route::parse("/", "lang=en&status=SR-1"), Route::Status("SR-1".into()));
        assert_eq!(Route::parse("/", "status="), Route::Start);
    }

    #[test]
    fn unknown_or_hostile_paths_are_the_start() {
        for path in ["/nope", "/form/guide", "/form/start", "/form/review", "/form/x", "/a/b/c"] {
            assert_eq!(Route::parse(path, ""), Route::Start, "{path}");
        }
        assert_eq!(Route::parse("/status/<script>", ""), Route::Start);
        assert_eq!(Route::parse("/", "status=%3Cscript%3E"), Route::Start);
        assert_eq!(Route::parse(&format!("/status/{}", "A".repeat(65)), ""), Route::Start);
    }

    #[test]
    fn trailing_slashes_do_not_matter() {
        assert_eq!(Route::parse("/review/", ""), Route::Review);
        assert_eq!(Route::parse("/form/contact/", ""), Route::Form(Step::Contact));
    }
}
