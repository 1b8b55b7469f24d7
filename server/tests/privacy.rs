//! Personal data has a lifetime (PIPL), on both stores: a lead erases one customer's data on
//! request, after which a look-up with that contact finds nothing and the export shows
//! nothing of theirs; a lead hands one customer's data over as JSON; the retention schedule
//! erases closed requests past `privacy.retain_months` and every figure reads the same before
//! and after; and every staff view, photo download, export and erasure is on the audit
//! trail, which leads read a page at a time and nobody can change through the API.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::desk::{desk, request, Desk};
use serde_json::{json, Value};
use shouhou_core::follow_up::CallOutcome;
use shouhou_core::{Intent, Status};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::{PhotoUpload, Role};

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];

fn status(status: Status) -> EventRequest {
    EventRequest::Status { status }
}

/// Wang's two requests (one with a photo and a reply, one with a note) and Li's one.
async fn three_requests(desk: &Desk) -> (String, String, String) {
    let mut first = request(Intent::Repair, "inverter", "王建国", "王工的变频器报 OC1");
    first.phone = "+8613812345678".into();
    first.email = Some("Wang@Example.cn".into());
    first.details.insert("company".into(), "宏达机械".into());
    first.details.insert("address".into(), "上海市闵行区莘庄工业区 88 号".into());
    first.details.insert("serial_number".into(), "INV-2023-0042".into());
    first.photos = vec![serde_json::from_value(json!({"id": "p-1", "content_type": "image/jpeg", "bytes": JPEG.len(), "width": 1, "height": 1})).unwrap()];
    let photo =
        PhotoUpload { id: "p-1".into(), content_type: "image/jpeg".into(), bytes: JPEG.to_vec() };
    let wang_1 = desk.file("wang-1", first, vec![photo], "2026-11-02T09:00:00+08:00").await;
    let mut second = request(Intent::Complaint, "appliance", "王建国", "空调不制冷，王先生很着急");
    second.phone = "+8613812345678".into();
    let wang_2 = desk.file("wang-2", second, Vec::new(), "2026-11-03T09:00:00+08:00").await;
    let li = desk
        .file(
            "li-1",
            request(Intent::Repair, "inverter", "李娜", "楼道灯坏了"),
            Vec::new(),
            "2026-11-04T09:00:00+08:00",
        )
        .await;
    desk.event(
        &wang_1,
        EventRequest::Reply { text: "王先生，明天上门".into() },
        Some("li.na"),
        "2026-11-02T10:00:00+08:00",
    )
    .await;
    desk.event(
        &wang_2,
        EventRequest::Note { text: "王建国打过三次电话".into() },
        Some("li.na"),
        "2026-11-03T10:00:00+08:00",
    )
    .await;
    (wang_1, wang_2, li)
}

