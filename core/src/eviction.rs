//! Whether to tell the customer that the browser may clear what they saved. Drafts are saved
//! either way; the notice is for when it matters — not on every first visit, where it only
//! alarms. It matters when there is something to lose, the browser has not agreed to keep
//! this site's data, and one of these holds: a draft or unsent request has waited more than
//! a day, storage is nearly full, or the browser is one known to clear site data on its own
//! (Safari and every iOS browser, after days without a visit).

/// One day: a draft older than this is worth keeping safe.
pub const OLD_DRAFT_MS: u64 = 86_400_000;

/// Storage this full (of the browser's quota for the site) is near eviction.
pub const NEAR_QUOTA_PERCENT: u64 = 80;

/// What the app knows about the risk, gathered at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StorageRisk {
    /// The browser agreed to keep this site's storage (`navigator.storage.persisted()`).
    pub persisted: bool,
    /// When the oldest draft with something in it, or unsent request, was created; `None`
    /// when there is nothing to lose.
    pub oldest_ms: Option<u64>,
    pub now_ms: u64,
    /// `navigator.storage.estimate()`, when the browser answers.
    pub usage_bytes: Option<u64>,
    pub quota_bytes: Option<u64>,
    /// A browser known to clear site data by itself ([`is_evicting_browser`]).
    pub evicting_browser: bool,
}

impl StorageRisk {
    /// Whether the "storage may be cleared" notice is shown.
    pub fn warn(&self) -> bool {
        let Some(oldest) = self.oldest_ms else { return false };
        if self.persisted {
            return false;
        }
        let old = self.now_ms.saturating_sub(oldest) > OLD_DRAFT_MS;
        let near_quota = match (self.usage_bytes, self.quota_bytes) {
            (Some(usage), Some(quota)) if quota > 0 => {
                usage.saturating_mul(100) >= quota.saturating_mul(NEAR_QUOTA_PERCENT)
            }
            _ => false,
        };
        old || near_quota || self.evicting_browser
    }
}

/// WebKit's tracking prevention clears a site's storage after seven days without a visit:
/// Safari, and every browser on iOS and iPadOS (all of them are WebKit there).
pub fn is_evicting_browser(user_agent: &str) -> bool {
    let ios = ["iPhone", "iPad", "iPod"].iter().any(|device| user_agent.contains(device));
    let safari = user_agent.contains("Safari/")
        && !["Chrome/", "Chromium/", "Edg/", "OPR/", "Android"]
            .iter()
            .any(|other| user_agent.contains(other));
    ios || safari
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_230_400_000;

    fn risk() -> StorageRisk {
        StorageRisk { oldest_ms: Some(NOW - 60_000), now_ms: NOW, ..Default::default() }
    }

    #[test]
    fn a_first_visit_is_not_warned() {
        assert!(!risk().warn(), "a fresh draft, refused persistence, nothing else");
        assert!(!StorageRisk { oldest_ms: None, evicting_browser: true, ..risk() }.warn());
    }

    #[test]
    fn each_reason_alone_warns_unless_storage_is_persistent() {
        let old = StorageRisk { oldest_ms: Some(NOW - OLD_DRAFT_MS - 1), ..risk() };
        let full = StorageRisk { usage_bytes: Some(85), quota_bytes: Some(100), ..risk() };
        let safari = StorageRisk { evicting_browser: true, ..risk() };
        for reason in [old, full, safari] {
            assert!(reason.warn(), "{reason:?}");
            assert!(!StorageRisk { persisted: true, ..reason }.warn());
        }
        assert!(!StorageRisk { usage_bytes: Some(79), quota_bytes: Some(100), ..risk() }.warn());
        assert!(!StorageRisk { usage_bytes: Some(5), quota_bytes: Some(0), ..risk() }.warn());
    }

    #[test]
    fn safari_and_ios_are_known_to_evict() {
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        let ios_chrome = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1";
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert!(is_evicting_browser(safari) && is_evicting_browser(ios_chrome));
        assert!(!is_evicting_browser(chrome) && !is_evicting_browser(android));
        assert!(!is_evicting_browser(firefox));
    }
}
