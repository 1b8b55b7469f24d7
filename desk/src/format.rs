//! How the desk writes what it shows: rates and hours, bar widths, a stored detail, the
//! warranty. Pure, so it is tested natively (`cargo test -p shouhou-desk`).

use shouhou_core::desk::DetailRow;
use shouhou_core::warranty::WarrantyStatus;
use shouhou_core::{FieldKind, Lang};
use shouhou_web::i18n::{label, tr, trf};

/// A rate as a whole percentage (`0.875` → `88 %`). Integer arithmetic: float formatting
/// would bring its whole machinery into the download for one digit.
pub fn percent(rate: f64) -> String {
    format!("{} %", (rate * 100.0).round() as i64)
}

/// Hours with one decimal (`25.04` → `25.0`), the same way.
pub fn hours(hours: f64) -> String {
    let tenths = (hours.max(0.0) * 10.0).round() as i64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Whether a rate reaches its target (a hair of rounding does not make it fall short).
pub fn meets(rate: f64, target: f64) -> bool {
    rate + 1e-9 >= target
}

/// A bar's width as a class (`w-0` … `w-100` in steps of 5): the strict CSP allows no
/// inline style.
pub fn width_class(rate: f64) -> String {
    let step = ((rate.clamp(0.0, 1.0) * 20.0).round() as u32) * 5;
    format!("w-{step}")
}

/// A stored detail as staff read it: a choice by its label, a ticked box as "yes", a time as
/// the engineer typed it, a measurement with its unit.
pub fn detail_value(lang: Lang, row: &DetailRow) -> String {
    match row.field.map(|field| field.kind()) {
        Some(FieldKind::Choice(_)) => label(lang, row.name, row.value),
        Some(FieldKind::Flag | FieldKind::Acknowledgement) if row.value == "yes" => {
            tr(lang, "answer.yes")
        }
        Some(FieldKind::DateTime) => row.value.replacen('T', " ", 1),
        Some(FieldKind::Measurement { unit, .. }) => [row.value, " ", unit].concat(),
        _ => row.value.to_string(),
    }
}

/// The warranty as judged when the request was filed.
pub fn warranty(lang: Lang, warranty: Option<&WarrantyStatus>) -> String {
    match warranty {
        Some(WarrantyStatus::InWarranty { until }) => {
            trf(lang, "warranty.in", &[("until", until.clone())])
        }
        Some(WarrantyStatus::OutOfWarranty { ended }) => {
            trf(lang, "warranty.out", &[("ended", ended.clone())])
        }
        // The customer did not know the purchase date: staff look the serial number up.
        Some(WarrantyStatus::ToBeChecked { serial_number }) => {
            trf(lang, "warranty.to_check", &[("serial", serial_number.clone())])
        }
        None => tr(lang, "warranty.unknown"),
    }
}

#[cfg(test)]
mod tests {
    use shouhou_core::Field;

    use super::*;
    use crate::messages::installed;

    #[test]
    fn rates_and_hours_are_written_as_people_read_them() {
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.9), "90 %");
        assert_eq!(percent(2.0 / 3.0), "67 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(hours(0.0), "0.0");
        assert_eq!(hours(25.04), "25.0");
        assert_eq!(hours(1.96), "2.0");
        assert_eq!(hours(7.25), "7.3");
    }

    #[test]
    fn a_rate_meets_its_target_at_the_target_itself() {
        assert!(meets(0.8, 0.8));
        assert!(meets(4.0 / 5.0, 0.8));
        assert!(meets(0.9 - 1e-12, 0.9));
        assert!(!meets(0.79, 0.8));
    }

    #[test]
    fn bars_are_as_wide_as_their_rate_in_steps_of_five() {
        assert_eq!(width_class(0.0), "w-0");
        assert_eq!(width_class(0.9), "w-90");
        assert_eq!(width_class(0.83), "w-85");
        assert_eq!(width_class(1.7), "w-100");
        assert_eq!(width_class(-1.0), "w-0");
    }

    #[test]
    fn stored_details_read_as_their_kind_says() {
        installed();
        let row = |field: Field, value: &'static str| DetailRow {
            name: field.name(),
            field: Some(field),
            value,
        };
        assert_eq!(detail_value(Lang::En, &row(Field::Usable, "partly")), "Yes, but not properly");
        assert_eq!(detail_value(Lang::ZhCn, &row(Field::Danger, "yes")), "有，存在危险");
        assert_eq!(
            detail_value(Lang::En, &row(Field::ArrivalAt, "2026-11-27T09:30")),
            "2026-11-27 09:30"
        );
        assert_eq!(detail_value(Lang::En, &row(Field::InputVoltage, "380")), "380 V");
        assert_eq!(detail_value(Lang::En, &row(Field::Model, "FR-A840")), "FR-A840");
        let unknown = DetailRow { name: "legacy", field: None, value: "kept" };
        assert_eq!(detail_value(Lang::En, &unknown), "kept");
    }

    #[test]
    fn the_warranty_says_until_when_or_what_to_check() {
        installed();
        let until = WarrantyStatus::InWarranty { until: "2027-05-01".into() };
        assert!(warranty(Lang::En, Some(&until)).contains("2027-05-01"));
        let check = WarrantyStatus::ToBeChecked { serial_number: "SN2407-88321".into() };
        assert!(warranty(Lang::ZhCn, Some(&check)).contains("SN2407-88321"));
        assert_eq!(warranty(Lang::En, None), tr(Lang::En, "warranty.unknown"));
    }
}
