//! Two tabs changed the draft at once: both copies side by side, answer by answer, and the
//! customer keeps either copy or picks per answer. Nothing is dropped before they choose.

use std::collections::BTreeSet;

use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Draft, Field, Lang};
use yew::prelude::*;

use crate::components::display::answer_text;

#[derive(Properties, PartialEq)]
pub struct ConflictProps {
    pub lang: Lang,
    pub mine: Draft,
    pub theirs: Draft,
    /// The customer's choice: the answers to take from the other tab (none: keep this tab's).
    pub on_resolve: Callback<Vec<Field>>,
}

#[component]
pub fn ConflictPanel(props: &ConflictProps) -> Html {
    let lang = props.lang;
    // The answers to take from the other tab; this tab's by default.
    let chosen = use_state(BTreeSet::<Field>::new);
    let differing = props.mine.differing_fields(&props.theirs);
    let resolve = |take: Vec<Field>| {
        let on_resolve = props.on_resolve.clone();
        Callback::from(move |_: MouseEvent| on_resolve.emit(take.clone()))
    };
    let messages = Messages::builtin();
    let rows = differing.iter().map(|&field| {
        let name = format!("conflict-{}", field.name());
        let pick = |theirs: bool| {
            let chosen = chosen.clone();
            Callback::from(move |_: Event| {
                let mut next = (*chosen).clone();
                if theirs { next.insert(field) } else { next.remove(&field) };
                chosen.set(next);
            })
        };
        let text = |key: &str, draft: &Draft| messages.format(lang, key, &[("value", answer_text(lang, &draft.fields, field))]);
        let taking = chosen.contains(&field);
        html! {
            <fieldset class="field">
                <legend>{ t(lang, &format!("field.{}", field.name())) }</legend>
                <div class="choices">
                    <div class="choice">
                        <input type="radio" id={format!("{name}-mine")} name={name.clone()} checked={!taking} onchange={pick(false)} />
                        <label for={format!("{name}-mine")}>{ text("conflict.this_tab", &props.mine) }</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id={format!("{name}-theirs")} name={name.clone()} checked={taking} onchange={pick(true)} />
                        <label for={format!("{name}-theirs")}>{ text("conflict.other_tab", &props.theirs) }</label>
                    </div>
                </div>
            </fieldset>
        }
    });
    html! {
        <section class="notice notice-problem conflict" role="alert" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading">{ t(lang, "conflict.heading") }</h2>
            <p>{ t(lang, "conflict.intro") }</p>
            { for rows }
            <div class="actions">
                <button type="button" class="primary" onclick={resolve(chosen.iter().copied().collect())}>{ t(lang, "conflict.keep_chosen") }</button>
                <button type="button" class="secondary" onclick={resolve(Vec::new())}>{ t(lang, "conflict.keep_mine") }</button>
                <button type="button" class="secondary" onclick={resolve(differing.clone())}>{ t(lang, "conflict.keep_theirs") }</button>
            </div>
        </section>
    }
}
