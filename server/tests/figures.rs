//! The lead's figures on a fixture whose answers were worked out by hand, and the CSV
//! export read back as a spreadsheet would.

mod common;

use axum::http::StatusCode;
use common::desk::{desk, request, Desk};
use serde_json::json;
use shouhou_core::flow::engine::Deflection;
use shouhou_core::follow_up::CallOutcome;
use shouhou_core::{Category, Intent, Status, WarrantyStatus};
use shouhou_server::store::customer::{CustomerPost, Post};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::Role;

fn status(status: Status) -> EventRequest {
    EventRequest::Status { status }
}

fn reply(text: &str) -> EventRequest {
    EventRequest::Reply { text: text.into() }
}

fn follow_up(satisfaction: Option<u8>) -> EventRequest {
    EventRequest::FollowUp { outcome: CallOutcome::Reached, satisfaction, text: String::new() }
}

fn repair(line: &str, covered: bool) -> shouhou_core::ValidRequest {
    let mut request = request(Intent::Repair, line, "王建国", "故障");
    request.warranty = Some(if covered {
        WarrantyStatus::InWarranty { until: "2027-01-01".into() }
    } else {
        WarrantyStatus::OutOfWarranty { ended: "2025-01-01".into() }
    });
    request
}

/// A customer's rating, as the feedback route records it.
async fn customer_rating(desk: &Desk, reference: &str, at: &str, rating: u8) {
    let post = CustomerPost {
        idempotency_key: format!("rating-{reference}"),
        submitted_json: "{}".into(),
        post: Post::Rating { rating, comment: String::new() },
        now: at.into(),
    };
    desk.state.store.customer_post(reference, |_| true, post).await.unwrap();
}

/// A problem guided troubleshooting solved at `at`, as the deflection route records it.
async fn deflection(desk: &Desk, key: &str, line: &str, at: &str) {
    let solved = Deflection {
        flow_id: line.into(),
        flow_version: 1,
        product_line: line.into(),
        outcome: "solved".into(),
    };
    desk.state.store.record_deflection(key.into(), solved, common::desk::at(at)).await.unwrap();
}

