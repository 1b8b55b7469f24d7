//! Field service on a real store (SQLite, or PostgreSQL with `SHOUHOU_TEST_STORE=postgres`):
//! the `engineer` role, visits booked, moved and cancelled as timeline events, the 409 for
//! an engineer booked twice, what an engineer may see, the lists of a day, and the visit on
//! the customer's status look-up with the notice that tells them.

mod common;

use axum::http::StatusCode;
use common::desk::{desk, request, Desk, Reply, PASSWORD};
use serde_json::{json, Value};
use shouhou_core::schema::NoticeChannel;
use shouhou_core::Intent;
use shouhou_server::store::notices::Telling;
use shouhou_server::store::Role;

/// Three requests filed today: two repairs and a complaint.
async fn fixture(desk: &Desk) -> Vec<String> {
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let mut inverter = request(Intent::Repair, "inverter", "王建国", "变频器显示 OC1 过流故障");
    inverter.email = Some("wang@example.cn".into());
    inverter.notify = vec![NoticeChannel::Email];
    let terminal = request(Intent::Repair, "inverter", "刘强", "银行网点终端不开机");
    let complaint = request(Intent::Complaint, "property", "李娜", "楼道灯坏了一周");
    vec![
        desk.file("v-1", inverter, vec![], &now).await,
        desk.file("v-2", terminal, vec![], &now).await,
        desk.file("v-3", complaint, vec![], &now).await,
    ]
}

async fn team(desk: &Desk) -> (String, String) {
    desk.add_staff("wang.fang", Role::Lead).await;
    desk.add_staff("zhao.gong", Role::Engineer).await;
    desk.add_staff("qian.gong", Role::Engineer).await;
    desk.add_staff("li.na", Role::Agent).await;
    (desk.sign_in("wang.fang").await, desk.sign_in("zhao.gong").await)
}

fn events(reference: &str) -> String {
    format!("/api/v1/staff/requests/{reference}/events")
}

fn visit(engineer: &str, from: &str, to: &str) -> Value {
    json!({"kind": "visit", "engineer": engineer, "from": from, "to": to, "note": "带万用表，找物业王师傅"})
}

/// The day `after` days past the one the tests book on, in +08:00: two days from today, so
/// every window they book begins within the year ahead a booking may.
fn day(after: i64) -> String {
    let in_shanghai =
        chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    (in_shanghai.date_naive() + chrono::Duration::days(2 + after)).to_string()
}

/// `T` on the day the tests book on, in +08:00.
fn day_at(time: &str) -> String {
    at(0, time)
}

/// `T` on the day `after` days past the one the tests book on, in +08:00.
fn at(after: i64, time: &str) -> String {
    format!("{}T{time}:00+08:00", day(after))
}

#[test]
fn staff_add_takes_the_engineer_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "staff.sqlite3");
    common::add_staff(&db, "zhao.gong", "engineer", PASSWORD);
    assert_eq!(
        common::db_rows(&db, "SELECT login, role FROM staff"),
        [["zhao.gong".to_string(), "engineer".to_string()]]
    );
}

