//! The app's state and everything that can happen to it. Domain decisions (how a draft
//! changes, what is valid) are delegated to `shouhou-core`; this reducer only records
//! their outcome and what the screen must show.

use std::rc::Rc;

use shouhou_core::draft::GuideEvent;
use shouhou_core::outbox::OutboxItem;
use shouhou_core::product::ProductLookup;
use shouhou_core::rules::KIOSK_CHANNEL;
use shouhou_core::{
    AppConfig, CivilDate, Draft, DraftEvent, Field, FieldError, Flow, Lang, Lineage, Route, Step,
};
use yew::Reducible;

use crate::seed::Seed;
use crate::storage::drafts::SaveReport;
use crate::storage::idb::StorageError;

/// Which screen family is showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// The request journey: start, guided help, form, and the sending/confirmation page.
    Journey,
    Outbox,
    /// "My drafts": every draft on this device.
    Drafts,
    /// The status of a filed request, by its reference.
    Status(String),
    /// `/kiosk` on a device that is not a kiosk: staff type the PIN to make it one.
    KioskSetup,
}

/// Guided troubleshooting for the chosen product line.
#[derive(Debug, Clone, PartialEq)]
pub enum GuidedHelp {
    /// No product line chosen yet, or its flow is being fetched.
    Unknown,
    Available(Rc<Flow>),
    /// The product line has no flow: straight to the form.
    Missing,
    /// The flow file failed validation or could not be read: "guided help unavailable".
    Broken,
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
    /// What the server refused in a request that came back, by field: shown on each field's
    /// step (the app's own checks found nothing there) until the customer changes that field.
    pub server_errors: Vec<FieldError>,
    /// Whether the customer tried to move on from this step: errors then follow their typing.
    pub attempted: bool,
    /// Grows each time focus must move to the error summary.
    pub summary_focus: u32,
    /// Mirrors the outbox in IndexedDB (the sender reports every change).
    pub outbox: Vec<OutboxItem>,
    /// The submitted request whose sending and confirmation page is showing.
    pub showing: Option<String>,
    /// Why the server returned the current draft for correction.
    pub returned: Option<String>,
    pub view: View,
    /// A new version of the app is installed and waits for the customer's word.
    pub update_ready: bool,
    /// The browser refused to make this site's storage persistent, with what it said about
    /// its quota and whether it is known to evict (core's `StorageRisk`, the drafts' ages
    /// added when drawn); `None` while persistent or not asked yet.
    pub not_persistent: Option<shouhou_core::eviction::StorageRisk>,
    pub save: SaveStatus,
    pub quarantined: usize,
    pub storage_warning: Option<StorageError>,
    /// Whether the customer has moved between screens: from then on each new screen takes
    /// focus on its heading (not on first load, where the browser's own start is better).
    pub navigated: bool,
    /// The product line `guided` belongs to.
    pub guided_for: String,
    pub guided: GuidedHelp,
    /// This tab's id in drafts' version vectors (`Draft::edits`).
    pub tab: String,
    /// Another tab changed the draft on screen while this one did too: the other copy,
    /// until the customer decides.
    pub conflict: Option<Draft>,
    /// Whether the address the page was opened at has been applied: until then the screen
    /// must not write its own address over a deep link.
    pub routed: bool,
    /// This device is a shared kiosk: no drafts list, no outbox list, an idle reset.
    pub kiosk: bool,
    /// The kiosk customer finished (or walked away): wipe what they left and start afresh.
    pub kiosk_reset: bool,
    /// Grows with every address the browser asked for (Back, Forward, a deep link): the
    /// screen that answers it replaces that history entry instead of adding one.
    pub address_asked: u32,
    /// The customer's date, as of the last thing they did: what a step asks and the warranty
    /// follow from it, and rendering never asks the browser's clock.
    pub today: CivilDate,
    /// A draft in progress this device kept, found when the app took over a screen the
    /// server drew from its address: offered, never put in place of what is on screen.
    pub earlier: Option<Draft>,
    /// The app is taking over a screen the server drew: its controls keep what they hold
    /// until [`Action::TakenOver`] brings that into the draft.
    pub taking_over: bool,
    /// What the customer chose or typed on the server's page, before the app took it over
    /// and since, until storage has opened (`None` before the take-over and once storage has
    /// opened): carried over once more if storage holds the draft they are continuing, so no
    /// keystroke made before storage answered is lost to the stored copy.
    pub early_edits: Option<Vec<(Field, String)>>,
    /// Storage has opened and its draft has been taken (or set aside).
    pub storage_opened: bool,
}

