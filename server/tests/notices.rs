//! Notices and alerts with real parts: the real server binary, a real SMTP server on loopback
//! (aiosmtpd, its Mailbox handler writing each accepted message into a Maildir; the test
//! command installs it and names its Python in SHOUHOU_AIOSMTPD), and a real HTTP receiver
//! standing in for the SMS gateway and the WeCom, DingTalk and Feishu robots, which records
//! every body. On SQLite, and on PostgreSQL with SHOUHOU_TEST_STORE=postgres.

mod common;

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use common::{request, test_db, Answer, Server};
use hmac::{KeyInit, Mac};
use serde_json::{json, Value};

const PUBLIC: &str = "http://service.test";

/// A free loopback port (bound, then let go).
fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// aiosmtpd on `port`, writing to `maildir`; stopped when dropped.
struct Smtpd(Child);

impl Smtpd {
    fn start(port: u16, maildir: &Path) -> Smtpd {
        let python = std::env::var("SHOUHOU_AIOSMTPD").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap();
            format!("{home}/.cache/shouhou/aiosmtpd-1.4.6/bin/python")
        });
        assert!(
            Path::new(&python).exists(),
            "no aiosmtpd at {python}: run `source scripts/lib.sh && ensure_aiosmtpd`"
        );
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtpd(child)
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The messages the SMTP server accepted, as raw text.
fn mails(maildir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for folder in ["new", "cur"] {
        if let Ok(entries) = std::fs::read_dir(maildir.join(folder)) {
            for entry in entries.flatten() {
                found.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
    }
    found
}

/// A message's text: its body after the headers, quoted-printable decoded.
fn text_of(mail: &str) -> String {
    let body = mail.split_once("\n\n").or_else(|| mail.split_once("\r\n\r\n")).unwrap().1;
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let mut bytes = Vec::new();
    let mut rest = joined.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        match (
            first,
            tail.get(..2)
                .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()),
        ) {
            (b'=', Some(byte)) => {
                bytes.push(byte);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(first);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// Waits (up to a minute) for `check` to hold; its last value.
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the receiver got: path with query, headers, body.
type Received = Arc<Mutex<Vec<(String, Vec<(String, String)>, Value)>>>;

/// A real HTTP server on loopback: answers as a gateway or a robot does, records each body.
async fn receiver() -> (String, Received) {
    use axum::extract::{OriginalUri, State};
    use axum::http::HeaderMap;
    let received: Received = Arc::default();
    let app =
        axum::Router::new()
            .fallback(
                |State(seen): State<Received>,
                 uri: OriginalUri,
                 headers: HeaderMap,
                 body: String| async move {
                    let path = uri.0.to_string();
                    let headers = headers
                        .iter()
                        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
                        .collect();
                    seen.lock().unwrap().push((
                        path.clone(),
                        headers,
                        serde_json::from_str(&body).unwrap_or(Value::Null),
                    ));
                    if path.starts_with("/feishu") {
                        axum::Json(json!({"code": 0, "msg": "success"}))
                    } else {
                        axum::Json(json!({"errcode": 0, "errmsg": "ok"}))
                    }
                },
            )
            .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), received)
}

fn staff_add(db: &Path, login: &str, role: &str, email: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["staff", "add", login, "--role", role, "--email", email, "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long passphrase\n").unwrap();
    assert!(child.wait().unwrap().success());
}

async fn sign_in(addr: &str, login: &str) -> String {
    let body = json!({"login": login, "password": "a long passphrase"}).to_string();
    let answer = request(
        addr,
        "POST",
        "/api/v1/staff/session",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 204, "{}", answer.body);
    let cookie = answer.header("set-cookie").unwrap();
    cookie.split(';').next().unwrap().to_string()
}

async fn file(addr: &str, key: &str, body: Value) -> String {
    let answer = common::post_create(addr, key, &body.to_string()).await.unwrap();
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.json()["reference"].as_str().unwrap().to_string()
}

async fn staff_event(addr: &str, cookie: &str, reference: &str, event: Value) -> Answer {
    request(
        addr,
        "POST",
        &format!("/api/v1/staff/requests/{reference}/events"),
        &[("Content-Type", "application/json"), ("Cookie", cookie)],
        event.to_string().as_bytes(),
    )
    .await
    .unwrap()
}

async fn notices(addr: &str, cookie: &str, reference: &str) -> Vec<Value> {
    let answer = request(
        addr,
        "GET",
        &format!("/api/v1/staff/requests/{reference}/notices"),
        &[("Cookie", cookie)],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json().as_array().unwrap().clone()
}

/// A request whose customer asked for email in English.
fn consenting(extra: Value) -> Value {
    let mut body = common::valid_body();
    body["notify"] = json!(["email"]);
    body["language"] = json!("en");
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    dist: PathBuf,
    maildir: PathBuf,
    smtp_port: u16,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path(), "notices.sqlite3");
    let dist = common::dist(dir.path());
    let maildir = dir.path().join("mail");
    Setup { db, dist, maildir, smtp_port: free_port(), _dir: dir }
}

impl Setup {
    fn server(&self, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let smtp = format!("smtp://127.0.0.1:{}", self.smtp_port);
        let mut args = vec![
            "--public-url",
            PUBLIC,
            "--smtp-url",
            &smtp,
            "--mail-from",
            "售后服务 <service@example.cn>",
            "--notice-retry-seconds",
            "1",
        ];
        args.extend_from_slice(extra);
        Server::launch(&self.db, &self.dist, &args, None, env)
    }
}

/// The notices of one kind and channel.
fn of<'a>(all: &'a [Value], kind: &str, channel: &str) -> Vec<&'a Value> {
    all.iter().filter(|n| n["kind"] == kind && n["channel"] == channel).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_reply_emails_the_customer_once_in_their_language_with_the_status_link() {
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    let server = s.server(&[], &[]);
    let cookie = sign_in(&server.addr, "li.na").await;
    let reference = file(&server.addr, "notice-reply-1", consenting(json!({}))).await;

    let note = staff_event(
        &server.addr,
        &cookie,
        &reference,
        json!({"kind": "note", "text": "内部：客户是老用户"}),
    )
    .await;
    assert_eq!(note.status, 201);
    let reply = staff_event(
        &server.addr,
        &cookie,
        &reference,
        json!({"kind": "reply", "text": "We'll call you tomorrow."}),
    )
    .await;
    assert_eq!(reply.status, 201);

    let all = eventually("the reply's email is sent", || {
        let all = futures_block(notices(&server.addr, &cookie, &reference));
        (all.iter().any(|n| n["state"] == "sent")).then_some(all)
    })
    .await;
    assert_eq!(all.len(), 1, "one notice, none for the note: {all:?}");
    let notice = &all[0];
    assert_eq!(
        (notice["kind"].as_str(), notice["audience"].as_str()),
        (Some("replied"), Some("customer"))
    );
    assert_eq!(notice["recipient"], "wang@example.cn");
    let mails = mails(&s.maildir);
    assert_eq!(mails.len(), 1, "exactly one email");
    let mail = &mails[0];
    assert!(mail.contains("To: wang@example.cn"), "{mail}");
    assert!(mail.contains(&format!("Subject: News on your service request {reference}")), "{mail}");
    let text = text_of(mail);
    assert!(
        text.starts_with(&format!(
            "The team has replied on your request {reference}: {PUBLIC}/status/{reference}"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("Stop them here: {PUBLIC}/unsubscribe/")), "{text}");
    assert!(
        !text.contains("客户是老用户") && !text.contains("call you tomorrow"),
        "no note, no text"
    );
    assert!(mail.contains(&format!("List-Unsubscribe: <{PUBLIC}/api/v1/unsubscribe/")), "{mail}");
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
}

/// Runs a future to completion from a sync closure on this multi-threaded runtime.
fn futures_block<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(future))
}

