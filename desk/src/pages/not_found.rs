//! An address the desk does not know: said so, with the way back to the inbox.

use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::context::use_desk;
use crate::hooks::title::use_focus_title;
use crate::route::Route;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    let desk = use_desk();
    use_focus_title(());
    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ desk.t("title.not_found") }</h1>
            <p><a href={Route::Inbox.path()}>{ desk.t("nav.inbox") }</a></p>
        </>
    }
}
