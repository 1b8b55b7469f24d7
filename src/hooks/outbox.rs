//! Owns the outbox as screens use it: submitting a finished draft, retrying an item, taking one
//! back to edit, and the customer's follow-ups (answers, ratings), each recorded in storage
//! and then handed to the sender.

use shouhou_core::outbox::{FollowUp, OutboxItem};
use shouhou_core::{Draft, PhotoRef};
use yew::prelude::*;

use super::use_app;
use crate::ids::{new_draft, new_uuid, now_ms, today};
use crate::state::{Action, AppState};
use crate::storage::drafts::Writer;

/// The outbox as screens use it: submit a finished draft, retry an item now, take an unsent
/// one back to edit. Each is one call: core decides (checks, date stamp, what a retry
/// means), storage records it, and the sender is woken.
#[derive(Clone, PartialEq)]
pub struct OutboxService {
    state: UseReducerHandle<AppState>,
    writer: Option<Writer>,
    send: Callback<bool>,
}

impl OutboxService {
    /// Puts the draft in the outbox and starts sending it, or shows what is missing.
    pub fn submit(&self, draft: &Draft) {
        let Some(config) = self.state.config.clone() else { return };
        // Storage opens before the form can show, so there is always a writer here.
        let Some(writer) = &self.writer else { return };
        match OutboxItem::submit(draft.clone(), &config, today(), self.state.lang, now_ms()) {
            Ok(item) => {
                writer.submit(item.clone());
                self.state.dispatch(Action::Submitted { item, next: new_draft() });
                self.send.emit(false);
            }
            Err(errors) => self.state.dispatch(Action::ShowErrors(errors)),
        }
    }

    /// Sends a follow-up to a filed request (an answer, a rating) through the outbox.
    pub fn follow_up(&self, follow_up: FollowUp, photos: Vec<PhotoRef>) {
        let Some(writer) = &self.writer else { return };
        let item = OutboxItem::follow_up(new_uuid(), new_uuid(), follow_up, photos, now_ms());
        writer.put_outbox(item);
        self.send.emit(false);
    }

    /// "Try again now" for one item.
    pub fn retry(&self, id: &str) {
        let Some(mut item) = self.item(id) else { return };
        item.retry_now(now_ms());
        if let Some(writer) = &self.writer {
            writer.put_outbox(item);
        }
        self.send.emit(false);
    }

    /// "Take back to edit": the unsent request is the draft on screen again.
    pub fn take_back(&self, id: &str) {
        let Some(item) = self.item(id).filter(|item| !item.is_sent() && item.follow_up.is_none())
        else {
            return;
        };
        let draft = item.to_draft(now_ms());
        if let Some(writer) = &self.writer {
            writer.back_to_draft(draft.clone());
        }
        self.state.dispatch(Action::EditAsDraft(draft));
    }

    fn item(&self, id: &str) -> Option<OutboxItem> {
        self.state.outbox.iter().find(|item| item.id == id).cloned()
    }
}

/// The outbox service of the app this screen is in.
#[hook]
pub fn use_outbox() -> OutboxService {
    let ctx = use_app();
    OutboxService { state: ctx.state, writer: ctx.writer, send: ctx.send_outbox }
}
