//! Hostile clients against the real server binary: a storm of parallel wrong sign-ins, sockets
//! that send nothing or send their headers a byte at a time (HTTP/1 and HTTP/2), HTTP/2
//! streams whose answers are never taken, a kiosk PIN trickled in, and a crowd holding every file
//! descriptor the server may open. Each is answered or closed in bounded time and memory while
//! the server keeps answering everyone else. The figures measured are printed (`--nocapture`).

mod common;

use std::time::{Duration, Instant};

use common::{request, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PASSWORD: &str = "the-right-password-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_parallel_wrong_sign_ins_are_judged_no_more_than_the_limit_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "storm.sqlite3");
    common::add_staff(&db, "li.na", "lead", PASSWORD);
    // The default sign-in limit: 6 a minute, 5 at once.
    let server = Server::start(&db, &common::dist(dir.path()), &[]);
    let before = common::peak_memory(server.child.id());
    let started = Instant::now();
    let attempts: Vec<_> = (0..60)
        .map(|n| {
            let addr = server.addr.clone();
            tokio::spawn(async move {
                let body =
                    serde_json::json!({ "login": "li.na", "password": format!("guess-{n:03}") });
                let headers = [("Content-Type", "application/json")];
                request(
                    &addr,
                    "POST",
                    "/api/v1/staff/session",
                    &headers,
                    body.to_string().as_bytes(),
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        let answer = attempt.await.unwrap();
        if answer.status != 401 {
            assert!(answer.header("retry-after").is_some(), "{} {}", answer.status, answer.body);
        }
        statuses.push(answer.status);
    }
    let elapsed = started.elapsed();
    let judged = statuses.iter().filter(|&&s| s == 401).count();
    let limited = statuses.iter().filter(|&&s| s == 429).count();
    let busy = statuses.iter().filter(|&&s| s == 503).count();
    let peak = common::peak_memory(server.child.id());
    eprintln!(
        "60 parallel wrong sign-ins: {judged} judged (401), {limited} rate limited (429), \
         {busy} busy (503) in {} ms; peak memory {:.1} MB (at start {:.1} MB)",
        elapsed.as_millis(),
        peak as f64 / 1e6,
        before as f64 / 1e6
    );
    assert_eq!(judged + limited + busy, 60, "every attempt answered 401, 429 or 503: {statuses:?}");
    // The burst, and the one token a minute of 6 refills while the storm lasts.
    let refilled = (elapsed.as_secs_f64() * 6.0 / 60.0).floor() as usize;
    assert!(judged >= 1 && judged <= 5 + refilled, "{judged} judged: {statuses:?}");
    assert!(peak < 100_000_000, "peak memory {peak} bytes");
}

#[tokio::test]
async fn a_right_sign_in_costs_nothing_against_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "welcome.sqlite3");
    common::add_staff(&db, "li.na", "lead", PASSWORD);
    let server = Server::start(&db, &common::dist(dir.path()), &["--limit-sign-in", "1:2"]);
    let right = serde_json::json!({ "login": "li.na", "password": PASSWORD }).to_string();
    let headers = [("Content-Type", "application/json")];
    for _ in 0..4 {
        let answer =
            request(&server.addr, "POST", "/api/v1/staff/session", &headers, right.as_bytes())
                .await
                .unwrap();
        assert_eq!(answer.status, 204, "{}", answer.body);
    }
}

#[tokio::test]
async fn a_kiosk_pin_trickled_in_is_answered_at_the_body_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let hash = shouhou_server::auth::hash_pin("482916").unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "kiosk.sqlite3"),
        &common::dist(dir.path()),
        &["--kiosk-pin-hash", &hash, "--body-timeout", "1"],
    );
    let mut stream = TcpStream::connect(&server.addr).await.unwrap();
    let head =
        "POST /api/v1/kiosk/unlock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 16\r\nConnection: close\r\n\r\n{\"pin\"";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answered before 10 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

/// How a held socket misbehaves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Hold {
    /// Connects and sends nothing.
    Silent,
    /// HTTP/1: a request line, then one more header line every 300 ms, never the end.
    TrickledHeaders,
    /// HTTP/2: the preface and SETTINGS, then nothing (an idle connection).
    IdleHttp2,
    /// HTTP/2: the preface, SETTINGS and a HEADERS frame whose header block never ends.
    UnfinishedHttp2Headers,
}

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
const SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];
/// HEADERS on stream 1 without END_HEADERS (flags 0): `:method GET` (HPACK index 2), and
/// the CONTINUATION it promises never comes.
const OPEN_HEADERS: &[u8] = &[0, 0, 1, 1, 0, 0, 0, 0, 1, 0x82];

