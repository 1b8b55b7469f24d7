//! The inbox: every request, filtered and searched, in the API's order (the escalated first,
//! then what the team owes by reply-by time, then the newest), a count per status, read again
//! at every change the live desk hears of, a page at a time ("show more"). The filters belong
//! to the shell, so they are as they were when staff come back from a request.

use shouhou_core::desk::InboxFilter;
use shouhou_web::dom::{clear, some, value_of};
use yew::prelude::*;

use crate::components::inbox::{counts, filters, table};
use crate::context::use_desk;
use crate::hooks::inbox::use_inbox;
use crate::hooks::title::use_focus_title;

#[derive(Properties, PartialEq)]
pub struct InboxProps {
    pub filter: InboxFilter,
    pub on_filter: Callback<InboxFilter>,
}

#[function_component(InboxPage)]
pub fn inbox_page(props: &InboxProps) -> Html {
    let desk = use_desk();
    use_focus_title(());
    let list = use_inbox(&desk, &props.filter);
    let search = use_node_ref();

    let on_search = {
        let (filter, on_filter, search) =
            (props.filter.clone(), props.on_filter.clone(), search.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut next = filter.clone();
            next.q = some(value_of(&search));
            on_filter.emit(next);
        })
    };
    let on_clear = {
        let (on_filter, search) = (props.on_filter.clone(), search.clone());
        Callback::from(move |_: MouseEvent| {
            clear(&search);
            on_filter.emit(InboxFilter::default());
        })
    };
    let refresh = list.refresh.reform(drop);
    let updated = (!list.updated.is_empty())
        .then(|| desk.tf("inbox.updated", &[("time", list.updated.clone())]));

    html! {
        <>
            <div class="title-row">
                <h1 id="page-title" tabindex="-1">{ desk.t("inbox.heading") }</h1>
                <p class="updated">
                    { for updated }
                    { " " }
                    <button type="button" class="secondary small" onclick={refresh}>{ desk.t("inbox.refresh") }</button>
                </p>
            </div>
            // Wrapped: Yew pairs unkeyed children from the end, so a part that comes and goes
            // at this level would make it rebuild (and unfocus) the heading above.
            <div>{ for list.inbox.as_ref().map(|inbox| counts(&desk, inbox, &props.filter, &props.on_filter)) }</div>
            { filters(&desk, &props.filter, &props.on_filter, &search, on_search, on_clear) }
            <div>
                if let Some(key) = &list.error {
                    <p class="error" role="alert">{ desk.t(key) }</p>
                }
                { for list.inbox.as_ref().map(|inbox| table(&desk, inbox)) }
                if let Some(more) = &list.more {
                    <p>
                        <button type="button" class="secondary" aria-busy={list.reading_more.to_string()} onclick={more.reform(drop)}>
                            { desk.t("inbox.more") }
                        </button>
                    </p>
                }
            </div>
        </>
    }
}
