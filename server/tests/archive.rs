//! The product archive (产品档案) through the API, on either store: imports with bad rows and
//! dry runs, warranty judged from the archive's date, the customer's look-up, a unit's
//! service history, 三包 at its boundaries (7 and 15 days, the second failed repair), prices
//! by region, findings at resolution and the quality report, a closed request completing its
//! unit's record, audited edits, a confirmed proof of purchase, and a store of the previous
//! release upgraded.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::desk::{desk, desk_with, request, Desk, Reply};
use serde_json::{json, Value};
use shouhou_core::quality::PartUsed;
use shouhou_core::{Intent, Status, WarrantyStatus};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::Role;
use shouhou_server::store::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

const HEADER: &str =
    "serial_number,product_line,model,configuration,produced_on,delivered_on,warranty_months,owner";

async fn import(desk: &Desk, cookie: &str, body: impl Into<Vec<u8>>, dry_run: bool) -> Reply {
    desk.send(
        Request::post(format!("/api/v1/staff/products/import?dry_run={dry_run}"))
            .header("cookie", cookie)
            .header("content-type", "text/csv")
            .header("accept-language", "en")
            .body(Body::from(body.into()))
            .unwrap(),
    )
    .await
}

fn lines(rows: &[&str]) -> String {
    std::iter::once(HEADER).chain(rows.iter().copied()).collect::<Vec<_>>().join("\n")
}

async fn lead(desk: &Desk) -> String {
    desk.add_staff("li.na", Role::Lead).await;
    desk.sign_in("li.na").await
}

/// `YYYY-MM-DD` `days` after `day`.
fn plus(day: &str, days: i64) -> String {
    shouhou_core::CivilDate::parse(day).unwrap().plus_days(days).to_string()
}

