//! Components and storage in real headless Chromium (wasm-bindgen-test).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use shouhou::components::error_summary::ErrorSummary;
use shouhou::components::fields::{text_field, TextFieldProps, TextKind};
use shouhou::hooks::AppContext;
use shouhou::pages::start::StartPage;
use shouhou::state::AppState;
use shouhou::storage::drafts::{LocalStore, SaveReport, Writer, DB_NAME};
use shouhou::storage::idb::Db;
use shouhou_core::{AppConfig, Draft, ErrorCode, Field, FieldError, Lang, Messages};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = include_str!("../static/config.json");

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The app fetches its messages at start; here they are installed straight from the files.
fn install_messages() {
    Messages::install(Lang::En, include_str!("../static/i18n/en.json")).unwrap();
    Messages::install(Lang::ZhCn, include_str!("../static/i18n/zh-CN.json")).unwrap();
}

fn mount_point() -> web_sys::Element {
    install_messages();
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

async fn settle() {
    yew::scheduler::flush().await;
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
}

async fn empty_storage() -> Db {
    let db = Db::open(DB_NAME).await.expect("IndexedDB opens in Chromium");
    db.clear("drafts").await.unwrap();
    db.clear("quarantine").await.unwrap();
    db.clear("outbox").await.unwrap();
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    db
}

// Components

#[component]
fn PhoneFieldHarness() -> Html {
    text_field(TextFieldProps {
        lang: Lang::ZhCn,
        field: Field::Phone,
        value: Some("12345".into()),
        kind: TextKind::Tel,
        autocomplete: Some("tel"),
        optional: false,
        hint: Some("提示".into()),
        error: Some("请输入有效的电话号码".into()),
        on_edit: Callback::noop(),
    })
}

#[wasm_bindgen_test]
async fn a_text_field_has_its_label_hint_and_error_wired_for_screen_readers() {
    let root = mount_point();
    yew::Renderer::<PhoneFieldHarness>::with_root(root.clone()).render();
    settle().await;

    let input: web_sys::HtmlInputElement =
        root.query_selector("input").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(input.name(), "phone");
    assert_eq!(input.type_(), "tel");
    assert_eq!(input.value(), "12345");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("f-phone-hint f-phone-error")
    );
    let label = root.query_selector("label[for='f-phone']").unwrap().unwrap();
    assert_eq!(label.text_content().unwrap(), "联系电话");
    assert_eq!(
        root.query_selector("#f-phone-error").unwrap().unwrap().text_content().unwrap(),
        "请输入有效的电话号码"
    );
}

#[derive(Properties, PartialEq)]
struct SummaryHarnessProps {
    errors: Vec<FieldError>,
}

#[component]
fn SummaryHarness(props: &SummaryHarnessProps) -> Html {
    html! {
        <>
            <ErrorSummary lang={Lang::En} errors={props.errors.clone()} focus_token={1} />
            <input id="f-description" name="description" />
        </>
    }
}

#[wasm_bindgen_test]
async fn the_error_summary_takes_focus_and_links_to_each_field() {
    let root = mount_point();
    let errors = vec![
        FieldError { field: Field::Phone, code: ErrorCode::InvalidPhone },
        FieldError { field: Field::Description, code: ErrorCode::TooShort { min: 5 } },
    ];
    yew::Renderer::<SummaryHarness>::with_root_and_props(
        root.clone(),
        SummaryHarnessProps { errors },
    )
    .render();
    settle().await;

    let summary = root.query_selector(".error-summary").unwrap().unwrap();
    assert_eq!(document().active_element(), Some(summary.clone()), "focus moves to the summary");
    let links = summary.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 2);
    let second: web_sys::HtmlElement = links.item(1).unwrap().dyn_into().unwrap();
    assert_eq!(second.get_attribute("href").as_deref(), Some("#f-description"));
    assert_eq!(
        second.text_content().unwrap(),
        "Describe the problem must be at least 5 characters"
    );
    second.click();
    assert_eq!(document().active_element().map(|e| e.id()), Some("f-description".into()));
}

#[component]
fn StartHarness() -> Html {
    let state = use_reducer(|| {
        let seed = shouhou::seed::Seed { lang: Lang::En, ..shouhou::seed::Seed::of_device() };
        let mut state = AppState::from_seed(&seed);
        state.config = Some(Rc::new(AppConfig::from_json(CONFIG).unwrap()));
        state.draft = Some(Draft::new("harness".into(), "harness-key".into(), 0));
        state
    });
    let context = AppContext { state, writer: None, send_outbox: Callback::noop() };
    html! { <ContextProvider<AppContext> {context}><StartPage /></ContextProvider<AppContext>> }
}

