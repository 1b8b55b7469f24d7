//! What the handlers' OpenAPI descriptions share (`#[utoipa::path]` beside each handler):
//! the error shape, the answers several routes give (rate limited, body errors, no session,
//! cross-site), and the types of answers that handlers build with `json!`, which nothing
//! serialises: Schemathesis (`scripts/schemathesis.sh`) checks every answer against them, so
//! they cannot drift from what is sent. The document itself is [`crate::openapi`].

use std::collections::BTreeMap;

use shouhou_core::{EntryKind, ErrorCode, Field, Status, ValidRequest};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoResponses, PartialSchema, ToSchema};

/// Every error: a machine code, a human message, and for `422 validation_failed` the refused
/// fields.
/// One Server-Sent Event of the live desk's stream, as a client reads it: a `change` (its
/// `id` is the change's, for `Last-Event-ID`) or `typing` event with JSON text as `data`, or
/// the first, which only says how soon to reconnect (`retry`, milliseconds).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StreamEvent {
    /// `change` or `typing`.
    #[schema(required = false)]
    event: Option<String>,
    #[schema(required = false)]
    id: Option<String>,
    /// `{"reference", "what"}` for a change, `{"reference", "login"}` for typing.
    #[schema(required = false)]
    data: Option<String>,
    #[schema(required = false)]
    retry: Option<u64>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// The machine code, e.g. `validation_failed`, `not_found`, `rate_limited`,
    /// `idempotency_key_reused`, `malformed_json`, `payload_too_large`, `unauthorized`,
    /// `bad_request`.
    code: String,
    /// In the caller's language (Accept-Language: zh-CN by default, en).
    message: String,
    /// The refused fields (only with `validation_failed` naming fields).
    #[schema(required = false)]
    fields: Vec<FieldProblem>,
}

/// One refused field: `{"field", "code", "min"/"max" where the code has them, "message"}`.
pub struct FieldProblem;

impl PartialSchema for FieldProblem {
    fn schema() -> RefOr<Schema> {
        let mut fields: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
        // Fields of a customer's message and rating, outside the request's schema; the
        // customer's contact a lead erases or exports by.
        fields.extend(["text", "rating", "comment", "contact"]);
        let number = || ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "field",
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some(fields)),
            )
            .required("field")
            .property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(ErrorCode::ALL.iter().copied())),
            )
            .required("code")
            .property("min", number())
            .property("max", number())
            .property("message", ObjectBuilder::new().schema_type(Type::String))
            .required("message")
            .into()
    }
}

impl ToSchema for FieldProblem {}

/// A new request's answer (`201`), or the earlier one's on a retry (`200`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Created {
    /// `SR-YYYYMMDD-…`: what the customer looks the request up by.
    reference: String,
    status: Status,
    /// RFC 3339, in the server's offset.
    created_at: String,
    /// When the team promises its next reply (RFC 3339).
    reply_by: String,
}

/// `{"recorded": true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Recorded {
    recorded: bool,
}

/// What the customer's look-up shows: the request as stored, its public timeline, and
/// whether the customer may answer or rate now.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StatusView {
    reference: String,
    status: Status,
    created_at: String,
    reply_by: String,
    request: ValidRequest,
    timeline: Vec<shouhou_core::desk::PublicEntry>,
    can_reply: bool,
    can_rate: bool,
    /// The next booked visit of an engineer, when there is one.
    visit: Option<shouhou_core::desk::PublicVisit>,
    /// What the request waits for, while it is `waiting_parts`.
    parts: Option<shouhou_core::desk::PartsAwaited>,
}

/// The customer's message as it went on the timeline.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MessageEntry {
    at: String,
    kind: EntryKind,
    text: String,
}

/// The customer's rating as it went on the timeline.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RatingEntry {
    at: String,
    kind: EntryKind,
    rating: Option<u8>,
    comment: String,
}

/// A request with photos: the `request` part is the JSON of the request's fields
/// (`Content-Type: application/json`), each `photo` part one photo's bytes with its id as the
/// filename and its type (image/jpeg, image/png, image/webp) as the part's type. The photos
/// must be exactly those `photos` lists, byte for byte in size and type. An on-site report's
/// drawn signature is one of them (a PNG named by `signature`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RequestWithPhotos {
    #[schema(value_type = shouhou_core::RequestFields)]
    request: String,
    #[schema(value_type = Vec<String>, format = Binary, required = false)]
    photo: Vec<Vec<u8>>,
}