#[tokio::test]
async fn an_import_lists_every_bad_row_by_line_and_writes_nothing_until_all_are_good() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let bad = lines(&[
        "INV-1,inverter,ACS580,7.5 kW,2025-01-02,2025-02-01,24,苏州精工",
        "X-2,toaster,T1,,,,,",
        "INV-3,inverter,ACS580,,2025-13-01,,,",
        "",
        "inv-1,inverter,ACS580,,,,,",
        "INV-5,inverter",
    ]);
    for dry_run in [true, false] {
        let reply = import(&desk, &cookie, bad.clone(), dry_run).await;
        assert_eq!(reply.status, StatusCode::OK);
        let body = reply.json();
        assert_eq!(body["rows"], 5, "the blank line is not a row: {body}");
        let errors: Vec<(u64, String)> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["line"].as_u64().unwrap(), e["message"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            errors.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [3, 4, 6, 7],
            "{body}"
        );
        assert!(errors[0].1.contains("toaster"), "{errors:?}");
        assert!(errors[1].1.contains("produced_on"), "{errors:?}");
        assert!(errors[2].1.contains("line 2"), "the same unit again: {errors:?}");
        assert!(errors[3].1.contains("2 cells"), "{errors:?}");
        assert_eq!(desk.count("SELECT count(*) FROM products"), 0, "dry run {dry_run}");
    }

    // Unknown columns are refused by name, on line 1.
    let reply =
        import(&desk, &cookie, "serial_number,product_line,colour\nA,inverter,red", true).await;
    let errors = &reply.json()["errors"];
    assert_eq!(errors[0]["line"], 1);
    assert!(errors[0]["message"].as_str().unwrap().contains("colour"), "{errors}");

    // A dry run of a good file says what it would do and does nothing.
    let good = lines(&[
        "INV-1,inverter,ACS580,7.5 kW,2025-01-02,2025-02-01,24,苏州精工",
        "INV-3,inverter,ACS580,,2025-01-03,,,",
    ]);
    let preview = import(&desk, &cookie, good.clone(), true).await.json();
    assert_eq!(preview, json!({"rows": 2, "imported": 2, "updated": 0, "errors": []}));
    assert_eq!(desk.count("SELECT count(*) FROM products"), 0);
    let done = import(&desk, &cookie, good, false).await.json();
    assert_eq!(done, json!({"rows": 2, "imported": 2, "updated": 0, "errors": []}));
    // Again, with a change: an update, and an empty cell leaves what the archive had.
    let again = lines(&["inv-1,inverter,ACS880,,,,,", "INV-9,appliance,BCD-470,,,2026-01-05,,"]);
    let done = import(&desk, &cookie, again, false).await.json();
    assert_eq!(done, json!({"rows": 2, "imported": 1, "updated": 1, "errors": []}));
    assert_eq!(
        desk.rows(
            "SELECT serial_number, model, configuration, warranty_months, owner FROM products
             WHERE product_line = 'inverter' ORDER BY serial_number"
        ),
        [
            ["INV-1", "ACS880", "7.5 kW", "24", "苏州精工"].map(String::from).to_vec(),
            ["INV-3", "ACS580", "", "", ""].map(String::from).to_vec(),
        ]
    );

    // An Excel workbook: its dates and numbers read as typed, its bad row named.
    let workbook = include_bytes!("fixtures/products.xlsx").to_vec();
    let reply = desk
        .send(
            Request::post("/api/v1/staff/products/import?dry_run=true")
                .header("cookie", &cookie)
                .header(
                    "content-type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                .body(Body::from(workbook))
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(
        (reply["rows"].as_u64(), reply["errors"][0]["line"].as_u64()),
        (Some(3), Some(4)),
        "{reply}"
    );

    // No file at all is refused, not read as a file without rows.
    let none = import(&desk, &cookie, Vec::new(), true).await;
    assert_eq!(
        (none.status, none.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("empty_file"))
    );

    // Only leads import.
    desk.add_staff("wang", Role::Agent).await;
    let agent = desk.sign_in("wang").await;
    assert_eq!(import(&desk, &agent, lines(&[]), true).await.status, StatusCode::FORBIDDEN);
}

/// Files a request as the customer's app sends it; the answer.
async fn create(desk: &Desk, key: &str, body: Value) -> Reply {
    desk.send(
        Request::post("/api/v1/requests")
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

fn today() -> String {
    shouhou_server::store::today().to_string()
}

#[tokio::test]
async fn warranty_is_judged_from_the_archive_and_the_look_up_answers_four_things() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let delivered = plus(&today(), -400);
    let file =
        lines(&[&format!("FR-0042,appliance,BCD-470W,双门,{delivered},{delivered},,北京朝阳分店")]);
    assert_eq!(import(&desk, &cookie, file, false).await.status, StatusCode::OK);

    // The look-up: typed in lower case, the unit's line, model and warranty, nothing else.
    let found = desk.get("/api/v1/products/fr-0042?product_line=network", "").await;
    assert_eq!(found.status, StatusCode::OK);
    let until = plus(&delivered, 365 - 1);
    assert_eq!(
        found.json(),
        json!({"product_line": "appliance", "model": "BCD-470W", "warranty_until": until, "in_warranty": false})
    );
    assert_eq!(desk.get("/api/v1/products/NOPE-1", "").await.status, StatusCode::NOT_FOUND);

    // The customer remembers buying it a month ago and says the archive covers it: the
    // server judges from its own archive.
    let body = json!({"intent": "repair", "product_line": "appliance", "full_name": "李娜",
        "phone": "139 1234 5678", "serial_number": "FR-0042", "purchase_date": plus(&today(), -30),
        "warranty_on_record": plus(&today(), 300), "resolution": "onsite_visit",
        "address": "北京市朝阳区建国路 88 号", "description": "冰箱完全不制冷了"});
    let refused = create(&desk, "archive-key-0001", body.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out of warranty: the charge notice"
    );
    assert_eq!(refused.json()["fields"][0]["field"], "charge_ack");
    let mut acknowledged = body;
    acknowledged["charge_ack"] = json!("yes");
    let created = create(&desk, "archive-key-0002", acknowledged).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json());
    let reference = created.json()["reference"].as_str().unwrap().to_string();
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(detail["request"]["warranty"], json!({"out_of_warranty": {"ended": until}}));
    assert_eq!(detail["product"]["delivered_on"], delivered);
    assert_eq!(
        detail["request"]["details"]["purchase_date"],
        plus(&today(), -30),
        "shown beside it"
    );

    // A unit the archive does not know: the purchase date decides, as before.
    let unknown = json!({"intent": "repair", "product_line": "appliance", "full_name": "李娜",
        "phone": "139 1234 5678", "serial_number": "FR-9999", "purchase_date": plus(&today(), -30),
        "resolution": "explanation", "description": "冰箱完全不制冷了"});
    let created = create(&desk, "archive-key-0003", unknown).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json());
    let reference = created.json()["reference"].as_str().unwrap().to_string();
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert!(detail["request"]["warranty"]["in_warranty"].is_object(), "{detail}");
    assert_eq!(detail["product"], Value::Null);
}

