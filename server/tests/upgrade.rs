//! A store an earlier release left behind is brought up to date when the server opens it, on
//! either database, and what it held shows everywhere: the status look-up, the inbox and its
//! search, a request's record, the figures and the export.

mod common;

use std::path::Path;

use axum::http::StatusCode;
use common::desk::{desk_with, Desk};
use shouhou_server::store::Role;
use shouhou_server::store::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// The schema as the release before the desk at scale made it: SQLite's first five versions,
/// PostgreSQL's first two, recorded as each records them.
fn previous_release(db: &Path, versions_sqlite: usize, versions_postgres: usize) {
    if common::on_postgres() {
        let mut sql = POSTGRES_MIGRATIONS[..versions_postgres].concat();
        sql.push_str(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
                                             applied_at TIMESTAMPTZ NOT NULL DEFAULT now());",
        );
        for version in 1..=versions_postgres {
            sql.push_str(&format!("INSERT INTO schema_migrations (version) VALUES ({version});"));
        }
        common::db_exec(db, &sql);
    } else {
        let mut sql = SQLITE_MIGRATIONS[..versions_sqlite].concat();
        sql.push_str(&format!("PRAGMA user_version = {versions_sqlite};"));
        common::db_exec(db, &sql);
    }
}

/// The old request as its `request_json` holds it.
fn request_json() -> String {
    let mut repair = common::desk::request(
        shouhou_core::Intent::Repair,
        "inverter",
        "王建国",
        "变频器上电后报 OC1 过流，车间停线",
    );
    repair.phone = "+8613812345678".into();
    repair.details.insert("company".into(), "宏达机械".into());
    repair.details.insert("serial_number".into(), "INV-2023-0042".into());
    repair.warranty = Some(shouhou_core::WarrantyStatus::InWarranty { until: "2027-05-09".into() });
    serde_json::to_string(&repair).unwrap()
}

/// One repair filed on 2 November 2026, answered an hour later, resolved two days after
/// filing and followed up: what a store of the previous release holds.
fn old_request(db: &Path) {
    let reference = reference();
    common::db_exec(
        db,
        &format!(
            "INSERT INTO requests (reference, idempotency_key, status, intent, product_line,
                 full_name, phone, description, request_json, created_at, reply_by, details_json,
                 warranty, assigned_to)
             VALUES ('{reference}', 'old-key-1', 'resolved', 'repair', 'inverter', '王建国',
                 '+8613812345678', '变频器上电后报 OC1 过流，车间停线', '{}',
                 '2026-11-02T09:00:00+08:00', '2026-11-03T09:00:00+08:00',
                 '{{\"company\":\"宏达机械\",\"serial_number\":\"INV-2023-0042\"}}', 'in_warranty', 'li.na');
             INSERT INTO events (request_id, at, kind, actor, public, status, text, satisfaction, outcome)
             SELECT id, '2026-11-02T10:00:00+08:00', 'status', 'li.na', true, 'in_progress', NULL, NULL, NULL FROM requests;
             INSERT INTO events (request_id, at, kind, actor, public, status, text, satisfaction, outcome)
             SELECT id, '2026-11-02T10:05:00+08:00', 'reply', 'li.na', true, NULL, '明天上门', NULL, NULL FROM requests;
             INSERT INTO events (request_id, at, kind, actor, public, status, text, satisfaction, outcome)
             SELECT id, '2026-11-04T09:00:00+08:00', 'status', 'li.na', true, 'resolved', NULL, NULL, NULL FROM requests;
             INSERT INTO events (request_id, at, kind, actor, public, status, text, satisfaction, outcome)
             SELECT id, '2026-11-06T09:00:00+08:00', 'follow_up', 'li.na', false, NULL, NULL, 5, '已回访' FROM requests;
             INSERT INTO deflections (idempotency_key, flow_id, flow_version, product_line, outcome, created_at)
             VALUES ('old-deflection', 'inverter', 1, 'inverter', 'solved', '2026-11-05T10:00:00+08:00');",
            request_json().replace('\'', "''")
        ),
    );
}

/// The old request's reference (a valid one: the look-up checks its last character).
fn reference() -> String {
    shouhou_core::reference::new_reference("20261102", [1, 2, 3, 4, 5, 6])
}

async fn upgraded() -> (Desk, String) {
    let desk = desk_with(|settings| {
        previous_release(&settings.db, 5, 2);
        old_request(&settings.db);
    });
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    (desk, cookie)
}