#[wasm_bindgen_test]
async fn continuing_without_choices_shows_both_messages_inline_and_in_the_summary() {
    let root = mount_point();
    yew::Renderer::<StartHarness>::with_root(root.clone()).render();
    settle().await;

    let radios = root.query_selector_all("input[type=radio][name=product_line]").unwrap();
    assert_eq!(radios.length(), 7, "one choice per configured product line");
    let button: web_sys::HtmlElement =
        root.query_selector("button[type=submit]").unwrap().unwrap().dyn_into().unwrap();
    button.click();
    settle().await;

    let summary: Vec<String> = node_texts(&root, ".error-summary li");
    assert_eq!(summary, ["What you need: choose an answer", "Product line: choose an answer"]);
    assert_eq!(node_texts(&root, "fieldset .error-message"), summary);

    let intent: web_sys::HtmlElement =
        root.query_selector("#f-intent-repair").unwrap().unwrap().dyn_into().unwrap();
    intent.click();
    settle().await;
    assert_eq!(
        node_texts(&root, ".error-summary li"),
        ["Product line: choose an answer"],
        "fixed errors clear as you go"
    );
}

#[wasm_bindgen_test]
async fn a_complaint_asks_its_category_on_the_start_step_and_an_emergency_shows_the_contact_there()
{
    let root = mount_point();
    yew::Renderer::<StartHarness>::with_root(root.clone()).render();
    settle().await;
    let radios = |name: &str| {
        root.query_selector_all(&format!("input[type=radio][name={name}]")).unwrap().length()
    };
    let click = |selector: &str| {
        let element: web_sys::HtmlElement =
            root.query_selector(selector).unwrap().unwrap().dyn_into().unwrap();
        element.click();
    };
    assert_eq!(radios("category"), 0, "asked for complaints only");
    click("#f-intent-complaint");
    settle().await;
    assert_eq!(radios("category"), 5);
    assert!(root.query_selector(".notice-emergency").unwrap().is_none());
    click("#f-category-emergency");
    settle().await;
    let alert = root.query_selector(".notice-emergency[role=alert] a[href^='tel:']").unwrap();
    assert!(alert.is_some(), "the emergency contact at once, on the same screen");
}

fn node_texts(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length()).filter_map(|i| nodes.item(i)?.text_content()).collect()
}

// Storage

async fn saved_by(saver: &Writer, reports: &Rc<RefCell<Vec<SaveReport>>>, draft: &Draft) {
    saver.save(draft);
    for _ in 0..100 {
        let done = reports.borrow().iter().any(|r| {
            matches!(r, SaveReport::Saved { id, revision } if *id == draft.id && *revision == draft.revision)
        });
        if done {
            return;
        }
        TimeoutFuture::new(5).await;
    }
    panic!("the draft was not reported saved: {:?}", reports.borrow());
}

fn sample_draft(id: &str) -> Draft {
    let mut draft = Draft::new(id.into(), format!("{id}-key"), 1_000);
    draft.fields.intent = "complaint".into();
    draft.fields.product_line = "property".into();
    draft.fields.full_name = "李娜".into();
    draft.fields.description = "飘窗渗水，墙面发霉 🌧️".into();
    draft.revision = 4;
    draft
}

#[wasm_bindgen_test]
async fn a_saved_draft_is_read_back_from_indexeddb() {
    let db = empty_storage().await;
    let (store, warning) = LocalStore::open().await;
    assert!(warning.is_none());
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = reports.clone();
    let saver = Writer::new(Rc::new(store), Callback::from(move |r| sink.borrow_mut().push(r)));
    let draft = sample_draft("stored-1");
    saved_by(&saver, &reports, &draft).await;

    let raw = db.get_json("drafts", "stored-1").await.unwrap().expect("record in IndexedDB");
    assert_eq!(Draft::decode(&raw).unwrap(), draft);

    // Storage as a fresh start sees it, even with the journal gone.
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let (reopened, _) = LocalStore::open().await;
    let loaded = reopened.load_all().await;
    assert_eq!(loaded.drafts, [draft]);
    assert_eq!(loaded.quarantined, 0);
}