#[tokio::test]
async fn a_visit_is_booked_moved_and_cancelled_on_the_timeline_and_a_clash_is_refused() {
    let desk = desk();
    let (lead, _) = team(&desk).await;
    let refs = fixture(&desk).await;

    let booked = desk
        .post(&events(&refs[0]), &lead, visit("zhao.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.json());
    let entry = booked.json();
    assert_eq!(
        (entry["kind"].as_str(), entry["outcome"].as_str()),
        (Some("visit"), Some("scheduled"))
    );
    assert_eq!(entry["public"], false, "the team's entry; the customer sees the window itself");
    assert_eq!(entry["text"], "带万用表，找物业王师傅");
    assert_eq!(entry["visit"]["engineer"], "zhao.gong");
    assert_eq!(entry["visit"]["state"], "scheduled");
    let id = entry["visit"]["id"].as_i64().unwrap();
    // Kept in the server's offset, to the second, like every stored time.
    let from = entry["visit"]["from"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(from).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&day_at("09:00")).unwrap()
    );

    // The same engineer, an hour into that window, on another request: 409 naming the first.
    let clash = desk
        .post(&events(&refs[1]), &lead, visit("zhao.gong", &day_at("10:00"), &day_at("12:00")))
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert_eq!(clash.json()["code"], "visit_overlaps");
    assert!(clash.json()["message"].as_str().unwrap().contains(&refs[0]), "{}", clash.json());
    assert_eq!(desk.count("SELECT count(*) FROM visits"), 1, "nothing of the refused one stored");
    // Back to back is a day's plan; another engineer at the same time is another calendar.
    let after = desk
        .post(&events(&refs[1]), &lead, visit("zhao.gong", &day_at("11:00"), &day_at("12:00")))
        .await;
    assert_eq!(after.status, StatusCode::CREATED);
    let other_id = after.json()["visit"]["id"].as_i64().unwrap();
    let beside = desk
        .post(&events(&refs[2]), &lead, visit("qian.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    assert_eq!(beside.status, StatusCode::CREATED);

    // Windows core refuses, logins that are no engineer's.
    for (body, code) in [
        (visit("zhao.gong", &day_at("11:00"), &day_at("09:00")), "invalid_event"),
        (visit("zhao.gong", &day_at("08:00"), &at(1, "08:00")), "invalid_event"),
        (visit("zhao.gong", "8 December", &day_at("09:00")), "invalid_event"),
        // Out of the bounds of a booking: the year 0, a week ago, more than a year ahead.
        (visit("zhao.gong", "0000-01-01T09:00:00Z", "0000-01-01T10:00:00Z"), "invalid_event"),
        (visit("zhao.gong", &at(-9, "09:00"), &at(-9, "10:00")), "invalid_event"),
        (visit("zhao.gong", &at(400, "09:00"), &at(400, "10:00")), "invalid_event"),
        (visit("li.na", &day_at("14:00"), &day_at("15:00")), "unknown_engineer"),
        (visit("nobody", &day_at("14:00"), &day_at("15:00")), "unknown_engineer"),
    ] {
        let refused = desk.post(&events(&refs[2]), &lead, body.clone()).await;
        assert_eq!(
            (refused.status, refused.json()["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{body}"
        );
    }

    let visits_now = desk.count("SELECT count(*) FROM visits");
    assert_eq!(visits_now, 3, "none of the refused ones stored");
    let far = desk
        .post(
            &events(&refs[0]),
            &lead,
            json!({"kind": "move_visit", "visit": id, "from": at(400, "09:00"), "to": at(400, "10:00"), "reason": "x"}),
        )
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY, "a move is bounded too");
    // A leap second is the next minute's first, as a browser can read it.
    let leap_second = format!("{}T23:59:60Z", day(0));
    let leap = desk
        .post(&events(&refs[2]), &lead, visit("qian.gong", &leap_second, &at(1, "09:00")))
        .await;
    assert_eq!(leap.status, StatusCode::CREATED, "{}", leap.json());
    let from = leap.json()["visit"]["from"].as_str().unwrap().to_string();
    assert!(!from.contains(":60"), "{from}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&from).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&at(1, "08:00")).unwrap()
    );
    let leap_id = leap.json()["visit"]["id"].as_i64().unwrap();
    desk.post(
        &events(&refs[2]),
        &lead,
        json!({"kind": "cancel_visit", "visit": leap_id, "reason": "测试"}),
    )
    .await;

    // A move keeps the note and the engineer, checks the clash without itself, and says why.
    let moved_into_clash = desk
        .post(
            &events(&refs[0]),
            &lead,
            json!({"kind": "move_visit", "visit": id, "from": day_at("10:30"), "to": day_at("11:30"), "reason": "客户改约"}),
        )
        .await;
    assert_eq!(moved_into_clash.status, StatusCode::CONFLICT, "into the 11:00 visit");
    assert!(moved_into_clash.json()["message"].as_str().unwrap().contains(&refs[1]));
    let moved = desk
        .post(
            &events(&refs[0]),
            &lead,
            json!({"kind": "move_visit", "visit": id, "from": day_at("08:00"), "to": day_at("10:00"), "reason": "客户改约到早上"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.json());
    let moved = moved.json();
    assert_eq!(
        (moved["outcome"].as_str(), moved["text"].as_str()),
        (Some("moved"), Some("客户改约到早上"))
    );
    assert_eq!(moved["visit"]["engineer"], "zhao.gong");
    assert_eq!(moved["visit"]["note"], "带万用表，找物业王师傅");
    assert!(moved["visit"]["moved_at"].is_string());
    let no_reason = desk
        .post(
            &events(&refs[0]),
            &lead,
            json!({"kind": "move_visit", "visit": id, "from": day_at("08:00"), "to": day_at("10:00"), "reason": " "}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let elsewhere = desk
        .post(&events(&refs[2]), &lead, json!({"kind": "cancel_visit", "visit": id, "reason": "x"}))
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "another request's visit");

    let cancelled = desk
        .post(
            &events(&refs[1]),
            &lead,
            json!({"kind": "cancel_visit", "visit": other_id, "reason": "客户自己修好了"}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::CREATED);
    assert_eq!(cancelled.json()["visit"]["state"], "cancelled");
    let again = desk
        .post(
            &events(&refs[1]),
            &lead,
            json!({"kind": "move_visit", "visit": other_id, "from": day_at("14:00"), "to": day_at("15:00"), "reason": "又坏了"}),
        )
        .await;
    assert_eq!(
        (again.status, again.json()["code"].as_str()),
        (StatusCode::CONFLICT, Some("visit_not_scheduled"))
    );
    // A cancelled visit holds nobody's time.
    let freed = desk
        .post(&events(&refs[2]), &lead, visit("zhao.gong", &day_at("11:00"), &day_at("12:00")))
        .await;
    assert_eq!(freed.status, StatusCode::CREATED);

    assert_eq!(
        desk.rows(&format!(
            "SELECT visits.engineer, visits.state, visits.from_at FROM visits
             JOIN requests ON requests.id = visits.request_id
             WHERE requests.reference = '{}'",
            refs[0]
        )),
        [[
            "zhao.gong".to_string(),
            "scheduled".to_string(),
            moved["visit"]["from"].as_str().unwrap().to_string()
        ]]
    );
    let detail = desk.get(&format!("/api/v1/staff/requests/{}", refs[0]), &lead).await.json();
    let outcomes: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "visit")
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["scheduled", "moved"]);
}

#[tokio::test]
async fn an_engineer_sees_only_the_requests_they_visit_and_books_nothing() {
    let desk = desk();
    let (lead, engineer) = team(&desk).await;
    let refs = fixture(&desk).await;
    desk.post(&events(&refs[0]), &lead, visit("zhao.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    desk.post(&events(&refs[1]), &lead, visit("qian.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    let cancelled = desk
        .post(&events(&refs[2]), &lead, visit("zhao.gong", &day_at("14:00"), &day_at("15:00")))
        .await
        .json();
    let id = cancelled["visit"]["id"].as_i64().unwrap();
    desk.post(
        &events(&refs[2]),
        &lead,
        json!({"kind": "cancel_visit", "visit": id, "reason": "改派"}),
    )
    .await;

    let inbox = desk.get("/api/v1/staff/requests", &engineer).await.json();
    let listed: Vec<&str> = inbox["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [refs[0].as_str()], "not another's visit, not a cancelled one");
    assert_eq!(inbox["total"], 1);
    assert_eq!(inbox["counts"]["received"], 1);
    let lead_inbox = desk.get("/api/v1/staff/requests", &lead).await.json();
    assert_eq!(lead_inbox["total"], 3);

    let mine = desk.get(&format!("/api/v1/staff/requests/{}", refs[0]), &engineer).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json()["request"]["full_name"], "王建国");
    // The three were filed from one phone: the desk sees the other two beside it, the
    // engineer none (one is another engineer's visit, one a visit called off), since each
    // reference with the phone opens that request on the public look-up.
    let history = |detail: &Value| {
        detail["history"]["same_phone"]
            .as_array()
            .unwrap()
            .iter()
            .map(|past| past["reference"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let seen_by_lead = desk.get(&format!("/api/v1/staff/requests/{}", refs[0]), &lead).await.json();
    assert_eq!(history(&seen_by_lead), [refs[2].clone(), refs[1].clone()]);
    assert_eq!(history(&mine.json()), Vec::<String>::new());
    for other in [&refs[1], &refs[2]] {
        let hidden = desk.get(&format!("/api/v1/staff/requests/{other}"), &engineer).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{other}");
        let note = desk.post(&events(other), &engineer, json!({"kind": "note", "text": "x"})).await;
        assert_eq!(note.status, StatusCode::NOT_FOUND);
    }
    // On their own request too, an engineer does none of the desk's work: what the customer
    // is told or promised, its status, who has it, the follow-up the figures count, the
    // archive, the bookings. Each is refused and leaves nothing.
    let booked_id = desk.rows("SELECT min(id) FROM visits")[0][0].clone();
    let desks_work = [
        json!({"kind": "status", "status": "closed"}),
        json!({"kind": "status", "status": "in_progress"}),
        json!({"kind": "assign", "to": "zhao.gong"}),
        json!({"kind": "reply", "text": "已修好"}),
        json!({"kind": "note", "text": "带备件"}),
        json!({"kind": "follow_up", "outcome": "reached", "satisfaction": 5, "text": "很满意"}),
        json!({"kind": "reply_by", "at": "2026-12-31T17:00:00+08:00"}),
        json!({"kind": "resolve", "fault_cause": null, "parts": []}),
        json!({"kind": "confirm_warranty", "delivered_on": "2026-03-01"}),
        visit("zhao.gong", &day_at("14:00"), &day_at("15:00")),
        json!({"kind": "move_visit", "visit": booked_id.parse::<i64>().unwrap(), "from": day_at("14:00"), "to": day_at("15:00"), "reason": "x"}),
        json!({"kind": "cancel_visit", "visit": booked_id.parse::<i64>().unwrap(), "reason": "x"}),
    ];
    for body in desks_work {
        let refused = desk.post(&events(&refs[0]), &engineer, body.clone()).await;
        assert_eq!(
            (refused.status, refused.json()["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{body}"
        );
    }
    assert_eq!(desk.count("SELECT count(*) FROM events WHERE actor = 'zhao.gong'"), 0);
    assert_eq!(
        desk.rows(&format!(
            "SELECT status, assigned_to, followed_up FROM requests WHERE reference = '{}'",
            refs[0]
        )),
        [["received", "", "0"]]
    );
    assert_eq!(desk.count("SELECT count(*) FROM products"), 0, "the archive untouched");
    assert_eq!(desk.rows("SELECT state FROM visits ORDER BY id")[0], ["scheduled"]);
    // Refused, and the API document says so for each (its 403).
    let document = desk.get("/api/v1/openapi.json", "").await.json();
    let documented = |path: &str, method: &str| {
        document["paths"][path][method]["responses"]["403"]["description"]
            .as_str()
            .is_some_and(|said| said.contains("engineer"))
    };
    let archived = "/api/v1/staff/products/inverter/SN-NONE";
    for (path, documented_as) in [
        ("/api/v1/staff/members", "/api/v1/staff/members"),
        ("/api/v1/staff/stream", "/api/v1/staff/stream"),
        (
            &format!("/api/v1/staff/requests/{}/notices", refs[0]),
            "/api/v1/staff/requests/{reference}/notices",
        ),
        (archived, "/api/v1/staff/products/{product_line}/{serial}"),
    ] {
        assert_eq!(desk.get(path, &engineer).await.status, StatusCode::FORBIDDEN, "{path}");
        assert!(documented(documented_as, "get"), "{documented_as}: its 403 for an engineer");
    }
    let typing = desk
        .post(&format!("/api/v1/staff/requests/{}/typing", refs[0]), &engineer, json!({}))
        .await;
    assert_eq!(
        (typing.status, typing.json()["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert!(documented("/api/v1/staff/requests/{reference}/typing", "post"));
    assert!(documented("/api/v1/staff/products/{product_line}/{serial}", "put"));

    // The list of a day: an engineer gets their own whatever they ask for.
    let today = format!("/api/v1/staff/visits?from={0}&to={0}", day(0));
    let theirs = desk.get(&format!("{today}&engineer=qian.gong"), &engineer).await;
    assert_eq!(theirs.status, StatusCode::OK);
    let theirs = theirs.json();
    let seen: Vec<(&str, &str)> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["reference"].as_str().unwrap(), v["state"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [(refs[0].as_str(), "scheduled"), (refs[2].as_str(), "cancelled")]);
    assert_eq!(theirs[0]["full_name"], "王建国");
    assert_eq!(theirs[0]["status"], "received");

    // Sent to the second request as well, the engineer sees it in the first one's history.
    let also = desk
        .post(&events(&refs[1]), &lead, visit("zhao.gong", &day_at("16:00"), &day_at("17:00")))
        .await;
    assert_eq!(also.status, StatusCode::CREATED, "{}", also.json());
    let mine = desk.get(&format!("/api/v1/staff/requests/{}", refs[0]), &engineer).await.json();
    assert_eq!(history(&mine), [refs[1].clone()]);
}

#[tokio::test]
async fn the_board_lists_a_day_or_a_week_by_when_visits_begin() {
    let desk = desk();
    let (lead, _) = team(&desk).await;
    let refs = fixture(&desk).await;
    // Late on the day before into the day, the day, and two days later.
    desk.post(&events(&refs[0]), &lead, visit("zhao.gong", &at(-1, "20:00"), &at(0, "01:00")))
        .await;
    desk.post(&events(&refs[1]), &lead, visit("qian.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    desk.post(&events(&refs[2]), &lead, visit("zhao.gong", &at(2, "09:00"), &at(2, "10:00"))).await;
    // The server's calendar is the machine's; the times above are +08:00, so ask by the
    // days those times fall on here.
    let local_day = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string()
    };
    let week = format!("from={}&to={}", local_day(&at(-1, "12:00")), local_day(&at(5, "12:00")));
    let everything = desk.get(&format!("/api/v1/staff/visits?{week}"), &lead).await.json();
    let all: Vec<&str> =
        everything.as_array().unwrap().iter().map(|v| v["reference"].as_str().unwrap()).collect();
    assert_eq!(
        all,
        [refs[0].as_str(), refs[1].as_str(), refs[2].as_str()],
        "in the order they begin"
    );
    let zhao =
        desk.get(&format!("/api/v1/staff/visits?{week}&engineer=zhao.gong"), &lead).await.json();
    assert_eq!(zhao.as_array().unwrap().len(), 2);
    for bad in [
        "from=2030-12-08",
        "from=2030-12-09&to=2030-12-08",
        "from=2030-12-01&to=2031-01-05",
        "from=8.12&to=9.12",
    ] {
        let reply = desk.get(&format!("/api/v1/staff/visits?{bad}"), &lead).await;
        assert_eq!(
            (reply.status, reply.json()["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_query")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_customer_sees_the_next_window_and_is_told_when_it_is_booked_or_moved() {
    let desk = desk();
    desk.state.store.hub().set_telling(Telling { email: true, ..Telling::default() });
    let (lead, _) = team(&desk).await;
    let refs = fixture(&desk).await;
    let lookup = format!("/api/v1/requests/{}?contact=wang@example.cn", refs[0]);
    assert!(desk.get(&lookup, "").await.json().get("visit").is_none(), "no visit yet");

    let booked = desk
        .post(&events(&refs[0]), &lead, visit("zhao.gong", &day_at("09:00"), &day_at("11:00")))
        .await
        .json();
    let seen = desk.get(&lookup, "").await.json();
    let from = seen["visit"]["from"].as_str().unwrap();
    let to = seen["visit"]["to"].as_str().unwrap();
    // RFC 3339 in the server's offset: what the server writes every time in.
    let offset = chrono::Local::now().format("%:z").to_string();
    let offset = if offset == "+00:00" { vec!["+00:00", "Z"] } else { vec![offset.as_str()] }
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert!(offset.iter().any(|o| from.ends_with(o.as_str())), "{from} in {offset:?}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(to).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&day_at("11:00")).unwrap()
    );
    assert!(seen["visit"].get("moved_at").is_none(), "at its first window");
    assert!(seen["visit"].get("engineer").is_none(), "nobody's login for the customer");
    assert!(
        seen["timeline"].as_array().unwrap().iter().all(|e| e["kind"] != "visit"),
        "the team's entries stay the team's"
    );

    let id = booked["visit"]["id"].as_i64().unwrap();
    desk.post(
        &events(&refs[0]),
        &lead,
        json!({"kind": "move_visit", "visit": id, "from": day_at("14:00"), "to": day_at("16:00"), "reason": "客户改约"}),
    )
    .await;
    let seen = desk.get(&lookup, "").await.json();
    assert!(seen["visit"]["moved_at"].is_string(), "moved");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(seen["visit"]["from"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&day_at("14:00")).unwrap()
    );
    let begins = chrono::DateTime::parse_from_rfc3339(&day_at("14:00")).unwrap().timestamp();
    let notices = desk.rows(
        "SELECT kind, recipient, args_json FROM notices WHERE audience = 'customer' ORDER BY id",
    );
    let kinds: Vec<(&str, &str)> =
        notices.iter().map(|row| (row[0].as_str(), row[1].as_str())).collect();
    assert_eq!(kinds, [("visit_scheduled", "wang@example.cn"), ("visit_moved", "wang@example.cn")]);
    let args: Value = serde_json::from_str(&notices[1][2]).unwrap();
    assert_eq!((args["at"].as_i64(), args["until"].as_i64()), (Some(begins), Some(begins + 7200)));

    desk.post(
        &events(&refs[0]),
        &lead,
        json!({"kind": "cancel_visit", "visit": id, "reason": "已远程解决"}),
    )
    .await;
    assert!(
        desk.get(&lookup, "").await.json().get("visit").is_none(),
        "a cancelled visit is no window"
    );
    // Told of that too, with the window that was called off: nobody waits in for it.
    let cancelled = desk.rows(
        "SELECT kind, recipient, args_json FROM notices WHERE audience = 'customer' ORDER BY id",
    );
    assert_eq!(
        (cancelled.len(), cancelled[2][0].as_str(), cancelled[2][1].as_str()),
        (3, "visit_cancelled", "wang@example.cn")
    );
    let args: Value = serde_json::from_str(&cancelled[2][2]).unwrap();
    assert_eq!(args["at"].as_i64(), Some(begins), "{args}");
}

/// The engineer's `visit_report` event on `reference`: `report` answers `visit`, with the
/// day the parts are expected when given.
async fn report_visit(
    desk: &Desk,
    reference: &str,
    engineer: &str,
    visit: i64,
    report: &str,
    parts_expected_on: Option<&str>,
) -> Reply {
    let mut body = json!({"kind": "visit_report", "visit": visit, "report": report});
    if let Some(day) = parts_expected_on {
        body["parts_expected_on"] = json!(day);
    }
    desk.post(&events(reference), engineer, body).await
}

/// zhao.gong's on-site report with `result`, filed as the field app files it (a request of
/// its own, in the engineer's session).
async fn report(desk: &Desk, key: &str, result: &str) -> String {
    report_by(desk, key, result, "zhao.gong").await
}

/// An on-site report with `result`, filed in the session of `filed_by`.
async fn report_by(desk: &Desk, key: &str, result: &str, filed_by: &str) -> String {
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let mut report = request(Intent::OnsiteReport, "inverter", "王建国", "现场检查变频器");
    report.details.insert("result".into(), result.into());
    report.details.insert("parts_needed".into(), "IGBT 模块 ×1".into());
    report.details.insert("recorded_by".into(), filed_by.into());
    desk.file_by(key, report, vec![], &now, Some(filed_by)).await
}

#[tokio::test]
async fn only_the_visits_engineer_answers_it_with_their_own_report_and_a_report_answers_one_visit()
{
    let desk = desk();
    let (lead, zhao) = team(&desk).await;
    let qian = desk.sign_in("qian.gong").await;
    let refs = fixture(&desk).await;
    let book = |reference: &str, engineer: &str, from: &str, to: &str| {
        let (desk, lead, events) = (&desk, lead.clone(), events(reference));
        let body = visit(engineer, &day_at(from), &day_at(to));
        async move {
            let reply = desk.post(&events, &lead, body).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
            reply.json()["visit"]["id"].as_i64().unwrap()
        }
    };
    let zhaos = book(&refs[0], "zhao.gong", "09:00", "10:00").await;
    let qians = book(&refs[1], "qian.gong", "09:00", "10:00").await;
    let qians_on_first = book(&refs[0], "qian.gong", "14:00", "15:00").await;
    let zhaos_report = report(&desk, "own-1", "fixed").await;
    let qians_report = report_by(&desk, "own-2", "fixed", "qian.gong").await;
    let agents_report = report_by(&desk, "own-3", "fixed", "li.na").await;
    let untouched = |why: &str| {
        assert_eq!(
            desk.rows("SELECT state, report FROM visits ORDER BY id"),
            [["scheduled", ""], ["scheduled", ""], ["scheduled", ""]],
            "{why}"
        );
        assert_eq!(desk.count("SELECT count(*) FROM events WHERE outcome = 'reported'"), 0);
        assert_eq!(desk.count("SELECT count(*) FROM requests WHERE status = 'resolved'"), 0);
    };

    // qian.gong has a visit on the request, but zhao.gong's visit is zhao.gong's to answer.
    for report in [&qians_report, &zhaos_report] {
        let refused = report_visit(&desk, &refs[0], &qian, zhaos, report, None).await;
        assert_eq!(
            (refused.status, refused.json()["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("not_your_visit"))
        );
    }
    untouched("an engineer answers no other engineer's visit");
    // Whoever joins it, the report must be the visit's engineer's: not another engineer's,
    // not one filed in an agent's session.
    for (who, report) in [(&lead, &qians_report), (&zhao, &qians_report), (&zhao, &agents_report)] {
        let refused = report_visit(&desk, &refs[0], who, zhaos, report, None).await;
        assert_eq!(
            (refused.status, refused.json()["code"].as_str()),
            (StatusCode::CONFLICT, Some("report_of_another"))
        );
    }
    untouched("a report answers only its engineer's visit");

    let joined = report_visit(&desk, &refs[0], &zhao, zhaos, &zhaos_report, None).await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json());
    // Sent again by another engineer, the join is not answered as theirs.
    let replayed = report_visit(&desk, &refs[0], &qian, zhaos, &zhaos_report, None).await;
    assert_eq!(replayed.status, StatusCode::FORBIDDEN);

    // One report, one visit: qian.gong's answers their visit on the second request, and then
    // neither their visit on the first request nor anything else.
    let own = report_visit(&desk, &refs[1], &qian, qians, &qians_report, None).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.json());
    let twice = report_visit(&desk, &refs[0], &qian, qians_on_first, &qians_report, None).await;
    assert_eq!(
        (twice.status, twice.json()["code"].as_str()),
        (StatusCode::CONFLICT, Some("report_taken"))
    );
    assert!(twice.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(
        desk.rows("SELECT state, report FROM visits ORDER BY id"),
        [
            ["done".to_string(), zhaos_report.clone()],
            ["done".to_string(), qians_report.clone()],
            ["scheduled".to_string(), String::new()]
        ]
    );
    assert_eq!(desk.count("SELECT count(*) FROM events WHERE outcome = 'reported'"), 2);
    // Joined to two visits at the same moment, a report answers one; the other join is told
    // it is taken, as when it comes second (PostgreSQL's sessions take turns on the report).
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let mut open = Vec::new();
    for key in ["race-1", "race-2"] {
        let filed = request(Intent::Repair, "inverter", "孙丽", "变频器报 OC2");
        open.push(desk.file(key, filed, vec![], &now).await);
    }
    let on_first = book(&open[0], "qian.gong", "16:00", "17:00").await;
    let on_second = book(&open[1], "qian.gong", "18:00", "19:00").await;
    let raced = report_by(&desk, "own-4", "fixed", "qian.gong").await;
    let (first, second) = tokio::join!(
        report_visit(&desk, &open[0], &qian, on_first, &raced, None),
        report_visit(&desk, &open[1], &qian, on_second, &raced, None)
    );
    let mut outcomes = [first, second].map(|reply| (reply.status, reply.json()["code"].clone()));
    outcomes.sort_by_key(|(status, _)| *status);
    assert_eq!(
        outcomes,
        [(StatusCode::CREATED, Value::Null), (StatusCode::CONFLICT, json!("report_taken"))]
    );
    assert_eq!(desk.count(&format!("SELECT count(*) FROM visits WHERE report = '{raced}'")), 1);
    // The database holds to it too, whoever writes.
    let (db, sql) = (
        desk.db.clone(),
        format!("UPDATE visits SET report = '{qians_report}' WHERE id = {qians_on_first}"),
    );
    let again = std::panic::catch_unwind(move || common::db_exec(&db, &sql));
    assert!(again.is_err(), "a second visit with the same report is refused by the index");
}

#[tokio::test]
async fn a_visits_report_moves_its_request_by_its_result() {
    let desk = desk();
    desk.state.store.hub().set_telling(Telling { email: true, ..Telling::default() });
    let (lead, engineer) = team(&desk).await;
    let refs = fixture(&desk).await;
    let book = |reference: &str, from: &str, to: &str| {
        let (desk, lead, events) = (&desk, lead.clone(), events(reference));
        let body = visit("zhao.gong", &day_at(from), &day_at(to));
        async move {
            let reply = desk.post(&events, &lead, body).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
            reply.json()["visit"]["id"].as_i64().unwrap()
        }
    };
    let status_of = |reference: &str| {
        desk.rows(&format!("SELECT status FROM requests WHERE reference = '{reference}'"))[0][0]
            .clone()
    };

    // Needs parts: waiting for them, and the customer sees which and when.
    let first = book(&refs[0], "09:00", "10:00").await;
    let needs_parts = report(&desk, "r-1", "needs_parts").await;
    let without_date = report_visit(&desk, &refs[0], &engineer, first, &needs_parts, None).await;
    assert_eq!(without_date.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", without_date.json());
    let reported =
        report_visit(&desk, &refs[0], &engineer, first, &needs_parts, Some("2030-12-20")).await;
    assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.json());
    let entry = reported.json();
    assert_eq!(
        (entry["kind"].as_str(), entry["status"].as_str(), entry["public"].as_bool()),
        (Some("status"), Some("waiting_parts"), Some(true))
    );
    assert_eq!(entry["actor"], "zhao.gong");
    assert_eq!(
        (entry["visit"]["state"].as_str(), entry["visit"]["report"].as_str()),
        (Some("done"), Some(needs_parts.as_str()))
    );
    assert_eq!(status_of(&refs[0]), "waiting_parts");
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM notices WHERE kind = 'waiting_parts' AND audience = 'customer'"
        ),
        1,
        "the customer is told the request waits for parts"
    );
    let seen =
        desk.get(&format!("/api/v1/requests/{}?contact=wang@example.cn", refs[0]), "").await.json();
    assert_eq!(seen["status"], "waiting_parts");
    assert_eq!(seen["parts"], json!({"needed": "IGBT 模块 ×1", "expected_on": "2030-12-20"}));
    assert!(seen.get("visit").is_none(), "the visit is done");
    let again =
        report_visit(&desk, &refs[0], &engineer, first, &needs_parts, Some("2030-12-20")).await;
    assert_eq!(again.status, StatusCode::CREATED, "sent again: answered as the first time");
    assert_eq!(again.json()["id"], entry["id"]);
    assert_eq!(
        desk.count("SELECT count(*) FROM events WHERE outcome = 'reported'"),
        1,
        "reported once"
    );
    let other = report(&desk, "r-1b", "fixed").await;
    let second_report = report_visit(&desk, &refs[0], &engineer, first, &other, None).await;
    assert_eq!(
        (second_report.status, second_report.json()["code"].as_str()),
        (StatusCode::CONFLICT, Some("visit_not_scheduled")),
        "a visit has one report"
    );
    assert_eq!(status_of(&refs[0]), "waiting_parts");
    let waiting = desk.get("/api/v1/staff/requests?status=waiting_parts", &lead).await.json();
    assert_eq!(waiting["total"], 1, "counted with the open requests");
    assert_eq!(waiting["requests"][0]["reference"], refs[0].as_str());

    // The parts came: the next visit fits them, and the request is resolved; the customer is told.
    let second = book(&refs[0], "14:00", "15:00").await;
    let fixed = report(&desk, "r-2", "fixed").await;
    let done = report_visit(&desk, &refs[0], &engineer, second, &fixed, None).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.json());
    assert_eq!(status_of(&refs[0]), "resolved");
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM notices WHERE kind = 'resolved' AND audience = 'customer'"
        ),
        1
    );
    let seen =
        desk.get(&format!("/api/v1/requests/{}?contact=wang@example.cn", refs[0]), "").await.json();
    assert!(seen.get("parts").is_none(), "no longer waiting");
    assert_eq!(seen["can_rate"], true);

    // Another visit: still in progress, and a visit left to book, which the next booking is.
    let third = book(&refs[1], "09:00", "10:00").await;
    let another = report(&desk, "r-3", "another_visit").await;
    let reply = report_visit(&desk, &refs[1], &lead, third, &another, None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
    assert_eq!(reply.json()["kind"], "status", "received → in progress");
    assert_eq!(status_of(&refs[1]), "in_progress");
    let states = |reference: &str| {
        desk.rows(&format!(
            "SELECT visits.state FROM visits JOIN requests ON requests.id = visits.request_id
             WHERE requests.reference = '{reference}' ORDER BY visits.id"
        ))
        .into_iter()
        .map(|row| row[0].clone())
        .collect::<Vec<_>>()
    };
    assert_eq!(states(&refs[1]), ["done", "unscheduled"]);
    book(&refs[1], "14:00", "15:00").await;
    assert_eq!(states(&refs[1]), ["done", "scheduled"], "the visit asked for is the one booked");

    // Refusals: not an on-site report; a resolved request is not answered by a visit.
    let fourth = book(&refs[2], "16:00", "17:00").await;
    let not_a_report = report_visit(&desk, &refs[2], &lead, fourth, &refs[1], None).await;
    assert_eq!(
        (not_a_report.status, not_a_report.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_event"))
    );
    desk.post(&events(&refs[2]), &lead, json!({"kind": "status", "status": "in_progress"})).await;
    desk.post(&events(&refs[2]), &lead, json!({"kind": "status", "status": "resolved"})).await;
    let late_report = report(&desk, "r-4", "fixed").await;
    let late = report_visit(&desk, &refs[2], &lead, fourth, &late_report, None).await;
    assert_eq!(
        (late.status, late.json()["code"].as_str()),
        (StatusCode::CONFLICT, Some("transition_not_allowed"))
    );
    assert_eq!(states(&refs[2]), ["scheduled"], "nothing of a refused report stored");
}

/// The requests beside the board, each with whether a report asked for its visit.
async fn waiting(desk: &Desk, lead: &str) -> Vec<(String, bool)> {
    let reply = desk.get("/api/v1/staff/visits/unscheduled", lead).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let list = reply.json();
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| (v["reference"].as_str().unwrap().to_string(), v["asked_by_report"] == true))
        .collect()
}

#[tokio::test]
async fn on_site_requests_wait_beside_the_board_until_a_visit_is_booked() {
    let desk = desk();
    let (lead, engineer) = team(&desk).await;
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let on_site = |name: &str| {
        let mut filed = request(Intent::Repair, "inverter", name, "变频器不启动，需要上门");
        filed.details.insert("resolution".into(), "onsite_visit".into());
        filed.details.insert("address".into(), "上海市浦东新区张江路 88 号".into());
        filed
    };
    let first = desk.file("u-1", on_site("王建国"), vec![], &now).await;
    let second = desk.file("u-2", on_site("刘强"), vec![], &now).await;
    // Neither a request fixed from afar nor an engineer's own report waits for a visit.
    desk.file("u-3", request(Intent::Repair, "inverter", "李娜", "寄修"), vec![], &now).await;
    let mut report = on_site("王建国");
    report.intent = Intent::OnsiteReport;
    desk.file("u-4", report, vec![], &now).await;

    assert_eq!(
        waiting(&desk, &lead).await,
        [(first.clone(), false), (second.clone(), false)],
        "the on-site requests, oldest first"
    );
    let forbidden = desk.get("/api/v1/staff/visits/unscheduled", &engineer).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "the board is the desk's");

    // Booking a visit on the request books the one it waited for.
    let booked = desk
        .post(&events(&first), &lead, visit("zhao.gong", &day_at("09:00"), &day_at("11:00")))
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.json());
    assert_eq!(waiting(&desk, &lead).await, [(second.clone(), false)]);

    // A report asking for another visit puts the request back, marked so.
    let visit_id = booked.json()["visit"]["id"].as_i64().unwrap();
    let another = self::report(&desk, "u-5", "another_visit").await;
    let reported = report_visit(&desk, &first, &engineer, visit_id, &another, None).await;
    assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.json());
    assert_eq!(waiting(&desk, &lead).await, [(first.clone(), true), (second.clone(), false)]);

    // A request closed without a visit leaves the list.
    for status in ["in_progress", "resolved"] {
        desk.post(&events(&second), &lead, json!({"kind": "status", "status": status})).await;
    }
    assert_eq!(waiting(&desk, &lead).await, [(first, true)]);
}

#[tokio::test]
async fn the_api_document_describes_the_visit_events_and_the_visit_list() {
    let desk = desk();
    let document = desk.get("/api/v1/openapi.json", "").await.json();
    let text = document.to_string();
    for kind in ["\"move_visit\"", "\"cancel_visit\"", "\"visit_report\"", "\"parts_expected_on\""]
    {
        assert!(text.contains(kind), "{kind} is in the document");
    }
    assert!(document["paths"]["/api/v1/staff/visits"]["get"].is_object());
    assert!(document["paths"]["/api/v1/staff/visits/unscheduled"]["get"].is_object());
    let schemas = &document["components"]["schemas"];
    assert!(schemas["Entry"]["properties"]["visit"].is_object(), "an entry's visit");
    assert!(schemas["StatusView"]["properties"]["parts"].is_object(), "the look-up's parts");
}
