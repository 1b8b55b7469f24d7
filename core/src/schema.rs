//! The service request as the customer fills it in and as it travels on the wire.
//!
//! Field names here are the contract: the form's `name` attributes, the JSON keys of the
//! API and the SQLite columns all use them.

use serde::{Deserialize, Serialize};

/// What the customer wants, chosen first (售后 practice: consultation, repair, return, complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// 现场服务报告 — an engineer's report of a visit on site.
    OnsiteReport,
}

impl Intent {
    pub const ALL: [Intent; 5] = [
        Intent::Consultation,
        Intent::Repair,
        Intent::ReturnExchangeRefund,
        Intent::Complaint,
        Intent::OnsiteReport,
    ];

    /// The wire and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Consultation => "consultation",
            Intent::Repair => "repair",
            Intent::ReturnExchangeRefund => "return_exchange_refund",
            Intent::Complaint => "complaint",
            Intent::OnsiteReport => "onsite_report",
        }
    }

    pub fn parse(value: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|intent| intent.as_str() == value)
    }

    /// Whether the confirmation apologises for the trouble: not for a question (nothing went
    /// wrong), and not to an engineer filing the report of a visit (it is their work).
    pub fn apologises(self) -> bool {
        !matches!(self, Intent::Consultation | Intent::OnsiteReport)
    }
}

/// Every field of the request, named as in the schema, in the order they appear on screen
/// (and so in an error summary).
macro_rules! fields {
    ($($variant:ident => $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $($variant,)* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The schema name: HTML `name`, JSON key, message key `field.<name>`.
            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name,)* }
            }
        }
    };
}

fields! {
    Intent => "intent",
    ProductLine => "product_line",
    FullName => "full_name",
    Company => "company",
    Phone => "phone",
    Email => "email",
    Address => "address",
    ContactTime => "contact_time",
    Notify => "notify",
    RecordedBy => "recorded_by",
    Model => "model",
    SerialNumber => "serial_number",
    PurchaseDate => "purchase_date",
    PurchaseDateUnknown => "purchase_date_unknown",
    OrderNumber => "order_number",
    DeliveredOn => "delivered_on",
    Configuration => "configuration",
    Category => "category",
    StartedOn => "started_on",
    Site => "site",
    InstalledIn => "installed_in",
    Parameters => "parameters",
    InputVoltage => "input_voltage",
    OutputVoltage => "output_voltage",
    InputCurrent => "input_current",
    OutputCurrent => "output_current",
    Description => "description",
    FaultCause => "fault_cause",
    PartsUsed => "parts_used",
    PartsNeeded => "parts_needed",
    Resolution => "resolution",
    Usable => "usable",
    Danger => "danger",
    Priority => "priority",
    Photos => "photos",
    WarrantyProof => "warranty_proof",
    ChargeAck => "charge_ack",
    ArrivalAt => "arrival_at",
    DepartureAt => "departure_at",
    FaultCode => "fault_code",
    Result => "result",
    CustomerComment => "customer_comment",
    SignoffName => "signoff_name",
    SignoffAt => "signoff_at",
    Signature => "signature",
    CustomerNotPresent => "customer_not_present",
    NotPresentReason => "not_present_reason",
    Troubleshooting => "troubleshooting",
}

