//! Follow-up calls (回访) on a real store: the list of requests due a call today
//! (`GET /api/v1/staff/follow-ups`), recording a call as a timeline event, and the follow-up
//! rate measured on the requests the configuration names beside the all-requests one.
//! docs/api.md: "Staff desk API".

mod common;

use std::sync::LazyLock;

use axum::http::StatusCode;
use common::desk::{desk, request, Desk};
use serde_json::{json, Value};
use shouhou_core::quality::PartUsed;
use shouhou_core::{Intent, Status, WarrantyStatus};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::{self, Role};

/// When the tests began: every time is counted back from it, so one time written twice is
/// the same.
static NOW: LazyLock<chrono::DateTime<chrono::FixedOffset>> = LazyLock::new(store::now);

/// `days` days before now, at this time of day, as the server writes times.
fn days_ago(days: i64) -> String {
    (*NOW - chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn repair(covered: bool) -> shouhou_core::ValidRequest {
    let mut repair = request(Intent::Repair, "inverter", "王建国", "变频器报 OC1");
    repair.details.insert("model".into(), "VF-200".into());
    repair.warranty = Some(match covered {
        true => WarrantyStatus::InWarranty { until: "2099-01-01".into() },
        false => WarrantyStatus::OutOfWarranty { ended: "2020-01-01".into() },
    });
    repair
}

/// Files `request` ten days ago and resolves it `days` days ago, with a reply on the way.
async fn resolved(
    desk: &Desk,
    key: &str,
    request: shouhou_core::ValidRequest,
    days: i64,
) -> String {
    let staff = Some("li.na");
    let reference = desk.file(key, request, vec![], &days_ago(10)).await;
    let status = EventRequest::Status { status: Status::InProgress };
    desk.event(&reference, status, staff, &days_ago(9)).await;
    let reply = EventRequest::Reply { text: format!("已更换 {key} 的风扇") };
    desk.event(&reference, reply, staff, &days_ago(days)).await;
    let resolve = EventRequest::Resolve {
        fault_cause: Some("quality".into()),
        parts: vec![PartUsed { part: "cooling-fan".into(), quantity: 1 }],
    };
    desk.event(&reference, resolve, staff, &days_ago(days)).await;
    reference
}

fn references(list: &Value) -> Vec<&str> {
    list["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| call["reference"].as_str().unwrap())
        .collect()
}

async fn call(desk: &Desk, cookie: &str, reference: &str, outcome: &str) -> Value {
    let body =
        json!({"kind": "follow_up", "outcome": outcome, "satisfaction": 4, "text": "客户说好了"});
    let reply =
        desk.post(&format!("/api/v1/staff/requests/{reference}/events"), cookie, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&reply.bytes));
    reply.json()
}

#[tokio::test]
async fn the_list_holds_what_was_resolved_two_to_seven_days_ago_oldest_first() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    desk.add_staff("wang.fang", Role::Agent).await;
    let mut by_days = Vec::new();
    for days in [1, 2, 5, 7, 8] {
        by_days.push((days, resolved(&desk, &format!("r{days}"), repair(true), days).await));
    }
    let reopened = resolved(&desk, "reopened", repair(true), 4).await;
    let status = EventRequest::Status { status: Status::InProgress };
    desk.event(&reopened, status, Some("li.na"), &days_ago(3)).await;
    let closed = resolved(&desk, "closed", repair(false), 6).await;
    let status = EventRequest::Status { status: Status::Closed };
    desk.event(&closed, status, Some("li.na"), &days_ago(6)).await;

    let agent = desk.sign_in("wang.fang").await;
    let reply = desk.get("/api/v1/staff/follow-ups", &agent).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.bytes));
    let list = reply.json();
    let reference = |days: i64| by_days.iter().find(|(d, _)| *d == days).unwrap().1.as_str();
    assert_eq!(
        references(&list),
        [reference(7), closed.as_str(), reference(5), reference(2)],
        "two to seven days ago, the oldest first; not yesterday's, not eight days ago, not one \
         opened again"
    );
    let config = &desk.state.config.follow_up;
    assert_eq!(list["calling_hours"], json!(config.calling_hours));
    assert_eq!(list["script"], json!(config.script));
    assert_eq!(list["script"][0]["id"], "use");
    let today = store::today();
    assert_eq!(list["from"], today.plus_days(-7).to_string());
    assert_eq!(list["to"], today.plus_days(-2).to_string());
    let first = &list["calls"][0];
    assert_eq!(
        first,
        &json!({
            "reference": reference(7),
            "full_name": "王建国",
            "phone": "+8613912345678",
            "intent": "repair",
            "product_line": "inverter",
            "model": "VF-200",
            "findings": {"fault_cause": "quality", "parts": [{"part": "cooling-fan", "quantity": 1}]},
            "last_reply": "已更换 r7 的风扇",
            "resolved_at": days_ago(7),
            "unanswered": 0,
        })
    );

    assert_eq!(
        desk.get("/api/v1/staff/follow-ups", "shouhou_session=nobody").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Every due customer's name and phone: not for an engineer, who sees only their visits.
    desk.add_staff("zhao.gong", Role::Engineer).await;
    let engineer = desk.sign_in("zhao.gong").await;
    let refused = desk.get("/api/v1/staff/follow-ups", &engineer).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!String::from_utf8_lossy(&refused.bytes).contains("王建国"));
}