#[wasm_bindgen_test]
async fn the_journal_replays_a_change_indexeddb_never_received() {
    let db = empty_storage().await;
    let older = sample_draft("journalled-1");
    db.put_json("drafts", &older.id, &older.encode()).await.unwrap();
    let mut newer = older.clone();
    newer.fields.phone = "139 1234 5678".into();
    newer.revision += 1;
    // What the page wrote synchronously before it was killed.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item("shouhou.journal.journalled-1", &newer.encode())
        .unwrap();

    let (store, _) = LocalStore::open().await;
    let loaded = store.load_all().await;
    assert_eq!(loaded.drafts, [newer.clone()]);
    let raw = db.get_json("drafts", "journalled-1").await.unwrap().unwrap();
    assert_eq!(Draft::decode(&raw).unwrap(), newer, "the replayed copy is written back");
}

#[wasm_bindgen_test]
async fn unreadable_records_are_quarantined_not_dropped() {
    let db = empty_storage().await;
    db.put_json("drafts", "broken-1", r#"{"schema_version":1,"id":7}"#).await.unwrap();
    let good = sample_draft("good-1");
    db.put_json("drafts", &good.id, &good.encode()).await.unwrap();
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item("shouhou.journal.x", "{{{")
        .unwrap();

    let (store, _) = LocalStore::open().await;
    let loaded = store.load_all().await;
    assert_eq!(loaded.drafts, [good]);
    assert_eq!(loaded.quarantined, 2);
    let kept = db.get_all_json("quarantine").await.unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().any(|(_, record)| record.contains(r#"\"id\":7"#)), "{kept:?}");
    assert!(kept.iter().any(|(_, record)| record.contains("{{{")), "{kept:?}");
    assert_eq!(db.get_json("drafts", "broken-1").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_delete_queued_after_a_save_is_never_undone_by_it() {
    let db = empty_storage().await;
    let (store, _) = LocalStore::open().await;
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = reports.clone();
    let saver = Writer::new(Rc::new(store), Callback::from(move |r| sink.borrow_mut().push(r)));
    let draft = sample_draft("deleted-1");
    saver.save(&draft);
    saver.delete(&draft.id);
    // Every write queued so far is done: the save, if it ran at all, and then the delete.
    saver.flushed().await;
    assert!(
        !reports.borrow().iter().any(|r| matches!(r, SaveReport::Failed(_))),
        "both writes went through"
    );
    assert_eq!(db.get_json("drafts", "deleted-1").await.unwrap(), None);
    assert!(web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("shouhou.journal.deleted-1")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn submitting_moves_a_draft_into_the_outbox_in_one_step() {
    use shouhou_core::outbox::OutboxItem;
    let db = empty_storage().await;
    let (store, _) = LocalStore::open().await;
    let store = Rc::new(store);
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = reports.clone();
    let writer = Writer::new(store.clone(), Callback::from(move |r| sink.borrow_mut().push(r)));
    let mut draft = sample_draft("outboxed-1");
    // A complaint needs a phone and its category to be sent.
    draft.fields.phone = "13812345678".into();
    draft.fields.category = "quality".into();
    draft.fields.resolution = "repair".into();
    writer.save(&draft);
    let config = AppConfig::from_json(CONFIG).unwrap();
    let today = shouhou_core::CivilDate { year: 2026, month: 11, day: 27 };
    let item = OutboxItem::submit(draft.clone(), &config, today, Lang::ZhCn, 5)
        .expect("a complete request");
    // Stamped with the customer's date, on which the server judges it, and the language
    // the app was used in, in which notices reach them.
    draft.fields.local_date = "2026-11-27".into();
    draft.fields.language = "zh-CN".into();
    writer.submit(item);
    writer.flushed().await;

    assert_eq!(db.get_json("drafts", "outboxed-1").await.unwrap(), None, "no longer a draft");
    let outbox = store.load_outbox().await;
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (outbox[0].draft.clone(), outbox[0].idempotency_key()),
        (draft.clone(), "outboxed-1-key")
    );

    let back = outbox[0].to_draft(10);
    writer.back_to_draft(back.clone());
    writer.flushed().await;
    assert!(store.load_outbox().await.is_empty());
    assert_eq!(
        Draft::decode(&db.get_json("drafts", "outboxed-1").await.unwrap().unwrap()).unwrap(),
        back
    );
}
