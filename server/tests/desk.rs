//! The staff desk's API against a real SQLite file: sessions, the guard on every route,
//! cross-site refusal, the inbox, a request's record and the actions on it.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::desk::{desk, desk_with, request, sign_in_request, Desk, PASSWORD};
use serde_json::json;
use shouhou_core::{Category, Intent, PhotoRef, Priority, WarrantyStatus};
use shouhou_server::limit::Rate;
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::PhotoUpload;
use shouhou_server::store::Role;
use tower::ServiceExt;

const STAFF_ROUTES: [(&str, &str); 10] = [
    ("GET", "/api/v1/staff/session"),
    ("GET", "/api/v1/staff/members"),
    ("DELETE", "/api/v1/staff/session"),
    ("GET", "/api/v1/staff/requests"),
    ("GET", "/api/v1/staff/requests/SR-20261127-K7Q4M2X"),
    ("GET", "/api/v1/staff/requests/SR-20261127-K7Q4M2X/photos/p1"),
    ("POST", "/api/v1/staff/requests/SR-20261127-K7Q4M2X/events"),
    ("GET", "/api/v1/staff/figures?from=2026-11-01&to=2026-11-30"),
    ("GET", "/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30"),
    ("GET", "/api/v1/staff/requests?status=received"),
];

fn bare(method: &str, path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    if method == "POST" {
        builder = builder.header("content-type", "application/json");
        return builder.body(Body::from(r#"{"kind":"note","text":"x"}"#)).unwrap();
    }
    builder.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_session_starts_answers_who_and_ends() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let reply = desk.send(sign_in_request("li.na", PASSWORD)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let cookie = reply.header("set-cookie").to_string();
    let (pair, attributes) = cookie.split_once("; ").unwrap();
    let name = "__Host-shouhou_staff=";
    assert!(pair.starts_with(name) && pair.len() == name.len() + 64);
    assert_eq!(
        attributes, "Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200",
        "a __Host- cookie: Secure, Path=/, no Domain (browsers keep it on loopback too)"
    );
    assert_eq!(reply.header("cache-control"), "no-store");

    let me = desk.get("/api/v1/staff/session", pair).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        (me.json()["login"].as_str(), me.json()["role"].as_str()),
        (Some("li.na"), Some("lead"))
    );
    assert!(me.json()["expires_at"].is_string());

    // Only the token's hash is in the database.
    let token = pair.strip_prefix(name).unwrap();
    let stored = desk.rows("SELECT token_hash FROM staff_sessions");
    assert_ne!(stored, [[token]]);
    assert_eq!(stored[0][0].len(), 128, "a BLAKE2b hash");

    let out = desk.send(bare("DELETE", "/api/v1/staff/session", Some(pair))).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let left = desk.count("SELECT count(*) FROM staff_sessions");
    assert_eq!(left, 0, "signing out removes the session from the database");
    assert_eq!(desk.get("/api/v1/staff/session", pair).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_expire_and_end_with_a_disabled_account() {
    let desk = desk_with(|settings| settings.session_hours = 2);
    desk.add_staff("li.na", Role::Agent).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let reply = desk.send(sign_in_request("li.na", PASSWORD)).await;
    assert!(reply.header("set-cookie").contains("Max-Age=7200"));
    let li = reply.header("set-cookie").split(';').next().unwrap().to_string();
    let wang = desk.sign_in("wang.fang").await;
    assert_eq!(desk.get("/api/v1/staff/session", &li).await.status, StatusCode::OK);

    desk.sql(
        "UPDATE staff_sessions SET expires_at = '2000-01-01T00:00:00+00:00'
         WHERE staff_id = (SELECT id FROM staff WHERE login = 'li.na')",
    );
    assert_eq!(desk.get("/api/v1/staff/session", &li).await.status, StatusCode::UNAUTHORIZED);

    desk.state.store.disable_staff("wang.fang").await.unwrap();
    assert_eq!(desk.get("/api/v1/staff/session", &wang).await.status, StatusCode::UNAUTHORIZED);
    let again = desk.send(sign_in_request("wang.fang", PASSWORD)).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "a disabled account cannot sign in");
}

#[tokio::test]
async fn colleagues_to_assign_to_are_the_active_accounts_without_their_secrets() {
    let desk = desk();
    desk.add_staff("wang.fang", Role::Agent).await;
    desk.add_staff("li.na", Role::Lead).await;
    desk.add_staff("zhao.lei", Role::Agent).await;
    desk.state.store.disable_staff("zhao.lei").await.unwrap();
    let cookie = desk.sign_in("wang.fang").await;
    let reply = desk.get("/api/v1/staff/members", &cookie).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!([{"login": "li.na", "role": "lead"}, {"login": "wang.fang", "role": "agent"}])
    );
}

#[tokio::test]
async fn a_wrong_login_and_a_wrong_password_look_the_same_and_repeated_failures_are_stopped() {
    let desk = desk_with(|settings| settings.limits.sign_in = Rate::new(6, 3));
    desk.add_staff("li.na", Role::Agent).await;
    let wrong_password = desk.send(sign_in_request("li.na", "not-the-password")).await;
    let wrong_login = desk.send(sign_in_request("nobody", PASSWORD)).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (wrong_login.status, wrong_login.bytes.clone()),
        (wrong_password.status, wrong_password.bytes.clone())
    );
    assert_eq!(wrong_password.json()["code"], "invalid_credentials");
    assert!(wrong_password.header("set-cookie").is_empty());

    let third = desk.send(sign_in_request("li.na", "still-wrong-pw")).await;
    assert_eq!(third.status, StatusCode::UNAUTHORIZED);
    // Three failures used the burst: now even the right password waits.
    let blocked = desk.send(sign_in_request("li.na", PASSWORD)).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.json()["code"], "rate_limited");
    // One failure back every 10 s; the Argon2 work above may have taken some of that.
    let retry_after: u64 = blocked.header("retry-after").parse().unwrap();
    assert!((1..=10).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn successes_are_not_counted_against_the_client() {
    let desk = desk_with(|settings| settings.limits.sign_in = Rate::new(6, 2));
    desk.add_staff("li.na", Role::Agent).await;
    for _ in 0..5 {
        desk.sign_in("li.na").await;
    }
}

#[tokio::test]
async fn hsts_is_sent_when_a_trusted_proxy_says_the_request_came_over_tls() {
    let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
    let desk = desk_with(|settings| settings.trusted_proxies = vec![proxy]);
    desk.add_staff("li.na", Role::Agent).await;
    let via = |from: [u8; 4], proto: &str| {
        let mut request = sign_in_request("li.na", PASSWORD);
        request.headers_mut().insert("x-forwarded-proto", proto.parse().unwrap());
        request.headers_mut().insert("x-forwarded-for", "198.51.100.7".parse().unwrap());
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((from, 40000))));
        request
    };
    let proxied = desk.send(via([10, 0, 0, 2], "https")).await;
    assert_eq!(proxied.status, StatusCode::NO_CONTENT);
    assert_eq!(proxied.header("strict-transport-security"), "max-age=31536000");
    let page = {
        let mut request = Request::get("/").body(Body::empty()).unwrap();
        request.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 40001))));
        desk.send(request).await
    };
    assert_eq!(page.header("strict-transport-security"), "max-age=31536000", "every answer");
    let plain = desk.send(via([10, 0, 0, 2], "http")).await;
    assert_eq!(plain.header("strict-transport-security"), "", "not over plain HTTP");
    let direct = desk.send(via([192, 0, 2, 1], "https")).await;
    assert_eq!(direct.header("strict-transport-security"), "", "a stranger's header is a claim");
}