/// A refusal of the JSON error shape.
fn error(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
        )
        .build()
        .into()
}

fn responses<const N: usize>(
    list: [(&str, RefOr<utoipa::openapi::Response>); N],
) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    list.into_iter().map(|(status, response)| (status.to_string(), response)).collect()
}

/// `429 rate_limited` with `Retry-After`: every customer route and staff sign-ins.
pub struct RateLimited;

impl IntoResponses for RateLimited {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([(
            "429",
            wait_and_retry(
                "`rate_limited`: too many from this client, or `photo_quota_exceeded`: its photos for the day are sent; try again after `Retry-After` seconds.",
            ),
        )])
    }
}

/// An error body with `Retry-After`: what to wait before trying again.
fn wait_and_retry(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
        )
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
                .description(Some("Seconds to wait."))
                .build(),
        )
        .build()
        .into()
}

/// `507 insufficient_storage`: the database's disk is at its floor; no photo is taken.
pub struct DiskFull;

impl IntoResponses for DiskFull {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let full = ResponseBuilder::new()
            .description("`insufficient_storage`: the server's disk is at its floor (`--min-free-disk-mb`); send without photos or later.")
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
            );
        responses([("507", full.build().into())])
    }
}

/// `503 busy` with `Retry-After: 1`: a body with photos did not fit in the memory all uploads
/// arriving at once may hold (`--upload-memory-mb`).
pub struct UploadsBusy;

impl IntoResponses for UploadsBusy {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([(
            "503",
            wait_and_retry(
                "`busy`: the memory all uploads arriving at once may hold is taken (a body with photos); try again after `Retry-After` seconds.",
            ),
        )])
    }
}

/// `503 busy` with `Retry-After: 1`: every password hasher was taken (staff sign-in, kiosk
/// PIN); the attempt was not judged.
pub struct Busy;

impl IntoResponses for Busy {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([(
            "503",
            wait_and_retry(
                "`busy`: every password hasher is taken; try again after `Retry-After` seconds.",
            ),
        )])
    }
}

/// What reading a JSON (or multipart) body can answer.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([
            (
                "400",
                error(
                    "`malformed_json` (the body is not the JSON this route reads, or a multipart \
                     body is not well formed), `missing_idempotency_key`, `missing_contact`, or \
                     `bad_request` (an address or query that cannot be read).",
                ),
            ),
            ("408", error("`request_timeout`: the body did not arrive in time.")),
            ("413", error("`payload_too_large`: over the route's limit.")),
            (
                "415",
                error(
                    "`unsupported_media_type`: not `application/json` (or multipart where taken).",
                ),
            ),
        ])
    }
}

/// `401 unauthorized`: no valid staff session.
pub struct Unauthorized;

impl IntoResponses for Unauthorized {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([("401", error("`unauthorized`: no valid session cookie."))])
    }
}

/// `403 cross_site`: a state-changing staff request a browser marked as from another site.
pub struct CrossSite;

impl IntoResponses for CrossSite {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([("403", error(&format!("{CROSS_SITE}.")))])
    }
}

/// `403 forbidden`: an engineer's session, on what only agents and leads do.
pub struct EngineerForbidden;

impl IntoResponses for EngineerForbidden {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([("403", error(ENGINEER_FORBIDDEN))])
    }
}

const CROSS_SITE: &str = "`cross_site`: `Sec-Fetch-Site` or `Origin` says another site sent it";

const ENGINEER_FORBIDDEN: &str =
    "`forbidden`: an engineer's session (engineers see only the requests they visit).";

/// A state-changing request only agents and leads make: `403 cross_site` or, for an
/// engineer, `403 forbidden`.
pub struct CrossSiteOrEngineer;

impl IntoResponses for CrossSiteOrEngineer {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([("403", error(&format!("{CROSS_SITE}; or {ENGINEER_FORBIDDEN}")))])
    }
}

/// What a lead's report over a period refuses: a period that cannot be read, no session, an
/// agent.
pub struct LeadsPeriod;

impl IntoResponses for LeadsPeriod {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        responses([
            ("400", error("`bad_query`: `from` and `to` are days, from not after to.")),
            ("401", error("`unauthorized`: no valid session cookie.")),
            ("403", error("`forbidden`: an agent, not a lead.")),
        ])
    }
}
