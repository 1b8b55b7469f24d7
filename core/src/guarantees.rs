//! 三包 (the "three guarantees" of China's rules for consumer goods: 包修、包换、包退): what a
//! customer with a performance fault (性能故障) is entitled to, from the day the unit was
//! delivered, its warranty and how often the same fault was repaired before.
//!
//! Each product line may carry its own rules (`product_lines[].three_guarantees` in
//! `config.json`); a line without them offers only what its warranty gives. The customer's
//! form, the desk's notice on a request and the server all ask [`entitlement`], so they say
//! the same thing; it says what the configured rules give and nothing beyond them.

use serde::{Deserialize, Serialize};

use crate::warranty::CivilDate;

/// A product line's 三包 periods, in days after delivery, and how many failed repairs of one
/// fault open exchange or return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThreeGuarantees {
    /// A performance fault this many days after delivery (or sooner) may be returned.
    pub return_days: u32,
    /// …this many days after delivery (or sooner), exchanged.
    pub exchange_days: u32,
    /// After this many repairs of the same fault in warranty that did not hold, exchange or
    /// return is offered instead of another repair.
    pub failed_repairs: u32,
}

impl Default for ThreeGuarantees {
    /// The national rules: 7 days, 15 days, two repairs.
    fn default() -> Self {
        ThreeGuarantees { return_days: 7, exchange_days: 15, failed_repairs: 2 }
    }
}

impl ThreeGuarantees {
    pub fn problem(&self) -> Option<String> {
        (self.return_days > self.exchange_days || self.failed_repairs == 0).then(|| {
            "three_guarantees: return_days must not be more than exchange_days, and \
             failed_repairs must be at least 1"
                .into()
        })
    }
}

/// What the customer may have, the most they are entitled to first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// 退货: the unit back, the price refunded.
    Return,
    /// 换货: a new unit of the same model.
    Exchange,
    /// 免费修理: repaired without charge.
    FreeRepair,
    /// Out of warranty: a repair at the region's prices.
    ChargeableRepair,
}

impl Right {
    pub fn as_str(self) -> &'static str {
        match self {
            Right::Return => "return",
            Right::Exchange => "exchange",
            Right::FreeRepair => "free_repair",
            Right::ChargeableRepair => "chargeable_repair",
        }
    }
}

/// Why the customer has those rights: the message key `three_guarantees.<as_str>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Within the return period after delivery.
    ReturnPeriod,
    /// Within the exchange period after delivery.
    ExchangePeriod,
    /// The same fault was repaired in warranty as often as the rules allow, and is back.
    RepeatedRepairs,
    /// In warranty.
    Warranty,
    /// Past the warranty.
    OutOfWarranty,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::ReturnPeriod => "return_period",
            Basis::ExchangePeriod => "exchange_period",
            Basis::RepeatedRepairs => "repeated_repairs",
            Basis::Warranty => "warranty",
            Basis::OutOfWarranty => "out_of_warranty",
        }
    }
}

/// What a performance fault on this unit entitles the customer to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entitlement {
    pub basis: Basis,
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub rights: Vec<Right>,
    /// Days from delivery to the fault's report, when the delivery date is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_since_delivery: Option<i64>,
    /// Earlier repairs of the same fault in warranty (they did not hold: it is back).
    #[serde(default)]
    pub failed_repairs: u32,
}

/// What unit a fault is on, for [`entitlement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Delivered or installed: the archive's date, else the customer's purchase date.
    pub delivered_on: Option<CivilDate>,
    /// Covered on the day of the report (`None`: not known yet).
    pub covered: Option<bool>,
}

/// The customer's rights for a performance fault reported on `reported_on`. `None` when
/// nothing is known to judge by (no delivery date, no warranty), or when the line has no 三包
/// rules and its warranty is not known.
///
/// A fault within `return_days` of delivery may be returned, exchanged or repaired; within
/// `exchange_days`, exchanged or repaired; in warranty, repaired free — or, once the same
/// fault was repaired `failed_repairs` times in warranty and is back, exchanged or returned.
pub fn entitlement(
    rules: Option<&ThreeGuarantees>,
    unit: Unit,
    reported_on: CivilDate,
    failed_repairs: u32,
) -> Option<Entitlement> {
    let days = unit.delivered_on.map(|d| reported_on.days_since_epoch() - d.days_since_epoch());
    let within = |limit: u32| days.is_some_and(|days| (0..=i64::from(limit)).contains(&days));
    let (basis, rights) = match rules {
        Some(rules) if within(rules.return_days) => {
            (Basis::ReturnPeriod, vec![Right::Return, Right::Exchange, Right::FreeRepair])
        }
        Some(rules) if within(rules.exchange_days) => {
            (Basis::ExchangePeriod, vec![Right::Exchange, Right::FreeRepair])
        }
        Some(rules) if unit.covered == Some(true) && failed_repairs >= rules.failed_repairs => {
            (Basis::RepeatedRepairs, vec![Right::Exchange, Right::Return])
        }
        _ => match unit.covered? {
            true => (Basis::Warranty, vec![Right::FreeRepair]),
            false => (Basis::OutOfWarranty, vec![Right::ChargeableRepair]),
        },
    };
    Some(Entitlement { basis, rights, days_since_delivery: days, failed_repairs })
}

