//! Sends what is due in the outbox: at once after "Submit", when the browser comes back
//! online, and on a timer for backed-off retries (no Background Sync: only Chromium has it).
//! IndexedDB is the source of truth: each run reads the outbox afresh, so a second tab or a
//! restart never works from a stale list, and the idempotency key makes a double send harmless.

use std::cell::Cell;
use std::rc::Rc;

use shouhou_core::outbox::{AfterSend, OutboxItem};
use shouhou_core::{AppConfig, Lang};
use yew::Callback;

use crate::ids::{new_uuid, now_ms};
use crate::services::api::submit;
use crate::storage::drafts::Writer;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// Asked for again while running: one more pass when this one ends.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    /// The next pass treats every unsent item as due.
    static FORCE: Cell<bool> = const { Cell::new(false) };
}

/// What the screen learns from a run.
pub enum SenderReport {
    /// The outbox as it now is.
    Outbox(Vec<OutboxItem>),
    /// The server refused an item's content: it is a draft again, with these messages.
    Returned { draft: shouhou_core::Draft, message: String, fields: Vec<shouhou_core::FieldError> },
}

/// Sends every due item, one at a time; a call while a run is going on asks for one more run.
/// `everything` sends all unsent items regardless of their backoff: the network just came
/// back, and the waits were for a network that was not there.
pub fn send_due(
    writer: Writer,
    config: Rc<AppConfig>,
    lang: Lang,
    everything: bool,
    kiosk: bool,
    report: Callback<SenderReport>,
) {
    if everything {
        FORCE.with(|force| force.set(true));
    }
    if RUNNING.with(|running| running.replace(true)) {
        AGAIN.with(|again| again.set(true));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            AGAIN.with(|again| again.set(false));
            run_once(&writer, &config, lang, kiosk, &report).await;
            if !AGAIN.with(Cell::get) {
                break;
            }
        }
        RUNNING.with(|running| running.set(false));
    });
}

async fn run_once(
    writer: &Writer,
    config: &AppConfig,
    lang: Lang,
    kiosk: bool,
    report: &Callback<SenderReport>,
) {
    writer.flushed().await;
    let mut items = writer.store().load_outbox().await;
    report.emit(SenderReport::Outbox(items.clone()));
    let now = now_ms();
    if FORCE.with(|force| force.replace(false)) {
        for item in &mut items {
            item.retry_now(now);
        }
    }
    let due: Vec<String> =
        items.iter().filter(|item| item.is_due(now)).map(|item| item.id.clone()).collect();
    for id in due {
        let Some(index) = items.iter().position(|item| item.id == id) else { continue };
        items[index].start_sending();
        writer.put_outbox(items[index].clone());
        report.emit(SenderReport::Outbox(items.clone()));

        let outcome = if items[index].follow_up.is_some() {
            let store = writer.store();
            crate::services::status::send_follow_up(&config.backend.url, &items[index], lang, store)
                .await
        } else {
            submit(config, &items[index].draft, lang, writer.store()).await
        };
        match items[index].record(outcome, now_ms(), js_sys::Math::random(), new_uuid()) {
            AfterSend::Keep => {
                let delivered = items[index].is_sent();
                // The signature stays for the printed receipt (not on a kiosk: nothing
                // personal stays there).
                let fields = &items[index].draft.fields;
                let photos: Vec<String> = fields
                    .photos
                    .iter()
                    .map(|p| p.id.clone())
                    .filter(|id| kiosk || *id != fields.signature)
                    .collect();
                // A kiosk keeps only what sending needs: once delivered, nothing personal.
                if kiosk && delivered {
                    items[index] = items[index].without_personal_data();
                }
                writer.put_outbox(items[index].clone());
                // Delivered: the server holds the photos now; this device need not.
                if delivered {
                    writer.store().delete_photos(&photos).await;
                }
            }
            AfterSend::BackToDraft { draft, message, fields } => {
                items.remove(index);
                writer.back_to_draft((*draft).clone());
                report.emit(SenderReport::Returned { draft: *draft, message, fields });
            }
        }
        writer.flushed().await;
        report.emit(SenderReport::Outbox(items.clone()));
    }
}
