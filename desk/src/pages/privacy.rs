//! Personal data (leads; PIPL): one customer's data erased on their request, after a
//! confirmation that names the contact, and the audit trail of staff access and edits, a
//! page at a time.

use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::context::use_desk;
use crate::hooks::privacy::{use_audit, use_erasure};
use crate::hooks::title::use_focus_title;
use crate::time;

#[function_component(PrivacyPage)]
pub fn privacy_page() -> Html {
    let desk = use_desk();
    use_focus_title(());
    let audit = use_audit(&desk);
    let erasure = use_erasure(&desk, audit.reload.clone());
    // The contact asked about, while the lead confirms; "missing" when none was typed.
    let confirming = use_state(|| None::<String>);
    let missing = use_state(|| false);
    let (contact_ref, confirm_ref) = (use_node_ref(), use_node_ref());
    {
        let confirm_ref = confirm_ref.clone();
        use_effect_with((*confirming).clone(), move |asked| {
            if asked.is_some() {
                if let Some(button) = confirm_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }

    let heading = html! { <h1 id="page-title" tabindex="-1">{ desk.t("privacy.heading") }</h1> };
    if !desk.is_lead() {
        return html! { <>{ heading }<p>{ desk.t("privacy.leads_only") }</p></> };
    }
    let on_ask = {
        let (confirming, missing, contact_ref) =
            (confirming.clone(), missing.clone(), contact_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let contact = value_of(&contact_ref).trim().to_string();
            missing.set(contact.is_empty());
            confirming.set((!contact.is_empty()).then_some(contact));
        })
    };
    let on_confirm = {
        let (confirming, erase) = (confirming.clone(), erasure.erase.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(contact) = (*confirming).clone() {
                erase.emit(contact);
            }
            confirming.set(None);
        })
    };
    let on_cancel = {
        let (confirming, contact_ref) = (confirming.clone(), contact_ref.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(None);
            if let Some(input) = contact_ref.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        })
    };
    let said = erasure.said.as_ref().map(|(done, text)| {
        let class = if *done { "said" } else { "said error" };
        html! { <p class={class}>{ text.clone() }</p> }
    });
    let rows = audit.entries.iter().map(|entry| {
        html! {
            <tr>
                <td>{ time::show(desk.lang, &entry.at) }</td>
                <td>{ entry.actor.clone() }</td>
                <td>{ desk.label("audit_action", &entry.action) }</td>
                <td class="target">{ entry.target.clone() }</td>
                <td>{ entry.detail.clone() }</td>
            </tr>
        }
    });

    html! {
        <>
            { heading }
            <div class="columns">
                <section class="card" aria-labelledby="h-erase">
                    <h2 id="h-erase">{ desk.t("privacy.erase_heading") }</h2>
                    <p class="hint">{ desk.t("privacy.erase_hint") }</p>
                    <form onsubmit={on_ask}>
                        <div class="field">
                            <label for="f-contact">{ desk.t("privacy.contact") }</label>
                            <input id="f-contact" ref={contact_ref} autocomplete="off" spellcheck="false"
                                aria-invalid={missing.then_some("true")}
                                aria-describedby={missing.then_some("f-contact-error")} />
                            if *missing {
                                <p id="f-contact-error" class="error">{ desk.t("privacy.contact_missing") }</p>
                            }
                        </div>
                        <button type="submit" disabled={erasure.busy}>{ desk.t("privacy.erase") }</button>
                    </form>
                    if let Some(contact) = (*confirming).clone() {
                        <div class="confirm" role="group" aria-labelledby="confirm-text">
                            <p id="confirm-text">{ desk.tf("privacy.confirm", &[("contact", contact)]) }</p>
                            <button type="button" class="danger" ref={confirm_ref} onclick={on_confirm}>{ desk.t("privacy.confirm_yes") }</button>
                            <button type="button" class="secondary" onclick={on_cancel}>{ desk.t("privacy.cancel") }</button>
                        </div>
                    }
                    <div role="status">{ for said }</div>
                </section>
                <section aria-labelledby="h-audit">
                    <h2 id="h-audit">{ desk.t("privacy.audit_heading") }</h2>
                    if let Some(error) = &audit.error {
                        <p class="said error" role="alert">{ error.clone() }</p>
                    }
                    if audit.entries.is_empty() && !audit.loading {
                        <p>{ desk.t("privacy.audit_empty") }</p>
                    } else {
                        <table class="audit">
                            <caption>{ desk.t("privacy.audit_caption") }</caption>
                            <thead><tr>
                                <th scope="col">{ desk.t("audit.at") }</th>
                                <th scope="col">{ desk.t("audit.actor") }</th>
                                <th scope="col">{ desk.t("audit.action") }</th>
                                <th scope="col">{ desk.t("audit.target") }</th>
                                <th scope="col">{ desk.t("audit.detail") }</th>
                            </tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                    }
                    if audit.more {
                        <button type="button" class="secondary" disabled={audit.loading}
                            onclick={audit.read_more.reform(drop)}>{ desk.t("privacy.more") }</button>
                    }
                </section>
            </div>
        </>
    }
}
