//! The top bar: the desk's name, the screens staff may open, who is signed in, signing out,
//! and the language switch (in the other language's own words).

use shouhou_web::i18n::other;
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::context::Desk;
use crate::route::Route;

pub fn header(
    desk: &Desk,
    showing: &Route,
    switch_lang: Callback<()>,
    sign_out: Callback<()>,
) -> Html {
    let nav = desk.session.as_ref().map(|session| {
        let link = |to: Route, key: &str| {
            let current = (to.title_key() == showing.title_key()).then_some("page");
            html! { <a href={to.path()} aria-current={current}>{ desk.t(key) }</a> }
        };
        let role = desk.label("role", session.role.as_str());
        html! {
            <>
                <nav class="nav" aria-label={desk.t("nav.label")}>
                    { link(Route::Inbox, "nav.inbox") }
                    { link(Route::FollowUps, "nav.follow_ups") }
                    { link(Route::Board, if desk.is_engineer() { "nav.my_visits" } else { "nav.board" }) }
                    { link(Route::Products, "nav.products") }
                    // On site, the engineer's own app works offline (docs/field.md).
                    if desk.is_engineer() {
                        <a href="/field/">{ desk.t("nav.field") }</a>
                    }
                    if desk.is_lead() {
                        { link(Route::Figures, "nav.figures") }
                        { link(Route::Privacy, "nav.privacy") }
                    }
                </nav>
                <p class="who">{ desk.tf("who", &[("login", session.login.clone()), ("role", role)]) }</p>
                <button type="button" class="secondary" onclick={sign_out.reform(drop)}>{ desk.t("sign_out") }</button>
            </>
        }
    });
    html! {
        <header class="topbar">
            <p class="brand">{ desk.t("app.name") }</p>
            { for nav }
            <button type="button" class="lang" lang={other(desk.lang).tag()} onclick={switch_lang.reform(drop)}>
                { desk.t("lang.switch") }
            </button>
        </header>
    }
}
