//! HTTP for both apps: one function sends a request and one error says every way it can fail,
//! so a screen decides what an answer means (core's rules, or the screen's words) and never
//! how to read one.

use std::fmt;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use shouhou_core::FieldError;

use crate::maps;

/// Why a request brought no answer the caller can use.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpError {
    /// No answer at all: offline, the server unreachable, the connection cut.
    Offline,
    /// The server answered, with a status outside 2xx.
    Refused(Refusal),
    /// A 2xx answer whose body is not what the caller reads (and why).
    Unreadable(String),
    /// The request could not be made: a body that does not encode.
    Unsendable(String),
}

impl HttpError {
    /// The status of a refusal (`None` when there was no answer).
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Refused(refusal) => Some(refusal.status),
            _ => None,
        }
    }
}

/// An answer outside 2xx: its status, its `Retry-After`, and its body, where the intake
/// server puts `{"code", "message", "fields"}`. The body is read only for what a caller
/// asks of it, so an app that never shows `fields` never carries their decoder.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Refusal {
    /// The server's machine code (`invalid_credentials`, `not_found`, …); empty without one.
    pub fn code(&self) -> String {
        #[derive(Deserialize)]
        struct Body {
            code: String,
        }
        serde_json::from_str::<Body>(&self.body).map(|b| b.code).unwrap_or_default()
    }

    /// The server's message, in the language asked for; empty without one.
    pub fn message(&self) -> String {
        #[derive(Deserialize)]
        struct Body {
            message: String,
        }
        serde_json::from_str::<Body>(&self.body).map(|b| b.message).unwrap_or_default()
    }

    /// The fields a validation error names, each with its code.
    pub fn fields(&self) -> Vec<FieldError> {
        #[derive(Deserialize)]
        struct Body {
            fields: Vec<FieldError>,
        }
        serde_json::from_str::<Body>(&self.body).map(|b| b.fields).unwrap_or_default()
    }
}

/// What the console and the outbox say of a failure: the server's own words when it gave
/// some, else its status.
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Offline => f.write_str("offline"),
            HttpError::Refused(refusal) => match refusal.message() {
                message if message.is_empty() => write!(f, "HTTP {}", refusal.status),
                message => f.write_str(&message),
            },
            HttpError::Unreadable(why) | HttpError::Unsendable(why) => f.write_str(why),
        }
    }
}

/// Sends a request built with gloo-net's builder: the answer when it is a 2xx, else why not.
pub async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, HttpError> {
    let request = request.map_err(|error| HttpError::Unsendable(error.to_string()))?;
    let response = request.send().await.map_err(|_| HttpError::Offline)?;
    if response.ok() {
        return Ok(response);
    }
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.unwrap_or_default();
    Err(HttpError::Refused(Refusal { status: response.status(), retry_after, body }))
}

/// `GET url`: the answer when it is a 2xx.
pub async fn get(url: &str) -> Result<Response, HttpError> {
    send(Request::get(url).build()).await
}

/// `GET url`, its body as text.
pub async fn get_text(url: &str) -> Result<String, HttpError> {
    text(get(url).await?).await
}

/// `GET url`, its body read as `T`, every struct in it from an object ([`maps`]: the staff
/// desk's reads). Only the reading is per `T`: the waiting is one compiled future for every
/// type, not one each (a smaller download).
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, HttpError> {
    read_maps(&get_text(url).await?)
}

/// A body read as `T`, every struct in it from an object ([`maps`]).
pub fn read_maps<T: DeserializeOwned>(text: &str) -> Result<T, HttpError> {
    maps::from_str(text).map_err(|error| HttpError::Unreadable(error.to_string()))
}

/// A 2xx answer's body as text.
pub async fn text(response: Response) -> Result<String, HttpError> {
    // The body arrives after the status: a connection cut in between is no answer.
    response.text().await.map_err(|_| HttpError::Offline)
}

/// A 2xx answer's body read as `T`.
pub async fn json<T: DeserializeOwned>(response: Response) -> Result<T, HttpError> {
    read_json(&text(response).await?)
}

/// A body read as `T`.
pub fn read_json<T: DeserializeOwned>(text: &str) -> Result<T, HttpError> {
    serde_json::from_str(text).map_err(|error| HttpError::Unreadable(error.to_string()))
}

/// A URL component as `encodeURIComponent` writes it: letters, digits and `-_.!~*'()` as
/// they are, every other byte of the UTF-8 as `%XX`.
pub fn encode(component: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
    out
}

/// A query string (`?a=1&b=x%20y`) of the pairs that have a value; empty when none has.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(&encode(value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded_as_the_browser_encodes_them() {
        assert_eq!(encode("SR-20261127-0001"), "SR-20261127-0001");
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("变频器"), "%E5%8F%98%E9%A2%91%E5%99%A8");
        assert_eq!(encode("it's(ok)!~*._"), "it's(ok)!~*._");
    }

    #[test]
    fn a_query_names_only_the_pairs_with_a_value() {
        let pairs = [
            ("status", Some("new".to_string())),
            ("q", None),
            ("assigned", Some(String::new())),
            ("line", Some("变频 器".to_string())),
        ];
        assert_eq!(query(&pairs), "?status=new&line=%E5%8F%98%E9%A2%91%20%E5%99%A8");
        assert_eq!(query(&[("q", None)]), "");
    }

    #[test]
    fn a_refusal_reads_the_servers_error_body_and_says_its_words() {
        let refusal = Refusal {
            status: 422,
            retry_after: None,
            body: r#"{"code":"invalid","message":"请检查","fields":[{"field":"phone","code":"required"}]}"#
                .into(),
        };
        assert_eq!(refusal.code(), "invalid");
        assert_eq!(refusal.message(), "请检查");
        assert_eq!(refusal.fields().len(), 1);
        assert_eq!(HttpError::Refused(refusal).to_string(), "请检查");

        let bare = Refusal { status: 502, retry_after: Some("30".into()), body: "<html>".into() };
        assert_eq!(
            (bare.code(), bare.message(), bare.fields()),
            (String::new(), String::new(), vec![])
        );
        assert_eq!(HttpError::Refused(bare).to_string(), "HTTP 502");
        assert_eq!(HttpError::Offline.status(), None);
    }
}
