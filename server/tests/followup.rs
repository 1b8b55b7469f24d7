//! The customer's side of the loop against a real SQLite file: answering the team
//! (`POST …/messages`), rating the service (`POST …/feedback`), what the status look-up and
//! the desk then show, and the limits on both. docs/api.md: "API", Messages and Feedback.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::desk::{desk, desk_with, request, Desk};
use serde_json::{json, Value};
use shouhou_core::follow_up::CallOutcome;
use shouhou_core::{Intent, PhotoRef, Status};
use shouhou_server::limit::Rate;
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::{self, PhotoUpload, Role};

/// The contact the fixture's requests were filed with (`+8613912345678`), as a customer
/// might type it.
const CONTACT: &str = "139 1234 5678";
const PHOTO_A: &str = "0b7e0c2a-1111-4a5b-9c3d-000000000001";
const PHOTO_B: &str = "0b7e0c2a-1111-4a5b-9c3d-000000000002";

fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(len, 7);
    bytes
}

fn photo(id: &str, bytes: u64) -> PhotoRef {
    PhotoRef { id: id.into(), content_type: "image/jpeg".into(), bytes, width: 800, height: 600 }
}

/// A signed-in lead and one request filed a while ago, moved on by staff to `status` the way
/// the desk does it (in_progress first, a question for `waiting_customer`).
async fn fixture(status: Status) -> (Desk, String, String) {
    fixture_on(roomy(), status).await
}

/// Limits out of the way, for the tests that are not about them: every call here comes
/// from one client.
fn roomy() -> Desk {
    let lots = Rate::new(u32::MAX, u32::MAX);
    desk_with(|settings| {
        settings.limits.message = lots;
        settings.limits.feedback = lots;
        settings.limits.lookup = lots;
    })
}

async fn fixture_on(desk: Desk, status: Status) -> (Desk, String, String) {
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let reference = file(&desk, "followup-request-1", vec![]).await;
    walk(&desk, &reference, status).await;
    (desk, cookie, reference)
}

async fn file(desk: &Desk, key: &str, photos: Vec<PhotoUpload>) -> String {
    let mut valid = request(Intent::Repair, "inverter", "王建国", "变频器上电后显示 OC1 过流故障");
    valid.photos =
        photos.iter().map(|upload| photo(&upload.id, upload.bytes.len() as u64)).collect();
    desk.file(key, valid, photos, "2026-11-20T09:00:00+08:00").await
}

/// Staff's steps from `received` to `status`, with a reply, an internal note, an assignment
/// and a follow-up call on the way: the entries the customer must never see.
async fn walk(desk: &Desk, reference: &str, status: Status) {
    let staff = Some("li.na");
    let at = "2026-11-20T10:00:00+08:00";
    let steps: Vec<EventRequest> = match status {
        Status::Received => vec![],
        Status::InProgress => vec![EventRequest::Status { status: Status::InProgress }],
        Status::WaitingCustomer => vec![
            EventRequest::Status { status: Status::InProgress },
            EventRequest::Assign { to: "li.na".into() },
            EventRequest::Note { text: "内部：客户上次投诉过".into() },
            EventRequest::Reply { text: "请问设备的序列号是多少？".into() },
            EventRequest::Status { status: Status::WaitingCustomer },
        ],
        Status::WaitingParts => vec![
            EventRequest::Status { status: Status::InProgress },
            EventRequest::Note { text: "内部：IGBT 模块缺货".into() },
            EventRequest::Status { status: Status::WaitingParts },
        ],
        Status::Resolved | Status::Closed => {
            let mut steps = vec![
                EventRequest::Status { status: Status::InProgress },
                EventRequest::Reply { text: "已寄出新的驱动板".into() },
                EventRequest::Status { status: Status::Resolved },
                EventRequest::FollowUp {
                    outcome: CallOutcome::Reached,
                    satisfaction: None,
                    text: String::new(),
                },
            ];
            if status == Status::Closed {
                steps.push(EventRequest::Status { status: Status::Closed });
            }
            steps
        }
    };
    for step in steps {
        desk.event(reference, step, staff, at).await;
    }
}

