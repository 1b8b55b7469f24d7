//! The app's state and everything that can happen to it. Domain decisions (how a draft
//! changes, what is valid) are delegated to `shouhou-core`; this reducer only records
//! their outcome and what the screen must show.

use std::rc::Rc;

use shouhou_core::{AppConfig, Draft, DraftEvent, Field, FieldError, Lang};
use yew::Reducible;

use crate::storage::drafts::SaveReport;
use crate::storage::idb::StorageError;

/// Why the last submission did not arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitProblem {
    Network,
    Unavailable { status: u16 },
    Refused { message: String },
}

/// What the confirmation page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub reference: String,
    /// RFC 3339.
    pub reply_by: String,
    pub reply_within_hours: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveStatus {
    /// Nothing typed yet in this session.
    Idle,
    Saved,
    Failed(StorageError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub lang: Lang,
    pub config: Option<Rc<AppConfig>>,
    pub config_failed: bool,
    /// `None` until storage has been read.
    pub draft: Option<Draft>,
    pub errors: Vec<FieldError>,
    /// Whether the customer tried to move on from this step: errors then follow their typing.
    pub attempted: bool,
    /// Grows each time focus must move to the error summary.
    pub summary_focus: u32,
    pub submitting: bool,
    pub problem: Option<SubmitProblem>,
    pub confirmation: Option<Confirmation>,
    pub save: SaveStatus,
    pub quarantined: usize,
    pub storage_warning: Option<StorageError>,
    /// Whether the customer has moved between screens: from then on each new screen takes
    /// focus on its heading (not on first load, where the browser's own start is better).
    pub navigated: bool,
}

pub enum Action {
    SetLang(Lang),
    ConfigLoaded(Rc<AppConfig>),
    ConfigFailed,
    StorageReady { draft: Draft, quarantined: usize, warning: Option<StorageError> },
    Edit { field: Field, value: String, now_ms: u64 },
    Continue { now_ms: u64 },
    Back { now_ms: u64 },
    ShowErrors(Vec<FieldError>),
    SubmitStarted,
    SubmitFailed(SubmitProblem),
    /// The server refused the content; the draft gets a fresh key for the corrected request.
    SubmitRefused { problem: SubmitProblem, fields: Vec<FieldError>, new_key: String },
    Submitted { confirmation: Confirmation, next: Draft },
    StartAgain,
    Saved(SaveReport),
}

impl AppState {
    pub fn new(lang: Lang) -> AppState {
        AppState {
            lang,
            config: None,
            config_failed: false,
            draft: None,
            errors: Vec::new(),
            attempted: false,
            summary_focus: 0,
            submitting: false,
            problem: None,
            confirmation: None,
            save: SaveStatus::Idle,
            quarantined: 0,
            storage_warning: None,
            navigated: false,
        }
    }

    fn refresh_errors(&mut self) {
        if let (true, Some(draft), Some(config)) = (self.attempted, &self.draft, &self.config) {
            self.errors = draft.step_errors(config);
        }
    }

    fn step_changed(&mut self) {
        self.errors.clear();
        self.attempted = false;
        self.problem = None;
        self.navigated = true;
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetLang(lang) => next.lang = lang,
            Action::ConfigLoaded(config) => {
                next.config = Some(config);
                next.config_failed = false;
            }
            Action::ConfigFailed => next.config_failed = true,
            Action::StorageReady { draft, quarantined, warning } => {
                next.draft = Some(draft);
                next.quarantined = quarantined;
                next.storage_warning = warning;
            }
            Action::Edit { field, value, now_ms } => {
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    let _ = draft.apply(DraftEvent::Edit { field, value }, config, now_ms);
                }
                next.refresh_errors();
            }
            Action::Continue { now_ms } | Action::Back { now_ms } => {
                let event = if matches!(action, Action::Continue { .. }) { DraftEvent::Continue } else { DraftEvent::Back };
                let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) else {
                    return self;
                };
                match draft.apply(event, config, now_ms) {
                    Ok(()) => next.step_changed(),
                    Err(errors) => {
                        next.errors = errors;
                        next.attempted = true;
                        next.summary_focus += 1;
                    }
                }
            }
            Action::ShowErrors(errors) => {
                next.errors = errors;
                next.attempted = true;
                next.summary_focus += 1;
            }
            Action::SubmitStarted => {
                next.submitting = true;
                next.problem = None;
            }
            Action::SubmitFailed(problem) => {
                next.submitting = false;
                next.problem = Some(problem);
            }
            Action::SubmitRefused { problem, fields, new_key } => {
                next.submitting = false;
                next.problem = Some(problem);
                if let Some(draft) = next.draft.as_mut() {
                    draft.renew_idempotency_key(new_key);
                }
                if !fields.is_empty() {
                    next.errors = fields;
                    next.attempted = true;
                    next.summary_focus += 1;
                }
            }
            Action::Submitted { confirmation, next: fresh } => {
                next.submitting = false;
                next.confirmation = Some(confirmation);
                next.draft = Some(fresh);
                next.step_changed();
                next.save = SaveStatus::Idle;
            }
            Action::StartAgain => {
                next.confirmation = None;
                next.step_changed();
            }
            Action::Saved(report) => {
                next.save = match report {
                    SaveReport::Saved { .. } => SaveStatus::Saved,
                    SaveReport::Failed(error) => SaveStatus::Failed(error),
                };
            }
        }
        Rc::new(next)
    }
}
