//! Applies a rate limit ([`crate::limit::Guard`]) to a route: the call goes through, or is
//! answered `429 rate_limited` with `Retry-After`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::error::rate_limited;
use crate::limit::Guard;

/// Middleware: lets the call through, or answers 429 with `Retry-After` in whole seconds
/// (rounded up, so a client that waits exactly that long gets through).
pub async fn enforce(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    // main serves with connect info; a router driven directly (tests) has none, and then
    // every caller is one client.
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let client = guard.clients.client(peer, request.headers());
    match guard.limiter.check(client) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            tracing::warn!(class = guard.limiter.class, %client, retry_after = seconds, "rate limited");
            rate_limited(request.headers(), seconds.max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::limit::{ClientAddr, Limiter, Rate};

    #[tokio::test]
    async fn the_middleware_guards_any_route() {
        use axum::middleware::from_fn_with_state;
        use axum::routing::post;
        use tower::ServiceExt;
        let guard = Guard {
            limiter: Arc::new(Limiter::new("sign-in", Rate::new(5, 2))),
            clients: Arc::new(ClientAddr::default()),
        };
        let router = axum::Router::new()
            .route("/staff/sign-in", post(|| async { "welcome" }))
            .layer(from_fn_with_state(guard, enforce));
        let mut statuses = Vec::new();
        for _ in 0..3 {
            let request = Request::post("/staff/sign-in")
                .extension(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 40000))))
                .body(axum::body::Body::empty())
                .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            statuses
                .push((response.status().as_u16(), response.headers().get("retry-after").cloned()));
        }
        assert_eq!(statuses[..2], [(200, None), (200, None)]);
        assert_eq!(statuses[2], (429, Some(axum::http::HeaderValue::from_static("12"))));
    }
}