pub enum Action {
    SetLang(Lang),
    /// A language's messages arrived: draw again.
    MessagesLoaded,
    /// A language's messages could not be fetched (offline before the first visit).
    MessagesFailed,
    ConfigLoaded(Rc<AppConfig>),
    ConfigFailed,
    StorageReady {
        draft: Draft,
        outbox: Vec<OutboxItem>,
        quarantined: usize,
        warning: Option<StorageError>,
    },
    /// The browser's address changed (Back, Forward, a link in the app).
    Navigate(Route),
    /// The kiosk customer pressed "Finish", or the idle countdown ran out.
    KioskReset,
    /// The page opened at this address. The bare site address resumes the draft where the
    /// customer left it; any other address is that screen.
    Opened(Route),
    /// The kiosk's setup closed without the PIN: the journey as it was, the draft untouched.
    KioskSetupClosed,
    Edit {
        field: Field,
        value: String,
        now_ms: u64,
    },
    /// The product archive knew the serial number (see [`DraftEvent::OnRecord`]).
    OnRecord {
        found: ProductLookup,
        now_ms: u64,
    },
    /// The app has taken over the screen the server drew: what its controls hold now (the
    /// customer's choices and typing before and during the take-over), and the honeypot's.
    TakenOver {
        controls: Vec<(Field, String)>,
        honeypot: Option<String>,
        now_ms: u64,
    },
    /// The honeypot input was filled in (see [`DraftEvent::Honeypot`]).
    Honeypot {
        value: String,
        now_ms: u64,
    },
    Continue {
        now_ms: u64,
    },
    /// On from a form step, or back to the review page after a change.
    Next {
        now_ms: u64,
    },
    /// A review page's change link.
    Change {
        step: shouhou_core::Step,
        now_ms: u64,
    },
    Back {
        now_ms: u64,
    },
    AddPhoto {
        photo: shouhou_core::PhotoRef,
        now_ms: u64,
    },
    RemovePhoto {
        id: String,
        now_ms: u64,
    },
    SkipGuide {
        now_ms: u64,
    },
    /// A fresh draft after this one ended without a request (solved by guided help).
    StartOver {
        next: Draft,
    },
    FlowLoaded {
        product_line: String,
        guided: GuidedHelp,
    },
    Guide {
        event: GuideEvent,
        now_ms: u64,
    },
    ShowErrors(Vec<FieldError>),
    /// The finished draft is in the outbox; a fresh draft takes its place.
    Submitted {
        item: OutboxItem,
        next: Draft,
    },
    OutboxChanged(Vec<OutboxItem>),
    /// The server refused a request's content: it is the current draft again, with messages.
    Returned {
        draft: Draft,
        message: String,
        fields: Vec<FieldError>,
    },
    /// The customer took an unsent request back out of the outbox to change it.
    EditAsDraft(Draft),
    ShowOutbox,
    ShowJourney,
    ShowDrafts,
    /// Continue another draft from "My drafts" (or a fresh one); the current one stays saved.
    Resume(Draft),
    /// Another tab saved this copy of a draft.
    OtherTab(Draft),
    /// The draft `id` was deleted: if it is the one on screen, `next` takes its place.
    Forget {
        id: String,
        next: Draft,
    },
    /// The customer's choice between two tabs' changes: these answers from the other tab.
    ResolveConflict {
        take_theirs: Vec<Field>,
        now_ms: u64,
    },
    UpdateReady,
    NotPersistent(shouhou_core::eviction::StorageRisk),
    StartAgain,
    Saved(SaveReport),
}

