//! The status look-up: what the service team's records say of a filed request.

use gloo_net::http::Request;
use serde::Deserialize;
use shouhou_core::Lang;

/// The intake server's answer, as much of it as the status screen shows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RequestStatus {
    pub reference: String,
    pub status: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the promised time of the next reply.
    pub reply_by: String,
}

/// Why a look-up gave no status.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupError {
    /// No request with this reference and contact; the server does not say which is wrong.
    NotFound,
    Offline,
    /// Too many look-ups; try again later.
    Limited,
    /// Anything else the server said, in its words.
    Failed(String),
}

/// `GET /requests/{reference}?contact=…` on the intake server at `base_url`.
pub async fn look_up(
    base_url: &str,
    reference: &str,
    contact: &str,
    lang: Lang,
) -> Result<RequestStatus, LookupError> {
    let url = format!("{}/requests/{reference}", base_url.trim_end_matches('/'));
    let response = Request::get(&url)
        .query([("contact", contact)])
        .header("Accept-Language", lang.tag())
        .send()
        .await
        .map_err(|_| LookupError::Offline)?;
    match response.status() {
        200 => response.json().await.map_err(|e| LookupError::Failed(e.to_string())),
        404 => Err(LookupError::NotFound),
        429 => Err(LookupError::Limited),
        status => {
            #[derive(Deserialize)]
            struct ErrorBody {
                message: String,
            }
            let message = response.json::<ErrorBody>().await.map(|b| b.message);
            Err(LookupError::Failed(message.unwrap_or_else(|_| format!("HTTP {status}"))))
        }
    }
}