/// An earlier repair of the unit, as its request was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorRepair {
    /// What failed (`product::fault_key`): `None` when nothing says.
    pub fault: Option<String>,
    /// Judged in warranty when it was filed.
    pub in_warranty: bool,
    /// Staff found a performance fault (a fault cause marked `performance` in the
    /// configuration, such as 产品质量): misuse or outside causes never count.
    pub performance: bool,
}

/// How many earlier repairs of the fault `fault` did not hold: resolved in warranty, found
/// to be a performance fault, and of the same fault. A fault nobody named matches nothing.
pub fn failed_repairs(fault: Option<&str>, earlier: &[PriorRepair]) -> u32 {
    let Some(fault) = fault else { return 0 };
    earlier
        .iter()
        .filter(|r| r.in_warranty && r.performance && r.fault.as_deref() == Some(fault))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    const DELIVERED: &str = "2026-11-01";

    fn rights_on(day: &str, failed: u32) -> (Basis, Vec<Right>) {
        let unit = Unit { delivered_on: Some(date(DELIVERED)), covered: Some(true) };
        let e = entitlement(Some(&ThreeGuarantees::default()), unit, date(day), failed).unwrap();
        (e.basis, e.rights)
    }

    #[test]
    fn seven_days_return_fifteen_exchange_then_repair() {
        use Right::*;
        assert_eq!(
            rights_on("2026-11-01", 0),
            (Basis::ReturnPeriod, vec![Return, Exchange, FreeRepair])
        );
        assert_eq!(
            rights_on("2026-11-08", 0).0,
            Basis::ReturnPeriod,
            "day 7 may still be returned"
        );
        assert_eq!(
            rights_on("2026-11-09", 0),
            (Basis::ExchangePeriod, vec![Exchange, FreeRepair]),
            "day 8"
        );
        assert_eq!(
            rights_on("2026-11-16", 0).0,
            Basis::ExchangePeriod,
            "day 15 may still be exchanged"
        );
        assert_eq!(rights_on("2026-11-17", 0), (Basis::Warranty, vec![FreeRepair]), "day 16");
    }

    #[test]
    fn the_second_failed_repair_of_one_fault_opens_exchange_or_return() {
        assert_eq!(rights_on("2027-03-01", 1), (Basis::Warranty, vec![Right::FreeRepair]));
        assert_eq!(
            rights_on("2027-03-01", 2),
            (Basis::RepeatedRepairs, vec![Right::Exchange, Right::Return])
        );
        let earlier = |fault: &str, in_warranty, performance| PriorRepair {
            fault: Some(fault.into()),
            in_warranty,
            performance,
        };
        let history = [
            earlier("oc1", true, true),
            earlier("fan", true, true),
            earlier("oc1", false, true),
            earlier("oc1", true, false),
        ];
        assert_eq!(failed_repairs(Some("oc1"), &history), 1, "one repair of it counts");
        let history = [earlier("oc1", true, true), earlier("oc1", true, true)];
        assert_eq!(failed_repairs(Some("oc1"), &history), 2);
        assert_eq!(failed_repairs(None, &history), 0, "an unnamed fault matches nothing");
    }

    #[test]
    fn out_of_warranty_is_chargeable_and_nothing_known_says_nothing() {
        let rules = ThreeGuarantees::default();
        let old = Unit { delivered_on: Some(date("2020-01-01")), covered: Some(false) };
        let e = entitlement(Some(&rules), old, date("2026-11-01"), 5).unwrap();
        assert_eq!((e.basis, e.rights), (Basis::OutOfWarranty, vec![Right::ChargeableRepair]));
        let unknown = Unit { delivered_on: None, covered: None };
        assert_eq!(entitlement(Some(&rules), unknown, date("2026-11-01"), 0), None);
        let covered = Unit { delivered_on: Some(date(DELIVERED)), covered: Some(true) };
        let e = entitlement(None, covered, date("2026-11-02"), 3).unwrap();
        assert_eq!(e.rights, [Right::FreeRepair], "a line without 三包 rules: its warranty only");
        assert_eq!(e.days_since_delivery, Some(1));
        assert!(ThreeGuarantees { return_days: 20, ..rules }.problem().is_some());
    }
}