impl AppState {
    /// The state of the first render: the device's settings, and the screen the server drew
    /// when there is one (its address was already answered: the screen replaces its entry).
    pub fn from_seed(seed: &Seed) -> AppState {
        let mut state = AppState {
            lang: seed.lang,
            config: None,
            config_failed: false,
            draft: None,
            errors: Vec::new(),
            server_errors: Vec::new(),
            attempted: false,
            summary_focus: 0,
            outbox: Vec::new(),
            showing: None,
            returned: None,
            view: View::Journey,
            update_ready: false,
            not_persistent: None,
            save: SaveStatus::Idle,
            quarantined: 0,
            storage_warning: None,
            navigated: false,
            guided_for: String::new(),
            guided: GuidedHelp::Unknown,
            tab: seed.tab.clone(),
            conflict: None,
            routed: false,
            kiosk: seed.kiosk,
            kiosk_reset: false,
            address_asked: 0,
            today: seed.today,
            earlier: None,
            taking_over: false,
            early_edits: None,
            storage_opened: false,
        };
        if let Some(screen) = &seed.screen {
            state.config = Some(screen.config.clone());
            state.routed = true;
            state.address_asked = 1;
            // Only guided help's offer comes with its flow; another screen without one says
            // nothing of whether the line has help (the app fetches it when it is asked for).
            if let Some(flow) = &screen.flow {
                state.guided_for = screen.draft.fields.product_line.clone();
                state.guided = GuidedHelp::Available(flow.clone());
            }
            if screen.attempted {
                state.errors = screen.draft.step_errors(&screen.config, seed.today);
                state.attempted = true;
                state.summary_focus = 1;
            }
            state.draft = Some(screen.draft.clone());
            state.taking_over = screen.taking_over;
        }
        state
    }

    /// The address of the screen showing now.
    pub fn route(&self) -> Route {
        match &self.view {
            View::Outbox => Route::Outbox,
            View::Drafts => Route::Drafts,
            View::KioskSetup => Route::Kiosk,
            View::Status(reference) => Route::Status(reference.clone()),
            View::Journey => match (&self.showing, &self.draft) {
                (Some(id), _) => Route::Sent(
                    self.outbox
                        .iter()
                        .find(|item| &item.id == id)
                        .and_then(|item| item.reference().map(str::to_string))
                        .unwrap_or_else(|| id.clone()),
                ),
                (None, Some(draft)) => Route::of_step(draft.step),
                (None, None) => Route::Start,
            },
        }
    }

    /// Shows the screen an address names, as far as the draft allows.
    fn navigate(&mut self, route: Route) {
        self.routed = true;
        self.address_asked += 1;
        self.navigated = true;
        let step = match route {
            // A kiosk has no list of other customers' drafts or requests.
            Route::Drafts | Route::Outbox if self.kiosk => Step::Start,
            Route::Drafts => return self.view = View::Drafts,
            Route::Outbox => return self.view = View::Outbox,
            Route::Status(reference) => return self.view = View::Status(reference),
            Route::Sent(key) => {
                let item = self.outbox.iter().find(|i| i.id == key || i.reference() == Some(&key));
                match item {
                    Some(item) => {
                        self.showing = Some(item.id.clone());
                        self.view = View::Journey;
                    }
                    // A receipt no longer on this device: what the service team says of it.
                    None => self.view = View::Status(key),
                }
                return;
            }
            Route::Kiosk if !self.kiosk => return self.view = View::KioskSetup,
            Route::Start | Route::Kiosk => Step::Start,
            Route::Help => Step::Guide,
            Route::Review => Step::Review,
            Route::Form(step) => step,
        };
        self.view = View::Journey;
        self.showing = None;
        let (Some(draft), Some(config)) = (self.draft.as_mut(), self.config.as_deref()) else {
            return;
        };
        let before = draft.step;
        let _ =
            draft.apply(DraftEvent::GoTo { step, today: self.today }, config, crate::ids::now_ms());
        if draft.step != before {
            self.step_changed();
        }
    }

    fn refresh_errors(&mut self) {
        if let (true, Some(draft), Some(config)) = (self.attempted, &self.draft, &self.config) {
            self.errors = draft.step_errors(config, self.today);
        }
        self.add_server_errors();
    }

