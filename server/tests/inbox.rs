//! The inbox as a large desk reads it, on either store: pages that follow one order whatever
//! arrives meanwhile, word search through pairs of characters (the same answers on SQLite and
//! PostgreSQL: this file runs on both), and escalation from its time until an answer.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, SecondsFormat};
use common::desk::{desk, request, Desk};
use serde_json::Value;
use shouhou_core::{Intent, Status};
use shouhou_server::store::customer::{CustomerPost, Post};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::Role;

fn hours_ago(hours: i64) -> String {
    (chrono::Local::now().fixed_offset() - Duration::hours(hours))
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The references a query lists, and the whole answer.
async fn list(desk: &Desk, cookie: &str, query: &str) -> (Vec<String>, Value) {
    let reply = desk.get(&format!("/api/v1/staff/requests{query}"), cookie).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", String::from_utf8_lossy(&reply.bytes));
    let body = reply.json();
    let refs = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["reference"].as_str().unwrap().to_string())
        .collect();
    (refs, body)
}

#[tokio::test]
async fn pages_follow_one_order_and_requests_filed_meanwhile_never_shift_them() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    // 230 requests over the last ten days: the older answered and resolved, some answered
    // and still open, a few never answered (escalated).
    let mut filed = Vec::new();
    for i in 0..230 {
        let key = format!("page-{i}");
        let reference = desk
            .file(
                &key,
                request(Intent::Repair, "inverter", "王建国", "变频器报警"),
                vec![],
                &hours_ago(240 - i),
            )
            .await;
        let answered = hours_ago(239 - i);
        let statuses = match i % 5 {
            0 => Vec::new(),
            1 | 2 => vec![Status::InProgress],
            _ => vec![Status::InProgress, Status::Resolved],
        };
        for status in &statuses {
            let event = EventRequest::Status { status: *status };
            desk.event(&reference, event, Some("li.na"), &answered).await;
        }
        if !statuses.is_empty() {
            let reply = EventRequest::Reply { text: "已收到".into() };
            desk.event(&reference, reply, Some("li.na"), &answered).await;
        }
        filed.push(reference);
    }

    let (first, body) = list(&desk, &cookie, "").await;
    assert_eq!((first.len(), body["total"].as_i64()), (100, Some(230)));
    let mut seen = first.clone();
    let mut next = body["next"].as_str().map(str::to_string);
    let mut arrivals = 0;
    while let Some(after) = next {
        // New requests between pages: due in a day, they belong in the middle part.
        for _ in 0..7 {
            arrivals += 1;
            desk.file(
                &format!("late-{arrivals}"),
                request(Intent::Consultation, "network", "张伟", "新来的"),
                vec![],
                &hours_ago(0),
            )
            .await;
        }
        let (page, body) = list(&desk, &cookie, &format!("?after={}", encode(&after))).await;
        seen.extend(page);
        next = body["next"].as_str().map(str::to_string);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no request on two pages");
    for reference in &filed {
        assert_eq!(seen.iter().filter(|r| *r == reference).count(), 1, "{reference} on one page");
    }
    // Escalated first (never answered: i % 5 == 0), then the open ones, then the rest.
    // Filed 240 - i hours ago with 24 to reply: unanswered ones escalate from i = 216 down.
    let part = |reference: &String| match filed.iter().position(|r| r == reference) {
        Some(i) if i % 5 == 0 && i <= 216 => 0,
        Some(i) if i % 5 < 3 => 1,
        Some(_) => 2,
        None => 1,
    };
    let parts: Vec<u8> = seen.iter().map(part).collect();
    assert!(parts.windows(2).all(|w| w[0] <= w[1]), "escalated, open, then the rest: {parts:?}");

    let bad = desk.get("/api/v1/staff/requests?after=not-a-cursor", &cookie).await;
    assert_eq!(
        (bad.status, bad.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_query"))
    );
}

#[tokio::test]
async fn words_of_two_characters_or_more_are_found_in_the_description_name_and_company() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let mut leak = request(Intent::Repair, "property", "赵敏", "3号楼卫生间漏水，楼下天花板也湿了");
    leak.details.insert("company".into(), "阳光物业".into());
    let wall = request(Intent::Complaint, "property", "王建国", "外墙渗水严重，雨天更明显");
    let mut motor = request(Intent::Repair, "inverter", "Li Lei", "Motor TRIPS on start, code OC1");
    motor.details.insert("company".into(), "宏达机械有限公司".into());
    motor.details.insert("serial_number".into(), "INV-2024-0077".into());
    let at = hours_ago(1);
    let refs = [
        desk.file("word-1", leak, vec![], &at).await,
        desk.file("word-2", wall, vec![], &at).await,
        desk.file("word-3", motor, vec![], &at).await,
    ];
    let found = |q: &str| {
        let (desk, cookie) = (&desk, cookie.clone());
        let q = encode(q);
        async move {
            let (mut refs, _) = list(desk, &cookie, &format!("?q={q}")).await;
            refs.sort();
            refs
        }
    };
    let only = |i: usize| vec![refs[i].clone()];
    assert_eq!(found("漏水").await, only(0), "a two-character word");
    assert_eq!(found("渗水").await, only(1));
    assert_eq!(found("外墙 雨天").await, only(1), "every word, anywhere in the text");
    assert_eq!(found("外墙 漏水").await, Vec::<String>::new(), "not some of them");
    assert_eq!(found("卫生间漏水").await, only(0), "a longer word, whole");
    assert_eq!(found("间水").await, Vec::<String>::new(), "its characters apart are not it");
    assert_eq!(found("建国").await, only(1), "in the name");
    assert_eq!(found("宏达机械").await, only(2), "in the company");
    assert_eq!(found("阳光").await, only(0));
    assert_eq!(found("trips").await, only(2), "English, whatever its case");
    assert_eq!(found("OC1").await, only(2));
    assert_eq!(found("inv-2024-0077").await, only(2), "the serial number, whole");
    assert_eq!(found("漏").await, Vec::<String>::new(), "one character is no word");
    assert_eq!(found("湿了 赵敏").await, only(0), "across description and name");
    assert_eq!(found("赵敏阳光").await, Vec::<String>::new(), "but no word across the two");
    let twenty = vec!["漏水"; 20].join(" ");
    assert_eq!(found(&twenty).await, only(0), "twenty words, the most one search takes");
    // A thousand words made SQLite refuse the query (a 500): more than twenty is the caller's.
    let many: Vec<String> = (0..1000).map(|i| format!("w{i:03}")).collect();
    let refused = desk.get(&format!("/api/v1/staff/requests?q={}", many.join("+")), &cookie).await;
    assert_eq!(
        (refused.status, refused.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_query"))
    );
}

/// Every page of a query, followed to its end: the references in the order listed, and the
/// total the first page said.
async fn every_page(desk: &Desk, cookie: &str, query: &str) -> (Vec<String>, Option<i64>) {
    let (mut seen, body) = list(desk, cookie, &format!("?{query}")).await;
    let total = body["total"].as_i64();
    let mut next = body["next"].as_str().map(str::to_string);
    while let Some(after) = next {
        let (page, body) = list(desk, cookie, &format!("?{query}&after={}", encode(&after))).await;
        seen.extend(page);
        next = body["next"].as_str().map(str::to_string);
    }
    (seen, total)
}

/// A word search with more findings than a page lists every one once, in the inbox's order,
/// under another filter that passes over most of the newest findings too (PostgreSQL reads
/// them by their ids, more at a time until the page is full).
#[tokio::test]
async fn a_word_search_pages_through_every_finding_once_under_any_filter() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    // Started, untouched, or resolved (most of them).
    let state = |i: usize| (i % 5).min(2);
    let mut washers = Vec::new();
    let mut all = Vec::new();
    for i in 0..450_usize {
        let (line, description) = if i < 20 {
            ("appliance", "洗衣机进水后漏水")
        } else {
            ("property", "卫生间漏水到楼下")
        };
        let filed = request(Intent::Repair, line, "赵敏", description);
        let reference =
            desk.file(&format!("many-{i}"), filed, vec![], &hours_ago(500 - i as i64)).await;
        let statuses = match state(i) {
            0 => vec![Status::InProgress],
            1 => Vec::new(),
            _ => vec![Status::InProgress, Status::Resolved],
        };
        for status in statuses {
            let event = EventRequest::Status { status };
            desk.event(&reference, event, Some("li.na"), &hours_ago(499 - i as i64)).await;
        }
        if i < 20 {
            washers.push(reference.clone());
        }
        all.push(reference);
    }
    desk.file(
        "dry",
        request(Intent::Repair, "property", "赵敏", "外墙渗水"),
        vec![],
        &hours_ago(1),
    )
    .await;
    let sorted = |mut refs: Vec<String>| {
        refs.sort();
        refs
    };
    let (listed, total) = every_page(&desk, &cookie, "q=%E6%BC%8F%E6%B0%B4").await;
    assert_eq!((listed.len(), total), (450, Some(450)), "every finding, once");
    assert_eq!(sorted(listed), sorted(all.clone()));
    let (listed, total) =
        every_page(&desk, &cookie, "q=%E6%BC%8F%E6%B0%B4&product_line=appliance").await;
    assert_eq!(total, Some(20));
    assert_eq!(sorted(listed), sorted(washers.clone()), "the oldest, under 430 newer ones");
    let of = |refs: &[String], status: usize| -> Vec<String> {
        refs.iter()
            .enumerate()
            .filter(|(i, _)| state(*i) == status)
            .map(|(_, r)| r.clone())
            .collect()
    };
    // The resolved: the rest, newest first, where 258 newer resolved ones are not washers.
    let (listed, total) =
        every_page(&desk, &cookie, "q=%E6%BC%8F%E6%B0%B4&product_line=appliance&status=resolved")
            .await;
    assert_eq!(total, Some(of(&washers, 2).len() as i64));
    assert_eq!(listed, of(&washers, 2).into_iter().rev().collect::<Vec<_>>(), "newest first");
    let (listed, _) =
        every_page(&desk, &cookie, "q=%E6%BC%8F%E6%B0%B4&product_line=appliance&status=received")
            .await;
    assert_eq!(sorted(listed), sorted(of(&washers, 1)));
    let (listed, _) = every_page(&desk, &cookie, "q=%E6%BC%8F%E6%B0%B4&status=in_progress").await;
    assert_eq!(sorted(listed), sorted(of(&all, 0)));
}