/// How a field is entered and checked. The app renders a control from it; validation
/// applies the matching rule; the review page formats the value by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// One line of text, at most `max` characters.
    Line {
        max: usize,
    },
    /// Several lines, `min..=max` characters.
    Paragraph {
        min: usize,
        max: usize,
    },
    Tel,
    Email,
    /// `YYYY-MM-DD`, not after today.
    Date,
    /// `YYYY-MM-DDTHH:MM` as a `datetime-local` control gives it.
    DateTime,
    /// One of these values; the labels are `<name>.<value>` messages.
    Choice(&'static [&'static str]),
    /// Any of these values, each a box to tick (none by default); the labels are
    /// `<name>.<value>` messages. The value holds the ticked ones separated by spaces, and
    /// travels as a JSON list.
    Several(&'static [&'static str]),
    /// A decimal number in `unit`, within `min..=max`.
    Measurement {
        unit: &'static str,
        min: u32,
        max: u32,
    },
    /// A box the customer ticks to say they read a notice (`"yes"` when ticked).
    Acknowledgement,
    /// A box that changes what is asked (`"yes"` when ticked), such as "I don't know the
    /// purchase date".
    Flag,
    /// The photos attached to the request ([`RequestFields::photos`]).
    Photos,
    /// The customer's signature drawn on the screen: the id of a PNG among the photos.
    Signature,
    /// Filled by guided troubleshooting, shown read-only.
    Transcript,
}

pub const RESOLUTIONS: &[&str] = &[
    "return_no_reason",
    "repair",
    "replacement",
    "exchange",
    "refund",
    "reship",
    "onsite_visit",
    "explanation",
];

/// Days after delivery an online order may be returned without a reason (七天无理由退货).
pub const NO_REASON_RETURN_DAYS: i64 = 7;
pub const CONTACT_TIMES: &[&str] = &["any", "morning", "afternoon", "evening"];
/// How a customer may agree to be told of news on their request (`notify`).
pub const NOTICE_CHANNELS: &[&str] = &["email", "sms"];
/// What an on-site visit achieved.
pub const VISIT_RESULTS: &[&str] = &["fixed", "needs_parts", "another_visit"];
const INTENTS: &[&str] =
    &["consultation", "repair", "return_exchange_refund", "complaint", "onsite_report"];
const CATEGORIES: &[&str] = &["quality", "service", "logistics", "general", "emergency"];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
/// "Can you still use it?" — asked instead of a priority, which everyone would set to urgent.
pub const USABLE: &[&str] = &["yes", "partly", "no"];
/// "Is anyone in danger?"
pub const DANGER: &[&str] = &["no", "yes"];

pub const SHORT_TEXT_MAX_CHARS: usize = 100;
pub const LONG_LINE_MAX_CHARS: usize = 200;
pub const NOTES_MAX_CHARS: usize = 2000;
pub const DESCRIPTION_MIN_CHARS: usize = 5;
pub const DESCRIPTION_MAX_CHARS: usize = 4000;

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|field| field.name() == name)
    }

    pub fn kind(self) -> FieldKind {
        use Field::*;
        match self {
            Intent => FieldKind::Choice(INTENTS),
            // The options come from configuration; checked against it.
            ProductLine => FieldKind::Choice(&[]),
            FullName | Company | RecordedBy | Model | SerialNumber | OrderNumber | SignoffName
            | FaultCode => FieldKind::Line { max: SHORT_TEXT_MAX_CHARS },
            Address | Site | InstalledIn => FieldKind::Line { max: LONG_LINE_MAX_CHARS },
            Phone => FieldKind::Tel,
            Email => FieldKind::Email,
            ContactTime => FieldKind::Choice(CONTACT_TIMES),
            Notify => FieldKind::Several(NOTICE_CHANNELS),
            PurchaseDate | StartedOn | DeliveredOn => FieldKind::Date,
            SignoffAt | ArrivalAt | DepartureAt => FieldKind::DateTime,
            Result => FieldKind::Choice(VISIT_RESULTS),
            Signature => FieldKind::Signature,
            CustomerNotPresent | WarrantyProof => FieldKind::Flag,
            Configuration | Parameters | PartsUsed | PartsNeeded | CustomerComment
            | NotPresentReason => FieldKind::Paragraph { min: 1, max: NOTES_MAX_CHARS },
            Description | FaultCause => {
                FieldKind::Paragraph { min: DESCRIPTION_MIN_CHARS, max: DESCRIPTION_MAX_CHARS }
            }
            Category => FieldKind::Choice(CATEGORIES),
            Priority => FieldKind::Choice(PRIORITIES),
            Usable => FieldKind::Choice(USABLE),
            Danger => FieldKind::Choice(DANGER),
            Resolution => FieldKind::Choice(RESOLUTIONS),
            InputVoltage | OutputVoltage => FieldKind::Measurement { unit: "V", min: 0, max: 1000 },
            InputCurrent | OutputCurrent => FieldKind::Measurement { unit: "A", min: 0, max: 2000 },
            Photos => FieldKind::Photos,
            ChargeAck => FieldKind::Acknowledgement,
            PurchaseDateUnknown => FieldKind::Flag,
            Troubleshooting => FieldKind::Transcript,
        }
    }

    /// The browser's autofill token, where one fits.
    pub fn autocomplete(self) -> Option<&'static str> {
        match self {
            Field::FullName => Some("name"),
            Field::Company => Some("organization"),
            Field::Phone => Some("tel"),
            Field::Email => Some("email"),
            Field::Address => Some("street-address"),
            _ => None,
        }
    }
}