/// October 2026, every time in +08:00. Each request's reply-by is 24 h after filing.
///
/// | req | filed | first staff answer | resolved (h) | follow-up | ratings |
/// |---|---|---|---|---|---|
/// | R1 repair inverter, in warranty | 10-02 09:00 | 10-02 15:05 on time | 10-04 09:00 (48) | 5 | |
/// | R2 repair inverter, out of warranty | 10-05 10:00 | 10-07 11:00 late | 10-08 10:00 (72) | | customer 3 |
/// | R3 complaint property, service | 10-10 08:00 | 10-12 08:00 late (a note, a new promise and a bare status change do not count) | 10-13 08:00 (72) | not asked | |
/// | R4 consultation network | 10-20 09:00 | 10-20 12:05 on time | 10-22 09:00 (48), reopened, again 10-26 | 4 | customer 5 |
/// | R5 repair appliance, in warranty | 11-02 | | | | |
/// | R6 repair network, in warranty | 10-30 20:00 | never (due 10-31 20:00, passed) | | | |
/// | R7 complaint property, quality | 09-29 10:00 | 09-29 12:00 | 10-01 10:00 (48) | called 10-03, no answer | |
///
/// For 2026-10-01 … 2026-10-31: filed R1 R2 R3 R4 R6 = 5; resolved R1 R2 R3 R4 R7 = 5, of
/// which followed up R1 R3 R4 → 3/5 = 0.6 (a call nobody answered is not a follow-up); the
/// rate measured on in-warranty repairs and complaints: R1 R3 R7, followed up R1 R3 → 2/3; ratings 5, 3, 4, 5 → 3 of 4 at 4–5 = 0.75; due
/// R1 R2 R3 R4 R6, on time R1 R4 → 2/5 = 0.4; repairs 2 in and 1 out of warranty; hours to
/// resolve 48 48 48 72 72 → median 48; 2 deflections (a third is in November); escalated,
/// unanswered when their time came: R2 (10-06 10:00), R3 (a complaint, half its promise:
/// 10-10 20:00) and R6 (10-31 20:00) → 3.
async fn october(desk: &Desk) {
    let staff = Some("li.na");
    let r1 =
        desk.file("fig-r1", repair("inverter", true), vec![], "2026-10-02T09:00:00+08:00").await;
    desk.event(&r1, status(Status::InProgress), staff, "2026-10-02T15:00:00+08:00").await;
    desk.event(&r1, reply("工程师明天到"), staff, "2026-10-02T15:05:00+08:00").await;
    desk.event(&r1, status(Status::Resolved), staff, "2026-10-04T09:00:00+08:00").await;
    desk.event(&r1, follow_up(Some(5)), staff, "2026-10-06T10:00:00+08:00").await;

    let r2 =
        desk.file("fig-r2", repair("inverter", false), vec![], "2026-10-05T10:00:00+08:00").await;
    desk.event(&r2, status(Status::InProgress), staff, "2026-10-07T10:00:00+08:00").await;
    desk.event(&r2, reply("已安排"), staff, "2026-10-07T11:00:00+08:00").await;
    desk.event(&r2, status(Status::Resolved), staff, "2026-10-08T10:00:00+08:00").await;
    customer_rating(desk, &r2, "2026-10-09T10:00:00+08:00", 3).await;

    let mut complaint = request(Intent::Complaint, "property", "李娜", "物业态度差");
    complaint.category = Some(Category::Service);
    let r3 = desk.file("fig-r3", complaint, vec![], "2026-10-10T08:00:00+08:00").await;
    desk.event(
        &r3,
        EventRequest::Note { text: "先查记录".into() },
        staff,
        "2026-10-10T09:00:00+08:00",
    )
    .await;
    desk.event(
        &r3,
        EventRequest::ReplyBy { at: "2026-10-20T08:00:00+08:00".into() },
        staff,
        "2026-10-10T10:00:00+08:00",
    )
    .await;
    desk.event(&r3, status(Status::InProgress), staff, "2026-10-12T07:00:00+08:00").await;
    desk.event(&r3, reply("抱歉"), staff, "2026-10-12T08:00:00+08:00").await;
    desk.event(&r3, status(Status::Resolved), staff, "2026-10-13T08:00:00+08:00").await;
    desk.event(&r3, follow_up(None), staff, "2026-10-14T08:00:00+08:00").await;

    let r4 = desk
        .file(
            "fig-r4",
            request(Intent::Consultation, "network", "张伟", "怎么配置 DNS"),
            vec![],
            "2026-10-20T09:00:00+08:00",
        )
        .await;
    desk.event(&r4, status(Status::InProgress), staff, "2026-10-20T12:00:00+08:00").await;
    desk.event(&r4, reply("在设置里改 DNS"), staff, "2026-10-20T12:05:00+08:00").await;
    desk.event(&r4, status(Status::Resolved), staff, "2026-10-22T09:00:00+08:00").await;
    desk.event(&r4, follow_up(Some(4)), staff, "2026-10-23T09:00:00+08:00").await;
    customer_rating(desk, &r4, "2026-10-23T10:00:00+08:00", 5).await;
    desk.event(&r4, status(Status::InProgress), staff, "2026-10-25T09:00:00+08:00").await;
    desk.event(&r4, status(Status::Resolved), staff, "2026-10-26T09:00:00+08:00").await;

    desk.file("fig-r5", repair("appliance", true), vec![], "2026-11-02T09:00:00+08:00").await;
    desk.file("fig-r6", repair("network", true), vec![], "2026-10-30T20:00:00+08:00").await;

    let mut old = request(Intent::Complaint, "property", "赵敏", "漏水");
    old.category = Some(Category::Quality);
    let r7 = desk.file("fig-r7", old, vec![], "2026-09-29T10:00:00+08:00").await;
    desk.event(&r7, status(Status::InProgress), staff, "2026-09-29T12:00:00+08:00").await;
    desk.event(&r7, status(Status::Resolved), staff, "2026-10-01T10:00:00+08:00").await;
    let no_answer = EventRequest::FollowUp {
        outcome: CallOutcome::NoAnswer,
        satisfaction: None,
        text: "".into(),
    };
    desk.event(&r7, no_answer, staff, "2026-10-03T10:00:00+08:00").await;

    deflection(desk, "d1", "network", "2026-10-03T09:00:00+08:00").await;
    deflection(desk, "d2", "inverter", "2026-10-31T23:59:00+08:00").await;
    deflection(desk, "d3", "inverter", "2026-11-01T00:01:00+08:00").await;
}

