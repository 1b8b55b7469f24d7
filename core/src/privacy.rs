//! Personal data has a lifetime (PIPL): what of a request is personal, and for how long it is
//! kept. After a request has been closed for `privacy.retain_months` (config, 36 by default),
//! or when a lead erases a customer's data on their request, the server keeps only what the
//! team's figures and the product's history need — the reference, the product line, the
//! kind of request, the dates, the statuses, the ratings, and the product's own facts (model,
//! serial number, measurements) — and erases the rest: name, phone, e-mail, company, address,
//! every free text, the photos and the signature.
//!
//! What is kept is a list ([`KEPT_DETAILS`]): a field added to the form later is erased until
//! someone decides it is not personal.

use serde::{Deserialize, Serialize};

use crate::schema::ValidRequest;

/// How long a closed request keeps its personal data, unless `config.json` says otherwise.
pub const DEFAULT_RETAIN_MONTHS: u32 = 36;

/// `privacy` in `config.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// Months after a request is closed until its personal data is erased (1 to 600).
    #[serde(default = "default_retain_months")]
    pub retain_months: u32,
}

fn default_retain_months() -> u32 {
    DEFAULT_RETAIN_MONTHS
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings { retain_months: DEFAULT_RETAIN_MONTHS }
    }
}

impl PrivacySettings {
    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        (!(1..=600).contains(&self.retain_months))
            .then(|| "privacy.retain_months must be 1 to 600 (months)".into())
    }
}

/// The details a request keeps when its personal data is erased: facts of the product and
/// the service, never of the person (no company, address, site, order number, comment,
/// sign-off, reason or free text).
pub const KEPT_DETAILS: &[&str] = &[
    "model",
    "serial_number",
    "purchase_date",
    "purchase_date_unknown",
    "delivered_on",
    "configuration",
    "started_on",
    "resolution",
    "usable",
    "danger",
    "charge_ack",
    "installed_in",
    "parameters",
    "input_voltage",
    "output_voltage",
    "input_current",
    "output_current",
    "fault_code",
    "result",
    "arrival_at",
    "departure_at",
];

/// The request with its personal data erased: what stays is what the figures and the
/// product's history read (intent, line, category, priority, warranty, the troubleshooting
/// transcript of node ids, [`KEPT_DETAILS`]).
pub fn erased(request: &ValidRequest) -> ValidRequest {
    let mut kept = request.clone();
    kept.full_name = String::new();
    kept.phone = String::new();
    kept.email = None;
    kept.description = String::new();
    kept.photos = Vec::new();
    kept.details.retain(|name, _| KEPT_DETAILS.contains(&name.as_str()));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Intent;

    #[test]
    fn nothing_personal_is_left_and_the_facts_stay() {
        let mut request: ValidRequest = serde_json::from_value(serde_json::json!({
            "intent": "onsite_report", "product_line": "inverter", "full_name": "王建国",
            "phone": "+8613812345678", "email": "wang@example.cn",
            "description": "王工说上电即报 OC1", "category": null, "priority": "high",
            "details": {
                "company": "宏达机械", "address": "上海市闵行区莘庄工业区 88 号",
                "site": "3 号厂房", "signoff_name": "王建国", "signature": "sig-1",
                "customer_comment": "王工很专业", "order_number": "JD-2026-7788",
                "model": "VF-7.5K", "serial_number": "INV-2023-0042", "fault_code": "OC1",
                "input_voltage": "380", "result": "fixed", "recorded_by": "李工",
                "not_present_reason": "厂长外出", "fault_cause": "王厂长的电缆"
            },
            "photos": [{"id": "sig-1", "content_type": "image/png", "bytes": 10, "width": 1, "height": 1}]
        }))
        .unwrap();
        request.warranty =
            Some(crate::warranty::WarrantyStatus::InWarranty { until: "2027-05-09".into() });
        let kept = erased(&request);
        let text = serde_json::to_string(&kept).unwrap();
        for personal in [
            "王",
            "13812345678",
            "wang@",
            "宏达",
            "闵行",
            "3 号厂房",
            "JD-2026",
            "李工",
            "sig-1",
            "外出",
        ] {
            assert!(!text.contains(personal), "{personal} left in {text}");
        }
        assert_eq!((kept.intent, kept.product_line.as_str()), (Intent::OnsiteReport, "inverter"));
        assert_eq!(kept.priority, request.priority);
        assert_eq!(kept.warranty, request.warranty);
        for fact in ["model", "serial_number", "fault_code", "input_voltage", "result"] {
            assert_eq!(kept.details[fact], request.details[fact], "{fact}");
        }
        assert_eq!(erased(&kept), kept, "erasing twice changes nothing");
    }

    #[test]
    fn retention_is_checked() {
        assert_eq!(PrivacySettings::default().retain_months, 36);
        assert!(PrivacySettings::default().problem().is_none());
        assert!(PrivacySettings { retain_months: 0 }.problem().is_some());
        assert!(PrivacySettings { retain_months: 601 }.problem().is_some());
    }
}