async fn look_up(desk: &Desk, reference: &str, contact: &str) -> StatusCode {
    desk.send(
        Request::get(format!("/api/v1/requests/{reference}?contact={contact}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status
}

#[tokio::test]
async fn a_lead_erases_one_customers_data_and_nothing_of_theirs_is_left() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let (wang_1, wang_2, li) = three_requests(&desk).await;
    let lead = desk.sign_in("li.na").await;
    let agent = desk.sign_in("wang.fang").await;
    assert_eq!(look_up(&desk, &wang_1, "13812345678").await, StatusCode::OK);

    let refused =
        desk.post("/api/v1/staff/erasures", &agent, json!({"contact": "13812345678"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "leads only");
    let bad = desk.post("/api/v1/staff/erasures", &lead, json!({"contact": "not a phone"})).await;
    assert_eq!(
        (bad.status, bad.json()["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("contact"))
    );

    // A notice to the customer's e-mail and an alert to the team, as the outbox holds them.
    let notice = |audience: &str, recipient: &str| {
        format!(
            "INSERT INTO notices (request_id, cause, kind, audience, channel, recipient, lang,
                                  args_json, queued_at, due_at)
             SELECT id, 'filed', 'received', '{audience}', 'email', '{recipient}', 'zh-CN', '{{}}',
                    0, 0 FROM requests WHERE reference = '{wang_1}'"
        )
    };
    desk.sql(&notice("customer", "Wang@Example.cn"));
    desk.sql(&notice("team", "lead@example.cn"));
    // An engineer booked with a note for them that names the customer and their phone.
    desk.add_staff("zhao.gong", Role::Engineer).await;
    let day = (chrono::Local::now() + chrono::Duration::days(2)).format("%Y-%m-%d");
    let booked = desk
        .post(
            &format!("/api/v1/staff/requests/{wang_1}/events"),
            &lead,
            json!({"kind": "visit", "engineer": "zhao.gong", "from": format!("{day}T09:00:00+08:00"),
                   "to": format!("{day}T11:00:00+08:00"), "note": "找王建国 13812345678，后门密码 4821"}),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.json());

    // The contact in another notation than it was given in.
    let erased =
        desk.post("/api/v1/staff/erasures", &lead, json!({"contact": "+86 138-1234-5678"})).await;
    assert_eq!((erased.status, erased.json()), (StatusCode::OK, json!({"requests": 2})));

    for reference in [&wang_1, &wang_2] {
        assert_eq!(look_up(&desk, reference, "13812345678").await, StatusCode::NOT_FOUND);
    }
    assert_eq!(look_up(&desk, &wang_1, "wang@example.cn").await, StatusCode::NOT_FOUND);
    assert_eq!(look_up(&desk, &li, "13912345678").await, StatusCode::OK, "nobody else's");
    let export = desk.get("/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30", &lead).await;
    let csv = String::from_utf8(export.bytes).unwrap();
    for personal in ["王", "13812345678", "Wang@", "宏达", "闵行", "空调不制冷"] {
        assert!(!csv.contains(personal), "{personal} in the export: {csv}");
    }
    assert!(
        csv.contains(&wang_1) && csv.contains("INV-2023-0042") && csv.contains("李娜"),
        "{csv}"
    );
    // Nowhere in the database either: columns, JSON, timeline texts, photos, the words.
    for table in ["requests", "events", "customer_posts", "visits"] {
        let rows = desk.rows(&format!("SELECT * FROM {table}"));
        let text = format!("{rows:?}");
        assert!(!text.contains('王') && !text.contains("13812345678"), "{table}: {text}");
    }
    assert!(
        !desk.rows("SELECT * FROM events").is_empty()
            && desk.count("SELECT count(*) FROM visits") == 1
    );
    let visits = desk.get(&format!("/api/v1/staff/visits?from={day}&to={day}"), &lead).await;
    assert_eq!(visits.json()[0]["engineer"], "zhao.gong", "the visit stays: {}", visits.json());
    assert!(!visits.json().to_string().contains("4821"), "{}", visits.json());
    assert_eq!(desk.count("SELECT count(*) FROM photos"), 0, "the photo is gone");
    assert_eq!(
        desk.rows("SELECT audience, recipient FROM notices"),
        [["team", "lead@example.cn"]],
        "the customer's notice is gone, the team's alert stays"
    );
    let search =
        desk.get("/api/v1/staff/requests?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD", &lead).await.json();
    assert_eq!(search["requests"], json!([]), "王建国 is found nowhere: {search}");
    // Staff still see the request: reference, status, line, dates.
    let detail = desk.get(&format!("/api/v1/staff/requests/{wang_1}"), &lead).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["request"]["product_line"], "inverter", "{}", detail.json());
    assert_eq!(detail.json()["request"]["full_name"], "");
    assert_eq!(
        detail.json()["history"]["same_phone"],
        json!([]),
        "another erased request is not the same customer's"
    );

    let again = desk.post("/api/v1/staff/erasures", &lead, json!({"contact": "13812345678"})).await;
    assert_eq!(again.json(), json!({"requests": 0}), "nothing left to erase");
    let audit = desk.get("/api/v1/staff/audit", &lead).await.json();
    let erasures: Vec<&Value> =
        audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "erasure").collect();
    assert_eq!(erasures.len(), 2, "{audit}");
    assert_eq!(erasures[1]["actor"], "li.na");
    assert_eq!(erasures[1]["target"], format!("{wang_1} {wang_2}"));
    assert!(!audit.to_string().contains("13812345678"), "the trail keeps no contact: {audit}");
}

#[tokio::test]
async fn a_lead_hands_one_customers_data_over_as_json() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let (wang_1, _, _) = three_requests(&desk).await;
    let lead = desk.sign_in("li.na").await;
    let export = desk.get("/api/v1/staff/customers/export?contact=wang%40example.cn", &lead).await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.header("cache-control"), "no-store");
    assert!(export.header("content-disposition").starts_with("attachment"));
    let data = export.json();
    assert_eq!(data["requests"].as_array().unwrap().len(), 1, "by e-mail, any case: {data}");
    let first = &data["requests"][0];
    assert_eq!(first["reference"], wang_1.as_str());
    assert_eq!(first["request"]["full_name"], "王建国");
    assert_eq!(first["request"]["details"]["address"], "上海市闵行区莘庄工业区 88 号");
    assert_eq!(first["timeline"][0]["text"], "王先生，明天上门", "the public timeline");
    let by_phone =
        desk.get("/api/v1/staff/customers/export?contact=13812345678", &lead).await.json();
    assert_eq!(by_phone["requests"].as_array().unwrap().len(), 2);
    let audit = desk.get("/api/v1/staff/audit", &lead).await.json();
    assert_eq!(audit["entries"][0]["action"], "export");
    assert_eq!(audit["entries"][1]["target"], wang_1.as_str(), "{audit}");
}

#[tokio::test]
async fn closed_requests_past_their_retention_are_erased_and_the_figures_stay_equal() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let lead = desk.sign_in("li.na").await;
    let mut references = Vec::new();
    for (n, day) in ["2022-03-01", "2022-03-02", "2022-03-03"].iter().enumerate() {
        let mut repair = request(Intent::Repair, "inverter", "王建国", "报 OC1 过流");
        repair.warranty =
            Some(shouhou_core::WarrantyStatus::InWarranty { until: "2023-01-01".into() });
        let reference = desk
            .file(&format!("old-{n}"), repair, Vec::new(), &format!("{day}T09:00:00+08:00"))
            .await;
        let at = |hour: u32| format!("{day}T{hour:02}:00:00+08:00");
        desk.event(&reference, status(Status::InProgress), Some("li.na"), &at(10)).await;
        desk.event(
            &reference,
            EventRequest::Reply { text: "王先生您好".into() },
            Some("li.na"),
            &at(11),
        )
        .await;
        desk.event(&reference, status(Status::Resolved), Some("li.na"), &at(12)).await;
        let follow_up = EventRequest::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction: Some(5 - n as u8),
            text: "回访".into(),
        };
        desk.event(&reference, follow_up, Some("li.na"), &at(15)).await;
        // The last one stays resolved: not closed, nothing of it is erased.
        if n < 2 {
            desk.event(&reference, status(Status::Closed), Some("li.na"), &at(16)).await;
        }
        references.push(reference);
    }
    // Closed recently: within its retention.
    let recent = desk
        .file(
            "recent",
            request(Intent::Repair, "inverter", "王建国", "报 OC1"),
            Vec::new(),
            "2026-11-02T09:00:00+08:00",
        )
        .await;
    desk.event(&recent, status(Status::InProgress), Some("li.na"), "2026-11-02T10:00:00+08:00")
        .await;
    desk.event(&recent, status(Status::Resolved), Some("li.na"), "2026-11-02T11:00:00+08:00").await;
    desk.event(&recent, status(Status::Closed), Some("li.na"), "2026-11-02T12:00:00+08:00").await;

    let periods = ["from=2022-03-01&to=2022-03-31", "from=2022-01-01&to=2026-12-31"];
    let mut before = Vec::new();
    for period in periods {
        before.push(desk.get(&format!("/api/v1/staff/figures?{period}"), &lead).await.json());
    }
    let erased =
        shouhou_server::staff::privacy::retention_pass(&desk.state, shouhou_server::store::now())
            .await
            .unwrap();
    assert_eq!(erased, 2, "the two closed in 2022");
    for (period, before) in periods.iter().zip(&before) {
        let after = desk.get(&format!("/api/v1/staff/figures?{period}"), &lead).await.json();
        assert_eq!(&after, before, "{period}");
    }
    assert_eq!(before[0]["requests"], 3);
    assert_eq!(before[0]["satisfaction"]["ratings"], 3);
    let names = desk.rows(
        "SELECT reference, full_name, phone, erased_at IS NOT NULL FROM requests ORDER BY id",
    );
    let expected = [
        (references[0].as_str(), "", "", "1"),
        (references[1].as_str(), "", "", "1"),
        (references[2].as_str(), "王建国", "+8613912345678", "0"),
        (recent.as_str(), "王建国", "+8613912345678", "0"),
    ];
    for (row, (reference, name, phone, erased)) in names.iter().zip(expected) {
        assert_eq!(row, &[reference, name, phone, erased], "{names:?}");
    }
    let texts =
        desk.rows("SELECT count(*) FROM events WHERE text IS NOT NULL OR outcome IS NOT NULL");
    assert_eq!(texts, [["2"]], "the resolved one's reply and follow-up only");
    assert_eq!(
        shouhou_server::staff::privacy::retention_pass(&desk.state, shouhou_server::store::now())
            .await
            .unwrap(),
        0
    );
    let audit = desk.get("/api/v1/staff/audit", &lead).await.json();
    assert_eq!(audit["entries"][0]["actor"], "retention", "{audit}");
    assert_eq!(audit["entries"][0]["action"], "erasure");
}