#[tokio::test]
async fn a_request_filed_before_the_upgrade_shows_everywhere() {
    let (desk, cookie) = upgraded().await;
    let reference = reference();
    let look_up = desk.get(&format!("/api/v1/requests/{reference}?contact=13812345678"), "").await;
    assert_eq!(look_up.status, StatusCode::OK);

    for query in [
        "",
        "?status=resolved",
        "?q=OC1",
        "?q=%E8%BF%87%E6%B5%81",
        "?q=inv-2023-0042",
        "?q=138%201234%205678",
        "?assigned=li.na&product_line=inverter",
    ] {
        let inbox = desk.get(&format!("/api/v1/staff/requests{query}"), &cookie).await.json();
        assert_eq!(inbox["requests"][0]["reference"], reference, "{query}: {inbox}");
        assert_eq!(inbox["counts"]["resolved"], 1, "{query}: counted as resolved");
    }
    let detail = desk.get(&format!("/api/v1/staff/requests/{reference}"), &cookie).await.json();
    assert_eq!(
        (detail["timeline"].as_array().unwrap().len(), &detail["escalated"]),
        (4, &serde_json::json!(false))
    );

    let figures =
        desk.get("/api/v1/staff/figures?from=2026-11-01&to=2026-11-30", &cookie).await.json();
    for (name, value) in [
        ("requests", 1.0),
        ("deflections", 1.0),
        ("in_warranty_repairs", 1.0),
        ("follow_up_rate", 1.0),
        ("timeliness_rate", 1.0),
        ("median_hours_to_resolve", 48.0),
        ("escalations", 0.0),
    ] {
        assert_eq!(figures[name].as_f64(), Some(value), "{name}: {figures}");
    }
    let export = desk.get("/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30", &cookie).await;
    let text = String::from_utf8(export.bytes).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains(&reference) && text.contains("宏达机械") && text.contains(",\"5\"\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn a_store_of_the_first_version_is_migrated_in_place() {
    let desk = desk_with(|settings| {
        previous_release(&settings.db, 1, 1);
        common::db_exec(
            &settings.db,
            "INSERT INTO requests (reference, idempotency_key, status, intent, product_line, full_name, phone,
                email, description, request_json, created_at, reply_by)
             VALUES ('SR-20261101-0001', 'old-key-0001', 'received', 'complaint', 'property', '李娜',
                '+8613912345678', NULL, '楼道灯坏了一周',
                '{\"intent\":\"complaint\",\"product_line\":\"property\",\"full_name\":\"李娜\",\"phone\":\"+8613912345678\",\"email\":null,\"description\":\"楼道灯坏了一周\"}',
                '2026-11-01T09:00:00+08:00', '2026-11-02T09:00:00+08:00')",
        );
    });
    let old = desk.state.store.find("SR-20261101-0001").await.unwrap().unwrap();
    assert_eq!((old.request.full_name.as_str(), old.request.category), ("李娜", None));
    let latest =
        if common::on_postgres() { POSTGRES_MIGRATIONS.len() } else { SQLITE_MIGRATIONS.len() };
    let version = if common::on_postgres() {
        desk.count("SELECT max(version) FROM schema_migrations")
    } else {
        rusqlite::Connection::open(&desk.db)
            .unwrap()
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap()
    };
    assert_eq!(version as usize, latest);
    for table in ["customer_posts", "staff", "staff_sessions", "events", "daily_counts"] {
        desk.count(&format!("SELECT count(*) FROM {table}"));
    }
    // Never answered, long past its promise: escalated since the upgrade read it.
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let inbox = desk.get("/api/v1/staff/requests?escalated=true", &cookie).await.json();
    assert_eq!(inbox["requests"][0]["reference"], "SR-20261101-0001", "{inbox}");
    // Its sequential reference is refused at the customer's door, never at the staff's.
    let detail = desk.get("/api/v1/staff/requests/SR-20261101-0001", &cookie).await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.json()["request"]["full_name"], "李娜");
}

#[tokio::test]
async fn a_report_that_answered_two_visits_before_the_upgrade_stays_on_the_first() {
    let desk = desk_with(|settings| {
        // The release before the migration that records who filed a report.
        let before = |all: &[&str]| all.iter().position(|sql| sql.contains("filed_by")).unwrap();
        previous_release(&settings.db, before(SQLITE_MIGRATIONS), before(POSTGRES_MIGRATIONS));
        common::db_exec(
            &settings.db,
            "INSERT INTO requests (reference, idempotency_key, status, intent, product_line, full_name, phone,
                email, description, request_json, created_at, reply_by)
             VALUES ('SR-20261201-0001', 'old-key-0001', 'resolved', 'repair', 'inverter', '王建国',
                '+8613912345678', NULL, '变频器报 OC1', '{}',
                '2026-12-01T09:00:00+08:00', '2026-12-02T09:00:00+08:00');
             INSERT INTO visits (request_id, engineer, state, report)
                 SELECT id, 'zhao.gong', 'done', 'SR-20261201-0009' FROM requests;
             INSERT INTO visits (request_id, engineer, state, report)
                 SELECT id, 'qian.gong', 'done', 'SR-20261201-0009' FROM requests;
             INSERT INTO visits (request_id, engineer, state, report)
                 SELECT id, 'qian.gong', 'done', 'SR-20261201-0010' FROM requests;",
        );
    });
    assert_eq!(
        desk.rows("SELECT engineer, report FROM visits ORDER BY id"),
        [["zhao.gong", "SR-20261201-0009"], ["qian.gong", ""], ["qian.gong", "SR-20261201-0010"]],
        "one visit per report from now on, the first it answered"
    );
    assert_eq!(desk.rows("SELECT filed_by FROM requests"), [[""]], "nobody's, filed before");
}