#[tokio::test]
async fn a_planted_second_session_cookie_signs_nobody_in() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    assert_eq!(desk.get("/api/v1/staff/session", &cookie).await.status, StatusCode::OK);
    // A sibling subdomain may set a cookie of the old name, or a second one beside ours.
    let planted = format!("__Host-shouhou_staff={}", "ab".repeat(32));
    for cookies in [format!("{planted}; {cookie}"), format!("{cookie}; {planted}")] {
        let reply = desk.get("/api/v1/staff/session", &cookies).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{cookies}");
    }
    let token = cookie.split_once('=').unwrap().1;
    let old_name = format!("shouhou_staff={token}");
    assert_eq!(desk.get("/api/v1/staff/session", &old_name).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_staff_route_answers_401_without_a_valid_session() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let forged = format!("__Host-shouhou_staff={}", "ab".repeat(32));
    for cookie in [None, Some(forged.as_str()), Some("__Host-shouhou_staff=short")] {
        for (method, path) in STAFF_ROUTES {
            let reply = desk.send(bare(method, path, cookie)).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path} {cookie:?}");
            assert_eq!(reply.json()["code"], "unauthorized");
        }
    }
}

#[tokio::test]
async fn an_agent_is_refused_the_figures_and_the_export() {
    let desk = desk();
    desk.add_staff("wang.fang", Role::Agent).await;
    let cookie = desk.sign_in("wang.fang").await;
    for path in [
        "/api/v1/staff/figures?from=2026-11-01&to=2026-11-30",
        "/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30",
    ] {
        let reply = desk.get(path, &cookie).await;
        assert_eq!(
            (reply.status, reply.json()["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden"))
        );
    }
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let desk = desk_with(|settings| settings.cors_origins = vec!["https://shop.example".into()]);
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let reference = desk
        .file(
            "cross-site-1",
            request(Intent::Repair, "inverter", "王建国", "OC1"),
            vec![],
            "2026-11-20T09:00:00+08:00",
        )
        .await;
    let path = format!("/api/v1/staff/requests/{reference}/events");
    let attempt = |headers: &[(&str, &str)]| {
        let mut builder = Request::post(path.as_str())
            .header("host", "127.0.0.1:8080")
            .header("cookie", cookie.as_str())
            .header("content-type", "application/json");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::from(json!({"kind": "note", "text": "备注"}).to_string())).unwrap()
    };
    for refused in [
        &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")][..],
        &[("sec-fetch-site", "same-site"), ("origin", "http://desk.127.0.0.1:8080")],
        &[("origin", "https://evil.example")],
        &[("origin", "null")],
        &[("sec-fetch-site", "cross-site")],
    ] {
        let reply = desk.send(attempt(refused)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{refused:?}");
        assert_eq!(reply.json()["code"], "cross_site");
    }
    // A value sent that is not text is no browser's: refused, not read as not sent.
    for (name, value) in
        [("origin", &b"http://ev\xffil.example"[..]), ("sec-fetch-site", b"cross-site\xff")]
    {
        let mut request = attempt(&[]);
        request.headers_mut().insert(name, axum::http::HeaderValue::from_bytes(value).unwrap());
        let reply = desk.send(request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}: {value:?}");
        assert_eq!(reply.json()["code"], "cross_site");
    }
    let signed_in_elsewhere = desk
        .send({
            let mut request = sign_in_request("li.na", PASSWORD);
            request.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
            request
        })
        .await;
    assert_eq!(signed_in_elsewhere.status, StatusCode::FORBIDDEN, "no login CSRF either");
    let signed_out_elsewhere = desk
        .send({
            let mut request = bare("DELETE", "/api/v1/staff/session", Some(&cookie));
            request.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
            request
        })
        .await;
    assert_eq!(signed_out_elsewhere.status, StatusCode::FORBIDDEN);

    for allowed in [
        &[("sec-fetch-site", "same-origin"), ("origin", "http://127.0.0.1:8080")][..],
        &[("origin", "https://shop.example")],
        &[("sec-fetch-site", "none")],
        &[],
    ] {
        let reply = desk.send(attempt(allowed)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{allowed:?}");
    }
    let timeline = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(timeline["timeline"].as_array().unwrap().len(), 4, "refused posts left nothing");
}

fn jpeg() -> Vec<u8> {
    vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]
}