#[tokio::test]
async fn every_staff_view_photo_and_export_is_on_the_audit_trail_which_nobody_can_change() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let (wang_1, _, _) = three_requests(&desk).await;
    let lead = desk.sign_in("li.na").await;
    let agent = desk.sign_in("wang.fang").await;
    assert_eq!(
        desk.get(&format!("/api/v1/staff/requests/{wang_1}"), &agent).await.status,
        StatusCode::OK
    );
    assert_eq!(
        desk.get(&format!("/api/v1/staff/requests/{wang_1}/photos/p-1"), &agent).await.status,
        StatusCode::OK
    );
    assert_eq!(
        desk.get("/api/v1/staff/requests/SR-20261102-0001X", &agent).await.status,
        StatusCode::NOT_FOUND
    );
    desk.get("/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30", &lead).await;
    assert_eq!(
        desk.get("/api/v1/staff/audit", &agent).await.status,
        StatusCode::FORBIDDEN,
        "leads only"
    );

    let audit = desk.get("/api/v1/staff/audit", &lead).await;
    assert_eq!(audit.header("cache-control"), "no-store");
    let lines: Vec<(String, String, String)> = audit.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().into(),
                e["action"].as_str().unwrap().into(),
                e["target"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("li.na".into(), "export".into(), "2026-11-01..2026-11-30".into()),
            ("wang.fang".into(), "photo".into(), format!("{wang_1}/p-1")),
            ("wang.fang".into(), "view".into(), wang_1.clone()),
        ],
        "newest first; a request not found was not viewed"
    );
    assert!(audit.json()["entries"][0]["at"].as_str().unwrap().len() >= 20);
    assert_eq!(audit.json()["next"], Value::Null);

    // Keyset pages: 60 more views, 50 a page, nothing shifted by lines added meanwhile.
    for _ in 0..60 {
        desk.get(&format!("/api/v1/staff/requests/{wang_1}"), &agent).await;
    }
    let first = desk.get("/api/v1/staff/audit", &lead).await.json();
    assert_eq!(first["entries"].as_array().unwrap().len(), 50);
    let next = first["next"].as_str().unwrap().to_string();
    desk.get(&format!("/api/v1/staff/requests/{wang_1}"), &agent).await;
    let second = desk.get(&format!("/api/v1/staff/audit?after={next}"), &lead).await.json();
    assert_eq!(second["entries"].as_array().unwrap().len(), 13, "{second}");
    assert_eq!(second["entries"][12]["action"], "view");
    assert_eq!(second["next"], Value::Null);
    assert_eq!(
        desk.get("/api/v1/staff/audit?after=x", &lead).await.status,
        StatusCode::BAD_REQUEST
    );

    // No way through the API to change or erase it.
    let count = desk.count("SELECT count(*) FROM audit_log");
    for method in ["PUT", "PATCH", "DELETE", "POST"] {
        let reply = desk
            .send(
                Request::builder()
                    .method(method)
                    .uri("/api/v1/staff/audit")
                    .header("cookie", &lead)
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    assert_eq!(desk.count("SELECT count(*) FROM audit_log"), count);
}
