//! The calls the engineer's app makes, one function per endpoint over the shared request
//! function, with the staff session cookie the browser keeps: the staff session, the
//! engineer's visits and a request's details (as text, so the app keeps exactly what the
//! server said), the report (`POST /api/v1/requests`) and its join to the visit.
//!
//! Every call has a time limit: on one bar of signal a fetch can wait for minutes, and the
//! engineer would wait with it. A call that runs out of time is aborted and counts as no
//! signal ([`HttpError::Offline`]): a read falls back to what the tablet kept, a report stays
//! queued and goes again under the same idempotency key (it may have been stored).

use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use serde::{Deserialize, Serialize};
use shouhou_core::desk::{EventRequest, Session};
use shouhou_core::{Lang, PhotoRef};
use shouhou_web::http::{self, encode, query, HttpError};
use web_sys::{AbortController, AbortSignal};

const STAFF: &str = "/api/v1/staff";
/// How long a read (the visits, a request, the session) may take before the kept copy shows.
const READ_LIMIT_MS: u32 = 8_000;
/// How long a report or its join may take (a signature goes with it) before it is tried
/// again later.
const SEND_LIMIT_MS: u32 = 30_000;

/// A call's time limit: its signal goes on the request, and its timer, held until the answer
/// has been read, aborts the fetch (its body too) when time runs out.
struct Limit {
    signal: Option<AbortSignal>,
    _timer: Option<Timeout>,
}

impl Limit {
    fn new(limit_ms: u32) -> Limit {
        let controller = AbortController::new().ok();
        Limit {
            signal: controller.as_ref().map(AbortController::signal),
            _timer: controller.map(|c| Timeout::new(limit_ms, move || c.abort())),
        }
    }

    fn on(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.abort_signal(self.signal.as_ref())
    }

    /// Sends `request` (built [`Limit::on`] this limit): its answer's body, read in time.
    async fn text(self, request: Result<Request, gloo_net::Error>) -> Result<String, HttpError> {
        http::text(http::send(request).await?).await
    }
}

/// `GET url`, its body as text, within [`READ_LIMIT_MS`].
async fn get_text(url: &str) -> Result<String, HttpError> {
    let limit = Limit::new(READ_LIMIT_MS);
    let request = limit.on(Request::get(url)).build();
    limit.text(request).await
}

/// Who is signed in on this browser: a 401 when no one is.
pub async fn session() -> Result<Session, HttpError> {
    http::read_maps(&get_text(&[STAFF, "/session"].concat()).await?)
}

/// Signs in; a 401 means the login or the password is wrong.
pub async fn sign_in(login: String, password: String) -> Result<Session, HttpError> {
    #[derive(Serialize)]
    struct Credentials {
        login: String,
        password: String,
    }
    let limit = Limit::new(READ_LIMIT_MS);
    let request = limit
        .on(Request::post(&[STAFF, "/session"].concat()))
        .json(&Credentials { login, password });
    limit.text(request).await?;
    session().await
}

pub async fn sign_out() -> Result<(), HttpError> {
    let limit = Limit::new(READ_LIMIT_MS);
    let request = limit.on(Request::delete(&[STAFF, "/session"].concat())).build();
    limit.text(request).await.map(drop)
}

/// The engineer's own visits sharing any time with the days `from` to `to`, as text.
pub async fn visits(from: &str, to: &str) -> Result<String, HttpError> {
    let query = query(&[("from", Some(from.to_string())), ("to", Some(to.to_string()))]);
    get_text(&[STAFF, "/visits", &query].concat()).await
}

fn request_path(reference: &str) -> String {
    [STAFF, "/requests/", &encode(reference)].concat()
}

/// Where one of a request's photos is served (to staff: the session's cookie goes with it).
pub fn photo_url(reference: &str, photo: &str) -> String {
    [&request_path(reference), "/photos/", &encode(photo)].concat()
}

/// Asks for a photo so that the service worker keeps it for use without signal
/// (`field/static/sw.js` stores it whole before it answers, and answers one it keeps from
/// there); its bytes are not read here.
pub async fn keep_photo(url: &str) -> Result<(), HttpError> {
    let limit = Limit::new(SEND_LIMIT_MS);
    let request = limit.on(Request::get(url)).build();
    http::send(request).await.map(drop)
}

/// A request's details, history and transcript, as text.
pub async fn request(reference: &str) -> Result<String, HttpError> {
    get_text(&request_path(reference)).await
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
    let limit = Limit::new(SEND_LIMIT_MS);
    let builder = limit
        .on(Request::post("/api/v1/requests"))
        .header("Idempotency-Key", idempotency_key)
        .header("Accept-Language", lang.tag());
    let request = match signature {
        None => builder.json(fields),
        Some((photo, blob)) => {
            let json = serde_json::to_string(fields).expect("fields serialise");
            builder.body(shouhou::services::api::multipart("request", &json, &[(photo, blob)]))
        }
    };
    let receipt: Receipt = http::read_json(&limit.text(request).await?)?;
    Ok(receipt.reference)
}

/// Joins the stored report to its visit: the server answers the same join the same way
/// however often it is sent.
pub async fn join(reference: &str, event: &EventRequest, lang: Lang) -> Result<(), HttpError> {
    let path = [&request_path(reference), "/events"].concat();
    let limit = Limit::new(SEND_LIMIT_MS);
    let request = limit.on(Request::post(&path)).header("Accept-Language", lang.tag()).json(event);
    limit.text(request).await.map(drop)
}