#[tokio::test]
async fn the_figures_match_the_ones_worked_out_by_hand() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    october(&desk).await;

    let reply = desk.get("/api/v1/staff/figures?from=2026-10-01&to=2026-10-31", &cookie).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.bytes));
    assert_eq!(
        reply.json(),
        json!({
            "from": "2026-10-01",
            "to": "2026-10-31",
            "targets": {"follow_up_rate": 0.9, "satisfaction_rate": 0.8, "timeliness_rate": 0.8},
            "follow_up_rate": 0.6,
            "satisfaction_rate": 0.75,
            "timeliness_rate": 0.4,
            "follow_up": {"resolved": 5, "followed_up": 3},
            "counted_follow_up_rate": (2.0 / 3.0),
            "counted_follow_up": {"resolved": 3, "followed_up": 2},
            "satisfaction": {"ratings": 4, "satisfied": 3, "from_customers": 2, "from_follow_ups": 2},
            "timeliness": {"due": 5, "on_time": 2},
            "requests": 5,
            "deflections": 2,
            "in_warranty_repairs": 2,
            "out_of_warranty_repairs": 1,
            "repairs_by_month": [{"month": "2026-10", "in_warranty": 2, "out_of_warranty": 1}],
            "by_intent": {"repair": 3, "complaint": 1, "consultation": 1},
            "by_category": {"service": 1},
            "by_product_line": {"inverter": 2, "property": 1, "network": 2},
            "median_hours_to_resolve": 48.0,
            "escalations": 3,
        })
    );

    let autumn =
        desk.get("/api/v1/staff/figures?from=2026-09-01&to=2026-11-30", &cookie).await.json();
    assert_eq!(
        autumn["repairs_by_month"],
        json!([
            {"month": "2026-10", "in_warranty": 2, "out_of_warranty": 1},
            {"month": "2026-11", "in_warranty": 1, "out_of_warranty": 0},
        ])
    );
    assert_eq!((autumn["requests"].as_i64(), autumn["deflections"].as_i64()), (Some(7), Some(3)));

    let empty =
        desk.get("/api/v1/staff/figures?from=2025-01-01&to=2025-01-31", &cookie).await.json();
    for rate in [
        "follow_up_rate",
        "counted_follow_up_rate",
        "satisfaction_rate",
        "timeliness_rate",
        "median_hours_to_resolve",
    ] {
        assert_eq!(empty[rate], json!(null), "{rate}: nothing counted is not zero");
    }
    assert_eq!(empty["requests"], 0);

    for bad in [
        "from=2026-10-31&to=2026-10-01",
        "from=2026-10-01",
        "from=yesterday&to=2026-10-01",
        "from=2026-2-1&to=2026-10-01",
    ] {
        let reply = desk.get(&format!("/api/v1/staff/figures?{bad}"), &cookie).await;
        assert_eq!(
            (reply.status, reply.json()["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_query")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_export_opens_in_excel_and_reads_back_identically() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let description = "变频器报警，显示\"OC1\"，\r\n第二行：已断电重启, 仍然报警\n第三行";
    let mut tricky = request(
        Intent::Repair,
        "inverter",
        "=HYPERLINK(\"http://evil.example\",\"点我\")",
        description,
    );
    tricky.details.insert("company".into(), "@宏达机械, \"华东\"分厂".into());
    tricky.details.insert("model".into(), "-SUM(A1)".into());
    tricky.details.insert("address".into(), "\t上海市浦东新区".into());
    tricky.details.insert("serial_number".into(), "\rINV-1".into());
    let reference = desk.file("csv-1", tricky, vec![], "2026-10-02T09:00:00+08:00").await;
    desk.event(
        &reference,
        EventRequest::Assign { to: "li.na".into() },
        Some("li.na"),
        "2026-10-02T10:00:00+08:00",
    )
    .await;
    desk.file(
        "csv-2",
        request(Intent::Consultation, "network", "张伟", "普通"),
        vec![],
        "2026-11-02T09:00:00+08:00",
    )
    .await;

    let reply = desk.get("/api/v1/staff/export.csv?from=2026-10-01&to=2026-10-31", &cookie).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        reply.header("content-disposition"),
        "attachment; filename=\"shouhou-2026-10-01-2026-10-31.csv\""
    );
    assert_eq!(&reply.bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with a byte-order mark");

    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(&reply.bytes[3..]);
    let titles: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(titles[..3], ["编号", "提交时间", "状态"], "Chinese titles by default");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "only the period's requests");
    let cell = |name: &str| {
        let column =
            shouhou_server::store::report::EXPORT_COLUMNS.iter().position(|c| *c == name).unwrap();
        rows[0][column].to_string()
    };
    assert_eq!(cell("reference"), reference);
    assert_eq!(cell("description"), description, "commas, quotes and newlines survive");
    assert_eq!(cell("full_name"), "'=HYPERLINK(\"http://evil.example\",\"点我\")");
    assert_eq!(cell("company"), "'@宏达机械, \"华东\"分厂");
    assert_eq!(cell("model"), "'-SUM(A1)");
    assert_eq!(cell("address"), "'\t上海市浦东新区");
    assert_eq!(cell("serial_number"), "'\rINV-1");
    assert_eq!(cell("phone"), "'+8613912345678");
    assert_eq!(cell("warranty"), "");
    assert_eq!(cell("assigned_to"), "li.na");

    let english = desk
        .send(
            axum::http::Request::get("/api/v1/staff/export.csv?from=2026-10-01&to=2026-10-31")
                .header("cookie", &cookie)
                .header("accept-language", "en-GB,en;q=0.9")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(english
        .bytes
        .starts_with("\u{FEFF}\"reference\",\"created_at\",\"status\"".as_bytes()));
    // Every cell quoted, whatever it holds: Excel where `;` separates splits an unquoted `;`.
    // Outside quotes, every separator and line end is followed by a quote (or the end).
    let text = String::from_utf8(english.bytes.clone()).unwrap();
    let text = text.trim_start_matches('\u{FEFF}');
    assert!(text.starts_with('"'));
    let (mut quoted, mut cells) = (false, 0);
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '"' => quoted = !quoted,
            ',' | '\n' if !quoted => {
                cells += 1;
                let next = chars.get(i + 1);
                assert!(next.is_none() || next == Some(&'"'), "an unquoted cell at {i}: {text}");
            }
            _ => {}
        }
    }
    assert_eq!(cells, 2 * EXPORT_COLUMNS_COUNT, "the titles and one request");
}

