//! Sends the queued reports: when one is queued, when the browser says it is online again,
//! and on a timer (a tablet's `online` event is not always told). IndexedDB is the source of
//! truth: each run reads the outbox afresh, and each step is written back before the next,
//! so a tab killed between the report and its join sends only the join next time; the
//! idempotency key and the server's idempotent join make a repeated call harmless.

use std::cell::{Cell, RefCell};

use shouhou_core::Lang;
use yew::Callback;

use crate::api;
use crate::keep::Keep;
use shouhou_web::http::HttpError;

use crate::plan::{tried_again, Next, QueuedReport};

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// Asked for again while running: one more pass when this one ends.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    /// Who is signed in now: read before every call, not once per run, because a run waiting
    /// on weak signal can outlast a sign-out and the next engineer's sign-in.
    static SIGNED_IN: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The app's language now: read for every call, so the server's words (a refusal's
    /// message) follow a switch made while a run waits on weak signal.
    static LANG: Cell<Lang> = const { Cell::new(Lang::ZhCn) };
}

/// The language the app speaks now (set at start and at every switch).
pub fn speak(lang: Lang) {
    LANG.with(|now| now.set(lang));
}

/// Nobody is signed in on this tablet any more: no call of a run under way starts after this.
pub fn signed_out() {
    SIGNED_IN.with(|signed_in| signed_in.replace(None));
}

/// Whether `item` may be sent now: its engineer is the one signed in.
fn theirs_now(item: &QueuedReport) -> bool {
    SIGNED_IN.with(|signed_in| {
        signed_in.borrow().as_deref().is_some_and(|login| !item.someone_elses(login))
    })
}

/// What the screens hear from a run: the outbox as it stands after each step, and whether a
/// report has just been joined to its visit (the visits then read again).
pub struct Heard {
    pub outbox: Vec<QueuedReport>,
    pub joined: bool,
}

/// Sends whatever is queued; a call while a run is going on asks for one more run.
pub fn send_queued(keep: Keep, signed_in: String, report: Callback<Heard>) {
    SIGNED_IN.with(|now| now.replace(Some(signed_in)));
    if RUNNING.with(|running| running.replace(true)) {
        AGAIN.with(|again| again.set(true));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            AGAIN.with(|again| again.set(false));
            run_once(&keep, &report).await;
            if !AGAIN.with(Cell::get) {
                break;
            }
        }
        RUNNING.with(|running| running.set(false));
    });
}

async fn run_once(keep: &Keep, report: &Callback<Heard>) {
    let items = keep.outbox().await;
    report.emit(Heard { outbox: items.clone(), joined: false });
    for mut item in items {
        loop {
            if !theirs_now(&item) {
                break;
            }
            let lang = LANG.with(Cell::get);
            let outcome = match item.next() {
                Next::Nothing => break,
                Next::File => file(keep, &item, lang).await.map(|reference| {
                    item.report = Some(reference);
                }),
                Next::Join(reference) => {
                    api::join(&item.request, &item.join(&reference), lang).await.map(|()| {
                        item.joined = true;
                    })
                }
            };
            item.attempts += 1;
            let stop = match outcome {
                Ok(()) => false,
                // No answer, or a 2xx whose body was cut: the same key brings the same report.
                Err(HttpError::Offline | HttpError::Unreadable(_)) => true,
                Err(HttpError::Refused(refusal)) if tried_again(refusal.status) => true,
                Err(error) => {
                    item.refused = Some(error.to_string());
                    false
                }
            };
            if item.joined {
                keep.sent(&item).await;
                // The kept list must not offer the visit's report again offline: it is kept
                // afresh now, with the visit done.
                let _ = crate::load::visits(Some(keep)).await;
            } else if keep.put_queued(&item).await.is_err() {
                break;
            }
            report.emit(Heard { outbox: keep.outbox().await, joined: item.joined });
            if stop {
                // No signal, or the server busy: the others would fare the same now.
                return;
            }
        }
    }
}

/// Files the report itself, with its signature from this tablet's storage.
async fn file(keep: &Keep, item: &QueuedReport, lang: Lang) -> Result<String, HttpError> {
    let fields = &item.fields;
    let photo = fields.photos.iter().find(|photo| photo.id == fields.signature);
    let signature = match photo {
        Some(photo) => match keep.signature(&photo.id).await {
            Some(blob) => Some((photo, blob)),
            None => {
                return Err(HttpError::Unsendable(
                    "the signature is missing from this tablet".into(),
                ))
            }
        },
        None => None,
    };
    api::file_report(fields, &item.idempotency_key, signature, lang).await
}