/// A word search counts what it found by status as the status stands now: a search alone is
/// counted apart from the other filters (PostgreSQL reads a table of its own for it), and both
/// follow a change of status.
#[tokio::test]
async fn a_word_search_counts_its_findings_by_their_status_now() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let at = hours_ago(1);
    let mut refs = Vec::new();
    for (key, line, description) in [
        ("count-1", "property", "卫生间漏水到楼下"),
        ("count-2", "property", "厨房水管漏水"),
        ("count-3", "appliance", "洗衣机进水后漏水"),
        ("count-4", "property", "外墙渗水"),
    ] {
        let filed = request(Intent::Repair, line, "赵敏", description);
        refs.push(desk.file(key, filed, vec![], &at).await);
    }
    let counts = |q: &str, more: &str| {
        let (desk, cookie, query) = (&desk, cookie.clone(), format!("?q={}{more}", encode(q)));
        async move {
            let (_, body) = list(desk, &cookie, &query).await;
            let counts = &body["counts"];
            (counts["received"].as_i64(), counts["in_progress"].as_i64(), body["total"].as_i64())
        }
    };
    assert_eq!(counts("漏水", "").await, (Some(3), Some(0), Some(3)));
    let started = desk
        .post(
            &format!("/api/v1/staff/requests/{}/events", refs[1]),
            &cookie,
            serde_json::json!({"kind": "status", "status": "in_progress"}),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED);
    assert_eq!(counts("漏水", "").await, (Some(2), Some(1), Some(3)), "the search alone");
    assert_eq!(counts("漏水", "&status=in_progress").await, (Some(2), Some(1), Some(1)));
    assert_eq!(
        counts("漏水", "&product_line=property").await,
        (Some(1), Some(1), Some(2)),
        "the search under another filter"
    );
    assert_eq!(counts("水管 漏水", "").await, (Some(0), Some(1), Some(1)), "a longer search");
}