#[tokio::test(flavor = "multi_thread")]
async fn with_smtp_down_a_reply_is_still_201_and_the_email_arrives_once_when_it_is_back() {
    let s = setup();
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    let server = s.server(&[], &[]);
    let cookie = sign_in(&server.addr, "li.na").await;
    let reference = file(&server.addr, "notice-down-1", consenting(json!({}))).await;
    let reply =
        staff_event(&server.addr, &cookie, &reference, json!({"kind": "reply", "text": "x"})).await;
    assert_eq!(reply.status, 201, "answered at once, SMTP or not");
    let failed = eventually("a try failed", || {
        let all = futures_block(notices(&server.addr, &cookie, &reference));
        all.into_iter().find(|n| n["attempts"].as_u64() >= Some(1) && n["state"] == "queued")
    })
    .await;
    assert!(failed["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{failed}");

    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    eventually("sent once SMTP is back", || {
        let all = futures_block(notices(&server.addr, &cookie, &reference));
        all.iter().any(|n| n["state"] == "sent").then_some(())
    })
    .await;
    assert_eq!(mails(&s.maildir).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_between_queueing_and_delivery_delivers_once_after_its_restart() {
    let s = setup();
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    let lease = ["--notice-lease-seconds", "2"];
    let mut server = s.server(&lease, &[]);
    let cookie = sign_in(&server.addr, "li.na").await;
    let reference = file(&server.addr, "notice-kill-1", consenting(json!({}))).await;
    let reply =
        staff_event(&server.addr, &cookie, &reference, json!({"kind": "reply", "text": "x"})).await;
    assert_eq!(reply.status, 201);
    server.kill();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    let server = s.server(&lease, &[]);
    let cookie = sign_in(&server.addr, "li.na").await;
    eventually("sent after the restart", || {
        let all = futures_block(notices(&server.addr, &cookie, &reference));
        all.iter().any(|n| n["state"] == "sent").then_some(())
    })
    .await;
    assert_eq!(mails(&s.maildir).len(), 1, "once");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_unsubscribe_link_works_in_one_click_and_stops_the_next_notice() {
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    let server = s.server(&[], &[]);
    let cookie = sign_in(&server.addr, "li.na").await;
    let reference = file(&server.addr, "notice-unsub-1", consenting(json!({}))).await;
    staff_event(&server.addr, &cookie, &reference, json!({"kind": "reply", "text": "x"})).await;
    let mail = eventually("the first email", || mails(&s.maildir).into_iter().next()).await;
    let link = mail
        .lines()
        .find_map(|line| line.strip_prefix("List-Unsubscribe: <"))
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap()
        .to_string();
    let path = link.strip_prefix(PUBLIC).unwrap();
    let token = path.rsplit('/').next().unwrap();

    // The page asks, in the caller's language; a made-up token is refused.
    let page = request(
        &server.addr,
        "GET",
        &format!("/unsubscribe/{token}"),
        &[("Accept-Language", "en")],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&reference) && page.body.contains("Stop the emails"),
        "{}",
        page.body
    );
    let forged = request(
        &server.addr,
        "POST",
        "/api/v1/unsubscribe/1.00000000000000000000000000000000",
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(forged.status, 404);

    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let done =
        request(&server.addr, "POST", path, &form, b"List-Unsubscribe=One-Click").await.unwrap();
    assert_eq!(done.status, 200, "{}", done.body);

    let resolved = staff_event(
        &server.addr,
        &cookie,
        &reference,
        json!({"kind": "status", "status": "in_progress"}),
    )
    .await;
    assert_eq!(resolved.status, 201);
    staff_event(&server.addr, &cookie, &reference, json!({"kind": "status", "status": "resolved"}))
        .await;
    let skipped = eventually("the next notice is skipped", || {
        let all = futures_block(notices(&server.addr, &cookie, &reference));
        all.into_iter().find(|n| n["kind"] == "resolved" && n["state"] == "skipped")
    })
    .await;
    assert_eq!(skipped["last_error"], "unsubscribed");
    assert_eq!(mails(&s.maildir).len(), 1, "nothing after the unsubscription");
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Local hours in the operator's zone (+08:00, the shipped config's) around now.
fn quiet_around_now() -> String {
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let from = now - chrono::Duration::hours(1);
    let to = now + chrono::Duration::hours(1);
    format!("{}-{}", from.format("%H:%M"), to.format("%H:%M"))
}

#[tokio::test(flavor = "multi_thread")]
async fn texts_and_robots_get_their_own_bodies_and_quiet_hours_hold_all_but_emergencies() {
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    let (gateway, received) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("sms.json");
    std::fs::write(
        &body,
        r#"{"body": {"PhoneNumbers": "{national_phone}", "TemplateCode": "{template}",
                     "TemplateParam": {"ref": "{reference}", "url": "{link}"}, "Text": "{text}"},
            "templates": {"resolved": "SMS_RESOLVED", "replied": "SMS_REPLIED"}}"#,
    )
    .unwrap();
    let sms_url = format!("{gateway}/sms");
    let quiet = quiet_around_now();
    let (wecom, ding, feishu) = (
        format!("{gateway}/wecom?key=k1"),
        format!("{gateway}/dingtalk?access_token=t1"),
        format!("{gateway}/feishu/hook1"),
    );
    let server = s.server(
        &[
            "--sms-url",
            &sms_url,
            "--sms-body",
            body.to_str().unwrap(),
            "--sms-header",
            "Authorization=TEST_SMS_AUTH",
            "--sms-quiet-hours",
            &quiet,
        ],
        &[
            ("TEST_SMS_AUTH", "APPCODE secret-1"),
            ("SHOUHOU_WECOM_WEBHOOK", &wecom),
            ("SHOUHOU_DINGTALK_WEBHOOK", &ding),
            ("SHOUHOU_DINGTALK_SECRET", "SECding"),
            ("SHOUHOU_FEISHU_WEBHOOK", &feishu),
            ("SHOUHOU_FEISHU_SECRET", "SECfei"),
        ],
    );
    let cookie = sign_in(&server.addr, "li.na").await;

    // An emergency: the team's robots and the lead's email are alerted; the customer's text
    // goes in the quiet hours, being an emergency.
    let emergency = file(
        &server.addr,
        "notice-sms-1",
        json!({"intent": "complaint", "category": "emergency", "product_line": "appliance",
               "full_name": "周敏", "phone": "139 1234 5678", "notify": ["sms"],
               "description": "热水器漏电，有人被电了一下", "resolution": "repair", "danger": "yes"}),
    )
    .await;
    // A quiet request: its text waits for the morning.
    let quiet_one = file(
        &server.addr,
        "notice-sms-2",
        json!({"intent": "consultation", "product_line": "inverter", "full_name": "王建国",
               "phone": "138 1234 5678", "notify": ["sms"], "description": "如何设置加速时间参数？"}),
    )
    .await;
    for reference in [&emergency, &quiet_one] {
        staff_event(
            &server.addr,
            &cookie,
            reference,
            json!({"kind": "status", "status": "in_progress"}),
        )
        .await;
        let resolved = staff_event(
            &server.addr,
            &cookie,
            reference,
            json!({"kind": "status", "status": "resolved"}),
        )
        .await;
        assert_eq!(resolved.status, 201);
    }

    let all = eventually("the alerts and the emergency's text are sent", || {
        let all = futures_block(notices(&server.addr, &cookie, &emergency));
        (all.iter().filter(|n| n["state"] == "sent").count() == 5).then_some(all)
    })
    .await;
    for (kind, channel) in [
        ("emergency", "wecom"),
        ("emergency", "dingtalk"),
        ("emergency", "feishu"),
        ("emergency", "email"),
        ("resolved", "sms"),
    ] {
        assert_eq!(of(&all, kind, channel).len(), 1, "{kind} {channel}: {all:?}");
    }
    let held = eventually("the quiet request's text is held", || {
        let all = futures_block(notices(&server.addr, &cookie, &quiet_one));
        all.into_iter().find(|n| n["channel"] == "sms" && n["last_error"] == "quiet hours")
    })
    .await;
    assert_eq!((held["state"].as_str(), held["attempts"].as_u64()), (Some("queued"), Some(0)));

    let received = received.lock().unwrap().clone();
    let to = |prefix: &str| {
        received.iter().filter(|(path, _, _)| path.starts_with(prefix)).cloned().collect::<Vec<_>>()
    };
    let sms = to("/sms");
    assert_eq!(sms.len(), 1, "only the emergency's text: {sms:?}");
    let (_, headers, text) = &sms[0];
    assert!(headers.iter().any(|(n, v)| n == "authorization" && v == "APPCODE secret-1"));
    assert_eq!(text["PhoneNumbers"], "13912345678");
    assert_eq!(text["TemplateCode"], "SMS_RESOLVED");
    assert_eq!(text["TemplateParam"]["url"], format!("{PUBLIC}/status/{emergency}"));
    assert!(
        text["Text"].as_str().unwrap().contains(&emergency)
            && text["Text"].as_str().unwrap().contains("已处理完毕")
    );

    let wecom = to("/wecom");
    assert_eq!(wecom.len(), 1);
    assert_eq!(wecom[0].0, "/wecom?key=k1");
    assert_eq!(wecom[0].2["msgtype"], "text");
    let content = wecom[0].2["text"]["content"].as_str().unwrap();
    assert!(
        content.contains("【突发事件】")
            && content.contains(&emergency)
            && content.contains(&format!("{PUBLIC}/desk/requests/{emergency}")),
        "{content}"
    );
    assert!(
        !content.contains("周敏") && !content.contains("139"),
        "no personal data in a group chat"
    );

    let ding = to("/dingtalk");
    assert_eq!(ding.len(), 1);
    let (path, _, body) = &ding[0];
    assert_eq!(body["msgtype"], "text");
    let query: std::collections::HashMap<&str, &str> =
        path.split_once('?').unwrap().1.split('&').filter_map(|p| p.split_once('=')).collect();
    assert_eq!(query["access_token"], "t1");
    let timestamp = query["timestamp"];
    let expected = hmac_base64(b"SECding", format!("{timestamp}\nSECding").as_bytes())
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert_eq!(query["sign"], expected, "DingTalk's signature");

    let feishu = to("/feishu");
    assert_eq!(feishu.len(), 1);
    let body = &feishu[0].2;
    assert_eq!(body["msg_type"], "text");
    assert!(body["content"]["text"].as_str().unwrap().contains(&emergency));
    let timestamp = body["timestamp"].as_str().unwrap();
    assert_eq!(
        body["sign"],
        hmac_base64(format!("{timestamp}\nSECfei").as_bytes(), b""),
        "Feishu's signature"
    );

    let team_mail = mails(&s.maildir);
    assert_eq!(team_mail.len(), 1, "the lead's alert");
    assert!(
        team_mail[0].contains("To: li.na@example.cn") && !team_mail[0].contains("List-Unsubscribe")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_sends_a_failed_notice_again_and_it_goes() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    staff_add(&s.db, "wang", "agent", "wang@example.cn");
    // A gateway that refuses (400: final, not worth retrying) until the operator mends it.
    let refusing = Arc::new(AtomicBool::new(true));
    let texts = Arc::new(Mutex::new(0usize));
    let app = axum::Router::new().fallback({
        let (refusing, texts) = (Arc::clone(&refusing), Arc::clone(&texts));
        move || async move {
            if refusing.load(Ordering::SeqCst) {
                (axum::http::StatusCode::BAD_REQUEST, "template not approved")
            } else {
                *texts.lock().unwrap() += 1;
                (axum::http::StatusCode::OK, "ok")
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("sms.json");
    std::fs::write(&body, r#"{"body": {"to": "{national_phone}", "text": "{text}"}}"#).unwrap();
    // Quiet hours twelve hours away: the text goes now.
    let away = chrono::Utc::now() + chrono::Duration::hours(20);
    let quiet = format!(
        "{}-{}",
        away.format("%H:%M"),
        (away + chrono::Duration::minutes(30)).format("%H:%M")
    );
    let server = s.server(
        &["--sms-url", &gateway, "--sms-body", body.to_str().unwrap(), "--sms-quiet-hours", &quiet],
        &[],
    );
    let lead = sign_in(&server.addr, "li.na").await;
    let reference = file(
        &server.addr,
        "notice-resend-1",
        json!({"intent": "consultation", "product_line": "inverter", "full_name": "王建国",
               "phone": "138 1234 5678", "notify": ["sms"], "description": "如何设置加速时间参数？"}),
    )
    .await;
    let reply =
        staff_event(&server.addr, &lead, &reference, json!({"kind": "reply", "text": "x"})).await;
    assert_eq!(reply.status, 201);
    let failed = eventually("the text fails for good", || {
        let all = futures_block(notices(&server.addr, &lead, &reference));
        all.into_iter().find(|n| n["channel"] == "sms" && n["state"] == "failed")
    })
    .await;
    assert!(failed["last_error"].as_str().unwrap().contains("400"), "{failed}");
    let resend = |cookie: String| {
        let path = format!("/api/v1/staff/notices/{}/resend", failed["id"]);
        let addr = server.addr.clone();
        async move { request(&addr, "POST", &path, &[("Cookie", &cookie)], b"").await.unwrap().status }
    };
    // An agent may not; a lead may, once the gateway is mended, and the text goes once.
    let agent = sign_in(&server.addr, "wang").await;
    assert_eq!(resend(agent).await, 403);
    refusing.store(false, Ordering::SeqCst);
    assert_eq!(resend(lead.clone()).await, 202);
    eventually("sent after the resend", || {
        let all = futures_block(notices(&server.addr, &lead, &reference));
        all.iter().any(|n| n["id"] == failed["id"] && n["state"] == "sent").then_some(())
    })
    .await;
    assert_eq!(*texts.lock().unwrap(), 1);
    // Sent is not failed: a second resend is refused.
    assert_eq!(resend(lead).await, 409);
}

/// Replies `replies` requests of customers `customer` names (by the request's number) through
/// `servers` in turn, the replies all at once so that the workers find them together; the
/// references, in order.
async fn replied_through(
    servers: &[Server],
    replies: usize,
    customer: impl Fn(usize) -> String,
) -> Vec<String> {
    let mut cookies = Vec::new();
    for server in servers {
        cookies.push(sign_in(&server.addr, "li.na").await);
    }
    let mut references = Vec::new();
    for n in 0..replies {
        let body = consenting(json!({"email": customer(n)}));
        references.push(
            file(&servers[n % servers.len()].addr, &format!("two-instances-{n}"), body).await,
        );
    }
    let answers = futures_util::future::join_all(references.iter().enumerate().map(|(n, r)| {
        let (server, cookie) = (&servers[n % servers.len()], &cookies[n % servers.len()]);
        staff_event(&server.addr, cookie, r, json!({"kind": "reply", "text": "x"}))
    }))
    .await;
    assert!(answers.iter().all(|answer| answer.status == 201));
    references
}

/// The notices' rows in the store: state, tries, recorded attempts, cause of the last hold.
fn notice_rows(db: &Path) -> Vec<Vec<String>> {
    common::db_rows(
        db,
        "SELECT r.reference, n.state, n.attempts,
                (SELECT count(*) FROM notice_attempts a WHERE a.notice_id = n.id), n.last_error
         FROM notices n JOIN requests r ON r.id = n.request_id ORDER BY n.id",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_one_store_send_each_notice_once() {
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    // Both workers run at once and take due notices under their leases; replies are written
    // through both, so each instance queues notices the other may take. Each customer is
    // another, so that the cap per recipient holds none back.
    let mut servers = [s.server(&[], &[]), s.server(&[], &[])];
    let references = replied_through(&servers, 12, |n| format!("customer{n}@example.cn")).await;
    eventually("every reply's email sent and recorded", || {
        let sent = notice_rows(&s.db).iter().filter(|row| row[1] == "sent").count();
        (sent == 12 && mails(&s.maildir).len() >= 12).then_some(())
    })
    .await;
    // With both instances gone no worker sends anything more: what the relay holds and the
    // store records now is all there will be.
    for server in &mut servers {
        server.kill();
    }
    let rows = notice_rows(&s.db);
    assert_eq!(rows.len(), 12, "{rows:?}");
    for row in &rows {
        assert_eq!(row[1..4], ["sent", "1", "1"], "sent, tried once, one attempt: {row:?}");
    }
    let mails = mails(&s.maildir);
    assert_eq!(mails.len(), 12, "one email per reply");
    for reference in &references {
        assert_eq!(
            mails.iter().filter(|m| m.contains(reference.as_str())).count(),
            1,
            "{reference}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_keep_one_recipients_cap_between_them() {
    let s = setup();
    let _smtpd = Smtpd::start(s.smtp_port, &s.maildir);
    staff_add(&s.db, "li.na", "lead", "li.na@example.cn");
    // Three an hour to one customer, whose eight requests are replied to through both
    // instances at once: their workers send to the same address at the same time.
    let cap = ["--limit-notices", "3:60"];
    let mut servers = [s.server(&cap, &[]), s.server(&cap, &[])];
    replied_through(&servers, 8, |_| "wang@example.cn".to_string()).await;
    let decided = |row: &Vec<String>| {
        row[1] == "sent" || (row[1] == "queued" && row[4] == "cap per recipient")
    };
    eventually("every notice sent or held by the cap", || {
        let rows = notice_rows(&s.db);
        (rows.len() == 8 && rows.iter().all(decided)).then_some(())
    })
    .await;
    for server in &mut servers {
        server.kill();
    }
    let rows = notice_rows(&s.db);
    let sent = rows.iter().filter(|row| row[1] == "sent").count();
    assert_eq!(sent, 3, "three sent, the rest wait their turn: {rows:?}");
    assert_eq!(mails(&s.maildir).len(), 3);
    assert_eq!(
        common::db_count(&s.db, "SELECT count(*) FROM notices WHERE sending_since IS NOT NULL"),
        0,
        "every place taken was given back or kept as a notice sent"
    );
}