/// A photo attached to a request. The bytes live beside the draft (an IndexedDB Blob in
/// the app, a BLOB row at the server); the request carries this description of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRef {
    /// A UUID: the photo's key in storage and its part name when sent.
    pub id: String,
    pub content_type: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// The request exactly as typed: free text, possibly incomplete. This is what a draft holds
/// and what the API accepts; [`crate::validate_request`] turns it into a [`ValidRequest`].
///
/// Every text field may be missing (empty) or `null` (empty); an unknown key is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestFields {
    pub intent: String,
    pub product_line: String,
    pub full_name: String,
    pub company: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub contact_time: String,
    /// How the customer agreed to be told of news on the request: `email` and/or `sms`,
    /// separated by spaces here and a list on the wire (`"notify": ["email", "sms"]`).
    /// Nothing ticked is no consent: nobody is told anything.
    #[serde(serialize_with = "as_list", skip_serializing_if = "String::is_empty")]
    pub notify: String,
    pub recorded_by: String,
    pub model: String,
    pub serial_number: String,
    pub purchase_date: String,
    /// `"yes"` when the customer does not know the purchase date: warranty is then checked
    /// by the service team from the serial number.
    pub purchase_date_unknown: String,
    pub order_number: String,
    /// When an online order was delivered (签收日期): within seven days it may be returned
    /// without a reason.
    pub delivered_on: String,
    pub configuration: String,
    /// Complaint category (`Category`), empty until chosen or suggested by a flow.
    pub category: String,
    pub started_on: String,
    pub site: String,
    pub installed_in: String,
    pub parameters: String,
    pub input_voltage: String,
    pub output_voltage: String,
    pub input_current: String,
    pub output_current: String,
    pub description: String,
    pub fault_cause: String,
    pub parts_used: String,
    pub parts_needed: String,
    pub resolution: String,
    /// Whether the customer can still use the product: `yes`, `partly`, `no`.
    pub usable: String,
    /// Whether anyone is in danger: `no`, `yes`.
    pub danger: String,
    /// `Priority`: suggested by a flow; the request's priority is derived from it and the
    /// answers above (`rules::priority_of`), never asked.
    pub priority: String,
    /// `"yes"` when one of the photos is the invoice or delivery note: proof of the purchase
    /// date for a unit the product archive does not know, which staff confirm.
    pub warranty_proof: String,
    pub charge_ack: String,
    pub arrival_at: String,
    pub departure_at: String,
    /// The fault code the equipment showed (e.g. `OC1`).
    pub fault_code: String,
    /// `fixed`, `needs_parts` or `another_visit`.
    pub result: String,
    pub customer_comment: String,
    pub signoff_name: String,
    pub signoff_at: String,
    /// The id of the customer's drawn signature, a PNG among [`RequestFields::photos`].
    pub signature: String,
    /// `"yes"` when the customer could not sign (not there): then a reason is required.
    pub customer_not_present: String,
    pub not_present_reason: String,
    /// What guided troubleshooting already tried, when the customer went through it.
    pub troubleshooting: Option<Troubleshooting>,
    pub photos: Vec<PhotoRef>,
    /// The customer's calendar date when they submitted (`YYYY-MM-DD`): warranty is judged
    /// on the day as the customer lives it, not in the server's time zone.
    pub local_date: String,
    /// The last day the product archive covers this unit (`YYYY-MM-DD`), as the look-up by
    /// serial number answered it: warranty is then judged from the archive's date, not the
    /// purchase date. The intake server never takes it from the caller: it looks the serial
    /// up itself and puts its own answer here (or nothing) before judging.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub warranty_on_record: String,
    /// `"kiosk"` when the request was taken down on a shared kiosk device (`/kiosk`), where
    /// `kiosk.recorded_by_required` asks staff beside it to say who took it down. Empty for
    /// any other channel; an unknown value counts as empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// The language the customer used the app in (`zh-CN`, `en`): notices are written in it.
    /// Without it the server takes the request's `Accept-Language`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub language: String,
    /// A honeypot: an input real customers never see (hidden from view and from assistive
    /// technology) that form-filling bots fill in. Never validated, stored or forwarded; the
    /// intake server quietly drops a request that carries anything here.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub website: String,
}