const EXPORT_COLUMNS_COUNT: usize = shouhou_server::store::report::EXPORT_COLUMNS.len();

/// Three months of a desk's work, made up at random (the same every run): the figures from
/// the running counts, for several periods, equal those of a full recount of the same store.
#[tokio::test]
async fn the_running_counts_equal_a_full_recount() {
    use shouhou_core::{Category, Priority};
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let mut rng = fastrand::Rng::with_seed(23);
    let start = common::desk::at("2026-09-01T08:00:00+08:00");
    let time = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    for i in 0..80 {
        let intent = [Intent::Repair, Intent::Complaint, Intent::Consultation][rng.usize(..3)];
        let line = ["inverter", "property", "network"][rng.usize(..3)];
        let mut filed = request(intent, line, "王建国", "故障");
        if intent == Intent::Complaint {
            filed.category = Some([Category::Quality, Category::Service][rng.usize(..2)]);
        }
        filed.priority = [None, Some(Priority::High)][rng.usize(..2)];
        if intent == Intent::Repair {
            filed.warranty = Some(if rng.bool() {
                WarrantyStatus::InWarranty { until: "2027-01-01".into() }
            } else {
                WarrantyStatus::OutOfWarranty { ended: "2025-01-01".into() }
            });
        }
        let mut at = start + chrono::Duration::minutes(rng.i64(0..130_000));
        let reference = desk.file(&format!("recount-{i}"), filed, vec![], &time(at)).await;
        let mut status = Status::Received;
        let mut rated = false;
        for step in 0..rng.usize(0..9) {
            at += chrono::Duration::minutes(rng.i64(10..3000));
            let now = time(at);
            match rng.u32(..10) {
                0..=2 => {
                    if let Some(next) = status.next().get(rng.usize(..status.next().len().max(1))) {
                        desk.event(&reference, status_event(*next), Some("li.na"), &now).await;
                        status = *next;
                    }
                }
                3 => desk.event(&reference, reply("好的"), Some("li.na"), &now).await,
                4 => {
                    desk.event(&reference, follow_up(Some(rng.u8(1..6))), Some("li.na"), &now).await
                }
                5 => desk.event(&reference, follow_up(None), Some("li.na"), &now).await,
                6 => {
                    let later = time(at + chrono::Duration::hours(rng.i64(1..72)));
                    desk.event(
                        &reference,
                        EventRequest::ReplyBy { at: later },
                        Some("li.na"),
                        &now,
                    )
                    .await;
                }
                7 if status.customer_may_rate() && !rated => {
                    customer_rating(&desk, &reference, &now, rng.u8(1..6)).await;
                    rated = true;
                }
                _ => {
                    desk.event(
                        &reference,
                        EventRequest::Note { text: format!("{step}") },
                        Some("li.na"),
                        &now,
                    )
                    .await
                }
            }
        }
    }
    for i in 0..20 {
        let at = start + chrono::Duration::minutes(rng.i64(0..130_000));
        deflection(&desk, &format!("recount-d{i}"), "network", &time(at)).await;
    }
    let periods = [
        "from=2026-09-01&to=2026-12-31",
        "from=2026-10-01&to=2026-10-31",
        "from=2026-09-20&to=2026-09-24",
        "from=2026-11-30&to=2026-11-30",
    ];
    let figures = |query: &'static str| {
        let (desk, cookie) = (&desk, cookie.clone());
        async move { desk.get(&format!("/api/v1/staff/figures?{query}"), &cookie).await.json() }
    };
    let mut running = Vec::new();
    for period in periods {
        running.push(figures(period).await);
    }
    assert!(
        running[0]["requests"].as_i64() == Some(80)
            && running[0]["follow_up"]["resolved"].as_i64() > Some(5),
        "{}",
        running[0]
    );
    desk.state.store.rebuild().await.unwrap();
    for (period, before) in periods.iter().zip(running) {
        assert_eq!(figures(period).await, before, "{period}");
    }
}