#[tokio::test]
async fn a_recorded_call_takes_the_request_off_the_list_unless_nobody_answered() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let first = resolved(&desk, "first", repair(true), 6).await;
    let second = resolved(&desk, "second", repair(true), 4).await;
    let third = resolved(&desk, "third", repair(true), 3).await;

    let entry = call(&desk, &cookie, &first, "no_answer").await;
    assert_eq!(
        (entry["kind"].as_str(), entry["outcome"].as_str()),
        (Some("follow_up"), Some("no_answer"))
    );
    let list = desk.get("/api/v1/staff/follow-ups", &cookie).await.json();
    assert_eq!(references(&list), [&first, &second, &third], "nobody answered: tried again");
    assert_eq!(list["calls"][0]["unanswered"], 1);

    call(&desk, &cookie, &first, "reached").await;
    call(&desk, &cookie, &second, "refused").await;
    let list = desk.get("/api/v1/staff/follow-ups", &cookie).await.json();
    assert_eq!(references(&list), [&third]);

    let detail = desk.get(&format!("/api/v1/staff/requests/{first}"), &cookie).await.json();
    let calls: Vec<(&str, &str)> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "follow_up")
        .map(|entry| (entry["outcome"].as_str().unwrap(), entry["text"].as_str().unwrap()))
        .collect();
    assert_eq!(calls, [("no_answer", "客户说好了"), ("reached", "客户说好了")], "on its timeline");
    let stored = desk.count("SELECT count(*) FROM requests WHERE followed_up");
    assert_eq!(stored, 2, "the reached and the refused");
}

#[tokio::test]
async fn the_follow_up_rate_is_measured_on_in_warranty_repairs_and_complaints() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let complaint = || request(Intent::Complaint, "property", "李娜", "维修工迟到");
    let consultation = || request(Intent::Consultation, "network", "张伟", "怎么配置 DNS");
    let covered = resolved(&desk, "covered", repair(true), 3).await;
    let ended = resolved(&desk, "ended", repair(false), 3).await;
    let unanswered = resolved(&desk, "unanswered", complaint(), 3).await;
    let refused = resolved(&desk, "refused", complaint(), 3).await;
    resolved(&desk, "not-called", consultation(), 3).await;
    call(&desk, &cookie, &covered, "reached").await;
    call(&desk, &cookie, &ended, "reached").await;
    call(&desk, &cookie, &unanswered, "no_answer").await;
    call(&desk, &cookie, &refused, "refused").await;

    let day = &days_ago(3)[..10];
    let figures =
        desk.get(&format!("/api/v1/staff/figures?from={day}&to={day}"), &cookie).await.json();
    assert_eq!(figures["follow_up"], json!({"resolved": 5, "followed_up": 3}));
    assert_eq!(figures["follow_up_rate"], json!(0.6));
    assert_eq!(
        figures["counted_follow_up"],
        json!({"resolved": 3, "followed_up": 2}),
        "the in-warranty repair and the two complaints"
    );
    assert_eq!(figures["counted_follow_up_rate"], json!(2.0 / 3.0));
}
