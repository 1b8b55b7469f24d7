//! The accept loop: axum's router on hyper, with what `axum::serve` cannot set.
//!
//! A connection must be doing something: every connection that is serving no request — one
//! that has sent nothing yet, one still sending its headers (HTTP/1 or HTTP/2: no request
//! reaches the router before its headers are whole), one idle between requests (keep-alive,
//! or an HTTP/2 connection with no stream open) — is closed once it has been so for
//! `--header-timeout`. hyper's own header timer alone does not do this: hyper-util reads the
//! first bytes (to tell HTTP/1 from HTTP/2) with no timer at all, HTTP/1's timer starts only
//! after that, and HTTP/2 has none, so a client could hold sockets for ever (slowloris). A
//! request counts as served from the moment its headers reach the router until its answer's
//! body is sent or dropped (a long export streams as long as it needs); its body has its own
//! limit (`--body-timeout`, in the handlers). Each request carries its peer's address as
//! `ConnectInfo`, which the rate limits key on.
//!
//! An answer must be taken: a connection whose client leaves a piece of an answer (16 KiB at
//! most) untaken for `--body-timeout` (it reads nothing, or its HTTP/2 stream's window stays
//! shut) is closed, as a request body that does not arrive is refused then. An answer the
//! server is still making (a live stream between its events) is not the client's to take
//! yet. An HTTP/2 connection has at most 8 streams open.
//!
//! A client holds at most `--max-connections-per-client` connections at once (an IPv6 /64 is
//! one client, as for the rate limits): past it, a new connection is closed as soon as it is
//! accepted, so one address cannot take every socket the server may open even by opening
//! new ones as fast as the idle ones are closed. It has at most as many requests in flight
//! across them, since HTTP/2 carries many on one connection (each may hold an open file and
//! its buffers): past it, `503 busy` at once. A trusted proxy is bound by neither: every
//! client behind it arrives through its connections.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::Instant;
use tower::ServiceExt;

/// How long connections in flight may take to finish once shutdown begins.
const DRAIN: Duration = Duration::from_secs(30);

/// Streams one HTTP/2 connection may have open at once (hyper's default is 200).
const HTTP2_STREAMS: u32 = 8;

/// The most of an answer handed on at once: a client that takes it slowly is seen taking
/// it piece by piece (a long export's batch is a few hundred kilobytes), never as untaken.
const PIECE: usize = 16 * 1024;

