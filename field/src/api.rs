//! The calls the engineer's app makes, one function per endpoint over the shared request
//! function, with the staff session cookie the browser keeps: the staff session, the
//! engineer's visits and a request's details (as text, so the app keeps exactly what the
//! server said), the report (`POST /api/v1/requests`) and its join to the visit.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use shouhou_core::desk::{EventRequest, Session};
use shouhou_core::{Lang, PhotoRef};
use shouhou_web::http::{self, encode, query, send, HttpError};

const STAFF: &str = "/api/v1/staff";

/// Who is signed in on this browser: a 401 when no one is.
pub async fn session() -> Result<Session, HttpError> {
    http::get_json(&[STAFF, "/session"].concat()).await
}

/// Signs in; a 401 means the login or the password is wrong.
pub async fn sign_in(login: String, password: String) -> Result<Session, HttpError> {
    #[derive(Serialize)]
    struct Credentials {
        login: String,
        password: String,
    }
    send(Request::post(&[STAFF, "/session"].concat()).json(&Credentials { login, password }))
        .await?;
    session().await
}

pub async fn sign_out() -> Result<(), HttpError> {
    send(Request::delete(&[STAFF, "/session"].concat()).build()).await.map(drop)
}

/// The engineer's own visits sharing any time with the days `from` to `to`, as text.
pub async fn visits(from: &str, to: &str) -> Result<String, HttpError> {
    let query = query(&[("from", Some(from.to_string())), ("to", Some(to.to_string()))]);
    http::get_text(&[STAFF, "/visits", &query].concat()).await
}

fn request_path(reference: &str) -> String {
    [STAFF, "/requests/", &encode(reference)].concat()
}

/// A request's details, history and transcript, as text.
pub async fn request(reference: &str) -> Result<String, HttpError> {
    http::get_text(&request_path(reference)).await
}

/// Files the report under its idempotency key (the same report however often it is
/// sent), with the signature drawn on the tablet; answers the report's reference.
pub async fn file_report(
    fields: &shouhou_core::RequestFields,
    idempotency_key: &str,
    signature: Option<(&PhotoRef, web_sys::Blob)>,
    lang: Lang,
) -> Result<String, HttpError> {
    #[derive(Deserialize)]
    struct Receipt {
        reference: String,
    }
    let builder = Request::post("/api/v1/requests")
        .header("Idempotency-Key", idempotency_key)
        .header("Accept-Language", lang.tag());
    let request = match signature {
        None => builder.json(fields),
        Some((photo, blob)) => {
            let json = serde_json::to_string(fields).expect("fields serialise");
            builder.body(shouhou::services::api::multipart("request", &json, &[(photo, blob)]))
        }
    };
    let receipt: Receipt = http::json(send(request).await?).await?;
    Ok(receipt.reference)
}

/// Joins the stored report to its visit: the server answers the same join the same way
/// however often it is sent.
pub async fn join(reference: &str, event: &EventRequest, lang: Lang) -> Result<(), HttpError> {
    let path = [&request_path(reference), "/events"].concat();
    send(Request::post(&path).header("Accept-Language", lang.tag()).json(event)).await.map(drop)
}
