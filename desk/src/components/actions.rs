//! What staff do with a request, one form each: change the status, resolve with the fault
//! cause and parts used, confirm a customer's proof of purchase, assign, reply to the
//! customer, note internally, move the promised reply time, record a follow-up call. Each
//! form reads its own fields, asks the forms' rules (`forms.rs`) what to send, and hands
//! the event up; under it, what its last action said.

use std::rc::Rc;

use shouhou_core::config::Part;
use shouhou_core::desk::{EventRequest, Member};
use shouhou_core::status::Status;
use shouhou_web::dom::value_of;
use yew::prelude::*;

use super::call::{call_form, use_call_fields};
use crate::context::Desk;
use crate::forms::{self, Filled, Form, Said};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub desk: Desk,
    /// The statuses the status machine allows from here (no status form when none).
    pub next_statuses: Vec<Status>,
    /// Colleagues offered as a login is typed.
    pub members: Rc<Vec<Member>>,
    /// An action is on its way: the buttons wait.
    pub busy: bool,
    pub said: Option<Said>,
    /// A form's event, and the controls to empty once it is recorded.
    pub send: Callback<(Form, EventRequest, Vec<NodeRef>)>,
    /// A form's missing piece, as a message key.
    pub refuse: Callback<(Form, &'static str)>,
    /// The parts that fit the request's product line, offered when resolving.
    pub parts: Vec<Part>,
    /// The customer sent an invoice or delivery note as proof of purchase, to confirm.
    pub proof: bool,
    /// A key pressed in the reply: colleagues see that someone is typing.
    pub typing: Callback<()>,
}

