//! Who is signed in: the staff session cookie and the extractor every staff route but
//! sign-in takes ([`Staff`], 401 without a valid session).
//!
//! A session is a random token in a `__Host-` cookie (`Secure; Path=/`, no `Domain`: a
//! browser keeps it for this host alone and lets no sibling subdomain set or shadow it),
//! `HttpOnly; SameSite=Strict`; the database keeps only its hash ([`crate::auth`]). Only a
//! request carrying exactly one such cookie, well formed, is signed in: two of them (one
//! planted) count as none.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use crate::auth;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store::{self, Role, Session};

pub const COOKIE: &str = "__Host-shouhou_staff";

pub fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// A signed-in staff member: the extractor every staff route but sign-in takes.
pub struct Staff {
    pub session: Session,
    pub token_hash: String,
}

impl Staff {
    /// Figures and exports: 403 for an agent.
    pub fn require_lead(&self) -> Result<(), ApiError> {
        if self.session.role == Role::Lead {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "api.forbidden"))
        }
    }
}

/// The session token, when the request carries exactly one session cookie and it is 64 hex
/// digits.
fn session_token(headers: &HeaderMap) -> Option<&str> {
    let mut tokens = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE)
        .map(|(_, token)| token.trim());
    let token = tokens.next()?;
    let well_formed = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    (well_formed && tokens.next().is_none()).then_some(token)
}

/// The session cookie for `token`, or the one that clears it (`None`).
pub fn session_cookie(token: Option<&str>, max_age_seconds: u64) -> axum::http::HeaderValue {
    let (value, max_age) = token.map_or(("", 0), |token| (token, max_age_seconds));
    axum::http::HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}"
    ))
    .expect("a cookie of hex digits and ASCII")
}

impl Staff {
    /// The signed-in staff member the headers' cookie names, if any: for a route open to
    /// everyone that does more for staff (an on-site report is filed only in a session).
    pub async fn of(state: &AppState, headers: &HeaderMap) -> Result<Option<Staff>, ApiError> {
        let Some(token) = session_token(headers) else { return Ok(None) };
        let token_hash = auth::token_hash(token);
        let session = state.store.session(&token_hash, &store::now_text()).await?;
        Ok(session.map(|session| Staff { session, token_hash }))
    }
}

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Staff, Response> {
        match Staff::of(state, &parts.headers).await {
            Ok(Some(staff)) => Ok(staff),
            Ok(None) => {
                Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "api.unauthorized")
                    .into_response_for(&parts.headers))
            }
            Err(error) => Err(error.into_response_for(&parts.headers)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_well_formed_session_cookie_signs_in() {
        let token = "ab".repeat(32);
        let with = |cookies: &[&str]| {
            let mut headers = HeaderMap::new();
            for cookie in cookies {
                headers.append(header::COOKIE, cookie.parse().unwrap());
            }
            session_token(&headers).map(str::to_string)
        };
        assert_eq!(with(&[&format!("a=1; {COOKIE}={token}")]), Some(token.clone()));
        assert_eq!(with(&[&format!("shouhou_staff={token}")]), None, "the old name counts not");
        assert_eq!(with(&[&format!("{COOKIE}={token}; {COOKIE}={token}")]), None, "two");
        assert_eq!(
            with(&[&format!("{COOKIE}={token}"), &format!("{COOKIE}={}", "cd".repeat(32))]),
            None,
            "one planted beside it, in another header"
        );
        assert_eq!(with(&[&format!("{COOKIE}={}", &token[..63])]), None);
        assert_eq!(with(&[&format!("{COOKIE}={}x", &token[..63])]), None);
    }

    #[test]
    fn the_cookie_is_a_host_cookie() {
        let set = session_cookie(Some("ab"), 3600);
        let set = set.to_str().unwrap();
        assert!(set.starts_with("__Host-shouhou_staff=ab;"), "{set}");
        for part in ["; Secure", "; Path=/", "; HttpOnly", "; SameSite=Strict", "Max-Age=3600"] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set.to_ascii_lowercase().contains("domain"), "{set}");
        assert!(session_cookie(None, 3600).to_str().unwrap().ends_with("Max-Age=0"));
    }
}
