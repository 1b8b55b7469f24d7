//! Who is signed in: the staff session cookie and the extractor every staff route but
//! sign-in takes ([`Staff`], 401 without a valid session).
//!
//! A session is a random token in an `HttpOnly; SameSite=Strict` cookie; the database keeps
//! only its hash ([`crate::auth`]).

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

pub const COOKIE: &str = "shouhou_staff";

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

fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, token)| token.trim())
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
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
