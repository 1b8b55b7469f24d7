//! Shared display helpers: how a time, a request, an answer or a warranty reads to the
//! customer. Pages and components both use them; they decide nothing and hold no state.

use js_sys::{Object, Reflect};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::{FollowUp, OutboxItem, OutboxStatus};
use shouhou_core::{
    AppConfig, Field, FieldError, FieldKind, Intent, Lang, RequestFields, WarrantyStatus,
};
use wasm_bindgen::JsValue;

/// A time in the customer's language and the device's time zone (RFC 3339 or epoch ms).
pub fn local_time(when: &JsValue, lang: Lang) -> String {
    let date = js_sys::Date::new(when);
    if date.get_time().is_nan() {
        return when.as_string().unwrap_or_default();
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(lang.tag(), &options))
}

/// A day of the year as the customer reads it, `8 Dec` / `12月8日`: the browser's own words
/// (British order for English), for a day that is a date, not a moment, so no zone moves it.
pub fn day_month(lang: Lang, (month, day): (u32, u32)) -> String {
    let date =
        js_sys::Date::new_with_year_month_day(2000, month.saturating_sub(1) as i32, day as i32);
    let options = Object::new();
    let _ = Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = Reflect::set(&options, &"month".into(), &"short".into());
    let locale = if lang == Lang::En { "en-GB" } else { lang.tag() };
    String::from(date.to_locale_date_string(locale, &options))
}

/// "Not sent yet (no connection); trying again automatically at …" for an item still in the outbox.
pub fn status_text(item: &OutboxItem, lang: Lang) -> String {
    let messages = Messages::builtin();
    match &item.status {
        OutboxStatus::Queued => t(lang, "outbox.status.queued").to_string(),
        OutboxStatus::Sending => t(lang, "outbox.status.sending").to_string(),
        OutboxStatus::Sent { reference, .. } => {
            messages.format(lang, "outbox.status.sent", &[("reference", reference.clone())])
        }
        OutboxStatus::Failed { reason } => {
            let reason = if reason == "offline" {
                t(lang, "reason.offline").to_string()
            } else {
                reason.clone()
            };
            let time = local_time(&JsValue::from_f64(item.next_attempt_at_ms as f64), lang);
            messages.format(lang, "outbox.status.failed", &[("reason", reason), ("time", time)])
        }
        OutboxStatus::Refused { reason } => {
            messages.format(lang, "outbox.status.refused", &[("reason", reason.clone())])
        }
    }
}

/// What an outbox item is, as the customer will recognise it: a request by its title, a
/// follow-up by what it answers.
pub fn item_title(item: &OutboxItem, config: Option<&AppConfig>, lang: Lang) -> String {
    let messages = Messages::builtin();
    match &item.follow_up {
        Some(FollowUp::Message { reference, .. }) => {
            messages.format(lang, "outbox.title.message", &[("reference", reference.clone())])
        }
        Some(FollowUp::Rating { reference, .. }) => {
            messages.format(lang, "outbox.title.rating", &[("reference", reference.clone())])
        }
        None => request_title(&item.draft.fields, config, lang),
    }
}

/// "Repair · Property repairs · The bay window lets water…": what the customer will recognise.
pub fn request_title(fields: &RequestFields, config: Option<&AppConfig>, lang: Lang) -> String {
    let intent = Intent::parse(&fields.intent)
        .map(|i| t(lang, &format!("intent.{}", i.as_str())).to_string());
    let product = config
        .and_then(|c| c.product_line(&fields.product_line))
        .map(|l| l.name.get(lang).to_string());
    let mut words: String = fields.description.chars().take(40).collect();
    if fields.description.chars().count() > 40 {
        words.push('…');
    }
    [intent, product, Some(words)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "Repair · Industrial drives" under each step's heading.
pub fn chosen_line(lang: Lang, fields: &RequestFields, config: &AppConfig) -> String {
    let messages = Messages::builtin();
    let mut intent = Intent::parse(&fields.intent)
        .map(|i| t(lang, &format!("intent.{}", i.as_str())).to_string())
        .unwrap_or_default();
    // A complaint's category is chosen with it, on the start step.
    if Intent::parse(&fields.intent) == Some(Intent::Complaint) && !fields.category.is_empty() {
        let category = t(lang, &format!("category.{}", fields.category.trim())).to_string();
        intent = messages.format(
            lang,
            "details.intent_category",
            &[("intent", intent), ("category", category)],
        );
    }
    let product = config
        .product_line(&fields.product_line)
        .map(|line| line.name.get(lang).to_string())
        .unwrap_or_default();
    messages.format(lang, "details.chosen", &[("intent", intent), ("product", product)])
}

/// The warranty as judged from the purchase date, in words.
pub fn warranty_text(lang: Lang, warranty: &WarrantyStatus) -> String {
    let (key, date) = match warranty {
        WarrantyStatus::InWarranty { until } => ("warranty.in", until),
        WarrantyStatus::OutOfWarranty { ended } => ("warranty.out", ended),
        WarrantyStatus::ToBeChecked { serial_number } => ("warranty.to_be_checked", serial_number),
    };
    Messages::builtin().format(lang, key, &[("date", date.clone()), ("serial", date.clone())])
}

/// A field's answer as the customer would say it: choices by their label, a ticked notice
/// as "acknowledged", photos by their count.
pub fn answer_text(lang: Lang, fields: &RequestFields, field: Field) -> String {
    let messages = Messages::builtin();
    let value = fields.get(field).trim();
    match field.kind() {
        FieldKind::Photos => messages.format(
            lang,
            "review.photo_count",
            &[("count", fields.photos.len().to_string())],
        ),
        _ if value.is_empty() => t(lang, "review.none").to_string(),
        FieldKind::Choice(_) => t(lang, &format!("{}.{value}", field.name())).to_string(),
        FieldKind::Several(_) => value
            .split_whitespace()
            .map(|value| t(lang, &format!("{}.{value}", field.name())).to_string())
            .collect::<Vec<_>>()
            .join(t(lang, "review.list_separator")),
        FieldKind::Measurement { unit, .. } => format!("{value} {unit}"),
        FieldKind::Acknowledgement => t(lang, "review.ack_yes").to_string(),
        FieldKind::Flag => t(lang, "review.flag_yes").to_string(),
        FieldKind::Signature => t(lang, "signature.signed").to_string(),
        _ => value.to_string(),
    }
}

pub fn error_for(errors: &[FieldError], field: Field, lang: shouhou_core::Lang) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message(lang))
}
