//! Unlocking a kiosk for staff: the server checks the PIN (the device never knows it).

use gloo_net::http::Request;
use shouhou_core::Lang;

/// What the server said of a PIN.
#[derive(Debug, Clone, PartialEq)]
pub enum Unlock {
    /// Not asked yet, or the panel was closed.
    Locked,
    Checking,
    Unlocked,
    WrongPin,
    /// Too many tries: wait this many seconds.
    Limited(u64),
    /// No connection: staff functions need the server.
    Offline,
    /// The server has no PIN set (or the backend is not Shouhou's server).
    NotSet,
}

/// `POST {base_url}/kiosk/unlock` with the PIN.
pub async fn unlock(base_url: &str, pin: &str, lang: Lang) -> Unlock {
    let url = format!("{}/kiosk/unlock", base_url.trim_end_matches('/'));
    let Ok(request) = Request::post(&url)
        .header("Accept-Language", lang.tag())
        .json(&serde_json::json!({ "pin": pin }))
    else {
        return Unlock::NotSet;
    };
    match request.send().await {
        Err(_) => Unlock::Offline,
        Ok(response) => match response.status() {
            204 => Unlock::Unlocked,
            401 => Unlock::WrongPin,
            429 => Unlock::Limited(
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(60),
            ),
            _ => Unlock::NotSet,
        },
    }
}