fn post_json(path: &str, key: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .header("accept-language", "en")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn messages(reference: &str) -> String {
    format!("/api/v1/requests/{reference}/messages")
}

fn feedback(reference: &str) -> String {
    format!("/api/v1/requests/{reference}/feedback")
}

fn message(text: &str) -> Value {
    json!({"contact": CONTACT, "text": text})
}

/// A message with photos as the app sends it: a `message` part and a `photo` part for each.
fn multipart(
    reference: &str,
    key: &str,
    message: &Value,
    photos: &[(&str, &str, Vec<u8>)],
) -> Request<Body> {
    let boundary = "----shouhou-followup-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(message.to_string().as_bytes());
    for (id, content_type, bytes) in photos {
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{id}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(messages(reference))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("idempotency-key", key)
        .body(Body::from(body))
        .unwrap()
}

async fn look(desk: &Desk, reference: &str, contact: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/requests/{reference}?contact={}", contact.replace(' ', "%20"));
    let reply = desk
        .send(Request::get(path).header("accept-language", "en").body(Body::empty()).unwrap())
        .await;
    (reply.status, reply.json())
}

fn kinds(timeline: &Value) -> Vec<String> {
    timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

fn count(desk: &Desk, sql: &str) -> i64 {
    desk.count(sql)
}

fn is_rfc3339(value: &Value) -> bool {
    value.as_str().is_some_and(|at| chrono::DateTime::parse_from_rfc3339(at).is_ok())
}

#[tokio::test]
async fn a_message_answers_the_team_and_brings_the_request_back_to_in_progress() {
    let (desk, cookie, reference) = fixture(Status::WaitingCustomer).await;
    let (_, before) = look(&desk, &reference, CONTACT).await;
    assert_eq!(
        (before["can_reply"].as_bool(), before["can_rate"].as_bool()),
        (Some(true), Some(false))
    );

    let body = message("  序列号是 INV-2291-0042，谢谢  ");
    let reply = desk.send(post_json(&messages(&reference), "message-key-0001", &body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&reply.bytes));
    let answer = reply.json();
    assert_eq!(answer.as_object().unwrap().len(), 3, "{answer}");
    assert_eq!(answer["kind"], "customer_message");
    assert_eq!(answer["text"], "序列号是 INV-2291-0042，谢谢", "trimmed, as stored");
    assert!(is_rfc3339(&answer["at"]), "{answer}");
    assert_eq!(reply.header("idempotent-replayed"), "");

    // The customer sees their answer and the request back with the team, and nothing internal.
    let (status, after) = look(&desk, &reference, CONTACT).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["status"], "in_progress");
    assert_eq!(
        kinds(&after["timeline"]),
        ["status", "reply", "status", "customer_message", "status"]
    );
    assert_eq!(after["timeline"][3]["text"], "序列号是 INV-2291-0042，谢谢");
    assert_eq!(after["timeline"][3]["at"], answer["at"]);
    assert_eq!(after["timeline"][4]["status"], "in_progress");
    assert_eq!(
        (after["can_reply"].as_bool(), after["can_rate"].as_bool()),
        (Some(false), Some(false))
    );
    let shown = after["timeline"].to_string();
    assert!(!shown.contains("li.na") && !shown.contains("客户上次投诉过"), "{shown}");
    assert!(after["timeline"].as_array().unwrap().iter().all(|e| e.get("actor").is_none()));

    // The desk sees the message as the customer's (no actor), public, then the status change.
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(detail["status"], "in_progress");
    let timeline = detail["timeline"].as_array().unwrap();
    let last_two = &timeline[timeline.len() - 2..];
    assert_eq!(last_two[0]["kind"], "customer_message");
    assert_eq!(last_two[0]["text"], "序列号是 INV-2291-0042，谢谢");
    assert_eq!(
        (last_two[0]["actor"].clone(), last_two[0]["public"].clone()),
        (Value::Null, json!(true))
    );
    assert_eq!(last_two[0].get("photos"), None, "no photos, no list");
    assert_eq!(
        (last_two[1]["kind"].clone(), last_two[1]["status"].clone()),
        (json!("status"), json!("in_progress"))
    );
    assert_eq!(last_two[1]["actor"], Value::Null, "the customer's answer moved it");
    assert!(kinds(&detail["timeline"]).contains(&"note".to_string()), "staff still see their note");

    // The outbox's retry, after the status moved on: the same answer, nothing added.
    let entries = timeline.len();
    let again = desk.send(post_json(&messages(&reference), "message-key-0001", &body)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.json(), answer);
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(detail["timeline"].as_array().unwrap().len(), entries);

    // The key with another text; a new message while the team is not waiting for one.
    let reused =
        desk.send(post_json(&messages(&reference), "message-key-0001", &message("另一条"))).await;
    assert_eq!(
        (reused.status, reused.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("idempotency_key_reused"))
    );
    let early =
        desk.send(post_json(&messages(&reference), "message-key-0002", &message("还有"))).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.json()["code"], "not_waiting_for_customer");
    assert!(early.json()["message"].as_str().unwrap().contains("isn't waiting"));
    // A message's key is not a rating's.
    let rating = json!({"contact": CONTACT, "rating": 5});
    let crossed = desk.send(post_json(&feedback(&reference), "message-key-0001", &rating)).await;
    assert_eq!(crossed.json()["code"], "idempotency_key_reused");
    assert_eq!(count(&desk, "SELECT count(*) FROM events WHERE kind = 'customer_message'"), 1);
}

#[tokio::test]
async fn only_a_request_waiting_for_the_customer_takes_a_message() {
    for status in [Status::Received, Status::InProgress, Status::Resolved, Status::Closed] {
        let (desk, _, reference) = fixture(status).await;
        let reply = desk
            .send(post_json(&messages(&reference), "message-key-0003", &message("在吗？")))
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{status:?}");
        assert_eq!(reply.json()["code"], "not_waiting_for_customer", "{status:?}");
        let (_, view) = look(&desk, &reference, CONTACT).await;
        assert_eq!(view["can_reply"], false, "{status:?}");
        assert_eq!(count(&desk, "SELECT count(*) FROM customer_posts"), 0);
    }
}

/// Ten copies of one message at once, as an outbox coming back online on a flaky link might
/// send them, on a runtime with several threads so they really race.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retry_storm_of_one_message_makes_one_entry() {
    let (desk, _, reference) = fixture(Status::WaitingCustomer).await;
    let body = message("设备在二号楼配电间");
    let sends = (0..10).map(|_| {
        let request = post_json(&messages(&reference), "storm-key-0001", &body);
        let router = desk.router.clone();
        tokio::spawn(async move {
            let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
            let status = response.status();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap();
            (status, replayed, serde_json::from_slice::<Value>(&bytes.to_bytes()).unwrap())
        })
    });
    let mut answers = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        answers.push(send.await.unwrap());
    }
    let created = answers.iter().filter(|(s, r, _)| *s == StatusCode::CREATED && !r).count();
    let replayed = answers.iter().filter(|(s, r, _)| *s == StatusCode::OK && *r).count();
    assert_eq!((created, replayed), (1, 9), "{answers:?}");
    assert!(answers.iter().all(|(_, _, body)| *body == answers[0].2), "one answer for all");
    assert_eq!(count(&desk, "SELECT count(*) FROM events WHERE kind = 'customer_message'"), 1);
    assert_eq!(
        count(&desk, "SELECT count(*) FROM events WHERE kind = 'status' AND actor IS NULL"),
        1,
        "one status change back to in_progress"
    );
    let (_, view) = look(&desk, &reference, CONTACT).await;
    assert_eq!(view["status"], "in_progress");
}