fn status_event(status: Status) -> EventRequest {
    EventRequest::Status { status }
}

#[tokio::test]
async fn the_export_pages_through_its_period_in_filing_order_once() {
    let desk = desk();
    // Two requests on each of three days, two of them in the same second (their ids order
    // them), and one on each side of the period.
    let times = [
        "2026-09-30T23:00:00+08:00",
        "2026-10-01T08:00:00+08:00",
        "2026-10-01T08:00:00+08:00",
        "2026-10-02T09:00:00+08:00",
        "2026-10-02T10:00:00+08:00",
        "2026-10-03T07:00:00+08:00",
        "2026-10-03T18:00:00+08:00",
        "2026-10-04T00:30:00+08:00",
    ];
    let mut filed = Vec::new();
    for (i, at) in times.iter().enumerate() {
        let request = request(Intent::Repair, "inverter", "王建国", "故障");
        filed.push(desk.file(&format!("export-{i}"), request, vec![], at).await);
    }
    for limit in [1, 2, 3, 100] {
        let (mut seen, mut after) = (Vec::new(), None);
        loop {
            let (rows, next) = desk
                .state
                .store
                .export_batch("2026-10-01", "2026-10-03", after, limit)
                .await
                .unwrap();
            seen.extend(rows.into_iter().map(|row| row[0].clone()));
            match next {
                Some(mark) => after = Some(mark),
                None => break,
            }
        }
        assert_eq!(seen, filed[1..7], "batches of {limit}");
    }
}