    /// The server's refusals of fields on the step showing (all of them on the review).
    fn add_server_errors(&mut self) {
        let (Some(draft), Some(config)) = (&self.draft, &self.config) else { return };
        let on_step = draft.step_fields(draft.step, config, self.today);
        for error in &self.server_errors {
            let shown_here = draft.step == Step::Review || on_step.contains(&error.field);
            if shown_here && !self.errors.iter().any(|e| e.field == error.field) {
                self.errors.push(*error);
            }
        }
    }

    /// The flow of the draft's product line, when it has a usable one.
    pub fn flow(&self) -> Option<Rc<Flow>> {
        match (&self.guided, &self.draft) {
            (GuidedHelp::Available(flow), Some(draft))
                if draft.fields.product_line == self.guided_for =>
            {
                Some(flow.clone())
            }
            _ => None,
        }
    }

    /// Whether the chosen product line has, or may still turn out to have, a usable flow:
    /// a fast customer must not skip the checks just because the flow is still on its way.
    fn may_have_guided_help(&self) -> bool {
        let chosen =
            self.draft.as_ref().map(|d| d.fields.product_line.as_str()).unwrap_or_default();
        self.guided_for != chosen
            || !matches!(self.guided, GuidedHelp::Missing | GuidedHelp::Broken)
    }

    /// The draft storage kept, once it is open. Without a screen drawn by the server, that is
    /// the draft. Over one: a blank screen (the bare site address) gives way to the stored
    /// draft where it was left; a stored draft with the same choices is the one being
    /// continued, on the address's screen, with what the customer did on the server's page
    /// before the app arrived; any other stored draft in progress is offered, never put in
    /// place of what is on screen.
    fn take_stored(&mut self, stored: Draft) {
        let early = self.early_edits.take().unwrap_or_default();
        self.storage_opened = true;
        let Some(shown) = self.draft.as_ref() else {
            self.draft = Some(stored);
            return;
        };
        if stored.is_blank() || stored.id == shown.id {
            return;
        }
        if shown.is_blank() {
            self.draft = Some(stored);
            self.address_asked += 1;
            self.errors.clear();
            self.attempted = false;
            return;
        }
        if stored.choices_query() != shown.choices_query() {
            self.earlier = Some(stored);
            return;
        }
        let (Some(config), step, today) = (self.config.clone(), shown.step, self.today) else {
            return;
        };
        let mut draft = stored;
        let now_ms = crate::ids::now_ms();
        for (field, value) in early {
            let _ = draft.apply(DraftEvent::Edit { field, value }, &config, now_ms);
        }
        let _ = draft.apply(DraftEvent::GoTo { step, today }, &config, now_ms);
        self.draft = Some(draft);
    }

