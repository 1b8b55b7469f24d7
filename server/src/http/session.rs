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

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Staff, Response> {
        let unauthorized = |headers: &HeaderMap| {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "api.unauthorized")
                .into_response_for(headers)
        };
        let Some(token) = session_token(&parts.headers) else {
            return Err(unauthorized(&parts.headers));
        };
        let token_hash = auth::token_hash(token);
        let found =
            state.store.session(&token_hash, &store::now_text()).await.map_err(ApiError::from);
        match found {
            Ok(Some(session)) => Ok(Staff { session, token_hash }),
            Ok(None) => Err(unauthorized(&parts.headers)),
            Err(error) => Err(error.into_response_for(&parts.headers)),
        }
    }
}