/// A request's words are indexed apart from its create: the newest are found by their text
/// until the index holds them, then through it, with the same findings and counts either way,
/// a change of status before the index took a request included.
#[tokio::test]
async fn the_newest_are_found_before_the_index_of_words_holds_them_and_after() {
    let desk = desk();
    desk.add_staff("li.na", Role::Agent).await;
    let cookie = desk.sign_in("li.na").await;
    let at = hours_ago(1);
    let store = &desk.state.store;
    let file = |key: &'static str, line: &'static str, description: &'static str| {
        let desk = &desk;
        let at = at.clone();
        async move {
            desk.file(key, request(Intent::Repair, line, "赵敏", description), vec![], &at).await
        }
    };
    let indexed = file("tail-1", "property", "卫生间漏水到楼下").await;
    file("tail-2", "property", "外墙渗水").await;
    store.index_words_now().await.unwrap();
    let newest = file("tail-3", "appliance", "洗衣机进水后漏水").await;
    let started = desk
        .post(
            &format!("/api/v1/staff/requests/{newest}/events"),
            &cookie,
            serde_json::json!({"kind": "status", "status": "in_progress"}),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED);
    let search = |query: &'static str| {
        let (desk, cookie) = (&desk, cookie.clone());
        async move {
            let (refs, body) = list(desk, &cookie, query).await;
            let counts = &body["counts"];
            (
                refs,
                counts["received"].as_i64(),
                counts["in_progress"].as_i64(),
                body["total"].as_i64(),
            )
        }
    };
    let both = vec![indexed.clone(), newest.clone()];
    let leak = "?q=%E6%BC%8F%E6%B0%B4";
    let expected = (both.clone(), Some(1), Some(1), Some(2));
    let before = (search(leak).await, search("?q=%E6%BC%8F%E6%B0%B4&product_line=appliance").await);
    assert_eq!(before.0, expected, "one from the index, the newest by its text");
    assert_eq!(before.1, (vec![newest.clone()], Some(0), Some(1), Some(1)));
    // (SQLite's writer may have indexed it already, when it had nothing else to do.)
    store.index_words_now().await.unwrap();
    assert_eq!(store.index_words_now().await.unwrap(), 0, "all of them are in the index now");
    let after = (search(leak).await, search("?q=%E6%BC%8F%E6%B0%B4&product_line=appliance").await);
    assert_eq!(after, before, "the same through the index");
}