/// One answered node, in language-independent ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptEntry {
    pub node: String,
    /// `fixed`, `not_fixed`, `cannot` for steps; the answer id for questions.
    pub answer: String,
    pub at_ms: u64,
}

/// A bidirectional override or isolate: it can make a name read differently to staff than
/// it was typed, so no stored text (a customer's or an archive record's) holds one.
pub fn is_direction_override(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Flow, node and answer ids: lower-case letters, digits, `_` and `-`, at most 64. They are
/// stored with requests, so everything that accepts one checks it with this.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The transcript of guided troubleshooting sent with a request ("what we already tried").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Troubleshooting {
    pub flow_id: String,
    pub flow_version: u32,
    /// The outcome node reached.
    pub outcome: String,
    pub steps: Vec<TranscriptEntry>,
    /// The part the checks found at fault (`waterproofing`) when it has a warranty of its own
    /// (`product_lines[].components` in the configuration): the warranty is judged on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

/// Read by field name through [`RequestFields::set`]: serde's derived reader for 35 fields
/// is one large function per field in the app's download; this is one loop.
impl<'de> Deserialize<'de> for RequestFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> serde::de::Visitor<'de> for FieldsVisitor {
            type Value = RequestFields;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("the fields of a service request")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RequestFields, A::Error> {
                let mut fields = RequestFields::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "troubleshooting" => fields.troubleshooting = map.next_value()?,
                        "photos" => {
                            fields.photos =
                                map.next_value::<Option<Vec<PhotoRef>>>()?.unwrap_or_default()
                        }
                        "local_date" => {
                            fields.local_date =
                                map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        "warranty_on_record" => {
                            fields.warranty_on_record =
                                map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        "channel" => {
                            fields.channel = map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        "language" => {
                            fields.language =
                                map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        "notify" => {
                            fields.notify = map
                                .next_value::<Option<Vec<String>>>()?
                                .unwrap_or_default()
                                .join(" ")
                        }
                        // Whatever a bot puts there is read, so a refusal never tells it why.
                        "website" => {
                            fields.website = match map.next_value::<serde_json::Value>()? {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(text) => text,
                                other => other.to_string(),
                            }
                        }
                        name => match Field::parse(name).filter(|f| {
                            !matches!(f, Field::Photos | Field::Troubleshooting | Field::Notify)
                        }) {
                            Some(field) => fields.set(
                                field,
                                map.next_value::<Option<String>>()?.unwrap_or_default(),
                            ),
                            None => {
                                return Err(serde::de::Error::custom(format_args!(
                                    "unknown field `{name}`"
                                )))
                            }
                        },
                    }
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// The string slot of a text-valued field, borrowed as asked (`&` or `&mut`).
macro_rules! slot {
    ($fields:ident, $field:expr, $($borrow:tt)*) => {{
        use Field::*;
        match $field {
            Intent => Some($($borrow)* $fields.intent),
            ProductLine => Some($($borrow)* $fields.product_line),
            FullName => Some($($borrow)* $fields.full_name),
            Company => Some($($borrow)* $fields.company),
            Phone => Some($($borrow)* $fields.phone),
            Email => Some($($borrow)* $fields.email),
            Address => Some($($borrow)* $fields.address),
            ContactTime => Some($($borrow)* $fields.contact_time),
            Notify => Some($($borrow)* $fields.notify),
            RecordedBy => Some($($borrow)* $fields.recorded_by),
            Model => Some($($borrow)* $fields.model),
            SerialNumber => Some($($borrow)* $fields.serial_number),
            PurchaseDate => Some($($borrow)* $fields.purchase_date),
            PurchaseDateUnknown => Some($($borrow)* $fields.purchase_date_unknown),
            OrderNumber => Some($($borrow)* $fields.order_number),
            DeliveredOn => Some($($borrow)* $fields.delivered_on),
            Configuration => Some($($borrow)* $fields.configuration),
            Category => Some($($borrow)* $fields.category),
            StartedOn => Some($($borrow)* $fields.started_on),
            Site => Some($($borrow)* $fields.site),
            InstalledIn => Some($($borrow)* $fields.installed_in),
            Parameters => Some($($borrow)* $fields.parameters),
            InputVoltage => Some($($borrow)* $fields.input_voltage),
            OutputVoltage => Some($($borrow)* $fields.output_voltage),
            InputCurrent => Some($($borrow)* $fields.input_current),
            OutputCurrent => Some($($borrow)* $fields.output_current),
            Description => Some($($borrow)* $fields.description),
            FaultCause => Some($($borrow)* $fields.fault_cause),
            PartsUsed => Some($($borrow)* $fields.parts_used),
            PartsNeeded => Some($($borrow)* $fields.parts_needed),
            Resolution => Some($($borrow)* $fields.resolution),
            Usable => Some($($borrow)* $fields.usable),
            Danger => Some($($borrow)* $fields.danger),
            Priority => Some($($borrow)* $fields.priority),
            WarrantyProof => Some($($borrow)* $fields.warranty_proof),
            ChargeAck => Some($($borrow)* $fields.charge_ack),
            ArrivalAt => Some($($borrow)* $fields.arrival_at),
            DepartureAt => Some($($borrow)* $fields.departure_at),
            FaultCode => Some($($borrow)* $fields.fault_code),
            Result => Some($($borrow)* $fields.result),
            CustomerComment => Some($($borrow)* $fields.customer_comment),
            SignoffName => Some($($borrow)* $fields.signoff_name),
            SignoffAt => Some($($borrow)* $fields.signoff_at),
            Signature => Some($($borrow)* $fields.signature),
            CustomerNotPresent => Some($($borrow)* $fields.customer_not_present),
            NotPresentReason => Some($($borrow)* $fields.not_present_reason),
            Photos | Troubleshooting => None,
        }
    }};
}

impl RequestFields {
    /// The text of a text-valued field (photos and the transcript are not: they read as empty).
    pub fn get(&self, field: Field) -> &str {
        slot!(self, field, &).map_or("", String::as_str)
    }

    /// Sets a text-valued field; photos and the transcript have their own events.
    pub fn set(&mut self, field: Field, value: String) {
        if let Some(slot) = slot!(self, field, &mut) {
            *slot = value;
        }
    }
}

/// A [`FieldKind::Several`] value as the JSON list it travels as.
fn as_list<S: serde::Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(value.split_whitespace())
}

/// A request that passed validation: trimmed, phone normalised to E.164, optional fields
/// `None` when left empty, warranty judged. Every text field the customer filled in is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Every other filled-in field by schema name, trimmed (company, address, model, …).
    #[serde(default)]
    pub details: std::collections::BTreeMap<String, String>,
    /// Judged from the purchase date on the customer's date; "to be checked" from the serial
    /// number when the customer does not know it; `None` when neither was asked.
    #[serde(default)]
    pub warranty: Option<crate::warranty::WarrantyStatus>,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    /// How the customer agreed to be told of news on it; none: they are told nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub notify: Vec<NoticeChannel>,
    /// The language notices to the customer are written in (`zh-CN`, `en`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub language: Option<String>,
}

/// A way a customer agreed to be told of news on their request (`notify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeChannel {
    /// To the email address given with the request.
    Email,
    /// A text message to the (mobile) phone number given with it.
    Sms,
}

impl NoticeChannel {
    pub const ALL: [NoticeChannel; 2] = [NoticeChannel::Email, NoticeChannel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeChannel::Email => "email",
            NoticeChannel::Sms => "sms",
        }
    }

    pub fn parse(value: &str) -> Option<NoticeChannel> {
        NoticeChannel::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The channels a [`Field::Notify`] value ticks, each once, in [`NoticeChannel::ALL`]'s
    /// order; unknown words are left out (validation refuses them).
    pub fn ticked(value: &str) -> Vec<NoticeChannel> {
        NoticeChannel::ALL
            .into_iter()
            .filter(|c| value.split_whitespace().any(|word| word == c.as_str()))
            .collect()
    }
}

/// Complaint category (投诉分类).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    pub const ALL: [Category; 5] = [
        Category::Quality,
        Category::Service,
        Category::Logistics,
        Category::General,
        Category::Emergency,
    ];

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] =
        [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_by_name_with_missing_and_null_as_empty_and_unknown_refused() {
        let fields: RequestFields = serde_json::from_str(
            r#"{"full_name":"王建国","email":null,"input_voltage":"380","photos":[{"id":"ab12cd34","content_type":"image/jpeg","bytes":9,"width":1,"height":1}],"troubleshooting":null,"local_date":"2026-11-27"}"#,
        )
        .unwrap();
        assert_eq!(
            (fields.full_name.as_str(), fields.email.as_str(), fields.input_voltage.as_str()),
            ("王建国", "", "380")
        );
        assert_eq!((fields.photos.len(), fields.local_date.as_str()), (1, "2026-11-27"));
        let round_trip: RequestFields =
            serde_json::from_str(&serde_json::to_string(&fields).unwrap()).unwrap();
        assert_eq!(round_trip, fields);
        let unknown =
            serde_json::from_str::<RequestFields>(r#"{"full_name":"x","name":"not a field"}"#)
                .unwrap_err();
        assert!(unknown.to_string().contains("unknown field `name`"), "{unknown}");
        let bait: RequestFields =
            serde_json::from_str(r#"{"full_name":"x","website":"http://spam.example"}"#).unwrap();
        assert_eq!(bait.website, "http://spam.example");
        let odd: RequestFields = serde_json::from_str(r#"{"website":{"a":1}}"#).unwrap();
        assert!(!odd.website.is_empty(), "any value a bot sends is read as filled in");
        let empty: RequestFields = serde_json::from_str(r#"{"website":null}"#).unwrap();
        assert!(!serde_json::to_string(&empty).unwrap().contains("website"), "never written");
        assert!(serde_json::from_str::<RequestFields>(r#"{"photos":"not a list"}"#).is_err());
        assert!(serde_json::from_str::<RequestFields>(r#"{"full_name":7}"#).is_err());
    }

    #[test]
    fn consent_travels_as_a_list_and_is_held_as_words() {
        let fields: RequestFields =
            serde_json::from_str(r#"{"notify":["email","sms"],"language":"en"}"#).unwrap();
        assert_eq!((fields.notify.as_str(), fields.language.as_str()), ("email sms", "en"));
        let json = serde_json::to_value(&fields).unwrap();
        assert_eq!(json["notify"], serde_json::json!(["email", "sms"]));
        let none: RequestFields = serde_json::from_str(r#"{"notify":null}"#).unwrap();
        assert!(!serde_json::to_string(&none).unwrap().contains("notify"), "none: not written");
        assert!(serde_json::from_str::<RequestFields>(r#"{"notify":"email"}"#).is_err());
        assert_eq!(
            NoticeChannel::ticked("sms email sms bogus"),
            [NoticeChannel::Email, NoticeChannel::Sms]
        );
    }
}

/// The OpenAPI schema of [`RequestFields`], made from [`Field::ALL`] as its reader is: every
/// text field optional and a string or `null`, `photos` and `troubleshooting` typed, and no
/// other key (its hand-written `Deserialize` refuses one, which a derive could not see).
#[cfg(feature = "openapi")]
mod openapi {
    use utoipa::openapi::schema::{
        AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
    };
    use utoipa::openapi::RefOr;
    use utoipa::{PartialSchema, ToSchema};

    use super::{Field, PhotoRef, RequestFields, Troubleshooting};

    fn text_or_null(description: &str) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some(description))
    }

    impl PartialSchema for RequestFields {
        fn schema() -> RefOr<Schema> {
            let mut object = ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(
                    "The request exactly as typed: every field optional, an empty string or \
                     null when left empty. The server validates it as the form does (422 \
                     validation_failed names each refused field); an unknown key is 400.",
                ))
                .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
            for field in Field::ALL {
                let schema: RefOr<Schema> = match field {
                    Field::Photos => OneOfBuilder::new()
                        .item(
                            ArrayBuilder::new()
                                .items(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                                    PhotoRef::name(),
                                )))
                                .build(),
                        )
                        .item(ObjectBuilder::new().schema_type(Type::Null).build())
                        .description(Some(
                            "The photos' descriptions; a multipart body carries their bytes.",
                        ))
                        .into(),
                    Field::Notify => OneOfBuilder::new()
                        .item(
                            ArrayBuilder::new()
                                .items(ObjectBuilder::new().schema_type(Type::String).enum_values(
                                    Some(crate::schema::NOTICE_CHANNELS.iter().copied()),
                                ))
                                .build(),
                        )
                        .item(ObjectBuilder::new().schema_type(Type::Null).build())
                        .description(Some(
                            "How the customer agreed to be told of news: `email` (needs \
                             `email`) and/or `sms` (needs a mobile `phone`); none by default.",
                        ))
                        .into(),
                    Field::Troubleshooting => OneOfBuilder::new()
                        .item(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            Troubleshooting::name(),
                        )))
                        .item(ObjectBuilder::new().schema_type(Type::Null).build())
                        .into(),
                    other => text_or_null(&format!("`{}` as typed.", other.name())).into(),
                };
                object = object.property(field.name(), schema);
            }
            object = object
                .property(
                    "local_date",
                    text_or_null("The customer's calendar date when sent, YYYY-MM-DD."),
                )
                .property(
                    "warranty_on_record",
                    text_or_null(
                        "Ignored from callers: the server looks the serial number up in its \
                         product archive and judges warranty from the archive's date.",
                    ),
                )
                .property(
                    "channel",
                    text_or_null(
                        "`kiosk` when taken down on a kiosk device: with the config's \
                         `kiosk.recorded_by_required`, `recorded_by` is then required.",
                    ),
                )
                .property(
                    "language",
                    text_or_null(
                        "The app's language (`zh-CN`, `en`): notices are written in it; \
                         without it, the request's Accept-Language decides.",
                    ),
                )
                .property(
                    "website",
                    ObjectBuilder::new().description(Some(
                        "Left empty by people: a request with anything here is not stored.",
                    )),
                );
            object.into()
        }
    }

    impl ToSchema for RequestFields {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((PhotoRef::name().into(), PhotoRef::schema()));
            PhotoRef::schemas(schemas);
            schemas.push((Troubleshooting::name().into(), Troubleshooting::schema()));
            Troubleshooting::schemas(schemas);
        }
    }
}