/// A repair of the appliance `serial` as stored on `filed` (a day), in warranty, with a
/// fault code; its reference.
async fn repair(desk: &Desk, key: &str, serial: &str, phone: &str, filed: &str) -> String {
    let mut r = request(Intent::Repair, "appliance", "李娜", "冰箱不制冷，显示 E4");
    r.phone = phone.into();
    r.details.insert("serial_number".into(), serial.into());
    r.details.insert("fault_code".into(), "E4".into());
    r.details.insert("resolution".into(), "repair".into());
    r.warranty = Some(WarrantyStatus::InWarranty { until: "2099-01-01".into() });
    desk.file(key, r, Vec::new(), &format!("{filed}T10:00:00+08:00")).await
}

async fn resolve(desk: &Desk, reference: &str, cause: &str, when: &str) {
    let at = format!("{when}T12:00:00+08:00");
    desk.event(reference, EventRequest::Status { status: Status::InProgress }, Some("li.na"), &at)
        .await;
    let parts = vec![PartUsed { part: "compressor".into(), quantity: 1 }];
    let resolve = EventRequest::Resolve { fault_cause: Some(cause.into()), parts };
    desk.event(reference, resolve, Some("li.na"), &at).await;
}

#[tokio::test]
async fn three_guarantees_at_seven_and_fifteen_days_and_after_the_second_failed_repair() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let delivered = "2026-06-01";
    let file = lines(&[&format!("FR-1,appliance,BCD-470W,,,{delivered},,")]);
    assert_eq!(import(&desk, &cookie, file, false).await.status, StatusCode::OK);
    let basis = |reference: String| {
        let cookie = cookie.clone();
        let desk = &desk;
        async move {
            let detail =
                desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
            (detail["entitlement"]["basis"].as_str().unwrap_or("none").to_string(), detail)
        }
    };
    for (days, expected, rights) in [
        (7, "return_period", json!(["return", "exchange", "free_repair"])),
        (8, "exchange_period", json!(["exchange", "free_repair"])),
        (15, "exchange_period", json!(["exchange", "free_repair"])),
        (16, "warranty", json!(["free_repair"])),
    ] {
        let reference = repair(
            &desk,
            &format!("day-{days}-key"),
            "FR-1",
            "+8613900000000",
            &plus(delivered, days),
        )
        .await;
        let (found, detail) = basis(reference).await;
        assert_eq!(found, expected, "day {days}");
        assert_eq!(detail["entitlement"]["rights"], rights, "day {days}");
        assert_eq!(detail["entitlement"]["days_since_delivery"], days, "day {days}");
    }

    // Another unit: repaired once for E4 (a quality fault), back: repair again; repaired a
    // second time, back again: exchange or return.
    let file = lines(&["FR-2,appliance,BCD-470W,,,2026-01-10,,"]);
    assert_eq!(import(&desk, &cookie, file, false).await.status, StatusCode::OK);
    let first = repair(&desk, "fr2-first-key", "FR-2", "+8613900000001", "2026-03-01").await;
    resolve(&desk, &first, "quality", "2026-03-02").await;
    let second = repair(&desk, "fr2-second-key", "FR-2", "+8613900000001", "2026-04-01").await;
    let (found, detail) = basis(second.clone()).await;
    assert_eq!((found.as_str(), &detail["entitlement"]["failed_repairs"]), ("warranty", &json!(1)));
    resolve(&desk, &second, "quality", "2026-04-02").await;
    let third = repair(&desk, "fr2-third-key", "FR-2", "+8613900000001", "2026-05-01").await;
    let (found, detail) = basis(third).await;
    assert_eq!(found, "repeated_repairs");
    assert_eq!(detail["entitlement"]["rights"], json!(["exchange", "return"]));
    assert_eq!(detail["entitlement"]["failed_repairs"], 2);
    // Misuse is no failed repair.
    let file = lines(&["FR-3,appliance,BCD-470W,,,2026-01-10,,"]);
    assert_eq!(import(&desk, &cookie, file, false).await.status, StatusCode::OK);
    for (i, day) in ["2026-03-01", "2026-04-01"].iter().enumerate() {
        let earlier = repair(&desk, &format!("fr3-{i}-key"), "FR-3", "+8613900000002", day).await;
        resolve(&desk, &earlier, "misuse", day).await;
    }
    let later = repair(&desk, "fr3-later-key", "FR-3", "+8613900000002", "2026-05-01").await;
    assert_eq!(basis(later).await.0, "warranty");
}