/// Five requests with different fields, one overdue.
async fn inbox_fixture(desk: &Desk) -> Vec<String> {
    let now = chrono::Local::now().fixed_offset();
    let stamp = |hours_ago: i64| {
        (now - chrono::Duration::hours(hours_ago))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    let mut repair = request(Intent::Repair, "inverter", "王建国", "变频器显示 OC1 过流故障");
    repair.details.insert("serial_number".into(), "INV-2024-0077".into());
    repair.warranty = Some(WarrantyStatus::InWarranty { until: "2027-05-09".into() });
    repair.photos = vec![PhotoRef {
        id: "p1".into(),
        content_type: "image/jpeg".into(),
        bytes: 8,
        width: 2,
        height: 2,
    }];
    let mut complaint = request(Intent::Complaint, "property", "李娜", "楼道灯坏了一周");
    complaint.category = Some(Category::Service);
    complaint.priority = Some(Priority::High);
    complaint.phone = "+8613800001111".into();
    let mut refund =
        request(Intent::ReturnExchangeRefund, "online-order", "张伟", "尺码不对 100% 要换");
    refund.email = Some("zhang@example.cn".into());
    vec![
        // Created 30 h ago with 24 h to reply: overdue.
        desk.file(
            "inbox-1",
            repair,
            vec![PhotoUpload { id: "p1".into(), content_type: "image/jpeg".into(), bytes: jpeg() }],
            &stamp(30),
        )
        .await,
        desk.file("inbox-2", complaint, vec![], &stamp(2)).await,
        desk.file("inbox-3", refund, vec![], &stamp(1)).await,
    ]
}

#[tokio::test]
async fn the_inbox_filters_searches_counts_and_puts_overdue_first() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let refs = inbox_fixture(&desk).await;
    desk.event(
        &refs[1],
        EventRequest::Assign { to: "li.na".into() },
        Some("wang.fang"),
        "2026-11-27T09:00:00+08:00",
    )
    .await;
    desk.event(
        &refs[2],
        EventRequest::Status { status: shouhou_core::Status::InProgress },
        Some("li.na"),
        "2026-11-27T09:00:00+08:00",
    )
    .await;

    let list = |query: &str| {
        let path = format!("/api/v1/staff/requests{query}");
        let desk = &desk;
        let cookie = cookie.clone();
        async move {
            let reply = desk.get(&path, &cookie).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{path}: {}",
                String::from_utf8_lossy(&reply.bytes)
            );
            let body = reply.json();
            let refs: Vec<String> = body["requests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["reference"].as_str().unwrap().to_string())
                .collect();
            (refs, body)
        }
    };
    let (all, body) = list("").await;
    assert_eq!(
        all,
        [refs[0].clone(), refs[1].clone(), refs[2].clone()],
        "overdue first, then by reply-by"
    );
    assert_eq!(body["requests"][0]["overdue"], true);
    assert_eq!(body["requests"][1]["overdue"], false);
    assert_eq!(body["total"], 3);
    assert_eq!(
        body["counts"],
        json!({"received": 2, "in_progress": 1, "waiting_customer": 0, "waiting_parts": 0, "resolved": 0, "closed": 0})
    );

    assert_eq!(list("?status=in_progress").await.0, [refs[2].clone()]);
    let (_, counted) = list("?status=in_progress").await;
    assert_eq!(counted["counts"]["received"], 2, "counts ignore the status filter");
    assert_eq!(list("?product_line=property").await.0, [refs[1].clone()]);
    assert_eq!(list("?intent=repair").await.0, [refs[0].clone()]);
    assert_eq!(list("?category=service&priority=high").await.0, [refs[1].clone()]);
    assert_eq!(list("?assigned=me").await.0, [refs[1].clone()]);
    assert_eq!(list("?assigned=none").await.0, [refs[0].clone(), refs[2].clone()]);
    assert_eq!(list("?overdue=true").await.0, [refs[0].clone()]);
    assert_eq!(list("?overdue=false").await.0.len(), 2);
    // Unanswered 6 hours past its promise: escalated, first, and found by the filter.
    assert_eq!(
        (body["requests"][0]["escalated"].as_bool(), body["requests"][1]["escalated"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(body["requests"][0]["escalated_at"].as_str().is_some());
    assert_eq!(list("?escalated=true").await.0, [refs[0].clone()]);
    assert_eq!(list("?escalated=false").await.0, [refs[1].clone(), refs[2].clone()]);
    // Search: a serial number, a phone number in another notation and a reference, exactly;
    // words in the name and the description.
    assert_eq!(list("?q=inv-2024-0077").await.0, [refs[0].clone()]);
    assert_eq!(list("?q=INV-2024").await.0.len(), 0, "a serial is matched whole");
    assert_eq!(list(&format!("?q={}", urlencode("李娜"))).await.0, [refs[1].clone()]);
    assert_eq!(list("?q=138%200000%201111").await.0, [refs[1].clone()]);
    assert_eq!(list(&format!("?q={}", urlencode("OC1 过流"))).await.0, [refs[0].clone()]);
    assert_eq!(list(&format!("?q={}", refs[2].to_lowercase())).await.0, [refs[2].clone()]);
    assert_eq!(list("?q=100%25").await.0, [refs[2].clone()], "% is searched for, not a wildcard");
    assert_eq!(list("?q=_").await.0.len(), 0, "one character is no word");

    let bad = desk.get("/api/v1/staff/requests?status=done", &cookie).await;
    assert_eq!(
        (bad.status, bad.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_query"))
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(
            |b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            },
        )
        .collect()
}

#[tokio::test]
async fn a_request_shows_everything_and_its_photos() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let refs = inbox_fixture(&desk).await;
    let detail =
        desk.get(&format!("/api/v1/staff/requests/{}", refs[0].to_lowercase()), &cookie).await;
    assert_eq!(detail.status, StatusCode::OK, "a reference typed in any case");
    let body = detail.json();
    assert_eq!(body["reference"], refs[0].as_str());
    assert_eq!(body["status"], "received");
    assert_eq!(body["next_statuses"], json!(["in_progress"]));
    assert_eq!(body["overdue"], true);
    assert_eq!(body["request"]["details"]["serial_number"], "INV-2024-0077");
    assert_eq!(body["request"]["warranty"], json!({"in_warranty": {"until": "2027-05-09"}}));
    assert_eq!(body["request"]["photos"][0]["id"], "p1");
    assert_eq!(body["timeline"], json!([]));

    let photo = desk.get(&format!("/api/v1/staff/requests/{}/photos/p1", refs[0]), &cookie).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.bytes, jpeg());
    assert_eq!(photo.header("content-type"), "image/jpeg");
    assert_eq!(photo.header("content-disposition"), "inline");
    assert_eq!(photo.header("x-content-type-options"), "nosniff");
    assert_eq!(photo.header("cache-control"), "no-store");
    for missing in [
        format!("/api/v1/staff/requests/{}/photos/p2", refs[0]),
        format!("/api/v1/staff/requests/{}/photos/p1", refs[1]),
        "/api/v1/staff/requests/SR-20200101-0001".into(),
        "/api/v1/staff/requests/nonsense".into(),
    ] {
        let reply = desk.get(&missing, &cookie).await;
        assert_eq!(
            (reply.status, reply.json()["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{missing}"
        );
    }
}

#[tokio::test]
async fn actions_are_recorded_with_who_and_when_and_the_machine_refuses_what_it_must() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    desk.add_staff("wang.fang", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let refs = inbox_fixture(&desk).await;
    let events = format!("/api/v1/staff/requests/{}/events", refs[1]);
    let post = |body: serde_json::Value| {
        let (desk, events, cookie) = (&desk, events.clone(), cookie.clone());
        async move { desk.post(&events, &cookie, body).await }
    };

    let refused = post(json!({"kind": "status", "status": "resolved"})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.json()["code"], "transition_not_allowed");

    let started = post(json!({"kind": "status", "status": "in_progress"})).await;
    assert_eq!(started.status, StatusCode::CREATED);
    let entry = started.json();
    assert_eq!(
        (
            entry["kind"].as_str(),
            entry["status"].as_str(),
            entry["actor"].as_str(),
            entry["public"].as_bool()
        ),
        (Some("status"), Some("in_progress"), Some("li.na"), Some(true))
    );
    assert!(chrono::DateTime::parse_from_rfc3339(entry["at"].as_str().unwrap()).is_ok());

    assert_eq!(
        post(json!({"kind": "assign", "to": "wang.fang"})).await.status,
        StatusCode::CREATED
    );
    let unknown = post(json!({"kind": "assign", "to": "nobody"})).await;
    assert_eq!(
        (unknown.status, unknown.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_staff"))
    );
    let reply =
        post(json!({"kind": "reply", "text": "您好，维修师傅明天上午到，请保持电话畅通。"}))
            .await
            .json();
    assert_eq!(reply["public"], true);
    let note = post(json!({"kind": "note", "text": "物业说灯具要换整套"})).await.json();
    assert_eq!(note["public"], false);
    assert_eq!(
        post(json!({"kind": "status", "status": "waiting_customer"})).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        post(json!({"kind": "status", "status": "in_progress"})).await.status,
        StatusCode::CREATED
    );
    let reply_by = post(json!({"kind": "reply_by", "at": "2030-03-01T17:00:00Z"})).await;
    assert_eq!(reply_by.status, StatusCode::CREATED);
    assert_eq!(
        post(json!({"kind": "status", "status": "resolved"})).await.status,
        StatusCode::CREATED
    );
    let follow_up = post(
        json!({"kind": "follow_up", "outcome": "reached", "satisfaction": 5, "text": "客户很满意"}),
    )
    .await;
    assert_eq!(follow_up.status, StatusCode::CREATED);
    assert_eq!(
        (follow_up.json()["satisfaction"].as_u64(), follow_up.json()["public"].as_bool()),
        (Some(5), Some(false))
    );
    assert_eq!(
        post(json!({"kind": "status", "status": "in_progress"})).await.status,
        StatusCode::CREATED,
        "reopened"
    );
    assert_eq!(
        post(json!({"kind": "status", "status": "resolved"})).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        post(json!({"kind": "status", "status": "closed"})).await.status,
        StatusCode::CREATED
    );
    let after_closed = post(json!({"kind": "status", "status": "in_progress"})).await;
    assert_eq!(after_closed.status, StatusCode::CONFLICT, "closed is final");

    for (bad, code) in [
        (json!({"kind": "reply", "text": "   "}), "invalid_event"),
        (json!({"kind": "note", "text": "x".repeat(10_001)}), "invalid_event"),
        (json!({"kind": "follow_up", "outcome": "reached", "satisfaction": 6}), "invalid_event"),
        (json!({"kind": "follow_up", "outcome": "已修好", "satisfaction": null}), "malformed_json"),
        (json!({"kind": "reply_by", "at": "tomorrow"}), "invalid_event"),
        (json!({"kind": "status", "status": "done"}), "malformed_json"),
        (json!({"kind": "delete"}), "malformed_json"),
    ] {
        let reply = post(bad.clone()).await;
        assert_eq!(reply.json()["code"], code, "{bad}");
    }
    let missing = desk
        .post(
            "/api/v1/staff/requests/SR-20200101-0001/events",
            &cookie,
            json!({"kind": "note", "text": "x"}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let detail = desk.get(&format!("/api/v1/staff/requests/{}", refs[1]), &cookie).await.json();
    assert_eq!(detail["status"], "closed");
    assert_eq!(detail["next_statuses"], json!([]));
    assert_eq!(detail["assigned_to"], "wang.fang");
    let reply_by =
        chrono::DateTime::parse_from_rfc3339(detail["reply_by"].as_str().unwrap()).unwrap();
    assert_eq!(reply_by, chrono::DateTime::parse_from_rfc3339("2030-03-01T17:00:00Z").unwrap());
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "status",
            "assign",
            "reply",
            "note",
            "status",
            "status",
            "reply_by",
            "status",
            "follow_up",
            "status",
            "status",
            "status"
        ]
    );
    assert!(detail["timeline"].as_array().unwrap().iter().all(|e| e["actor"] == "li.na"));
}

#[tokio::test]
async fn the_customer_sees_public_entries_only_and_what_they_may_do() {
    let desk = desk();
    desk.add_staff("zhang.wei.staff", Role::Agent).await;
    let cookie = desk.sign_in("zhang.wei.staff").await;
    let refs = inbox_fixture(&desk).await;
    let events = format!("/api/v1/staff/requests/{}/events", refs[1]);
    let status_path = format!("/api/v1/requests/{}?contact=13800001111", refs[1]);
    let look = || async {
        desk.send(Request::get(status_path.as_str()).body(Body::empty()).unwrap()).await.json()
    };

    let fresh = look().await;
    assert_eq!(
        (fresh["timeline"].clone(), fresh["can_reply"].clone(), fresh["can_rate"].clone()),
        (json!([]), json!(false), json!(false))
    );
    for body in [
        json!({"kind": "status", "status": "in_progress"}),
        json!({"kind": "assign", "to": "zhang.wei.staff"}),
        json!({"kind": "note", "text": "内部：业主脾气大"}),
        json!({"kind": "reply", "text": "请问是几号楼？"}),
        json!({"kind": "reply_by", "at": "2030-01-01T10:00:00+08:00"}),
        json!({"kind": "status", "status": "waiting_customer"}),
    ] {
        assert_eq!(desk.post(&events, &cookie, body).await.status, StatusCode::CREATED);
    }
    let waiting = look().await;
    let text = waiting.to_string();
    assert!(!text.contains("zhang.wei.staff") && !text.contains("业主脾气大"), "{text}");
    let kinds: Vec<&str> = waiting["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["status", "reply", "reply_by", "status"]);
    assert_eq!(waiting["timeline"][1]["text"], "请问是几号楼？");
    assert_eq!(waiting["timeline"][3]["status"], "waiting_customer");
    assert_eq!(waiting["status"], "waiting_customer");
    let promised =
        chrono::DateTime::parse_from_rfc3339(waiting["reply_by"].as_str().unwrap()).unwrap();
    assert_eq!(
        promised,
        chrono::DateTime::parse_from_rfc3339("2030-01-01T10:00:00+08:00").unwrap(),
        "reply_by as currently promised"
    );
    assert_eq!(
        (waiting["can_reply"].as_bool(), waiting["can_rate"].as_bool()),
        (Some(true), Some(false))
    );

    for body in [
        json!({"kind": "status", "status": "in_progress"}),
        json!({"kind": "status", "status": "resolved"}),
    ] {
        desk.post(&events, &cookie, body).await;
    }
    let resolved = look().await;
    assert_eq!(
        (resolved["can_reply"].as_bool(), resolved["can_rate"].as_bool()),
        (Some(false), Some(true))
    );
}

#[tokio::test]
async fn two_desks_changing_one_request_at_once_cannot_both_pass_the_check() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let (li, wang) = (desk.sign_in("li.na").await, desk.sign_in("wang.fang").await);
    let refs = inbox_fixture(&desk).await;
    let events = format!("/api/v1/staff/requests/{}/events", refs[2]);
    let take = json!({"kind": "status", "status": "in_progress"});
    let (a, b) =
        tokio::join!(desk.post(&events, &li, take.clone()), desk.post(&events, &wang, take));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "one took it; the other was told it had moved on");
    let detail = desk.get(&format!("/api/v1/staff/requests/{}", refs[2]), &li).await.json();
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_desk_app_is_served_at_desk_with_its_own_page_for_deep_links() {
    let desk = desk();
    let folder = desk.dir.path().join("dist/desk");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("index.html"), "<!doctype html><title>Desk</title>").unwrap();
    std::fs::write(folder.join("desk.js"), "export {}").unwrap();
    let get = |path: &'static str| desk.send(Request::get(path).body(Body::empty()).unwrap());
    for path in ["/desk/", "/desk/requests/SR-20261127-K7Q4M2X", "/desk/figures"] {
        let reply = get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(String::from_utf8_lossy(&reply.bytes).contains("<title>Desk</title>"), "{path}");
        assert!(reply.header("content-security-policy").contains("frame-ancestors 'none'"));
    }
    let bare = get("/desk").await;
    assert_eq!((bare.status, bare.header("location")), (StatusCode::PERMANENT_REDIRECT, "/desk/"));
    assert_eq!(get("/desk/desk.js").await.bytes, b"export {}");
    assert_eq!(get("/desk/missing.js").await.status, StatusCode::NOT_FOUND);
    let customer = get("/status/SR-20261127-K7Q4M2X").await;
    assert!(String::from_utf8_lossy(&customer.bytes).contains("<title>Shouhou</title>"));
}

/// The next chunk of an open event stream, as text; None when the stream has ended.
async fn next_event(body: &mut Body) -> Option<String> {
    use http_body_util::BodyExt;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
        .await
        .expect("the stream answers or ends within 10 s")?;
    Some(String::from_utf8(frame.unwrap().into_data().unwrap().to_vec()).unwrap())
}

/// An open live desk is a session's like any other call: signing out (or the account being
/// disabled) ends it, rather than its changes going on to whoever holds the connection.
#[tokio::test]
async fn the_live_desk_ends_with_its_session() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    for (round, end) in ["sign out", "disable"].into_iter().enumerate() {
        let cookie = desk.sign_in("li.na").await;
        let open = Request::get("/api/v1/staff/stream").header("cookie", &cookie);
        let response = desk.router.clone().oneshot(open.body(Body::empty()).unwrap()).await;
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut body = response.into_body();
        assert!(next_event(&mut body).await.unwrap().contains("live"));
        let file = |key: String, name: &'static str| {
            let filed = request(Intent::Repair, "inverter", name, "报 OC1 故障");
            let desk = &desk;
            async move { desk.file(&key, filed, vec![], "2026-11-02T09:00:00+08:00").await }
        };
        let seen = file(format!("seen-{round}"), "王建国").await;
        assert!(next_event(&mut body).await.unwrap().contains(&seen));

        match end {
            "sign out" => {
                let out = Request::delete("/api/v1/staff/session").header("cookie", &cookie);
                assert_eq!(
                    desk.send(out.body(Body::empty()).unwrap()).await.status,
                    StatusCode::NO_CONTENT
                );
            }
            _ => desk.state.store.disable_staff("li.na").await.unwrap(),
        }
        let unseen = file(format!("unseen-{round}"), "李娜").await;
        match next_event(&mut body).await {
            None => {}
            Some(event) => {
                panic!("after '{end}' the stream sent {event:?} (the next was {unseen})")
            }
        }
        if end == "disable" {
            break;
        }
    }
}