#[tokio::test]
async fn a_wrong_contact_answers_as_an_unknown_reference_does_and_writes_nothing() {
    let (desk, _, reference) = fixture(Status::WaitingCustomer).await;
    let (_, lookup_404) = look(&desk, &reference, "13800000000").await;
    assert_eq!(lookup_404["code"], "not_found");
    let unknown = "SR-20261120-0001";
    for (path, body) in [
        (messages(&reference), json!({"contact": "13800000000", "text": "你好"})),
        (messages(&reference), json!({"contact": "wang@example.cn", "text": "你好"})),
        (messages(unknown), message("你好")),
        (messages("not-a-reference"), message("你好")),
        (feedback(&reference), json!({"contact": "13800000000", "rating": 5})),
        (feedback(unknown), json!({"contact": CONTACT, "rating": 5})),
    ] {
        let reply = desk.send(post_json(&path, "wrong-contact-1", &body)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path} {body}");
        assert_eq!(reply.json(), lookup_404, "identical to the look-up's: {path} {body}");
    }
    let no_contact = desk
        .send(post_json(
            &messages(&reference),
            "no-contact-01",
            &json!({"contact": " ", "text": "你好"}),
        ))
        .await;
    assert_eq!(
        (no_contact.status, no_contact.json()["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("missing_contact"))
    );
    assert_eq!(count(&desk, "SELECT count(*) FROM customer_posts"), 0);
    let (_, view) = look(&desk, &reference, CONTACT).await;
    assert_eq!(view["status"], "waiting_customer");
}

#[tokio::test]
async fn a_message_body_is_refused_as_a_create_body_is() {
    let (desk, _, reference) = fixture(Status::WaitingCustomer).await;
    let path = messages(&reference);
    let long = "好".repeat(4001);
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            Request::post(&path)
                .header("content-type", "application/json")
                .body(Body::from(message("x").to_string()))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "missing_idempotency_key",
        ),
        (
            Request::post(&path)
                .header("content-type", "text/plain")
                .header("idempotency-key", "bad-body-0001")
                .body(Body::from("序列号"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Request::post(&path)
                .header("content-type", "application/json")
                .header("idempotency-key", "bad-body-0002")
                .body(Body::from("{\"contact\":"))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            post_json(
                &path,
                "bad-body-0003",
                &json!({"contact": CONTACT, "text": "x", "admin": true}),
            ),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            post_json(&path, "bad-body-0004", &json!({"contact": CONTACT})),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            post_json(&path, "bad-body-0005", &message("   ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            post_json(&path, "bad-body-0006", &message(&long)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            post_json(&path, "bad-body-0007", &message("看这里\u{202E}反过来")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            Request::post(&path)
                .header("content-type", "application/json")
                .header("idempotency-key", "bad-body-0008")
                .body(Body::from(format!(
                    "{{\"contact\":\"{CONTACT}\",\"text\":\"{}\"}}",
                    "x".repeat(70_000)
                )))
                .unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let reply = desk.send(request).await;
        assert_eq!(
            (reply.status, reply.json()["code"].as_str().unwrap_or("")),
            (status, code),
            "{}",
            String::from_utf8_lossy(&reply.bytes)
        );
    }
    let (desk_ref, path_ref) = (&desk, &path);
    let fields = |text: String| async move {
        let reply = desk_ref.send(post_json(path_ref, "bad-body-0009", &message(&text))).await;
        reply.json()["fields"][0].clone()
    };
    let too_long = fields(long.clone()).await;
    assert_eq!(
        (too_long["field"].clone(), too_long["code"].clone(), too_long["max"].clone()),
        (json!("text"), json!("too_long"), json!(4000))
    );
    assert!(too_long["message"].as_str().unwrap().contains("4000"), "{too_long}");
    assert_eq!(fields(String::new()).await["code"], "required");
    assert_eq!(fields("a\u{0}b".into()).await["code"], "invalid_characters");
    assert_eq!(count(&desk, "SELECT count(*) FROM customer_posts"), 0);
    // 4000 characters, lines and tabs are a message.
    let longest = format!("第一行\n\t{}", "好".repeat(3995));
    let reply = desk.send(post_json(&path, "bad-body-0010", &message(&longest))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&reply.bytes));
}

#[tokio::test]
async fn a_messages_photos_are_checked_stored_with_it_and_shown_to_the_desk() {
    let desk = roomy();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    // The request has a photo of its own: a message's photo may not take its id.
    let own =
        PhotoUpload { id: PHOTO_B.into(), content_type: "image/jpeg".into(), bytes: jpeg(500) };
    let reference = file(&desk, "photo-request-1", vec![own]).await;
    walk(&desk, &reference, Status::WaitingCustomer).await;
    let path = messages(&reference);
    let with =
        |photos: Vec<PhotoRef>| json!({"contact": CONTACT, "text": "铭牌照片", "photos": photos});

    let refusals: Vec<(Request<Body>, StatusCode, &str)> = vec![
        // Listed but sent as JSON, without the bytes.
        (
            post_json(&path, "photo-msg-0001", &with(vec![photo(PHOTO_A, 900)])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_photo",
        ),
        // A PDF named a JPEG.
        (
            multipart(
                &reference,
                "photo-msg-0002",
                &with(vec![photo(PHOTO_A, 9)]),
                &[(PHOTO_A, "image/jpeg", b"%PDF-1.4\n".to_vec())],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_photo",
        ),
        // Not the size declared.
        (
            multipart(
                &reference,
                "photo-msg-0003",
                &with(vec![photo(PHOTO_A, 900)]),
                &[(PHOTO_A, "image/jpeg", jpeg(901))],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_photo",
        ),
        // A photo not listed.
        (
            multipart(
                &reference,
                "photo-msg-0004",
                &with(vec![]),
                &[(PHOTO_A, "image/jpeg", jpeg(900))],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_photo",
        ),
        // The id of the request's own photo.
        (
            multipart(
                &reference,
                "photo-msg-0005",
                &with(vec![photo(PHOTO_B, 900)]),
                &[(PHOTO_B, "image/jpeg", jpeg(900))],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_photo",
        ),
        // Seven photos, six allowed (photos.max_count).
        (
            multipart(
                &reference,
                "photo-msg-0006",
                &with(
                    (0..7)
                        .map(|n| photo(&format!("0b7e0c2a-2222-4a5b-9c3d-00000000000{n}"), 10))
                        .collect(),
                ),
                &[],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_photos",
        ),
        // Sizes that would overflow a sum.
        (
            multipart(
                &reference,
                "photo-msg-0011",
                &with(vec![photo(PHOTO_A, u64::MAX), photo(PHOTO_B, u64::MAX)]),
                &[],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photos_too_large",
        ),
        // More than photos.max_total_bytes declared.
        (
            multipart(&reference, "photo-msg-0007", &with(vec![photo(PHOTO_A, 6_000_001)]), &[]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photos_too_large",
        ),
        // More than that sent.
        (
            multipart(
                &reference,
                "photo-msg-0008",
                &with(vec![photo(PHOTO_A, 900)]),
                &[(PHOTO_A, "image/jpeg", jpeg(6_200_000))],
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        // No message part.
        (multipart(&reference, "photo-msg-0009", &json!(null), &[]), StatusCode::BAD_REQUEST, ""),
    ];
    for (n, (request, status, code)) in refusals.into_iter().enumerate() {
        let reply = desk.send(request).await;
        let body = reply.json();
        assert_eq!(reply.status, status, "case {n}: {body}");
        if !code.is_empty() {
            assert_eq!(
                (body["fields"][0]["field"].clone(), body["fields"][0]["code"].clone()),
                (json!("photos"), json!(code)),
                "case {n}"
            );
        }
    }
    assert_eq!(count(&desk, "SELECT count(*) FROM customer_posts"), 0);
    assert_eq!(count(&desk, "SELECT count(*) FROM photos"), 1, "only the request's own");

    let photos = vec![photo(PHOTO_A, 900)];
    let sent = multipart(
        &reference,
        "photo-msg-0010",
        &with(photos.clone()),
        &[(PHOTO_A, "image/jpeg", jpeg(900))],
    );
    let reply = desk.send(sent).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&reply.bytes));
    assert_eq!(reply.json()["text"], "铭牌照片");
    let again = multipart(
        &reference,
        "photo-msg-0010",
        &with(photos.clone()),
        &[(PHOTO_A, "image/jpeg", jpeg(900))],
    );
    let replay = desk.send(again).await;
    assert_eq!((replay.status, replay.header("idempotent-replayed")), (StatusCode::OK, "true"));
    assert_eq!(replay.json(), reply.json());
    assert_eq!(count(&desk, "SELECT count(*) FROM photos"), 2, "the retry stored nothing");

    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    let entry = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "customer_message")
        .unwrap()
        .clone();
    assert_eq!(entry["photos"], json!(photos), "{entry}");
    assert_eq!(
        detail["request"]["photos"].as_array().unwrap().len(),
        1,
        "the request's own, unchanged"
    );
    let bytes =
        desk.get(&format!("/api/v1/staff/requests/{reference}/photos/{PHOTO_A}"), &cookie).await;
    assert_eq!((bytes.status, bytes.header("content-type")), (StatusCode::OK, "image/jpeg"));
    assert_eq!(bytes.bytes, jpeg(900));
    // The customer's view does not carry photo bytes or staff-only fields.
    let (_, view) = look(&desk, &reference, CONTACT).await;
    assert_eq!(kinds(&view["timeline"]).iter().filter(|k| *k == "customer_message").count(), 1);
}

#[tokio::test]
async fn a_rating_once_resolved_is_stored_once_shown_to_the_desk_and_counted() {
    let (desk, cookie, reference) = fixture(Status::Received).await;
    let path = feedback(&reference);
    let rating =
        json!({"contact": "+86 139-1234-5678", "rating": 5, "comment": " 很满意，师傅很专业 "});
    let early = desk.send(post_json(&path, "rating-key-0001", &rating)).await;
    assert_eq!(
        (early.status, early.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("not_resolved"))
    );
    walk_on(&desk, &reference).await;
    let (_, before) = look(&desk, &reference, CONTACT).await;
    assert_eq!(
        (before["can_reply"].as_bool(), before["can_rate"].as_bool()),
        (Some(false), Some(true))
    );

    let reply = desk.send(post_json(&path, "rating-key-0002", &rating)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&reply.bytes));
    let answer = reply.json();
    assert_eq!(answer.as_object().unwrap().len(), 4, "{answer}");
    assert_eq!(
        (answer["kind"].clone(), answer["rating"].clone(), answer["comment"].clone()),
        (json!("rating"), json!(5), json!("很满意，师傅很专业"))
    );
    assert!(is_rfc3339(&answer["at"]));

    let again = desk.send(post_json(&path, "rating-key-0002", &rating)).await;
    assert_eq!((again.status, again.header("idempotent-replayed")), (StatusCode::OK, "true"));
    assert_eq!(again.json(), answer);
    let reused = desk
        .send(post_json(&path, "rating-key-0002", &json!({"contact": CONTACT, "rating": 1})))
        .await;
    assert_eq!(
        (reused.status, reused.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("idempotency_key_reused"))
    );
    let second = desk
        .send(post_json(&path, "rating-key-0003", &json!({"contact": CONTACT, "rating": 1})))
        .await;
    assert_eq!(
        (second.status, second.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("already_rated"))
    );
    assert_eq!(count(&desk, "SELECT count(*) FROM events WHERE kind = 'rating'"), 1);

    let (_, after) = look(&desk, &reference, CONTACT).await;
    assert_eq!(after["can_rate"], false, "rated");
    let shown = after["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        shown,
        json!({"at": answer["at"], "kind": "rating", "text": "很满意，师傅很专业", "rating": 5})
    );
    let text = after["timeline"].to_string();
    assert!(!text.contains("内部回访记录") && !text.contains("li.na"), "{text}");

    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    let entry = detail["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (entry["kind"].clone(), entry["satisfaction"].clone(), entry["actor"].clone()),
        (json!("rating"), json!(5), Value::Null)
    );
    assert_eq!(entry["text"], "很满意，师傅很专业");

    // In the export's satisfaction column (the last).
    let csv = desk.get("/api/v1/staff/export.csv?from=2026-11-20&to=2026-11-20", &cookie).await;
    let row = String::from_utf8(csv.bytes).unwrap();
    let row = row.lines().nth(1).unwrap().to_string();
    assert!(row.ends_with(",\"5\""), "{row}");

    // Counted in the satisfaction rate of the day it was given.
    let today = store::now().format("%Y-%m-%d").to_string();
    let figures =
        desk.get(&format!("/api/v1/staff/figures?from={today}&to={today}"), &cookie).await.json();
    assert_eq!(figures["satisfaction"]["from_customers"], 1, "{figures}");
    assert_eq!(figures["satisfaction"]["satisfied"], 1);
    assert_eq!(figures["satisfaction_rate"], 1.0);
}

/// From `received` to `resolved` as staff do.
async fn walk_on(desk: &Desk, reference: &str) {
    for status in [Status::InProgress, Status::Resolved] {
        desk.event(
            reference,
            EventRequest::Status { status },
            Some("li.na"),
            "2026-11-21T10:00:00+08:00",
        )
        .await;
    }
}

#[tokio::test]
async fn a_closed_request_may_still_be_rated_and_a_comment_is_optional() {
    let (desk, _, reference) = fixture(Status::Closed).await;
    let (_, view) = look(&desk, &reference, CONTACT).await;
    assert_eq!((view["status"].clone(), view["can_rate"].clone()), (json!("closed"), json!(true)));
    let reply = desk
        .send(post_json(
            &feedback(&reference),
            "rating-key-0004",
            &json!({"contact": CONTACT, "rating": 3}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        (reply.json()["rating"].clone(), reply.json()["comment"].clone()),
        (json!(3), json!(""))
    );
    let (_, view) = look(&desk, &reference, CONTACT).await;
    assert_eq!(view["can_rate"], false);
    assert_eq!(view["timeline"].as_array().unwrap().last().unwrap()["text"], Value::Null);
}

#[tokio::test]
async fn a_rating_outside_one_to_five_or_a_long_comment_is_refused() {
    let (desk, _, reference) = fixture(Status::Resolved).await;
    let path = feedback(&reference);
    for (n, (body, status, field)) in [
        (json!({"contact": CONTACT, "rating": 0}), StatusCode::UNPROCESSABLE_ENTITY, "rating"),
        (json!({"contact": CONTACT, "rating": 6}), StatusCode::UNPROCESSABLE_ENTITY, "rating"),
        (json!({"contact": CONTACT, "rating": -1}), StatusCode::UNPROCESSABLE_ENTITY, "rating"),
        (
            json!({"contact": CONTACT, "rating": 5, "comment": "好".repeat(2001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "comment",
        ),
        (
            json!({"contact": CONTACT, "rating": 5, "comment": "a\u{7}b"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "comment",
        ),
        (json!({"contact": CONTACT, "rating": "5"}), StatusCode::BAD_REQUEST, ""),
        (json!({"contact": CONTACT, "rating": 4.5}), StatusCode::BAD_REQUEST, ""),
        (json!({"contact": CONTACT}), StatusCode::BAD_REQUEST, ""),
        (json!({"contact": CONTACT, "rating": 5, "stars": 5}), StatusCode::BAD_REQUEST, ""),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = desk.send(post_json(&path, &format!("bad-rating-{n:04}"), &body)).await;
        assert_eq!(reply.status, status, "{body}");
        if !field.is_empty() {
            assert_eq!(reply.json()["code"], "validation_failed");
            assert_eq!(reply.json()["fields"][0]["field"], field, "{}", reply.json());
            assert!(!reply.json()["fields"][0]["message"].as_str().unwrap().contains('{'));
        }
    }
    let multipart = Request::post(&path)
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .header("idempotency-key", "bad-rating-form")
        .body(Body::from("--b0undary--\r\n"))
        .unwrap();
    assert_eq!(desk.send(multipart).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let range = desk
        .send(post_json(&path, "bad-rating-range", &json!({"contact": CONTACT, "rating": 9})))
        .await
        .json();
    assert_eq!(
        (
            range["fields"][0]["code"].clone(),
            range["fields"][0]["min"].clone(),
            range["fields"][0]["max"].clone()
        ),
        (json!("out_of_range"), json!(1), json!(5))
    );
    assert_eq!(range["fields"][0]["message"], "The rating must be between 1 and 5");
    let longest = json!({"contact": CONTACT, "rating": 4, "comment": "好".repeat(2000)});
    assert_eq!(
        desk.send(post_json(&path, "good-rating-01", &longest)).await.status,
        StatusCode::CREATED
    );
    assert_eq!(count(&desk, "SELECT count(*) FROM events WHERE kind = 'rating'"), 1);
}

#[tokio::test]
async fn messages_and_feedback_are_limited_per_client_each_on_their_own() {
    // Driven without a peer address, every call is one client.
    let desk = desk_with(|settings| {
        settings.limits.message = Rate::new(1, 2);
        settings.limits.feedback = Rate::new(1, 1);
    });
    let (desk, _, reference) = fixture_on(desk, Status::WaitingCustomer).await;
    let statuses: Vec<StatusCode> = {
        let mut statuses = Vec::new();
        for n in 0..3 {
            let key = format!("limit-msg-{n:04}");
            statuses.push(
                desk.send(post_json(&messages(&reference), &key, &message("在"))).await.status,
            );
        }
        statuses
    };
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::TOO_MANY_REQUESTS]
    );
    let refused =
        desk.send(post_json(&messages(&reference), "limit-msg-9999", &message("在"))).await;
    assert_eq!(refused.json()["code"], "rate_limited");
    assert_eq!(refused.header("retry-after"), "60", "one a minute");
    // Feedback and look-ups have their own allowances.
    let rating = desk
        .send(post_json(
            &feedback(&reference),
            "limit-fb-0001",
            &json!({"contact": CONTACT, "rating": 5}),
        ))
        .await;
    assert_eq!(rating.json()["code"], "not_resolved");
    let rating = desk
        .send(post_json(
            &feedback(&reference),
            "limit-fb-0002",
            &json!({"contact": CONTACT, "rating": 5}),
        ))
        .await;
    assert_eq!(
        (rating.status, rating.header("retry-after")),
        (StatusCode::TOO_MANY_REQUESTS, "60")
    );
    assert_eq!(look(&desk, &reference, CONTACT).await.0, StatusCode::OK);
    assert_eq!(count(&desk, "SELECT count(*) FROM customer_posts"), 1);
}

#[tokio::test]
async fn by_default_rapid_messages_from_one_client_are_stopped_at_the_sixth() {
    let (desk, _, reference) = fixture_on(desk(), Status::WaitingCustomer).await;
    let mut statuses = Vec::new();
    for n in 0..20 {
        let reply = desk
            .send(post_json(&messages(&reference), &format!("rapid-msg-{n:04}"), &message("在")))
            .await;
        statuses.push(reply.status);
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(statuses.len(), 6, "a burst of 5, then 10 a minute: {statuses:?}");
    let mut statuses = Vec::new();
    for n in 0..20 {
        let reply = desk
            .send(post_json(
                &feedback(&reference),
                &format!("rapid-fb-{n:04}"),
                &json!({"contact": CONTACT, "rating": 5}),
            ))
            .await;
        statuses.push(reply.status);
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(statuses.len(), 6, "{statuses:?}");
}

/// The flags and their environment variables reach the real binary.
#[tokio::test]
async fn the_limits_are_set_by_flag_or_environment() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::Server::launch(
        &common::test_db(dir.path(), "db.sqlite3"),
        &common::dist(dir.path()),
        &["--limit-message", "1:1"],
        None,
        &[("SHOUHOU_LIMIT_FEEDBACK", "1:1")],
    );
    let send = |path: &'static str, key: &'static str, body: Value| {
        let addr = server.addr.clone();
        async move {
            let headers = [("Content-Type", "application/json"), ("Idempotency-Key", key)];
            common::request(&addr, "POST", path, &headers, body.to_string().as_bytes())
                .await
                .unwrap()
        }
    };
    let unknown_messages = "/api/v1/requests/SR-20261120-0001/messages";
    let unknown_feedback = "/api/v1/requests/SR-20261120-0001/feedback";
    assert_eq!(send(unknown_messages, "flag-key-0001", message("x")).await.status, 404);
    let refused = send(unknown_messages, "flag-key-0002", message("x")).await;
    assert_eq!((refused.status, refused.header("retry-after")), (429, Some("60")));
    let rating = json!({"contact": CONTACT, "rating": 5});
    assert_eq!(send(unknown_feedback, "env-key-0001", rating.clone()).await.status, 404);
    assert_eq!(send(unknown_feedback, "env-key-0002", rating).await.status, 429);
}

/// A body that never finishes arriving is answered `408` within `--body-timeout`, as for a
/// create: a slow client cannot hold the route.
#[tokio::test]
async fn a_stalled_body_is_refused_with_408() {
    let desk = desk_with(|settings| {
        settings.body_timeout = std::time::Duration::from_millis(200);
    });
    let (desk, _, reference) = fixture_on(desk, Status::WaitingCustomer).await;
    for (path, content_type) in [
        (messages(&reference), "application/json"),
        (messages(&reference), "multipart/form-data; boundary=b0undary"),
        (feedback(&reference), "application/json"),
    ] {
        let never = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
        let request = Request::post(&path)
            .header("content-type", content_type)
            .header("idempotency-key", "stalled-key-0001")
            .body(Body::from_stream(never))
            .unwrap();
        let reply = desk.send(request).await;
        assert_eq!(
            (reply.status, reply.json()["code"].clone()),
            (StatusCode::REQUEST_TIMEOUT, json!("request_timeout")),
            "{path} {content_type}"
        );
    }
}
