//! Where a screen reader starts on each screen: the page's title, and the focus on the new
//! screen's heading.

use shouhou_web::dom;
use yew::prelude::*;

/// The page's title follows the screen and the language (set once the words are there).
#[hook]
pub fn use_document_title(title: String, ready: bool) {
    use_effect_with((title, ready), |(title, ready)| {
        if *ready {
            dom::set_title(title);
        }
    });
}

/// Each new screen's heading (`#page-title`) takes the focus, so a screen reader hears where
/// it is; a screen calls it with what makes it new (`()`: once; a reference: per request).
#[hook]
pub fn use_focus_title<D: PartialEq + 'static>(deps: D) {
    // After this render has replaced the previous screen (whose heading had the same id).
    use_effect_with(deps, |_| {
        gloo_timers::callback::Timeout::new(0, || dom::focus_by_id("page-title", false)).forget();
    });
}