#[function_component(Actions)]
pub fn actions(props: &ActionsProps) -> Html {
    let desk = &props.desk;
    let status = use_node_ref();
    let assign = use_node_ref();
    let reply = use_node_ref();
    let note = use_node_ref();
    let reply_by = use_node_ref();
    let call = use_call_fields();
    let (cause, proof_date) = (use_node_ref(), use_node_ref());
    // One quantity per part offered, kept while the list is the same.
    let quantities =
        use_memo(props.parts.len(), |n| (0..*n).map(|_| NodeRef::default()).collect::<Vec<_>>());

    // A form's submit: what it read, sent or refused; `clear` are emptied once recorded.
    let on_submit = |form: Form, read: Rc<dyn Fn() -> Filled>, clear: Vec<NodeRef>| {
        let (send, refuse) = (props.send.clone(), props.refuse.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match read() {
                Ok(event) => send.emit((form, event, clear.clone())),
                Err(key) => refuse.emit((form, key)),
            }
        })
    };
    let said = |form: Form| -> Html {
        match &props.said {
            Some(s) if s.form == form && s.ok => {
                html! { <p class="ok" role="status">{ s.words(&|key| desk.t(key)) }</p> }
            }
            Some(s) if s.form == form => {
                html! { <p class="error" role="alert">{ s.words(&|key| desk.t(key)) }</p> }
            }
            // An empty live region, present before anything is said into it.
            _ => html! { <p class="ok" role="status"></p> },
        }
    };
    let busy = props.busy;
    let submit = |form: Form| {
        html! { <button type="submit" disabled={busy}>{ desk.t(&["action.", form, "_submit"].concat()) }</button> }
    };
    // A public reply and an internal note: one text each, sent as its event.
    let text_form = |form: Form,
                     node: &NodeRef,
                     internal: bool,
                     rows: &'static str,
                     oninput: Option<Callback<InputEvent>>| {
        let read = {
            let node = node.clone();
            Rc::new(move || forms::text(form, value_of(&node)))
        };
        let (title, field) = (["h-", form].concat(), ["a-", form].concat());
        let hint = [field.as_str(), "-hint"].concat();
        html! {
            <form class={classes!("card", internal.then_some("internal"))} onsubmit={on_submit(form, read, vec![node.clone()])} aria-labelledby={title.clone()}>
                <h3 id={title}>{ desk.t(&["action.", form].concat()) }</h3>
                <div class="field">
                    <label for={field.clone()}>{ desk.t(&["action.", form, "_text"].concat()) }</label>
                    <p id={hint.clone()} class="hint">{ desk.t(&["action.", form, "_hint"].concat()) }</p>
                    <textarea id={field} {rows} ref={node.clone()} aria-describedby={hint} maxlength="10000" {oninput} />
                </div>
                { submit(form) }
                { said(form) }
            </form>
        }
    };

    let on_status = {
        let node = status.clone();
        on_submit("status", Rc::new(move || forms::status(&value_of(&node))), vec![])
    };
    let on_assign = {
        let node = assign.clone();
        on_submit("assign", Rc::new(move || forms::assign(value_of(&node))), vec![assign.clone()])
    };
    let assign_me = {
        let (send, login) = (props.send.clone(), desk.login());
        Callback::from(move |_: MouseEvent| {
            send.emit(("assign", EventRequest::Assign { to: login.clone() }, vec![]))
        })
    };
    let on_reply_by = {
        let node = reply_by.clone();
        let read = move || forms::reply_by(time::local_input_to_rfc3339(&value_of(&node)));
        on_submit("reply_by", Rc::new(read), vec![reply_by.clone()])
    };
    let on_follow_up = {
        let fields = call.clone();
        on_submit("follow_up", Rc::new(move || fields.read()), call.all())
    };

    let on_resolve = {
        let mut clear = vec![cause.clone()];
        clear.extend(quantities.iter().cloned());
        let (cause, parts, quantities) = (cause.clone(), props.parts.clone(), quantities.clone());
        let read = move || {
            let typed: Vec<(String, String)> = parts
                .iter()
                .zip(quantities.iter())
                .map(|(p, n)| (p.id.clone(), value_of(n)))
                .collect();
            forms::resolve(&value_of(&cause), &typed)
        };
        on_submit("resolve", Rc::new(read), clear)
    };
    let on_confirm = {
        let node = proof_date.clone();
        on_submit(
            "confirm_warranty",
            Rc::new(move || forms::confirm_warranty(value_of(&node))),
            vec![proof_date.clone()],
        )
    };
    let resolvable = props.next_statuses.contains(&Status::Resolved);

    html! {
        <div class="actions">
            <h2>{ desk.t("request.actions") }</h2>
            if !props.next_statuses.is_empty() {
                <form class="card" onsubmit={on_status} aria-labelledby="h-status">
                    <h3 id="h-status">{ desk.t("action.status") }</h3>
                    <div class="field">
                        <label for="a-status">{ desk.t("action.status_new") }</label>
                        <select id="a-status" ref={status}>
                            // `selected` said: Yew adds options last first, and the browser
                            // would otherwise keep the first one added.
                            { for props.next_statuses.iter().enumerate().map(|(i, s)| html! {
                                <option value={s.as_str()} selected={i == 0}>{ desk.label("status", s.as_str()) }</option>
                            }) }
                        </select>
                    </div>
                    { submit("status") }
                    { said("status") }
                </form>
            }
            if resolvable {
                <form class="card" onsubmit={on_resolve} aria-labelledby="h-resolve">
                    <h3 id="h-resolve">{ desk.t("action.resolve") }</h3>
                    <p class="hint">{ desk.t("action.resolve_hint") }</p>
                    <div class="field">
                        <label for="a-cause">{ desk.t("action.resolve_cause") }</label>
                        <select id="a-cause" ref={cause}>
                            <option value="" selected=true>{ "—" }</option>
                            { for desk.settings.fault_causes.iter().map(|c| html! {
                                <option value={c.id.clone()}>{ c.name.get(desk.lang).to_string() }</option>
                            }) }
                        </select>
                    </div>
                    if !props.parts.is_empty() {
                        <fieldset class="parts">
                            <legend>{ desk.t("action.resolve_parts") }</legend>
                            { for props.parts.iter().zip(quantities.iter()).map(|(part, node)| {
                                let id = ["a-part-", &part.id].concat();
                                html! {
                                    <div class="part">
                                        <label for={id.clone()}>{ part.name.get(desk.lang).to_string() }</label>
                                        <input {id} type="number" min="0" max="999" inputmode="numeric" ref={node.clone()} />
                                    </div>
                                }
                            }) }
                        </fieldset>
                    }
                    { submit("resolve") }
                    { said("resolve") }
                </form>
            }
            if props.proof {
                <form class="card" onsubmit={on_confirm} aria-labelledby="h-confirm">
                    <h3 id="h-confirm">{ desk.t("action.confirm_warranty") }</h3>
                    <p id="a-proof-hint" class="hint">{ desk.t("action.confirm_warranty_hint") }</p>
                    <div class="field">
                        <label for="a-proof-date">{ desk.t("action.confirm_warranty_date") }</label>
                        <input id="a-proof-date" type="date" ref={proof_date} aria-describedby="a-proof-hint" />
                    </div>
                    { submit("confirm_warranty") }
                    { said("confirm_warranty") }
                </form>
            }
            <form class="card" onsubmit={on_assign} aria-labelledby="h-assign">
                <h3 id="h-assign">{ desk.t("action.assign") }</h3>
                <div class="field">
                    <label for="a-assign">{ desk.t("action.assign_login") }</label>
                    <input id="a-assign" ref={assign} list="a-assign-staff" autocomplete="off" autocapitalize="none" spellcheck="false" />
                    <datalist id="a-assign-staff">
                        { for props.members.iter().map(|m| html! {
                            <option value={m.login.clone()}>{ desk.label("role", m.role.as_str()) }</option>
                        }) }
                    </datalist>
                </div>
                <div class="inline">
                    { submit("assign") }
                    <button type="button" class="secondary" disabled={busy} onclick={assign_me}>{ desk.t("action.assign_me") }</button>
                </div>
                { said("assign") }
            </form>
            { text_form("reply", &reply, false, "4", Some(props.typing.reform(drop))) }
            { text_form("note", &note, true, "3", None) }
            <form class="card" onsubmit={on_reply_by} aria-labelledby="h-reply-by">
                <h3 id="h-reply-by">{ desk.t("action.reply_by") }</h3>
                <div class="field">
                    <label for="a-reply-by">{ desk.t("action.reply_by_at") }</label>
                    <input id="a-reply-by" type="datetime-local" ref={reply_by} />
                </div>
                { submit("reply_by") }
                { said("reply_by") }
            </form>
            { call_form(desk, &call, on_follow_up, submit("follow_up"), said("follow_up")) }
        </div>
    }
}