#[tokio::test]
async fn a_request_shows_its_unit_s_history_by_serial_and_by_phone_newest_first() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let a = repair(&desk, "hist-a-key", "fr-7", "+8613911111111", "2026-10-01").await;
    let b = repair(&desk, "hist-b-key", "FR-7", "+8613922222222", "2026-10-05").await;
    let c = repair(&desk, "hist-c-key", "OTHER-1", "+8613922222222", "2026-10-07").await;
    let now = repair(&desk, "hist-d-key", "FR-7", "+8613922222222", "2026-10-09").await;
    resolve(&desk, &a, "quality", "2026-10-02").await;
    let detail = desk.get(&format!("/api/v1/staff/requests/{now}"), &cookie).await.json();
    let references = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| p["reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(references(&detail["history"]["same_serial"]), [b.clone(), a.clone()]);
    assert_eq!(references(&detail["history"]["same_phone"]), [c, b]);
    let oldest = &detail["history"]["same_serial"][1];
    assert_eq!(
        (&oldest["status"], &oldest["fault_cause"]),
        (&json!("resolved"), &json!("quality"))
    );
}

#[tokio::test]
async fn prices_are_the_province_s_table_or_the_line_s_default() {
    let desk = desk();
    let served = desk.get("/config.json", "").await;
    let config =
        shouhou_core::AppConfig::from_json(std::str::from_utf8(&served.bytes).unwrap()).unwrap();
    let price = |address: &str| {
        let province = shouhou_core::charges::province_of(address);
        shouhou_core::charges::table_for(&config.charges, "appliance", province).map(|t| t.call_out)
    };
    assert_eq!(price("北京市朝阳区建国路 88 号"), Some(80));
    assert_eq!(price("广东省深圳市南山区"), Some(80));
    assert_eq!(price("深圳市福田区"), Some(80), "a city without its province");
    assert_eq!(price("四川省成都市武侯区"), Some(50));
    assert_eq!(price("Room 5, 88 Jianguo Rd, Beijing"), Some(80));
    assert_eq!(price(""), Some(50));
}