#[tokio::test]
async fn an_unanswered_request_escalates_at_its_time_and_stays_until_answered() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let mut complaint = request(Intent::Complaint, "property", "李娜", "物业不回电话");
    complaint.category = Some(shouhou_core::Category::Service);
    // Filed 13 hours ago, 24 to reply: a complaint escalates at 12 hours, half its promise.
    let late_complaint = desk.file("esc-1", complaint, vec![], &hours_ago(13)).await;
    // A repair filed as long ago is 11 hours from its promise.
    let repair = desk
        .file(
            "esc-2",
            request(Intent::Repair, "inverter", "王建国", "报警"),
            vec![],
            &hours_ago(13),
        )
        .await;
    let flags = |body: &Value, reference: &str| {
        let row = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reference"] == reference)
            .unwrap()
            .clone();
        (row["escalated"].as_bool().unwrap(), row["escalated_at"].is_string())
    };
    let (order, body) = list(&desk, &cookie, "").await;
    assert_eq!(order, [late_complaint.clone(), repair.clone()], "the escalated first");
    assert_eq!(flags(&body, &late_complaint), (true, true));
    assert_eq!(flags(&body, &repair), (false, false));
    assert_eq!(list(&desk, &cookie, "?escalated=true").await.0, [late_complaint.as_str()]);
    assert_eq!(list(&desk, &cookie, "?escalated=true").await.1["counts"]["received"], 1);

    // A note is not an answer, nor a new promise: it stays escalated.
    let note = EventRequest::Note { text: "稍后回电".into() };
    desk.event(&late_complaint, note, Some("li.na"), &hours_ago(0)).await;
    let later =
        EventRequest::ReplyBy { at: (chrono::Local::now() + Duration::hours(48)).to_rfc3339() };
    desk.event(&late_complaint, later, Some("li.na"), &hours_ago(0)).await;
    let detail =
        desk.get(&format!("/api/v1/staff/requests/{late_complaint}"), &cookie).await.json();
    assert_eq!(detail["escalated"], true);

    // A reply the customer sees is: no longer escalated, and counted in the figures.
    let reply = EventRequest::Reply { text: "抱歉，今天下午回电".into() };
    desk.event(&late_complaint, reply, Some("li.na"), &hours_ago(0)).await;
    let (_, body) = list(&desk, &cookie, "").await;
    assert_eq!(flags(&body, &late_complaint), (false, false));
    assert!(list(&desk, &cookie, "?escalated=true").await.0.is_empty());
    let today = chrono::Local::now().date_naive();
    let figures = desk
        .get(
            &format!("/api/v1/staff/figures?from={}&to={today}", today - Duration::days(2)),
            &cookie,
        )
        .await
        .json();
    assert_eq!(figures["escalations"], 1, "{figures}");
}