/// Opens one held socket and returns how long after opening the server closed it.
async fn hold(addr: String, how: Hold) -> Duration {
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let opened = Instant::now();
    match how {
        Hold::Silent => {}
        Hold::TrickledHeaders => {
            stream.write_all(b"GET /config.json HTTP/1.1\r\nHost: x\r\n").await.unwrap()
        }
        Hold::IdleHttp2 => {
            stream.write_all(PREFACE).await.unwrap();
            stream.write_all(SETTINGS).await.unwrap();
        }
        Hold::UnfinishedHttp2Headers => {
            stream.write_all(PREFACE).await.unwrap();
            stream.write_all(SETTINGS).await.unwrap();
            stream.write_all(OPEN_HEADERS).await.unwrap();
        }
    }
    let (mut reader, mut writer) = stream.into_split();
    let trickle = async move {
        if how != Hold::TrickledHeaders {
            return std::future::pending().await;
        }
        for n in 0.. {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(format!("X-Slow-{n}: y\r\n").as_bytes()).await.is_err() {
                return std::future::pending().await;
            }
        }
    };
    let closed = async {
        let mut buffer = [0u8; 1024];
        // The server's HTTP/2 SETTINGS and acknowledgements may come first; then EOF or reset.
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return opened.elapsed(),
                Ok(_) => {}
            }
        }
    };
    tokio::select! {
        elapsed = closed => elapsed,
        () = trickle => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_idle_or_slow_connections_are_closed_while_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "sockets.sqlite3"),
        &common::dist(dir.path()),
        &["--header-timeout", "2"],
    );
    let kinds =
        [Hold::Silent, Hold::TrickledHeaders, Hold::IdleHttp2, Hold::UnfinishedHttp2Headers];
    let held: Vec<_> = (0..200)
        .map(|n| {
            let how = kinds[n % kinds.len()];
            let addr = server.addr.clone();
            tokio::spawn(async move {
                (how, tokio::time::timeout(Duration::from_secs(20), hold(addr, how)).await)
            })
        })
        .collect();
    // Everyone else is served throughout.
    let addr = server.addr.clone();
    let served = tokio::spawn(async move {
        let mut answered = 0;
        let until = Instant::now() + Duration::from_secs(4);
        while Instant::now() < until {
            let answer = request(&addr, "GET", "/config.json", &[], b"").await.unwrap();
            assert_eq!(answer.status, 200);
            answered += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        answered
    });
    let mut longest = Duration::ZERO;
    for socket in held {
        let (how, closed) = socket.await.unwrap();
        let after = closed.unwrap_or_else(|_| panic!("a {how:?} socket was still open after 20 s"));
        assert!(after < Duration::from_secs(4), "a {how:?} socket closed only after {after:?}");
        longest = longest.max(after);
    }
    let answered = served.await.unwrap();
    eprintln!(
        "200 held sockets (silent, trickled HTTP/1 headers, idle HTTP/2, unfinished HTTP/2 \
         headers; header timeout 2 s): all closed, the last {} ms after it opened; {answered} \
         other requests answered 200 meanwhile",
        longest.as_millis()
    );
    assert!(answered >= 10, "{answered}");
}

/// A socket from `ip` (any 127.x.x.x is this machine's loopback: another client).
async fn connect_from(ip: &str, addr: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::new(ip.parse().unwrap(), 0)).unwrap();
    socket.connect(addr.parse().unwrap()).await.unwrap()
}

/// `GET /config.json` over `stream`: the answer's status, or 0 when the server closed it
/// without one.
async fn status_over(mut stream: TcpStream) -> u16 {
    let asked =
        stream.write_all(b"GET /config.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if asked.await.is_err() {
        return 0;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_holds_no_more_connections_than_its_limit_while_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "connections.sqlite3"),
        &common::dist(dir.path()),
        &["--max-connections-per-client", "4"],
    );
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from("127.0.0.1", &server.addr).await);
    }
    // One more from the same client is closed as soon as it is accepted, before it sends
    // anything.
    let mut fifth = connect_from("127.0.0.1", &server.addr).await;
    let closed = tokio::time::timeout(Duration::from_secs(5), fifth.read(&mut [0u8; 64]))
        .await
        .expect("the connection over the limit was still open after 5 s");
    assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    // Another client is served meanwhile, and so are the client's own open connections.
    assert_eq!(status_over(connect_from("127.0.0.2", &server.addr).await).await, 200);
    assert_eq!(status_over(held.pop().unwrap()).await, 200);
    // That one ended (`Connection: close`): the client has room for one more again, once
    // the server has seen it go.
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let status = status_over(connect_from("127.0.0.1", &server.addr).await).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < until, "no room again 5 s after a connection ended: {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(held);
}

