//! Unlocking a kiosk for staff: the server checks the PIN (the device never knows it).

use gloo_net::http::Request;
use shouhou_core::Lang;
use shouhou_web::http::{send, HttpError};

/// `POST {base_url}/kiosk/unlock` with the PIN: `Ok` when the server took it; a 401 is a
/// wrong PIN, a 429 too many tries (its `Retry-After` says how long to wait).
pub async fn unlock(base_url: &str, pin: &str, lang: Lang) -> Result<(), HttpError> {
    let url = format!("{}/kiosk/unlock", base_url.trim_end_matches('/'));
    let request = Request::post(&url)
        .header("Accept-Language", lang.tag())
        .json(&serde_json::json!({ "pin": pin }));
    send(request).await.map(drop)
}