    fn step_changed(&mut self) {
        self.errors.clear();
        self.attempted = false;
        self.returned = None;
        self.navigated = true;
        self.add_server_errors();
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        // Whatever happens happens today: a tab left open overnight judges by the new date.
        next.today = crate::ids::today();
        // Changes the customer makes in this tab count in the draft's version vector; copies
        // taken from elsewhere (another tab, storage, the outbox) do not.
        let counts_as_edit = matches!(
            action,
            Action::Edit { .. }
                | Action::TakenOver { .. }
                | Action::Honeypot { .. }
                | Action::OnRecord { .. }
                | Action::Continue { .. }
                | Action::Next { .. }
                | Action::Change { .. }
                | Action::Back { .. }
                | Action::SkipGuide { .. }
                | Action::Guide { .. }
                | Action::AddPhoto { .. }
                | Action::RemovePhoto { .. }
                | Action::Navigate(_)
        );
        match action {
            Action::SetLang(lang) => next.lang = lang,
            Action::MessagesLoaded => {}
            Action::MessagesFailed => next.config_failed = true,
            Action::ConfigLoaded(config) => {
                next.config = Some(config);
                next.config_failed = false;
            }
            Action::ConfigFailed => next.config_failed = true,
            Action::Navigate(route) => next.navigate(route),
            Action::Opened(Route::Start) => {
                next.routed = true;
                next.address_asked += 1;
            }
            Action::Opened(route) => next.navigate(route),
            Action::KioskSetupClosed => {
                next.view = View::Journey;
                next.address_asked += 1;
            }
            Action::KioskReset => next.kiosk_reset = true,
            Action::StorageReady { draft, outbox, quarantined, warning } => {
                next.take_stored(draft);
                next.outbox = outbox;
                next.quarantined = quarantined;
                next.storage_warning = warning;
            }
            Action::Edit { field, value, now_ms } => {
                if let Some(early) = next.early_edits.as_mut() {
                    early.push((field, value.clone()));
                }
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    let _ = draft.apply(DraftEvent::Edit { field, value }, config, now_ms);
                }
                // A changed answer is for the server to judge again.
                next.server_errors.retain(|e| e.field != field);
                next.errors.retain(|e| e.field != field);
                next.refresh_errors();
            }
            Action::OnRecord { found, now_ms } => {
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    let _ = draft.apply(DraftEvent::OnRecord(found), config, now_ms);
                }
                next.refresh_errors();
            }
            Action::TakenOver { controls, honeypot, now_ms } => {
                next.taking_over = false;
                if !next.storage_opened {
                    next.early_edits = Some(Vec::new());
                }
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    for (field, value) in controls {
                        if draft.fields.get(field) != value {
                            let event = DraftEvent::Edit { field, value: value.clone() };
                            let _ = draft.apply(event, config, now_ms);
                            if let Some(early) = next.early_edits.as_mut() {
                                early.push((field, value));
                            }
                        }
                    }
                    if let Some(value) = honeypot.filter(|value| !value.is_empty()) {
                        let _ = draft.apply(DraftEvent::Honeypot(value), config, now_ms);
                    }
                }
                next.refresh_errors();
            }
            Action::Honeypot { value, now_ms } => {
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    let _ = draft.apply(DraftEvent::Honeypot(value), config, now_ms);
                }
            }
            Action::AddPhoto { now_ms, .. } | Action::RemovePhoto { now_ms, .. } => {
                let event = match action {
                    Action::AddPhoto { photo, .. } => DraftEvent::AddPhoto(photo),
                    Action::RemovePhoto { id, .. } => DraftEvent::RemovePhoto(id),
                    _ => return self,
                };
                if let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref()) {
                    let _ = draft.apply(event, config, now_ms);
                }
                next.refresh_errors();
            }
            Action::Continue { now_ms }
            | Action::Next { now_ms }
            | Action::Change { now_ms, .. }
            | Action::Back { now_ms }
            | Action::SkipGuide { now_ms } => {
                let event = match action {
                    Action::Continue { .. } => {
                        DraftEvent::Continue { guided_help: next.may_have_guided_help() }
                    }
                    Action::Next { .. } => DraftEvent::Next { today: next.today },
                    Action::Change { step, .. } => DraftEvent::Change(step),
                    Action::Back { .. } => DraftEvent::Back,
                    _ => DraftEvent::SkipGuide,
                };
                let (Some(draft), Some(config)) = (next.draft.as_mut(), next.config.as_deref())
                else {
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
            Action::FlowLoaded { product_line, guided } => {
                next.guided_for = product_line;
                next.guided = guided;
                // Waiting at the offer for a flow that turned out not to exist: on to the form.
                let waiting = next
                    .draft
                    .as_ref()
                    .is_some_and(|d| d.step == shouhou_core::Step::Guide && d.flow.is_none());
                if waiting && next.guided == GuidedHelp::Missing {
                    if let (Some(draft), Some(config)) =
                        (next.draft.as_mut(), next.config.as_deref())
                    {
                        let _ = draft.apply(DraftEvent::SkipGuide, config, crate::ids::now_ms());
                        next.step_changed();
                    }
                }
            }
            Action::Guide { event, now_ms } => {
                let Some(flow) = next.flow() else { return self };
                let step_before = next.draft.as_ref().map(|d| d.step);
                if let Some(draft) = next.draft.as_mut() {
                    // An answer the flow does not offer (a stale screen) changes nothing.
                    let _ = draft.guide(event, &flow, now_ms);
                }
                if next.draft.as_ref().map(|d| d.step) != step_before {
                    next.step_changed();
                }
                next.navigated = true;
            }
            Action::ShowErrors(errors) => {
                next.errors = errors;
                next.attempted = true;
                next.summary_focus += 1;
            }
            Action::Submitted { item, next: fresh } => {
                next.server_errors.clear();
                next.showing = Some(item.id.clone());
                next.outbox.retain(|i| i.id != item.id);
                next.outbox.push(item);
                next.draft = Some(fresh);
                next.step_changed();
                next.save = SaveStatus::Idle;
            }
            Action::OutboxChanged(items) => next.outbox = items,
            Action::Returned { draft, message, fields } => {
                next.outbox.retain(|i| i.id != draft.id);
                next.draft = Some(draft);
                next.showing = None;
                next.view = View::Journey;
                next.navigated = true;
                next.returned = Some(message);
                next.server_errors = fields.clone();
                next.errors = fields;
                next.attempted = true;
                next.summary_focus += 1;
            }
            Action::EditAsDraft(draft) => {
                next.outbox.retain(|i| i.id != draft.id);
                next.draft = Some(draft);
                next.showing = None;
                next.view = View::Journey;
                next.step_changed();
            }
            Action::ShowOutbox | Action::ShowDrafts if next.kiosk => {}
            Action::ShowOutbox => {
                next.view = View::Outbox;
                next.navigated = true;
            }
            Action::UpdateReady => next.update_ready = true,
            Action::NotPersistent(risk) => next.not_persistent = Some(risk),
            Action::ShowJourney => {
                next.view = View::Journey;
                next.navigated = true;
            }
            Action::ShowDrafts => {
                next.view = View::Drafts;
                next.navigated = true;
            }
            Action::Resume(draft) => {
                next.earlier = None;
                next.server_errors.clear();
                next.draft = Some(draft);
                next.conflict = None;
                next.showing = None;
                next.view = View::Journey;
                next.step_changed();
                next.save = SaveStatus::Idle;
            }
            Action::OtherTab(theirs) => {
                let Some(mine) = next.draft.as_mut().filter(|d| d.id == theirs.id) else {
                    return self;
                };
                match mine.lineage(&theirs) {
                    Lineage::Same | Lineage::Ahead => {}
                    // Nothing here the other tab has not seen: take its copy, on this screen.
                    Lineage::Behind => {
                        let step = (mine.step, mine.revisit);
                        *mine = theirs;
                        (mine.step, mine.revisit) = step;
                        next.conflict = None;
                    }
                    Lineage::Diverged => next.conflict = Some(theirs),
                }
            }
            Action::Forget { id, next: fresh } => {
                if next.draft.as_ref().is_some_and(|d| d.id == id) {
                    next.draft = Some(fresh);
                    next.conflict = None;
                    next.step_changed();
                }
            }
            Action::ResolveConflict { take_theirs, now_ms } => {
                let (Some(mine), Some(theirs)) = (next.draft.as_ref(), next.conflict.take()) else {
                    return self;
                };
                next.draft = Some(mine.merged(&theirs, &take_theirs, &next.tab, now_ms));
            }
            Action::StartOver { next: fresh } => {
                next.draft = Some(fresh);
                next.step_changed();
                next.save = SaveStatus::Idle;
            }
            Action::StartAgain => {
                next.showing = None;
                next.view = View::Journey;
                next.step_changed();
            }
            Action::Saved(report) => {
                next.save = match report {
                    SaveReport::Saved { .. } => SaveStatus::Saved,
                    SaveReport::Failed(error) => SaveStatus::Failed(error),
                };
            }
        }
        // Whatever draft a kiosk holds was taken down on the kiosk; the rules (and the server)
        // read that from the request itself.
        if let Some(draft) = next.draft.as_mut().filter(|_| next.kiosk) {
            if draft.fields.channel != KIOSK_CHANNEL {
                draft.fields.channel = KIOSK_CHANNEL.to_string();
            }
        }
        if let (true, Some(before), Some(after)) =
            (counts_as_edit, &self.draft, next.draft.as_mut())
        {
            if before.id == after.id && after.revision > before.revision {
                after.edited_in(&next.tab);
            }
        }
        Rc::new(next)
    }
}
