//! Form controls with their visible label, hint and error, wired for assistive technology:
//! `name` is the schema field name, the hint and the error are in `aria-describedby`.
//!
//! They are plain functions, not components: they hold no state, and every component costs
//! the download its own copy of Yew's lifecycle code.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Field, Lang};
use shouhou_web::dom::event_value;
use yew::prelude::*;

/// The honeypot's name: an input no person sees, which bots fill in (the contact step).
pub const HONEYPOT: &str = "website";

/// The id of a field's (first) control: the target of error-summary links.
pub fn control_id(field: Field) -> String {
    format!("f-{}", field.name())
}

/// Keeps `text` equal to what is typed into an input or text area.
pub fn typed_into(text: &UseStateHandle<String>) -> Callback<InputEvent> {
    let text = text.clone();
    Callback::from(move |event: InputEvent| {
        if let Some(value) = event_value(&event) {
            text.set(value);
        }
    })
}

#[derive(Clone, Copy, PartialEq, Default)]
pub enum TextKind {
    #[default]
    Text,
    Tel,
    Email,
    MultiLine,
    Date,
    DateTime,
    /// A measurement: a decimal keypad on phones.
    Decimal,
}

pub struct TextFieldProps {
    pub lang: Lang,
    pub field: Field,
    /// `None`: the control keeps what it holds (the app is taking over a screen the server
    /// drew, and reads what the customer put there once it has).
    pub value: Option<String>,
    pub kind: TextKind,
    pub autocomplete: Option<&'static str>,
    /// Shown with "(optional)" after the label; error messages name the field without it.
    pub optional: bool,
    /// The hint's text, already filled in.
    pub hint: Option<String>,
    pub error: Option<String>,
    pub on_edit: Callback<(Field, String)>,
}

pub fn text_field(props: TextFieldProps) -> Html {
    let id = control_id(props.field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by: Vec<&str> = [
        props.hint.as_ref().map(|_| hint_id.as_str()),
        props.error.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described_by = (!described_by.is_empty()).then(|| described_by.join(" "));
    let field = props.field;
    let on_edit = props.on_edit.clone();
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(value) = event_value(&event) {
            on_edit.emit((field, value));
        }
    });
    let invalid = props.error.is_some().then_some("true");
    let name = props.field.name();
    let control = match props.kind {
        TextKind::MultiLine => html! {
            <textarea id={id.clone()} {name} rows="6" value={props.value.clone()} {oninput}
                aria-describedby={described_by} aria-invalid={invalid} />
        },
        kind => {
            let (input_type, inputmode) = match kind {
                TextKind::Tel => ("tel", Some("tel")),
                TextKind::Email => ("email", Some("email")),
                TextKind::Date => ("date", None),
                TextKind::DateTime => ("datetime-local", None),
                TextKind::Decimal => ("text", Some("decimal")),
                _ => ("text", None),
            };
            html! {
                <input id={id.clone()} {name} type={input_type} {inputmode} value={props.value.clone()} {oninput}
                    autocomplete={props.autocomplete} spellcheck="false"
                    aria-describedby={described_by} aria-invalid={invalid} />
            }
        }
    };
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "field-error"))}>
            <label for={id}>
                { t(props.lang, &format!("field.{name}")) }
                if props.optional {
                    <span class="optional">{ t(props.lang, "field.optional") }</span>
                }
            </label>
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id}>{ hint }</p>
            }
            if let Some(error) = &props.error {
                <p class="error-message" id={error_id}>{ error }</p>
            }
            { control }
        </div>
    }
}

pub struct ChoiceGroupProps {
    pub lang: Lang,
    pub field: Field,
    /// (value, visible label)
    pub options: Vec<(String, String)>,
    /// The chosen value; with `several`, the ticked ones separated by spaces. `None`: the
    /// group keeps the choice it shows (see [`TextFieldProps::value`]).
    pub selected: Option<String>,
    /// Boxes to tick, any number of them, instead of one choice.
    pub several: bool,
    /// The hint's text, already filled in.
    pub hint: Option<String>,
    /// The options whose choice changes what the screen shows (core decides): marked
    /// `data-redraws`, so that before the app has arrived the boot script fetches it.
    pub redraws: Vec<String>,
    pub error: Option<String>,
    pub on_edit: Callback<(Field, String)>,
}

