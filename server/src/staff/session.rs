//! `/api/v1/staff/session` and `/api/v1/staff/members`: signing in and out, who is signed
//! in, and the colleagues a request can be assigned to.
//!
//! Failed sign-ins, and only those, count against the client's rate limit: every attempt
//! takes its token before the password is hashed, and a success gives it back. Hashing runs
//! on a bounded pool ([`crate::auth::Hashing`]); when it is full the attempt is answered
//! `503 busy` at once, unjudged and uncharged. A wrong password, an unknown login and a
//! disabled account get the same answer after the same Argon2 work.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SecondsFormat;
use serde::Deserialize;

use crate::auth::{self, HashingError};
use crate::http::body::{in_time, json_body};
use crate::http::error::{busy, rate_limited, ApiError};
use crate::http::session::{peer, session_cookie, DeskStaff, Staff};
use crate::state::AppState;
use crate::store;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    login: String,
    password: String,
}

/// `POST /staff/session`: 204 and the session cookie, or the same 401 whatever was wrong.
#[utoipa::path(
    post,
    path = "/api/v1/staff/session",
    tag = "staff",
    request_body = Credentials,
    responses(
        (status = 204, description = "Signed in.", headers(("Set-Cookie" = String, description = "`__Host-shouhou_staff=<token>; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=…`"))),
        crate::http::docs::BodyErrors,
        (status = 401, description = "`invalid_credentials`, whatever was wrong.", body = crate::http::docs::ErrorBody),
        crate::http::docs::CrossSite,
        crate::http::docs::RateLimited,
        crate::http::docs::Busy,
    )
)]
pub async fn sign_in(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let guard = &state.guards.sign_in;
    let client = guard.clients.client(peer(&parts.extensions), headers);
    // Charged before anything is judged: parallel guesses each take their own token, so no
    // more of them reach the hash than the limit allows.
    if let Err(wait) = guard.limiter.check(client) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        tracing::warn!(%client, retry_after = seconds, "staff sign-in rate limited");
        return rate_limited(headers, seconds.max(1));
    }
    match try_sign_in(&state, headers, body).await {
        Ok(SignIn::Welcome { login, token }) => {
            // Only failures count against the client: a team signing in at nine is fine.
            guard.limiter.refund(client);
            tracing::info!(%login, "staff signed in");
            let cookie = session_cookie(Some(&token), u64::from(state.session_hours) * 3600);
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Ok(SignIn::Refused) => {
            tracing::warn!(%client, "staff sign-in failed");
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "api.invalid_credentials",
            )
            .into_response_for(headers)
        }
        Ok(SignIn::Busy) => {
            // Not judged: the attempt costs the client nothing.
            guard.limiter.refund(client);
            tracing::warn!(%client, "staff sign-in turned away: every hasher busy");
            busy(headers)
        }
        Err(error) => error.into_response_for(headers),
    }
}

/// What a sign-in attempt came to.
enum SignIn {
    Welcome {
        login: String,
        token: String,
    },
    /// Wrong password, unknown or disabled login: one answer for all.
    Refused,
    /// Every hasher was taken; the password was not looked at.
    Busy,
}

async fn try_sign_in(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    body: Body,
) -> Result<SignIn, ApiError> {
    let Credentials { login, password } = in_time(state, json_body(headers, body)).await?;
    if password.len() > auth::MAX_PASSWORD_BYTES {
        return Ok(SignIn::Refused);
    }
    // A login no account can have (a NUL, which PostgreSQL refuses to even compare) is an
    // unknown one: the same answer after the same work, and no question to the store.
    let account = if auth::valid_login(&login) {
        state.store.credentials(&login).await.map_err(ApiError::from)?
    } else {
        None
    };
    let verified = state
        .hashing
        .run(move || {
            // Unknown or disabled: the same Argon2 work against a hash nobody knows the
            // password of, so the answer's timing does not tell which logins exist.
            let (id, hash) = account.clone().unwrap_or((0, auth::dummy_hash().to_string()));
            let verified = auth::verify_password(&password, &hash);
            (account.is_some() && verified).then_some(id)
        })
        .await;
    let staff_id = match verified {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(SignIn::Refused),
        Err(HashingError::Busy) => return Ok(SignIn::Busy),
        Err(HashingError::Failed(why)) => return Err(ApiError::internal(why)),
    };
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let now = store::now();
    let expires = now + chrono::Duration::hours(i64::from(state.session_hours));
    let (now, expires) = (
        now.to_rfc3339_opts(SecondsFormat::Secs, false),
        expires.to_rfc3339_opts(SecondsFormat::Secs, false),
    );
    state
        .store
        .start_session(staff_id, &token_hash, &now, &expires)
        .await
        .map_err(ApiError::from)?;
    Ok(SignIn::Welcome { login, token })
}

/// `GET /staff/session`: who is signed in, their role and when the session ends.
#[utoipa::path(
    get,
    path = "/api/v1/staff/session",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The session.", body = shouhou_core::desk::Session),
        crate::http::docs::Unauthorized,
    )
)]
pub async fn who_am_i(staff: Staff) -> Response {
    Json(staff.session).into_response()
}

/// `GET /staff/members`: the active accounts, for choosing whom to assign a request to.
#[utoipa::path(
    get,
    path = "/api/v1/staff/members",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Active staff, by login.", body = Vec<shouhou_core::desk::Member>),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
    )
)]
pub async fn members(
    State(state): State<Arc<AppState>>,
    _staff: DeskStaff,
    headers: HeaderMap,
) -> Response {
    match state.store.list_staff().await {
        Ok(all) => {
            let active: Vec<shouhou_core::desk::Member> = all
                .into_iter()
                .filter(|member| !member.disabled)
                .map(|member| shouhou_core::desk::Member { login: member.login, role: member.role })
                .collect();
            Json(active).into_response()
        }
        Err(error) => ApiError::from(error).into_response_for(&headers),
    }
}

/// `DELETE /staff/session`: ends the session at once, everywhere, and clears the cookie.
#[utoipa::path(
    delete,
    path = "/api/v1/staff/session",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared.", headers(("Set-Cookie" = String, description = "`__Host-shouhou_staff=; …; Max-Age=0`"))),
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSite,
    )
)]
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
) -> Response {
    match state.store.end_session(&staff.token_hash).await {
        Ok(()) => {
            tracing::info!(login = %staff.session.login, "staff signed out");
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(None, 0));
            response
        }
        Err(error) => ApiError::from(error).into_response_for(&headers),
    }
}
