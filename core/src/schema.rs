//! The service request as the customer fills it in and as it travels on the wire.
//!
//! Field names here are the contract: the form's `name` attributes, the JSON keys of the
//! API and the SQLite columns all use them.

use serde::{Deserialize, Serialize};

/// What the customer wants, chosen first (售后 practice: consultation, repair, return, complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// 咨询 — how do I use it.
    Consultation,
    /// 报修 — repair or maintenance.
    Repair,
    /// 退换货 — return, exchange or refund.
    ReturnExchangeRefund,
    /// 投诉 — complaint.
    Complaint,
}

impl Intent {
    pub const ALL: [Intent; 4] = [
        Intent::Consultation,
        Intent::Repair,
        Intent::ReturnExchangeRefund,
        Intent::Complaint,
    ];

    /// The wire and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Consultation => "consultation",
            Intent::Repair => "repair",
            Intent::ReturnExchangeRefund => "return_exchange_refund",
            Intent::Complaint => "complaint",
        }
    }

    pub fn parse(value: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|intent| intent.as_str() == value)
    }
}

/// Every field of the request, named as in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Intent,
    ProductLine,
    FullName,
    Phone,
    Email,
    Description,
    Category,
    Priority,
    Troubleshooting,
}

impl Field {
    /// The order in which fields appear on screen, and so in an error summary.
    pub const ALL: [Field; 9] = [
        Field::Intent,
        Field::ProductLine,
        Field::FullName,
        Field::Phone,
        Field::Email,
        Field::Description,
        Field::Category,
        Field::Priority,
        Field::Troubleshooting,
    ];

    /// The schema name: HTML `name`, JSON key, SQLite column.
    pub fn name(self) -> &'static str {
        match self {
            Field::Intent => "intent",
            Field::ProductLine => "product_line",
            Field::FullName => "full_name",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Description => "description",
            Field::Category => "category",
            Field::Priority => "priority",
            Field::Troubleshooting => "troubleshooting",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// The request exactly as typed: free text, possibly incomplete. This is what a draft holds
/// and what the API accepts; [`crate::validate_request`] turns it into a [`ValidRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestFields {
    pub intent: String,
    pub product_line: String,
    pub full_name: String,
    pub phone: String,
    #[serde(deserialize_with = "null_as_empty")]
    pub email: String,
    pub description: String,
    /// Complaint category (`Category`), empty until chosen or suggested by a flow.
    #[serde(deserialize_with = "null_as_empty")]
    pub category: String,
    /// `Priority`, empty until chosen or suggested by a flow.
    #[serde(deserialize_with = "null_as_empty")]
    pub priority: String,
    /// What guided troubleshooting already tried, when the customer went through it.
    pub troubleshooting: Option<Troubleshooting>,
}

/// The transcript of guided troubleshooting sent with a request ("what we already tried").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Troubleshooting {
    pub flow_id: String,
    pub flow_version: u32,
    /// The outcome node reached.
    pub outcome: String,
    pub steps: Vec<crate::flow::engine::TranscriptEntry>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

impl RequestFields {
    /// The text of a text-valued field (the transcript is not one: it reads as empty).
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Intent => &self.intent,
            Field::ProductLine => &self.product_line,
            Field::FullName => &self.full_name,
            Field::Phone => &self.phone,
            Field::Email => &self.email,
            Field::Description => &self.description,
            Field::Category => &self.category,
            Field::Priority => &self.priority,
            Field::Troubleshooting => "",
        }
    }

    /// Sets a text-valued field; the transcript is set by guided troubleshooting only.
    pub fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Intent => &mut self.intent,
            Field::ProductLine => &mut self.product_line,
            Field::FullName => &mut self.full_name,
            Field::Phone => &mut self.phone,
            Field::Email => &mut self.email,
            Field::Description => &mut self.description,
            Field::Category => &mut self.category,
            Field::Priority => &mut self.priority,
            Field::Troubleshooting => return,
        };
        *slot = value;
    }
}

/// A request that passed validation: trimmed, phone normalised to E.164, email optional.
/// Fields added after the first version default, so stored requests of every age read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidRequest {
    pub intent: Intent,
    pub product_line: String,
    pub full_name: String,
    /// E.164, e.g. `+8613812345678`.
    pub phone: String,
    pub email: Option<String>,
    pub description: String,
    #[serde(default)]
    pub category: Option<Category>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub troubleshooting: Option<Troubleshooting>,
}

/// Complaint category (投诉分类).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 质量类
    Quality,
    /// 服务类 — attitude, timeliness.
    Service,
    /// 物流 — delivery and logistics.
    Logistics,
    /// 综合类
    General,
    /// 突发事件 — the emergency contact is shown at once.
    Emergency,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Quality, Category::Service, Category::Logistics, Category::General, Category::Emergency];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Quality => "quality",
            Category::Service => "service",
            Category::Logistics => "logistics",
            Category::General => "general",
            Category::Emergency => "emergency",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(value: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == value)
    }
}
