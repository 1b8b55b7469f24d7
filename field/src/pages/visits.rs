//! Today's and the coming visits (今天和接下来的上门), from the server with signal (then
//! kept, with each visit's request), else as the tablet kept them; and the reports waiting
//! to be sent.

use shouhou_core::desk::VisitRow;
use shouhou_core::visit::VisitState;
use shouhou_web::i18n::label;
use yew::prelude::*;

use crate::context::{use_tablet, Tablet};
use crate::load::{self, Failure, Loaded};
use crate::plan::{agenda, others_kept, window, When};
use crate::time::saved_at;

#[function_component(VisitsPage)]
pub fn visits_page() -> Html {
    let tablet = use_tablet();
    let shown = use_state(|| None::<Result<Loaded<Vec<VisitRow>>, Failure>>);
    // How many visits' details are kept for offline use, once they are.
    let details = use_state(|| None::<usize>);
    // How many drafts and reports on the tablet could not be read back (set aside as they were).
    let unreadable = use_state(|| 0usize);
    // How many reports of other engineers this tablet keeps (drafts and queued): only counted.
    let others = use_state(|| 0usize);
    {
        let (shown, details, keep, signed_out) =
            (shown.clone(), details.clone(), tablet.keep.clone(), tablet.signed_out.clone());
        use_effect_with(tablet.refresh, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = load::visits(keep.as_ref()).await;
                if loaded == Err(Failure::SignedOut) {
                    return signed_out.emit(());
                }
                let fresh = loaded.as_ref().ok().filter(|l| l.fresh).map(|l| l.data.clone());
                shown.set(Some(loaded));
                if let (Some(rows), Some(keep)) = (fresh, keep) {
                    let open: Vec<VisitRow> =
                        rows.into_iter().filter(|r| r.state != VisitState::Cancelled).collect();
                    details.set(Some(load::keep_details(&keep, &open).await));
                }
            });
        });
    }
    // Each arrival on the list (after a report is filed, too) starts at its heading; a read
    // again when signal returns leaves the focus where it is.
    {
        let (unreadable, others, keep) = (unreadable.clone(), others.clone(), tablet.keep.clone());
        let login = tablet.session.login.clone();
        use_effect_with(tablet.outbox.len(), move |_| {
            if let Some(keep) = keep {
                wasm_bindgen_futures::spawn_local(async move {
                    // Reading the outbox sets aside what cannot be read, before it is counted.
                    let outbox = keep.outbox().await;
                    unreadable.set(keep.unreadable().await);
                    let drafts: Vec<_> = keep.drafts().await.into_iter().map(|(_, d)| d).collect();
                    others.set(others_kept(&drafts, &outbox, &login));
                });
            }
        });
    }
    use_effect_with((), |_| shouhou_web::dom::focus_by_id("page-title", false));
    let body = match &*shown {
        None => html! { <p class="loading" role="status">{ tablet.t("visits.loading") }</p> },
        Some(Err(Failure::NothingKept)) => {
            html! { <p role="status">{ tablet.t("visits.nothing_kept") }</p> }
        }
        Some(Err(Failure::Failed(key))) => {
            html! { <p class="error" role="alert">{ tablet.t(key) }</p> }
        }
        Some(Err(Failure::SignedOut)) => html! {},
        Some(Ok(loaded)) => list(&tablet, loaded, *details),
    };
    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ tablet.t("visits.heading") }</h1>
            if tablet.keep.is_none() {
                <p class="error" role="alert">{ tablet.t("visits.no_storage") }</p>
            }
            if *unreadable > 0 {
                <p class="error" role="alert">{ tablet.tf("visits.unreadable", &[("count", unreadable.to_string())]) }</p>
            }
            { queue(&tablet, *others) }
            { body }
        </>
    }
}

fn list(tablet: &Tablet, loaded: &Loaded<Vec<VisitRow>>, details: Option<usize>) -> Html {
    let today = load::today(loaded.data.first().map(|v| v.from.as_str()));
    let listed = agenda(&loaded.data, today);
    let provenance = if loaded.fresh {
        match details {
            Some(count) => tablet.tf("visits.kept", &[("count", count.to_string())]),
            None => tablet.t("visits.keeping"),
        }
    } else {
        tablet.tf("visits.offline", &[("time", saved_at(tablet.lang, loaded.saved_at_ms))])
    };
    let section = |when: When, heading: &str| {
        let rows: Vec<&VisitRow> =
            listed.iter().filter(|(w, _)| *w == when).map(|(_, row)| row).collect();
        if rows.is_empty() && when != When::Today {
            return html! {};
        }
        let id = format!("visits-{heading}");
        html! {
            <section aria-labelledby={id.clone()}>
                <h2 {id}>{ tablet.t(&["visits.", heading].concat()) }</h2>
                if rows.is_empty() {
                    <p>{ tablet.t("visits.none_today") }</p>
                } else {
                    <ul class="visit-list">{ for rows.into_iter().map(|row| item(tablet, row)) }</ul>
                }
            </section>
        }
    };
    html! {
        <>
            <p class="provenance" role="status" data-testid="provenance">{ provenance }</p>
            { section(When::Today, "today") }
            { section(When::Coming, "coming") }
            { section(When::Earlier, "earlier") }
        </>
    }
}

fn item(tablet: &Tablet, row: &VisitRow) -> Html {
    let queued = tablet.outbox.iter().any(|item| item.visit == row.id && item.waiting());
    let state = if queued {
        tablet.t("visit.state.queued")
    } else {
        label(tablet.lang, "visit.state", row.state.as_str())
    };
    html! {
        <li class="visit-item">
            <a href={format!("/field/visits/{}", row.id)}>
                <span class="when">{ window(&row.from, &row.to) }</span>
                <span class="who">{ &row.full_name }</span>
            </a>
            <span class="what">{ tablet.line_name(&row.product_line) }{ " · " }{ &row.reference }</span>
            <span class="state">{ state }</span>
        </li>
    }
}

/// The signed-in engineer's reports on this tablet waiting to be sent, and how many of
/// other engineers' it keeps (their customers and words are not this engineer's to read).
fn queue(tablet: &Tablet, others: usize) -> Html {
    let login = &tablet.session.login;
    let waiting: Vec<_> =
        tablet.outbox.iter().filter(|item| item.waiting() && !item.someone_elses(login)).collect();
    let items = waiting.iter().map(|item| {
        let state = match &item.refused {
            Some(message) => tablet.tf("queue.refused", &[("message", message.clone())]),
            None if item.report.is_some() => tablet.t("queue.joining"),
            None => tablet.t("queue.waiting"),
        };
        html! {
            <li>
                <a href={format!("/field/visits/{}", item.visit)}>{ &item.fields.full_name }{ " · " }{ &item.request }</a>
                { " — " }<span>{ state }</span>
            </li>
        }
    });
    html! {
        <section class="queue" aria-labelledby="queue-heading" data-testid="queue">
            <h2 id="queue-heading">{ tablet.t("queue.heading") }</h2>
            <p role="status">{ tablet.tf("queue.count", &[("count", waiting.len().to_string())]) }</p>
            if !waiting.is_empty() {
                <ul>{ for items }</ul>
            }
            if others > 0 {
                <p data-testid="others-kept">{ tablet.tf("queue.others_kept", &[("count", others.to_string())]) }</p>
            }
        </section>
    }
}