#[tokio::test]
async fn a_trusted_proxy_is_not_bound_by_the_connection_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "proxy-connections.sqlite3"),
        &common::dist(dir.path()),
        &["--max-connections-per-client", "2", "--trust-proxy", "127.0.0.1"],
    );
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from("127.0.0.1", &server.addr).await);
    }
    // Every client behind the proxy arrives through its connections: the fourth is served.
    assert_eq!(status_over(connect_from("127.0.0.1", &server.addr).await).await, 200);
    assert_eq!(status_over(held.pop().unwrap()).await, 200);
}

/// HTTP/2 from `ip` with every stream's window shut: the server may send answers' heads but
/// never a byte of their bodies. Returns the requests' sender and the connection's end.
async fn shut_http2(
    ip: &str,
    addr: &str,
) -> (h2::client::SendRequest<axum::body::Bytes>, tokio::task::JoinHandle<Instant>) {
    let stream = connect_from(ip, addr).await;
    let (sender, connection) =
        h2::client::Builder::new().initial_window_size(0).handshake(stream).await.unwrap();
    let ended = tokio::spawn(async move {
        let _ = connection.await;
        Instant::now()
    });
    (sender, ended)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn http2_answers_never_taken_count_against_the_client_and_close_their_connection() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "untaken.sqlite3"),
        &common::dist(dir.path()),
        &["--max-connections-per-client", "4", "--body-timeout", "2"],
    );
    let opened = Instant::now();
    let (sender, ended) = shut_http2("127.0.0.1", &server.addr).await;
    let mut sender = sender.ready().await.unwrap();
    let mut answers = Vec::new();
    for _ in 0..6 {
        let request = axum::http::Request::get(format!("http://{}/config.json", server.addr))
            .body(())
            .unwrap();
        let (answer, _) = sender.send_request(request, true).unwrap();
        answers.push(answer);
    }
    // The answers are kept (dropping one would cancel its stream), their bodies never read.
    let mut kept = Vec::new();
    for answer in answers {
        kept.push(answer.await.unwrap());
    }
    let mut statuses: Vec<u16> = kept.iter().map(|answer| answer.status().as_u16()).collect();
    statuses.sort_unstable();
    // On one connection, as many in flight as the client may hold connections; then busy.
    assert_eq!(statuses, [200, 200, 200, 200, 503, 503]);
    // Another client is served meanwhile.
    assert_eq!(status_over(connect_from("127.0.0.2", &server.addr).await).await, 200);
    // None of those answers can be taken: the connection is closed at the body timeout, and
    // with it the client's requests in flight.
    let closed = tokio::time::timeout(Duration::from_secs(10), ended)
        .await
        .expect("the connection was still open 10 s after its answers were left untaken")
        .unwrap()
        - opened;
    assert!(closed >= Duration::from_secs(2), "closed after {closed:?}, before the body timeout");
    assert!(closed < Duration::from_secs(5), "closed only after {closed:?}");
    // Its requests in flight end with the connection's streams, a moment after the socket.
    let until = Instant::now() + Duration::from_secs(5);
    while status_over(connect_from("127.0.0.1", &server.addr).await).await != 200 {
        assert!(Instant::now() < until, "the client still busy 5 s after its connection closed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(kept);
    eprintln!("six HTTP/2 streams never read (limit 4, body timeout 2 s): 4 × 200 and 2 × 503, the connection closed {} ms after it opened", closed.as_millis());
}

/// How many file descriptors process `pid` has open.
fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count()
}