/// How many connections (and requests in flight) one client may hold at once, and who is not
/// bound by it.
#[derive(Clone, Debug)]
pub struct ConnectionLimit {
    pub per_client: usize,
    /// The trusted reverse proxies (`--trust-proxy`): their connections carry many clients.
    pub exempt: Vec<IpAddr>,
    /// The answer to a request over the client's limit (`503 busy`, in the caller's
    /// language): the API's errors are a layer above this loop.
    pub busy: fn(&HeaderMap) -> Response,
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (up to 30 s) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    (header_timeout, answer_timeout): (Duration, Duration),
    limit: ConnectionLimit,
    shutdown: impl Future<Output = ()>,
) {
    let open = PerClient::default();
    let in_flight = PerClient::default();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    // An answer of one piece is handed whole to HTTP/2's own buffer as soon as its stream's
    // window has a byte, and is then neither in flight nor watched here; few streams per
    // connection bound what a client can leave there. Browsers speak HTTP/2 only over TLS, so
    // they reach this server through a proxy's HTTP/1.1 and never meet the limit.
    builder.http2().max_concurrent_streams(HTTP2_STREAMS);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let trusted = crate::limit::is_trusted(&limit.exempt, peer.ip());
        let held = if trusted {
            None
        } else {
            match open.admit(peer.ip(), limit.per_client) {
                Some(held) => Some(held),
                None => {
                    // Dropping the stream closes it: nothing is read from it or answered.
                    tracing::debug!(%peer, "over the client's connections: closed");
                    continue;
                }
            }
        };
        let (activity, mut idle) = Activity::new();
        let watched = activity.clone();
        let router = router.clone();
        let (in_flight, per_client, busy) = (in_flight.clone(), limit.per_client, limit.busy);
        let service =
            tower::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let serving = activity.serving();
                let router = router.clone();
                let admitted = if trusted {
                    Ok(None)
                } else {
                    in_flight.admit(peer.ip(), per_client).map(Some).ok_or(())
                };
                async move {
                    let (response, held) = match admitted {
                        Ok(held) => (router.oneshot(request).await?, held),
                        Err(()) => {
                            tracing::debug!(%peer, "over the client's requests in flight: busy");
                            (busy(request.headers()), None)
                        }
                    };
                    Ok::<_, Infallible>(response.map(|body| Body::new(serving.answer(body, held))))
                }
            });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Counted against its client until this task ends with the connection.
            let _held = held;
            let mut connection = std::pin::pin!(connection);
            // A look each second at the answers left for the client to take, on a clock of its
            // own: requests coming and going must not keep putting it off.
            let mut look = tokio::time::interval(Duration::from_secs(1));
            look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                let idle_since = *idle.borrow_and_update();
                let deadline = async {
                    match idle_since {
                        Some(since) => tokio::time::sleep_until(since + header_timeout).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    ended = connection.as_mut() => {
                        if let Err(error) = ended {
                            tracing::debug!(%peer, %error, "connection ended with an error");
                        }
                        return;
                    }
                    changed = idle.changed() => {
                        if changed.is_err() {
                            // The service is gone with the connection: nothing more to watch.
                            let _ = connection.as_mut().await;
                            return;
                        }
                    }
                    () = deadline => {
                        // Dropping the connection closes the socket.
                        tracing::debug!(%peer, "connection idle past the header timeout: closed");
                        return;
                    }
                    _ = look.tick(), if idle_since.is_none() => {
                        let untaken = watched.untaken_since();
                        if untaken.is_some_and(|since| since.elapsed() >= answer_timeout) {
                            tracing::debug!(%peer, "an answer left untaken past the body timeout: closed");
                            return;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("connections still open after 30 s; stopping"),
    }
}

/// What each client holds now, counted: its open connections, or its requests in flight.
#[derive(Clone, Default)]
struct PerClient(std::sync::Arc<std::sync::Mutex<HashMap<IpAddr, usize>>>);

impl PerClient {
    /// One more for `peer`'s client, unless it holds `most` already.
    fn admit(&self, peer: IpAddr, most: usize) -> Option<Held> {
        let client = crate::limit::client_key(peer);
        let mut open = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(client).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Held { open: self.clone(), client })
    }
}

/// One connection or request of a client; released when dropped.
struct Held {
    open: PerClient,
    client: IpAddr,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.open.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// What one connection is doing: how many of its requests are being served, and since when
/// it has served none (`None` while it serves one).
#[derive(Clone)]
struct Activity {
    state: std::sync::Arc<std::sync::Mutex<Doing>>,
    idle_since: watch::Sender<Option<Instant>>,
}

/// The requests a connection serves, and since when each answer waits for its client to take
/// it (by answer: most are taken at once).
#[derive(Default)]
struct Doing {
    serving: usize,
    answers: u64,
    untaken: HashMap<u64, Instant>,
}

impl Activity {
    /// A new connection: idle from now.
    fn new() -> (Activity, watch::Receiver<Option<Instant>>) {
        let (idle_since, receiver) = watch::channel(Some(Instant::now()));
        (Activity { state: Default::default(), idle_since }, receiver)
    }

    fn doing(&self) -> std::sync::MutexGuard<'_, Doing> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A request reached the router: serving until the guard drops.
    fn serving(&self) -> Serving {
        self.doing().serving += 1;
        self.idle_since.send_replace(None);
        Serving(self.clone())
    }

    /// Since when the longest-waiting answer has been left for the client to take.
    fn untaken_since(&self) -> Option<Instant> {
        self.doing().untaken.values().min().copied()
    }
}

/// One request being served; dropped with its answer's body (sent whole, or abandoned).
struct Serving(Activity);

impl Serving {
    /// The answer's body, kept counted until it is sent or dropped, with `held` (its place
    /// among the client's requests in flight). It is the client's to take from now.
    fn answer(self, body: Body, held: Option<Held>) -> Tracked {
        let mut doing = self.0.doing();
        doing.answers += 1;
        let answer = doing.answers;
        doing.untaken.insert(answer, Instant::now());
        drop(doing);
        Tracked { body, rest: None, answer, serving: self, _held: held }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let activity = &self.0;
        let mut doing = activity.doing();
        doing.serving -= 1;
        if doing.serving == 0 {
            activity.idle_since.send_replace(Some(Instant::now()));
        }
    }
}

/// An answer's body that keeps its request counted as served until it is sent or dropped,
/// and says when it waits on the client: from when it is ready, and from each piece it gave,
/// until the connection asks for the next (a client that takes nothing is never asked).
struct Tracked {
    body: Body,
    /// What is left of a piece of the body longer than [`PIECE`].
    rest: Option<axum::body::Bytes>,
    answer: u64,
    serving: Serving,
    _held: Option<Held>,
}

/// The next [`PIECE`] of `data` as a frame; the rest stays in `rest`.
fn piece_of(
    mut data: axum::body::Bytes,
    rest: &mut Option<axum::body::Bytes>,
) -> http_body::Frame<axum::body::Bytes> {
    if data.len() > PIECE {
        *rest = Some(data.split_off(PIECE));
    }
    http_body::Frame::data(data)
}

impl http_body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let answer = self.answer;
        self.serving.0.doing().untaken.remove(&answer);
        let this = &mut *self;
        let polled = match this.rest.take() {
            Some(rest) => Poll::Ready(Some(Ok(piece_of(rest, &mut this.rest)))),
            None => match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(Ok(match frame.into_data() {
                    Ok(data) => piece_of(data, &mut this.rest),
                    Err(trailers) => trailers,
                }))),
                other => other,
            },
        };
        if let Poll::Ready(Some(Ok(_))) = &polled {
            this.serving.0.doing().untaken.insert(answer, Instant::now());
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_none() && self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let rest = self.rest.as_ref().map_or(0, |rest| rest.len() as u64);
        let inner = self.body.size_hint();
        let mut hint = http_body::SizeHint::new();
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + rest);
        }
        hint.set_lower(inner.lower() + rest);
        hint
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.serving.0.doing().untaken.remove(&self.answer);
    }
}