#[tokio::test]
async fn a_customers_message_is_no_answer_from_the_team() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    let reference = desk
        .file(
            "esc-msg",
            request(Intent::Repair, "inverter", "王建国", "报警"),
            vec![],
            &hours_ago(30),
        )
        .await;
    // Waiting for the customer without anything said to them, then their message.
    let waiting = EventRequest::Status { status: Status::InProgress };
    desk.state.store.add_event(&reference, waiting, None, &hours_ago(29)).await.unwrap();
    let waiting = EventRequest::Status { status: Status::WaitingCustomer };
    desk.state.store.add_event(&reference, waiting, None, &hours_ago(28)).await.unwrap();
    let message = CustomerPost {
        idempotency_key: "esc-msg-1".into(),
        submitted_json: "{}".into(),
        post: Post::Message { text: "型号 KX-200".into(), photos: Vec::new() },
        now: hours_ago(1),
    };
    desk.state.store.customer_post(&reference, |_| true, message).await.unwrap();
    let (_, body) = list(&desk, &cookie, "").await;
    assert_eq!(body["requests"][0]["escalated"], true, "{body}");
}

#[tokio::test]
async fn the_owed_are_listed_by_their_promise_whatever_their_status_across_pages() {
    let desk = desk();
    desk.add_staff("li.na", Role::Lead).await;
    let cookie = desk.sign_in("li.na").await;
    // 130 repairs filed an hour ago, every other one in progress, promised an hour apart in the
    // order filed: received and in progress alternate by their promise, over two pages.
    let now = chrono::Local::now();
    let mut filed = Vec::new();
    for i in 0..130i64 {
        let repair = request(Intent::Repair, "inverter", "王建国", "变频器报警");
        let reference = desk.file(&format!("owed-{i}"), repair, vec![], &hours_ago(1)).await;
        if i % 2 == 1 {
            let started = EventRequest::Status { status: Status::InProgress };
            desk.event(&reference, started, Some("li.na"), &hours_ago(0)).await;
        }
        let promise = EventRequest::ReplyBy { at: (now + Duration::hours(2 + i)).to_rfc3339() };
        desk.event(&reference, promise, Some("li.na"), &hours_ago(0)).await;
        filed.push(reference);
    }
    let (first, body) = list(&desk, &cookie, "").await;
    assert_eq!(body["counts"]["in_progress"], 65, "{}", body["counts"]);
    let next = body["next"].as_str().expect("a second page").to_string();
    let (second, body) = list(&desk, &cookie, &format!("?after={}", encode(&next))).await;
    assert!(body["next"].is_null(), "{}", body["next"]);
    assert_eq!([first, second].concat(), filed, "by their promise, whatever their status");
}