/// A fieldset of radio buttons (arrow keys move between options) or, for `several`, of
/// check boxes: large targets either way.
pub fn choice_group(props: ChoiceGroupProps) -> Html {
    let field = props.field;
    let name = field.name();
    let first_id = control_id(field);
    let hint_id = format!("{first_id}-hint");
    let error_id = format!("{first_id}-error");
    let selected = props.selected.as_deref().unwrap_or_default();
    let ticked: Vec<&str> = selected.split_whitespace().collect();
    let options = props.options.iter().enumerate().map(|(index, (value, label))| {
        let id = if index == 0 { first_id.clone() } else { format!("{first_id}-{value}") };
        let on_edit = props.on_edit.clone();
        let checked =
            if props.several { ticked.contains(&value.as_str()) } else { value == selected };
        // A box toggles its own value among the others, kept in the options' order.
        let chosen = if props.several {
            props
                .options
                .iter()
                .map(|(option, _)| option.as_str())
                .filter(|option| (*option == value) != ticked.contains(option))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            value.clone()
        };
        let onchange = Callback::from(move |_: Event| on_edit.emit((field, chosen.clone())));
        let kind = if props.several { "checkbox" } else { "radio" };
        let redraws = props.redraws.contains(value).then_some("");
        let mut input = html! {
            <input type={kind} id={id.clone()} {name} value={value.clone()}
                {checked} data-redraws={redraws} {onchange} />
        };
        if props.selected.is_none() {
            kept_as_it_is(&mut input);
        }
        html! {
            <div class="choice">
                { input }
                <label for={id}>{ label }</label>
            </div>
        }
    });
    let described_by: Vec<&str> = [
        props.hint.as_ref().map(|_| hint_id.as_str()),
        props.error.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described_by = (!described_by.is_empty()).then(|| described_by.join(" "));
    html! {
        <fieldset class={classes!("field", props.error.as_ref().map(|_| "field-error"))}
            aria-describedby={described_by}>
            <legend>{ t(props.lang, &format!("field.{name}")) }</legend>
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id.clone()}>{ hint }</p>
            }
            if let Some(error) = &props.error {
                <p class="error-message" id={error_id.clone()}>{ error }</p>
            }
            <div class="choices">{ for options }</div>
        </fieldset>
    }
}

pub struct CheckboxProps {
    pub lang: Lang,
    pub field: Field,
    /// `None`: the box keeps what it shows (see [`TextFieldProps::value`]).
    pub checked: Option<bool>,
    /// The notice being acknowledged, shown above the box and read with it (none for a
    /// box that only changes what is asked).
    pub notice: Option<String>,
    pub error: Option<String>,
    pub on_edit: Callback<(Field, String)>,
}

/// A notice and the box that acknowledges it (`"yes"` when ticked, empty when not).
pub fn checkbox(props: CheckboxProps) -> Html {
    let field = props.field;
    let id = control_id(field);
    let notice_id = format!("{id}-notice");
    let error_id = format!("{id}-error");
    let on_edit = props.on_edit.clone();
    let onchange = Callback::from(move |event: Event| {
        let checked = event
            .target_dyn_into::<web_sys::HtmlInputElement>()
            .is_some_and(|input| input.checked());
        on_edit.emit((field, if checked { "yes".into() } else { String::new() }));
    });
    let described_by = [
        props.notice.as_ref().map(|_| notice_id.as_str()),
        props.error.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described_by = (!described_by.is_empty()).then_some(described_by);
    let mut input = html! {
        <input type="checkbox" id={id.clone()} name={field.name()} value="yes" checked={props.checked.unwrap_or_default()} {onchange}
            aria-describedby={described_by} aria-invalid={props.error.as_ref().map(|_| "true")} />
    };
    if props.checked.is_none() {
        kept_as_it_is(&mut input);
    }
    html! {
        <div class={classes!("field", "acknowledge", props.error.as_ref().map(|_| "field-error"))}>
            if let Some(notice) = &props.notice {
                <div class="notice" id={notice_id}><p>{ notice }</p></div>
            }
            if let Some(error) = &props.error {
                <p class="error-message" id={error_id}>{ error }</p>
            }
            <div class="choice">
                { input }
                <label for={id}>{ t(props.lang, &format!("field.{}", field.name())) }</label>
            </div>
        </div>
    }
}

/// A tick box or option that keeps its `checked` as the page has it: yew sets the property
/// whenever one is given, and the html! macro always gives one.
fn kept_as_it_is(input: &mut Html) {
    if let Html::VTag(tag) = input {
        std::rc::Rc::make_mut(tag).preserve_checked();
    }
}

/// "Step 2 of 2". A plain function, not a component: it has no state, and each component
/// costs the download its own copy of Yew's lifecycle code.
pub fn step_progress(lang: Lang, current: usize, total: usize) -> Html {
    let text = Messages::builtin().format(
        lang,
        "step.progress",
        &[("current", current.to_string()), ("total", total.to_string())],
    );
    html! { <p class="step-progress">{ text }</p> }
}
