//! The desk's shell: wires the hooks (language, session, configuration, the address), shows
//! the header and the page for the address, and keeps the inbox's filters while staff open
//! a request.

use shouhou_core::desk::InboxFilter;
use yew::prelude::*;

use crate::components::header::header;
use crate::context::Desk;
use crate::hooks::language::use_language;
use crate::hooks::lines::use_desk_settings;
use crate::hooks::live::use_live;
use crate::hooks::session::{use_session, SessionState};
use crate::hooks::title::use_document_title;
use crate::pages::board::BoardPage;
use crate::pages::figures::FiguresPage;
use crate::pages::follow_ups::FollowUpsPage;
use crate::pages::inbox::InboxPage;
use crate::pages::not_found::NotFound;
use crate::pages::privacy::PrivacyPage;
use crate::pages::products::ProductsPage;
use crate::pages::request::RequestPage;
use crate::pages::sign_in::SignIn;
use crate::route::{Route, SITE};

#[function_component(App)]
pub fn app() -> Html {
    let language = use_language();
    let session = use_session();
    let settings = use_desk_settings();
    let routing = shouhou_web::router::use_route::<Route>(SITE);
    let route = routing.route.clone();
    // The inbox's filters outlive the inbox: back from a request, they are as they were.
    let filter = use_state(InboxFilter::default);

    let lang = language.lang;
    let signed_in = match &session.state {
        SessionState::SignedIn(s) => Some(s.clone()),
        _ => None,
    };
    let live = use_live(signed_in.is_some());
    let ready = language.ready && session.state != SessionState::Unknown && settings.is_some();
    let screen = if signed_in.is_some() { route.title_key() } else { "title.sign_in" };
    let title =
        [shouhou_web::i18n::tr(lang, screen), shouhou_web::i18n::tr(lang, "app.name")].join(" · ");
    use_document_title(title, ready);

    if !ready {
        return html! {
            <main id="main"><p class="loading">{ "正在加载… Loading…" }</p></main>
        };
    }
    let desk = Desk {
        lang,
        session: signed_in,
        settings: settings.unwrap_or_default(),
        signed_in: session.signed_in.clone(),
        signed_out: session.signed_out.clone(),
        live,
        navigate: routing.navigate.clone(),
    };
    let body = match (&desk.session, &route) {
        (None, _) => html! { <SignIn /> },
        (Some(_), Route::Inbox) => {
            let on_filter = {
                let filter = filter.clone();
                Callback::from(move |f: InboxFilter| filter.set(f))
            };
            html! { <InboxPage filter={(*filter).clone()} {on_filter} /> }
        }
        (Some(_), Route::Request(reference)) => {
            html! { <RequestPage reference={reference.clone()} /> }
        }
        (Some(_), Route::Figures) => html! { <FiguresPage /> },
        (Some(_), Route::FollowUps) => html! { <FollowUpsPage /> },
        (Some(_), Route::Board) => html! { <BoardPage /> },
        (Some(_), Route::Products) => html! { <ProductsPage unit={None::<(String, String)>} /> },
        (Some(_), Route::Product(line, serial)) => {
            html! { <ProductsPage unit={Some((line.clone(), serial.clone()))} /> }
        }
        (Some(_), Route::Privacy) => html! { <PrivacyPage /> },
        (Some(_), Route::NotFound) => html! { <NotFound /> },
    };
    html! {
        <ContextProvider<Desk> context={desk.clone()}>
            { header(&desk, &route, language.switch.clone(), session.sign_out.clone()) }
            <main id="main">{ body }</main>
        </ContextProvider<Desk>>
    }
}