/// Waits until the count of `pid`'s open descriptors is as `wanted`; false after five seconds.
async fn descriptors_reach(pid: u32, wanted: impl Fn(usize) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if wanted(open_descriptors(pid)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_screen_asked_for_while_a_crowd_holds_every_descriptor_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    // The real page, so the start step is drawn by the app's components on the server.
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::copy(repo.join("index.html"), dist.join("index.html")).unwrap();
    std::fs::copy(repo.join("static/app.css"), dist.join("app.css")).unwrap();
    // SQLite on both store runs: a PostgreSQL pool's connections would come and go meanwhile.
    let mut server =
        Server::start(&dir.path().join("descriptors.sqlite3"), &dist, &["--header-timeout", "60"]);
    let pid = server.child.id();
    // The router, and with it the renderer's threads and their runtimes' descriptors, is made
    // after the server says it listens: counted once it answers. No page is asked for yet.
    let answered = request(&server.addr, "GET", "/config.json", &[], b"").await.unwrap();
    assert_eq!(answered.status, 200);
    // The server may open a few more descriptors than now (a store's reader, say).
    let limit = open_descriptors(pid) + 16;
    let lowered = std::process::Command::new("prlimit")
        .arg(format!("--pid={pid}"))
        .arg(format!("--nofile={limit}:{limit}"))
        .status()
        .unwrap();
    assert!(lowered.success());

    // A crowd of idle connections takes every one of them, each accepted before the next.
    let mut crowd = Vec::new();
    while open_descriptors(pid) < limit {
        let before = open_descriptors(pid);
        crowd.push(TcpStream::connect(&server.addr).await.unwrap());
        let accepted = descriptors_reach(pid, |open| open > before).await;
        assert!(accepted, "connection {} accepted", crowd.len());
    }

    // One of them leaves, and a customer takes its place asking for the start step.
    drop(crowd.pop());
    assert!(descriptors_reach(pid, |open| open < limit).await);
    let page = request(&server.addr, "GET", "/", &[("Accept-Language", "en")], b"").await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"shouhou-seed\""), "the screen is drawn: {}", page.body);
    let rest_held = descriptors_reach(pid, |open| open == limit - 1).await;
    assert!(rest_held, "the rest of the crowd is still held");
    assert!(server.child.try_wait().unwrap().is_none(), "the server is still running");
}

/// A photo upload from `ip` declaring `declared` bytes: its head and the first `sent` bytes of
/// its body (a photo part whose bytes are still coming; it never ends), over a stream left open.
async fn upload_from(ip: &str, addr: &str, declared: usize, sent: usize) -> TcpStream {
    let mut stream = connect_from(ip, addr).await;
    let key = ip.replace('.', "-");
    let head = format!(
        "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nIdempotency-Key: upload-{key}\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.resize(sent, b'x');
    // An answer before the body is all sent (busy, or a refusal of what came) ends the writing.
    let _ = stream.write_all(&body).await;
    stream
}

/// The answer's status line and headers, and its body.
async fn answer_of(mut stream: TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// `ip`'s whole upload of `declared` bytes, answered: `busy` when the memory is taken, else a
/// refusal of the body itself (it is no multipart) once it has been read.
async fn whole_upload_from(ip: &str, addr: &str, declared: usize) -> String {
    answer_of(upload_from(ip, addr, declared, declared).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uploads_from_many_clients_hold_no_more_memory_together_than_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &common::test_db(dir.path(), "uploads.sqlite3"),
        &common::dist(dir.path()),
        &["--upload-memory-mb", "2", "--limit-create", "1000:1000"],
    );
    const WEIGHT: usize = 1_500_000;
    // One client's upload of 1.5 MB, its body still arriving.
    let mut slow = upload_from("127.0.0.2", &server.addr, WEIGHT, 1000).await;

    // Another client's as large does not fit beside it: busy at once, before its body is read.
    let deadline = Instant::now() + Duration::from_secs(5);
    let busy = loop {
        let answer = whole_upload_from("127.0.0.3", &server.addr, WEIGHT).await;
        if answer.starts_with("HTTP/1.1 503") {
            break answer;
        }
        assert!(Instant::now() < deadline, "never busy: {answer}");
        // This one came first, and the slow one was answered (busy): it starts again.
        if slow.try_read(&mut [0; 1]).is_ok() {
            slow = upload_from("127.0.0.2", &server.addr, WEIGHT, 1000).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(busy.to_ascii_lowercase().contains("\r\nretry-after: 1\r\n"), "{busy}");
    assert!(busy.contains("\"code\":\"busy\""), "{busy}");
    // A small one fits in what is left, and is read (and refused for what it is).
    let small = whole_upload_from("127.0.0.4", &server.addr, 100_000).await;
    assert!(small.starts_with("HTTP/1.1 400"), "{small}");

    // Once the first client goes, its memory is free for the other.
    drop(slow);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = whole_upload_from("127.0.0.3", &server.addr, WEIGHT).await;
        if answer.starts_with("HTTP/1.1 400") {
            break;
        }
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(Instant::now() < deadline, "still busy after the first went");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
