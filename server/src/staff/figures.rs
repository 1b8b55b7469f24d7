//! `/api/v1/staff/figures` and `/api/v1/staff/export.csv`: what a lead reports upwards,
//! for a period of days. Leads only (403 for an agent). The answer's shape, the targets and
//! the arithmetic are core's ([`shouhou_core::desk`]); the counting is the store's.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shouhou_core::config::FollowUpSettings;
use shouhou_core::csv::cell as csv_cell;
use shouhou_core::desk::{
    self, median_of_counts, Figures, FollowUpCounts, MonthRepairs, SatisfactionCounts,
    TimelinessCounts, TARGETS,
};
use shouhou_core::{Intent, Lang};

use crate::http::error::{caller_lang, ApiError};
use crate::http::query::bad_query;
use crate::http::session::Staff;
use crate::state::AppState;
use crate::store::audit::Action;
use crate::store::report::{self, EXPORT_COLUMNS};
use crate::store::StoreError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// The first day, `YYYY-MM-DD`.
    #[param(format = Date)]
    from: String,
    /// The last day, `YYYY-MM-DD`, not before `from`.
    #[param(format = Date)]
    to: String,
}

/// Checks `from` and `to` (`YYYY-MM-DD`, from ≤ to) and returns them as given.
fn period(query: Result<Query<Period>, QueryRejection>) -> Result<(String, String), ApiError> {
    let Query(Period { from, to }) = query.map_err(bad_query)?;
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    match (day(&from), day(&to)) {
        (Some(start), Some(end)) if start <= end && from.len() == 10 && to.len() == 10 => {
            Ok((from, to))
        }
        _ => Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
            .with_arg("detail", "from and to are days, YYYY-MM-DD, from not after to")),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/figures",
    tag = "staff",
    description = "The period's rates against the targets, and the counts behind them. Leads only.",
    security(("staff_session" = [])),
    params(Period),
    responses(
        (status = 200, description = "The figures.", body = shouhou_core::desk::Figures),
        crate::http::docs::LeadsPeriod,
    )
)]
pub async fn figures(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<Period>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let (from, to) = period(query)?;
        let now = chrono::Utc::now().timestamp();
        let counts = state.store.counts(&from, &to, now).await.map_err(ApiError::from)?;
        let figures = answer(&from, &to, &counts, &state.config.follow_up);
        Ok::<_, ApiError>(Json(figures).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// Of the resolved requests counted by intent and warranty, those the follow-up rate is
/// measured on.
fn counted(by: &std::collections::BTreeMap<String, i64>, settings: &FollowUpSettings) -> i64 {
    let measured = |key: &str| {
        let (intent, warranty) = key.split_once('|').unwrap_or((key, ""));
        Intent::parse(intent)
            .is_some_and(|intent| settings.counts(intent, warranty == "in_warranty"))
    };
    by.iter().filter(|(key, _)| measured(key)).map(|(_, n)| n).sum()
}

fn answer(from: &str, to: &str, counts: &report::Counts, settings: &FollowUpSettings) -> Figures {
    let ratings = counts.customer_ratings.iter().chain(&counts.follow_up_ratings);
    let satisfied =
        ratings.clone().filter(|(score, _)| desk::satisfied(**score)).map(|(_, n)| n).sum();
    let from_customers: i64 = counts.customer_ratings.values().sum();
    let from_follow_ups: i64 = counts.follow_up_ratings.values().sum();
    let rated = from_customers + from_follow_ups;
    let counted_follow_up = FollowUpCounts {
        resolved: counted(&counts.resolved_by, settings),
        followed_up: counted(&counts.followed_up_by, settings),
    };
    let follow_up = FollowUpCounts { resolved: counts.resolved, followed_up: counts.followed_up };
    let satisfaction =
        SatisfactionCounts { ratings: rated, satisfied, from_customers, from_follow_ups };
    let timeliness = TimelinessCounts { due: counts.due, on_time: counts.answered_on_time };
    let repairs_by_month: Vec<MonthRepairs> = counts
        .repairs_by_month
        .iter()
        .map(|(month, &(in_warranty, out_of_warranty))| MonthRepairs {
            month: month.clone(),
            in_warranty,
            out_of_warranty,
        })
        .collect();
    Figures {
        from: from.to_string(),
        to: to.to_string(),
        targets: TARGETS,
        follow_up_rate: follow_up.rate(),
        satisfaction_rate: satisfaction.rate(),
        timeliness_rate: timeliness.rate(),
        follow_up,
        counted_follow_up_rate: counted_follow_up.rate(),
        counted_follow_up,
        satisfaction,
        timeliness,
        requests: counts.requests,
        deflections: counts.deflections,
        in_warranty_repairs: repairs_by_month.iter().map(|m| m.in_warranty).sum(),
        out_of_warranty_repairs: repairs_by_month.iter().map(|m| m.out_of_warranty).sum(),
        repairs_by_month,
        by_intent: counts.by_intent.clone(),
        by_category: counts.by_category.clone(),
        by_product_line: counts.by_product_line.clone(),
        median_hours_to_resolve: median_of_counts(&counts.hours_to_resolve),
        escalations: counts.escalations,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/quality",
    tag = "staff",
    description = "The quality report of the requests filed in the period: requests, repairs and repeat repairs (a repair of a unit repaired within 90 days before) by model, resolved requests by fault cause, the parts used most, and repairs by month per model. Leads only.",
    security(("staff_session" = [])),
    params(Period),
    responses(
        (status = 200, description = "The report.", body = shouhou_core::quality::QualityReport),
        crate::http::docs::LeadsPeriod,
    )
)]
pub async fn quality(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<Period>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let (from, to) = period(query)?;
        let report = state.store.quality(&from, &to).await?;
        Ok::<_, ApiError>(Json(report).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/quality.csv",
    tag = "staff",
    description = "The quality report as a CSV for Excel (UTF-8 with a byte-order mark, every cell quoted): one section per table, each with its header. Leads only.",
    security(("staff_session" = [])),
    params(Period),
    responses(
        (status = 200, description = "The CSV.", content_type = "text/csv", body = String),
        crate::http::docs::LeadsPeriod,
    )
)]
pub async fn quality_csv(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<Period>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let (from, to) = period(query)?;
        let report = state.store.quality(&from, &to).await?;
        let disposition = format!("attachment; filename=\"quality-{from}-{to}.csv\"");
        let mut response = shouhou_core::quality::report_csv(&report).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok::<_, ApiError>(response)
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// The header row in the caller's language: Chinese-locale Excel is where this is opened.
fn column_title(column: &str, lang: Lang) -> &str {
    if lang == Lang::En {
        return column;
    }
    match column {
        "reference" => "编号",
        "created_at" => "提交时间",
        "status" => "状态",
        "intent" => "诉求",
        "product_line" => "产品线",
        "category" => "投诉分类",
        "priority" => "优先级",
        "warranty" => "保修状态",
        "full_name" => "姓名",
        "company" => "单位",
        "phone" => "电话",
        "email" => "邮箱",
        "address" => "地址",
        "model" => "型号",
        "serial_number" => "序列号",
        "purchase_date" => "购买日期",
        "order_number" => "订单号",
        "description" => "问题描述",
        "reply_by" => "答复期限",
        "assigned_to" => "负责人",
        "satisfaction" => "满意度",
        other => other,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/export.csv",
    tag = "staff",
    description = "The period's requests as CSV (UTF-8 with a byte-order mark, for Excel), the header row in \
        the caller's language. Leads only.",
    security(("staff_session" = [])),
    params(Period),
    responses(
        (status = 200, description = "The CSV file.", content_type = "text/csv", body = String),
        crate::http::docs::LeadsPeriod,
    )
)]
pub async fn export_csv(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<Period>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let (from, to) = period(query)?;
        let lang = caller_lang(&headers);
        tracing::info!(login = %staff.session.login, %from, %to, "export");
        let period = format!("{from}..{to}");
        state
            .store
            .record_access(
                &staff.session.login,
                Action::Export,
                &period,
                "the requests filed (CSV)",
            )
            .await?;
        let disposition = format!("attachment; filename=\"shouhou-{from}-{to}.csv\"");
        Ok::<_, ApiError>(
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition).expect("ASCII"),
                    ),
                ],
                Body::from_stream(csv_stream(state, from, to, lang)),
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// Requests read per query while an export streams: a batch is a few hundred kilobytes.
const EXPORT_BATCH: i64 = 1000;

/// The CSV file as it is produced: the byte-order mark and the titles at once, then one
/// chunk per batch of requests, each read only when the client has taken the one before. A
/// year of requests never sits in memory; a failure midway ends the download short.
fn csv_stream(
    state: Arc<AppState>,
    from: String,
    to: String,
    lang: Lang,
) -> impl futures_util::Stream<Item = Result<String, StoreError>> {
    // The byte-order mark is what makes Excel read UTF-8 rather than the locale's GBK.
    let mut head = String::from("\u{FEFF}");
    let titles: Vec<String> =
        EXPORT_COLUMNS.iter().map(|c| csv_cell(column_title(c, lang))).collect();
    head.push_str(&titles.join(","));
    head.push_str("\r\n");
    let batches = futures_util::stream::try_unfold(Some(None), move |after| {
        let (state, from, to) = (Arc::clone(&state), from.clone(), to.clone());
        async move {
            let Some(after) = after else { return Ok(None) };
            let (rows, next) = state.store.export_batch(&from, &to, after, EXPORT_BATCH).await?;
            let mut chunk = String::new();
            for row in rows {
                let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
                chunk.push_str(&cells.join(","));
                chunk.push_str("\r\n");
            }
            Ok(Some((chunk, next.map(Some))))
        }
    });
    futures_util::StreamExt::chain(futures_util::stream::once(async { Ok(head) }), batches)
}
