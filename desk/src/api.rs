//! The staff API (`/api/v1/staff`), with the session cookie the browser keeps.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const BASE: &str = "/api/v1/staff";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No valid session: the desk shows the sign-in.
    Unauthorized,
    /// The server's error code (`invalid_credentials`, `transition_not_allowed`, …).
    Code(u16, String),
    /// No answer at all.
    Network,
}

impl ApiError {
    /// The desk's message key for it.
    pub fn message_key(&self) -> String {
        match self {
            ApiError::Unauthorized => "error.unauthorized".into(),
            ApiError::Network => "error.network".into(),
            ApiError::Code(_, code) => match code.as_str() {
                "invalid_credentials"
                | "rate_limited"
                | "transition_not_allowed"
                | "unknown_staff"
                | "invalid_event"
                | "forbidden"
                | "not_found"
                | "bad_query" => {
                    format!("error.{code}")
                }
                _ => "error.generic".into(),
            },
        }
    }
}

async fn check(response: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = response.map_err(|_| ApiError::Network)?;
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok(response);
    }
    if status == 401 && response.url().ends_with("/staff/session") {
        // A sign-in refused: its code tells why.
    } else if status == 401 {
        return Err(ApiError::Unauthorized);
    }
    let code = response
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
        .unwrap_or_default();
    Err(ApiError::Code(status, code))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = check(Request::get(&format!("{BASE}{path}")).send().await).await?;
    response.json::<T>().await.map_err(|_| ApiError::Code(0, String::new()))
}

pub async fn post<B: Serialize>(path: &str, body: &B) -> Result<Response, ApiError> {
    let request =
        Request::post(&format!("{BASE}{path}")).json(body).map_err(|_| ApiError::Network)?;
    check(request.send().await).await
}

pub async fn delete(path: &str) -> Result<Response, ApiError> {
    check(Request::delete(&format!("{BASE}{path}")).send().await).await
}

/// A query string of the pairs with a value.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={}", String::from(js_sys::encode_uri_component(v))))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
