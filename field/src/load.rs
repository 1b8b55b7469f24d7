//! What a screen shows: from the server when there is signal (and kept on the tablet at
//! once), else what the tablet kept, with when it was saved.

use serde::de::DeserializeOwned;
use shouhou_core::desk::{RequestDetail, VisitRow};
use shouhou_core::CivilDate;
use shouhou_web::http::{read_maps, HttpError};

use crate::api;
use crate::keep::Keep;
use crate::plan::{site_today, span};

/// Something shown, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub data: T,
    /// When it was fetched (Unix milliseconds).
    pub saved_at_ms: u64,
    /// From the server just now; `false`: from the tablet, with no signal.
    pub fresh: bool,
}

/// Why there is nothing to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The session is gone: the sign-in shows.
    SignedOut,
    /// No signal, and nothing kept.
    NothingKept,
    /// The server refused or sent what cannot be read (the message key).
    Failed(String),
}

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Today on the site's calendar, in the offset of `written` (a time the server wrote: its
/// own), else the configuration's: the visits asked for and listed, the report's date checks.
pub fn today(written: Option<&str>) -> CivilDate {
    site_today(now_ms() as i64, written, crate::time::offset())
}

async fn fetched_or_kept<T: DeserializeOwned>(
    fetched: Result<String, HttpError>,
    keep: Option<&Keep>,
    store: impl AsyncFnOnce(&Keep, &str, u64),
    kept: impl AsyncFnOnce(&Keep) -> Option<crate::keep::Kept<T>>,
) -> Result<Loaded<T>, Failure> {
    match fetched {
        Ok(raw) => {
            let data = read_maps(&raw).map_err(|_| Failure::Failed("error.generic".into()))?;
            let saved_at_ms = now_ms();
            if let Some(keep) = keep {
                store(keep, &raw, saved_at_ms).await;
            }
            Ok(Loaded { data, saved_at_ms, fresh: true })
        }
        Err(HttpError::Refused(refusal)) if refusal.status == 401 => Err(Failure::SignedOut),
        Err(HttpError::Offline) => match keep {
            Some(keep) => kept(keep)
                .await
                .map(|kept| Loaded { data: kept.data, saved_at_ms: kept.saved_at_ms, fresh: false })
                .ok_or(Failure::NothingKept),
            None => Err(Failure::NothingKept),
        },
        Err(HttpError::Refused(refusal)) if refusal.status == 404 => {
            Err(Failure::Failed("error.not_found".into()))
        }
        Err(_) => Err(Failure::Failed("error.generic".into())),
    }
}

/// The engineer's visits of the days [`span`] names (a week back, two weeks ahead).
pub async fn visits(keep: Option<&Keep>) -> Result<Loaded<Vec<VisitRow>>, Failure> {
    let (from, to) = span(today(None));
    let loaded: Result<Loaded<Vec<VisitRow>>, Failure> = fetched_or_kept(
        api::visits(&from, &to).await,
        keep,
        async |keep: &Keep, raw: &str, at: u64| {
            let _ = keep.keep_visits(raw, at).await;
        },
        async |keep: &Keep| keep.visits().await,
    )
    .await;
    if let (Ok(fresh), Some(keep)) = (&loaded, keep) {
        if fresh.fresh {
            keep.forget_sent(&fresh.data).await;
        }
    }
    loaded
}

/// A request's details.
pub async fn request(
    keep: Option<&Keep>,
    reference: &str,
) -> Result<Loaded<RequestDetail>, Failure> {
    fetched_or_kept(
        api::request(reference).await,
        keep,
        async |keep: &Keep, raw: &str, at: u64| {
            let _ = keep.keep_request(reference, raw, at).await;
        },
        async |keep: &Keep| keep.request(reference).await,
    )
    .await
}

/// Fetches and keeps the details of every listed visit's request, and its photos (the
/// service worker keeps those), so a visit never opened is there offline too; answers how
/// many were kept.
pub async fn keep_details(keep: &Keep, visits: &[VisitRow]) -> usize {
    let mut kept = 0;
    let mut seen: Vec<&str> = Vec::new();
    for visit in visits {
        if seen.contains(&visit.reference.as_str()) {
            continue;
        }
        seen.push(&visit.reference);
        let Ok(raw) = api::request(&visit.reference).await else { continue };
        let Ok(detail) = read_maps::<RequestDetail>(&raw) else { continue };
        // A sign-out while this runs forgets what was kept: nothing is kept after it.
        let signed_out = || crate::keep::remembered().is_none();
        if signed_out() {
            return kept;
        }
        if keep.keep_request(&visit.reference, &raw, now_ms()).await.is_ok() {
            kept += 1;
            for photo in &detail.request.photos {
                if signed_out() {
                    return kept;
                }
                let _ = api::keep_photo(&api::photo_url(&visit.reference, &photo.id)).await;
            }
        }
    }
    kept
}