#[tokio::test]
async fn findings_at_resolution_make_the_quality_report_and_its_csv() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let file =
        lines(&["FR-1,appliance,BCD-470W,,,2026-01-10,,", "INV-1,inverter,ACS580,,,2026-01-10,,"]);
    assert_eq!(import(&desk, &cookie, file, false).await.status, StatusCode::OK);
    let mut r = request(Intent::Repair, "inverter", "王建国", "OC1 过流");
    r.details.insert("serial_number".into(), "INV-1".into());
    r.details.insert("model".into(), "ACS580".into());
    let inverter = desk.file("q-inv-key", r, Vec::new(), "2026-11-02T09:00:00+08:00").await;
    let first = repair(&desk, "q-fr-1-key", "FR-1", "+8613900000003", "2026-08-20").await;
    let again = repair(&desk, "q-fr-2-key", "FR-1", "+8613900000003", "2026-11-03").await;
    for reference in [&first, &again] {
        desk.sql(&format!(
            "UPDATE requests SET details_json = '{{\"model\":\"BCD-470W\",\"serial_number\":\"FR-1\"}}' WHERE reference = '{reference}'"
        ));
    }
    resolve(&desk, &again, "quality", "2026-11-04").await;

    // A cause or part the configuration does not list is refused, and nothing changes.
    desk.event(
        &inverter,
        EventRequest::Status { status: Status::InProgress },
        Some("li.na"),
        "2026-11-02T10:00:00+08:00",
    )
    .await;
    let path = format!("/api/v1/staff/requests/{inverter}/events");
    let bad = desk
        .post(&path, &cookie, json!({"kind": "resolve", "fault_cause": "bad luck", "parts": []}))
        .await;
    assert_eq!(
        (bad.status, bad.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_event"))
    );
    let bad = desk.post(&path, &cookie, json!({"kind": "resolve", "fault_cause": "quality", "parts": [{"part": "gearbox", "quantity": 1}]})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let resolved = desk
        .post(&path, &cookie, json!({"kind": "resolve", "fault_cause": "installation",
            "parts": [{"part": "igbt-module", "quantity": 2}, {"part": "cooling-fan", "quantity": 1}]}))
        .await;
    assert_eq!(resolved.status, StatusCode::CREATED, "{}", resolved.json());
    let entry = resolved.json();
    assert_eq!(
        (&entry["status"], &entry["findings"]["fault_cause"]),
        (&json!("resolved"), &json!("installation"))
    );
    // The customer's timeline shows the status, never the findings.
    let public =
        desk.get(&format!("/api/v1/requests/{inverter}?contact=13912345678"), "").await.json();
    assert!(!public.to_string().contains("installation"), "{public}");

    let report = desk.get("/api/v1/staff/quality?from=2026-11-01&to=2026-11-30", &cookie).await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.json();
    let models: Vec<(String, i64, i64, i64)> = report["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap().into(),
                m["requests"].as_i64().unwrap(),
                m["repairs"].as_i64().unwrap(),
                m["repeat_repairs"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(models.contains(&("BCD-470W".into(), 1, 1, 1)), "a repeat within 90 days: {report}");
    assert!(models.contains(&("ACS580".into(), 1, 1, 0)), "{report}");
    assert_eq!(report["by_cause"], json!({"installation": 1, "quality": 1}));
    assert_eq!(report["top_parts"][0], json!({"part": "igbt-module", "quantity": 2, "repairs": 1}));
    assert_eq!(report["repairs_by_month"].as_array().unwrap().len(), 2);

    let csv = desk.get("/api/v1/staff/quality.csv?from=2026-11-01&to=2026-11-30", &cookie).await;
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("\u{FEFF}\"product_line\""), "{text}");
    assert!(text.contains("\"igbt-module\",\"2\",\"1\""), "{text}");
    desk.add_staff("wang", Role::Agent).await;
    let agent = desk.sign_in("wang").await;
    let refused = desk.get("/api/v1/staff/quality?from=2026-11-01&to=2026-11-30", &agent).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn closing_a_request_makes_or_completes_its_unit_s_record_and_edits_are_audited() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let mut r = request(Intent::Repair, "inverter", "王建国", "OC1 过流");
    r.details.insert("serial_number".into(), "inv-2024-0077".into());
    r.details.insert("model".into(), "ACS580".into());
    r.details.insert("purchase_date".into(), "2025-05-01".into());
    let reference = desk.file("close-key-1", r, Vec::new(), "2026-11-02T09:00:00+08:00").await;
    for status in [Status::InProgress, Status::Resolved] {
        desk.event(
            &reference,
            EventRequest::Status { status },
            Some("li.na"),
            "2026-11-02T10:00:00+08:00",
        )
        .await;
    }
    assert_eq!(desk.count("SELECT count(*) FROM products"), 0, "resolved is not closed");
    desk.event(
        &reference,
        EventRequest::Status { status: Status::Closed },
        Some("li.na"),
        "2026-11-03T10:00:00+08:00",
    )
    .await;
    assert_eq!(
        desk.rows("SELECT product_line, serial_number, model, delivered_on FROM products"),
        [["inverter", "INV-2024-0077", "ACS580", "2025-05-01"].map(String::from).to_vec()]
    );

    // A staff edit, through the API, in the audit trail.
    let path = "/api/v1/staff/products/inverter/inv-2024-0077";
    let found = desk.get(path, &cookie).await.json();
    assert_eq!(found["model"], "ACS580");
    let edit = json!({"serial_number": "ignored", "product_line": "ignored", "model": "ACS880",
        "configuration": "", "produced_on": "", "delivered_on": "2025-05-01", "warranty_months": 36, "owner": "宏达机械"});
    let put = |body: Value| {
        desk.send(
            Request::put(path)
                .header("cookie", &cookie)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
    };
    let saved = put(edit.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json());
    assert_eq!(
        (&saved.json()["serial_number"], &saved.json()["warranty_months"]),
        (&json!("INV-2024-0077"), &json!(36))
    );
    let mut future = edit;
    future["delivered_on"] = json!("2999-01-01");
    let refused = put(future).await;
    assert_eq!(
        (refused.status, refused.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_record"))
    );
    let audit = desk.get("/api/v1/staff/audit", &cookie).await.json();
    let edits: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "product_edit")
        .collect();
    assert_eq!(edits.len(), 1, "the refused edit changed nothing: {audit}");
    assert_eq!(
        (&edits[0]["actor"], &edits[0]["action"], &edits[0]["target"], &edits[0]["detail"]),
        (
            &json!("li.na"),
            &json!("product_edit"),
            &json!("inverter/INV-2024-0077"),
            &json!("model, warranty_months, owner")
        )
    );

    // A second closed request completes what the record lacks, and changes nothing it knows.
    let mut r = request(Intent::Repair, "inverter", "王建国", "OC1 again");
    r.details.insert("serial_number".into(), "INV-2024-0077".into());
    r.details.insert("model".into(), "OTHER".into());
    r.details.insert("configuration".into(), "7.5 kW".into());
    let second = desk.file("close-key-2", r, Vec::new(), "2026-11-05T09:00:00+08:00").await;
    for status in [Status::InProgress, Status::Resolved, Status::Closed] {
        desk.event(
            &second,
            EventRequest::Status { status },
            Some("li.na"),
            "2026-11-05T10:00:00+08:00",
        )
        .await;
    }
    assert_eq!(
        desk.rows("SELECT model, configuration FROM products"),
        [["ACS880", "7.5 kW"].map(String::from).to_vec()]
    );
}

#[tokio::test]
async fn a_confirmed_invoice_puts_its_date_in_the_archive_and_judges_the_warranty() {
    let desk = desk();
    let cookie = lead(&desk).await;
    let mut r = request(Intent::Repair, "appliance", "李娜", "冰箱不制冷");
    r.details.insert("serial_number".into(), "FR-PROOF-1".into());
    r.details.insert("warranty_proof".into(), "yes".into());
    r.warranty = Some(WarrantyStatus::ToBeChecked { serial_number: "FR-PROOF-1".into() });
    let reference = desk.file("proof-key-1", r, Vec::new(), "2026-11-02T09:00:00+08:00").await;
    let path = format!("/api/v1/staff/requests/{reference}/events");
    let future = desk
        .post(&path, &cookie, json!({"kind": "confirm_warranty", "delivered_on": "2999-01-01"}))
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    let confirmed = desk
        .post(&path, &cookie, json!({"kind": "confirm_warranty", "delivered_on": "2026-03-01"}))
        .await;
    assert_eq!(confirmed.status, StatusCode::CREATED, "{}", confirmed.json());
    assert_eq!(
        (&confirmed.json()["kind"], &confirmed.json()["outcome"]),
        (&json!("warranty"), &json!("2026-03-01"))
    );
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(detail["request"]["warranty"], json!({"in_warranty": {"until": "2027-02-28"}}));
    assert_eq!(detail["product"]["delivered_on"], "2026-03-01");
    assert_eq!(detail["timeline"][0]["public"], false, "the team's own");
    // A change to the archive like any other: on the audit trail, by whom.
    assert_eq!(
        desk.rows("SELECT actor, action, target FROM audit_log WHERE action = 'product_edit'"),
        [["li.na", "product_edit", "appliance/FR-PROOF-1"].map(String::from).to_vec()]
    );
}

/// The version that made the archive, in `migrations`.
fn archive_version(migrations: &[&str]) -> usize {
    migrations.iter().position(|sql| sql.contains("CREATE TABLE products")).unwrap()
}

/// The release before the archive: every version before the archive's, recorded as each
/// store records it.
fn previous_release(db: &std::path::Path) {
    if common::on_postgres() {
        let versions = archive_version(POSTGRES_MIGRATIONS);
        let mut sql = POSTGRES_MIGRATIONS[..versions].concat();
        sql.push_str("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());");
        for version in 1..=versions {
            sql.push_str(&format!("INSERT INTO schema_migrations (version) VALUES ({version});"));
        }
        common::db_exec(db, &sql);
    } else {
        let versions = archive_version(SQLITE_MIGRATIONS);
        let mut sql = SQLITE_MIGRATIONS[..versions].concat();
        sql.push_str(&format!("PRAGMA user_version = {versions};"));
        common::db_exec(db, &sql);
    }
}

#[tokio::test]
async fn a_store_of_the_previous_release_gains_the_archive_and_keeps_its_requests() {
    // A repair the previous release filed (its columns as it wrote them), then this release
    // opens the store.
    let reference = shouhou_core::reference::new_reference("20261102", [1, 2, 3, 4, 5, 6]);
    let mut r = request(Intent::Repair, "inverter", "王建国", "OC1 过流");
    r.details.insert("serial_number".into(), "INV-OLD-1".into());
    r.details.insert("model".into(), "ACS580".into());
    let json = serde_json::to_string(&r).unwrap().replace('\'', "''");
    let details = serde_json::to_string(&r.details).unwrap();
    let desk = desk_with(|settings| {
        previous_release(&settings.db);
        common::db_exec(
            &settings.db,
            &format!(
                "INSERT INTO requests (reference, idempotency_key, status, intent, product_line,
                     full_name, phone, description, request_json, created_at, reply_by,
                     details_json, created_ts, created_day, serial_key)
                 VALUES ('{reference}', 'old-release-key', 'received', 'repair', 'inverter',
                     '王建国', '+8613912345678', 'OC1 过流', '{json}', '2026-11-02T09:00:00+08:00',
                     '2026-11-03T09:00:00+08:00', '{details}', 1793581200, '2026-11-02', 'inv-old-1')"
            ),
        );
    });
    let cookie = lead(&desk).await;
    for status in [Status::InProgress, Status::Resolved, Status::Closed] {
        desk.event(
            &reference,
            EventRequest::Status { status },
            Some("li.na"),
            "2026-11-03T10:00:00+08:00",
        )
        .await;
    }
    assert_eq!(desk.count("SELECT count(*) FROM products WHERE serial_number = 'INV-OLD-1'"), 1);
    let report =
        desk.get("/api/v1/staff/quality?from=2026-11-01&to=2026-11-30", &cookie).await.json();
    assert_eq!(
        report["by_cause"],
        json!({"none": 1}),
        "resolved before findings were kept: {report}"
    );
    assert_eq!(report["by_model"][0]["model"], "ACS580");
}
