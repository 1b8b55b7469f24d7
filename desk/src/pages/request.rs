//! One request: what 三包 gives, every field, the unit's archive record and service history,
//! the photos, the warranty, the troubleshooting transcript and the timeline, what was sent
//! about it to whom, and what staff do with it.

use shouhou_core::status::EntryKind;
use shouhou_core::Field;
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::components::actions::Actions;
use crate::components::notices::notices;
use crate::components::product::{entitlement, history, product};
use crate::components::request::{fields, photos, report, summary, timeline, transcript};
use crate::context::use_desk;
use crate::hooks::notices::use_notices;
use crate::hooks::request::use_request;
use crate::hooks::title::use_focus_title;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct RequestProps {
    pub reference: String,
}

#[function_component(RequestPage)]
pub fn request_page(props: &RequestProps) -> Html {
    let desk = use_desk();
    use_focus_title(props.reference.clone());
    let request = use_request(&desk, &props.reference);
    let sent = use_notices(&desk, &props.reference);

    let back =
        html! { <p class="back"><a href={Route::Inbox.path()}>{ desk.t("request.back") }</a></p> };
    let heading = html! {
        <h1 id="page-title" tabindex="-1">{ desk.tf("request.heading", &[("reference", props.reference.clone())]) }</h1>
    };
    let Some(d) = request.detail.as_deref() else {
        return html! {
            <>
                { back }
                { heading }
                <div>
                    if let Some(key) = &request.error {
                        <p class="error" role="alert">{ desk.t(key) }</p>
                    } else {
                        <p class="loading">{ desk.t("loading") }</p>
                    }
                </div>
            </>
        };
    };
    let sections = d.sections();
    // The parts that fit this line, and a proof of purchase still to confirm.
    let parts: Vec<_> =
        desk.settings.parts.iter().filter(|p| p.fits(&d.request.product_line)).cloned().collect();
    let proof = d.request.details.get(Field::WarrantyProof.name()).is_some_and(|v| v == "yes")
        && !d.timeline.iter().any(|e| e.kind == EntryKind::Warranty);
    let walked =
        d.request.troubleshooting.as_ref().map(|t| transcript(&desk, t, request.flow.as_deref()));
    html! {
        <>
            { back }
            { heading }
            // One element after the heading, as while loading: Yew pairs unkeyed children
            // from the end, and a different count would rebuild (and unfocus) the heading.
            <div>
                { summary(&desk, d) }
                // Said once as it appears; an empty live region before, so it is heard.
                <p class="typing" role="status">
                    { for desk.live.typing.as_ref().filter(|t| t.0 == props.reference)
                        .map(|t| desk.tf("request.typing", &[("login", t.1.clone())])) }
                </p>
                <div class="columns">
                    <div>
                        if let Some(e) = &d.entitlement { { entitlement(&desk, e) } }
                        { fields(&desk, d, &sections) }
                        { product(&desk, d) }
                        { history(&desk, d) }
                        { report(&desk, d, &sections) }
                        { photos(&desk, d, &sections.photos) }
                        { for walked }
                        { timeline(&desk, d) }
                        { for sent.list.as_deref().map(|list| notices(&desk, list, sent.error.as_deref(), &sent.resend)) }
                    </div>
                    if desk.works_requests() {
                        <Actions desk={desk.clone()} next_statuses={d.next_statuses.clone()} members={request.members.clone()}
                            busy={request.busy} said={request.said.clone()} send={request.send.clone()} refuse={request.refuse.clone()}
                            {parts} {proof} typing={request.typing.clone()} />
                    }
                </div>
            </div>
        </>
    }
}
