//! Per-client rate limits: one token bucket per client per route class.
//!
//! Every route that a stranger can call over and over (create, look-up, deflections, staff
//! sign-in, kiosk PIN, customers' messages and feedback) gets its own [`Limiter`] and the [`enforce`] middleware,
//! so one noisy client is answered `429 rate_limited` with `Retry-After` while everyone else
//! goes on. Who "the client" is comes from [`ClientAddr`]: the TCP peer, or — only when the
//! peer is a reverse proxy named with `--trust-proxy` — the address that proxy appended to
//! `X-Forwarded-For`. Anything else in that header is the caller's own claim and is ignored.
//!
//! Buckets live in memory: a restart forgives everyone, which is acceptable for limits meant
//! to stop walking and flooding, not to meter use.
//!
//! A new route class (staff sign-in, say) takes three lines: a [`Rate`] in [`Limits`] with
//! its flag, a [`Guard`] built from it, and on the route
//! `.layer(from_fn_with_state(guard, enforce))` — as `the_middleware_guards_any_route` shows.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// A sustained rate and how many calls may come at once before it applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    pub const fn new(per_minute: u32, burst: u32) -> Rate {
        Rate { per_minute, burst }
    }
}

/// `PER_MINUTE:BURST` (`30:10`) as the command line and the environment give it.
impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Rate, String> {
        let bad = || format!("{text:?}: expected PER_MINUTE:BURST, both whole numbers above 0");
        let (per_minute, burst) = text.trim().split_once(':').ok_or_else(bad)?;
        let per_minute: u32 = per_minute.trim().parse().map_err(|_| bad())?;
        let burst: u32 = burst.trim().parse().map_err(|_| bad())?;
        if per_minute == 0 || burst == 0 {
            return Err(bad());
        }
        Ok(Rate { per_minute, burst })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.per_minute, self.burst)
    }
}

/// The limits the server applies, one per route class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub create: Rate,
    pub lookup: Rate,
    pub deflection: Rate,
    /// CSP violation reports: a page breaking the policy reports each load, no more.
    pub report: Rate,
    /// Staff sign-ins: every attempt takes a token before its password is hashed, and a
    /// success gives it back ([`Limiter::refund`]), so only failures count.
    pub sign_in: Rate,
    /// Kiosk PIN attempts: staff get it right in a try or two; guessing stops at once.
    pub kiosk_pin: Rate,
    /// Customers' messages from the status page.
    pub message: Rate,
    /// Customers' ratings.
    pub feedback: Rate,
}

impl Default for Limits {
    /// A customer sends a request or two and looks one up a few times; a kiosk behind one
    /// address sends a few an hour. Look-ups are the tightest: with a phone number known,
    /// they are what someone walking references would use.
    fn default() -> Limits {
        Limits {
            create: Rate::new(20, 20),
            lookup: Rate::new(30, 10),
            deflection: Rate::new(30, 20),
            report: Rate::new(60, 30),
            sign_in: Rate::new(6, 5),
            kiosk_pin: Rate::new(5, 5),
            // A customer answers a question or rates once or twice; an outbox coming back
            // online sends its few at once. Each call also tries a contact against a
            // reference, like a look-up, so each is charged to the look-ups as well
            // (routes.rs) and these stay as tight as look-ups or tighter.
            message: Rate::new(10, 5),
            feedback: Rate::new(10, 5),
        }
    }
}

/// Who is calling, as far as the rate limits are concerned.
#[derive(Debug, Clone, Default)]
pub struct ClientAddr {
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

/// Whether `peer` is one of the trusted `proxies`. A server listening on `[::]` sees an IPv4
/// peer as `::ffff:a.b.c.d`: that is the proxy named `a.b.c.d`.
pub(crate) fn is_trusted(proxies: &[IpAddr], peer: IpAddr) -> bool {
    let peer = peer.to_canonical();
    proxies.iter().any(|proxy| proxy.to_canonical() == peer)
}

impl ClientAddr {
    /// The peer's address, or the last `X-Forwarded-For` hop when the peer is a trusted
    /// proxy: the hop that proxy wrote itself; the ones before it are whatever the caller sent.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !is_trusted(&self.trusted_proxies, peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|hop| hop_address(hop.trim()))
            .unwrap_or(peer)
    }
}

/// An `X-Forwarded-For` hop: an address, or (as some proxies write it) an address and port.
fn hop_address(hop: &str) -> Option<IpAddr> {
    hop.parse().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// The key a client's bucket is kept under. An IPv6 user usually holds a whole /64, so
/// that is one client; otherwise changing the last bits would be a fresh allowance.
pub(crate) fn client_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets kept before idle, full ones are forgotten: bounds memory under a flood of
/// addresses without ever forgetting a client that is still being held back.
const SWEEP_ABOVE: usize = 100_000;

/// At most one sweep this often: a sweep walks every bucket, and a flood of still-active
/// addresses must not make every call pay for one.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

struct Buckets {
    by_client: HashMap<IpAddr, Bucket>,
    swept_at: Option<Instant>,
}

/// One route class's buckets.
pub struct Limiter {
    /// Named in the logs, so an operator sees which limit bit.
    pub class: &'static str,
    rate: Rate,
    buckets: Mutex<Buckets>,
}

impl Limiter {
    pub fn new(class: &'static str, rate: Rate) -> Limiter {
        let buckets = Buckets { by_client: HashMap::new(), swept_at: None };
        Limiter { class, rate, buckets: Mutex::new(buckets) }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Takes one token for `client`, or says how long until one is there.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        self.check_at(client, Instant::now())
    }

    pub fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let per_second = f64::from(self.rate.per_minute) / 60.0;
        let capacity = f64::from(self.rate.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let due =
            buckets.swept_at.is_none_or(|at| now.saturating_duration_since(at) >= SWEEP_EVERY);
        if buckets.by_client.len() > SWEEP_ABOVE && due {
            buckets.by_client.retain(|_, bucket| {
                bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * per_second
                    < capacity
            });
            buckets.swept_at = Some(now);
        }
        let bucket = buckets
            .by_client
            .entry(client_key(client))
            .or_insert(Bucket { tokens: capacity, at: now });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

impl Limiter {
    /// Gives back the token a call took ([`Limiter::check`]): for a route that charges every
    /// attempt before its costly work, so parallel attempts cannot all pass one look at the
    /// bucket, and then forgives the outcomes that must cost nothing (a sign-in that
    /// succeeded, an attempt the server was too busy to judge).
    pub fn refund(&self, client: IpAddr) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bucket) = buckets.by_client.get_mut(&client_key(client)) {
            bucket.tokens = (bucket.tokens + 1.0).min(f64::from(self.rate.burst));
        }
    }
}

impl ClientAddr {
    /// Whether the caller reached a trusted proxy over TLS (its `X-Forwarded-Proto` says
    /// `https`): then cookies must be `Secure`. From anyone else the header is a claim.
    pub fn forwarded_https(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
        peer.is_some_and(|peer| is_trusted(&self.trusted_proxies, peer))
            && headers
                .get("x-forwarded-proto")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.rsplit(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }
}

/// A day's allowance of bytes per client: the photos strangers may upload (`--photo-quota-mb`).
/// A day is a UTC day; a client is what [`ClientAddr`] says, an IPv6 /64 as one. Kept in
/// memory like the rate limits, and bounded the same way.
pub struct ByteQuota {
    per_day: u64,
    used: Mutex<HashMap<IpAddr, (u64, u64)>>,
}

const DAY: u64 = 86_400;

impl ByteQuota {
    pub fn new(per_day: u64) -> ByteQuota {
        ByteQuota { per_day, used: Mutex::new(HashMap::new()) }
    }

    pub fn per_day(&self) -> u64 {
        self.per_day
    }

    /// Takes `bytes` from the client's allowance for today, or says how long until the next
    /// day's: nothing is taken then.
    pub fn charge(&self, client: IpAddr, bytes: u64) -> Result<(), Duration> {
        self.charge_at(client, bytes, unix_now())
    }

    pub fn charge_at(&self, client: IpAddr, bytes: u64, now: u64) -> Result<(), Duration> {
        let today = now / DAY;
        let mut used = self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if used.len() > SWEEP_ABOVE {
            used.retain(|_, (day, _)| *day == today);
        }
        let entry = used.entry(client_key(client)).or_insert((today, 0));
        if entry.0 != today {
            *entry = (today, 0);
        }
        if entry.1.saturating_add(bytes) > self.per_day {
            return Err(Duration::from_secs((today + 1) * DAY - now));
        }
        entry.1 += bytes;
        Ok(())
    }

    /// Gives back what a call took that stored nothing new (a retry answered as a replay).
    pub fn refund(&self, client: IpAddr, bytes: u64) {
        let mut used = self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = used.get_mut(&client_key(client)) {
            entry.1 = entry.1.saturating_sub(bytes);
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A route class's limit ([`crate::http::limit::enforce`]): its limiter and how to tell
/// clients apart.
#[derive(Clone)]
pub struct Guard {
    pub limiter: Arc<Limiter>,
    pub clients: Arc<ClientAddr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let limiter = Limiter::new("lookup", Rate::new(30, 10));
        let client = IpAddr::from([203, 0, 113, 7]);
        let start = Instant::now();
        for _ in 0..10 {
            assert!(limiter.check_at(client, start).is_ok());
        }
        let wait = limiter.check_at(client, start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(2), "30 a minute is one every 2 s");
        assert!(limiter.check_at(IpAddr::from([203, 0, 113, 8]), start).is_ok(), "per client");
        assert!(limiter.check_at(client, start + Duration::from_millis(1990)).is_err());
        assert!(limiter.check_at(client, start + Duration::from_secs(4)).is_ok());
    }

    #[test]
    fn idle_clients_are_forgotten_once_there_are_many() {
        // One token every 10 s: each client below stays held back for 10 s.
        let limiter = Limiter::new("lookup", Rate::new(6, 2));
        let count = |limiter: &Limiter| limiter.buckets.lock().unwrap().by_client.len();
        let start = Instant::now();
        for n in 0..=SWEEP_ABOVE as u32 {
            assert!(limiter.check_at(IpAddr::from(n.to_be_bytes()), start).is_ok());
        }
        let newcomer = IpAddr::from([198, 51, 100, 1]);
        assert!(limiter.check_at(newcomer, start + Duration::from_secs(1)).is_ok());
        assert_eq!(count(&limiter), SWEEP_ABOVE + 2, "a client still held back is never forgotten");
        assert!(limiter.check_at(newcomer, start + Duration::from_secs(15)).is_ok());
        assert_eq!(count(&limiter), 1, "once their buckets are full again, they are");
    }

    #[test]
    fn a_refund_gives_one_token_back_and_never_more_than_the_burst() {
        let limiter = Limiter::new("sign-in", Rate::new(6, 2));
        let client = IpAddr::from([203, 0, 113, 10]);
        let start = Instant::now();
        assert!(limiter.check_at(client, start).is_ok());
        assert!(limiter.check_at(client, start).is_ok());
        assert!(limiter.check_at(client, start).is_err(), "both tokens taken");
        limiter.refund(client);
        assert!(limiter.check_at(client, start).is_ok(), "the refunded one");
        for _ in 0..5 {
            limiter.refund(client);
        }
        assert!(limiter.check_at(client, start).is_ok());
        assert!(limiter.check_at(client, start).is_ok());
        assert!(limiter.check_at(client, start).is_err(), "refunds stop at the burst");
    }

    #[test]
    fn a_client_uploads_its_daily_bytes_and_no_more_until_the_next_day() {
        let quota = ByteQuota::new(1000);
        let client = IpAddr::from([203, 0, 113, 11]);
        let noon = 20_000 * DAY + DAY / 2;
        assert!(quota.charge_at(client, 600, noon).is_ok());
        assert_eq!(quota.charge_at(client, 500, noon), Err(Duration::from_secs(DAY / 2)));
        assert!(quota.charge_at(IpAddr::from([203, 0, 113, 12]), 1000, noon).is_ok(), "per client");
        assert!(quota.charge_at(client, 400, noon).is_ok(), "what is left");
        quota.refund(client, 400);
        assert!(quota.charge_at(client, 400, noon).is_ok(), "a refund gives it back");
        assert!(quota.charge_at(client, 1, noon).is_err());
        assert!(
            quota.charge_at(client, 1000, noon + DAY / 2).is_ok(),
            "a new day, a new allowance"
        );
        let v6: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        assert!(quota.charge_at(v6, 1000, noon).is_ok());
        assert!(quota.charge_at("2001:db8:1:2::99".parse().unwrap(), 1, noon).is_err(), "one /64");
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let clients = ClientAddr { trusted_proxies: vec![proxy] };
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(clients.forwarded_https(Some(proxy), &headers));
        assert!(!clients.forwarded_https(Some("192.0.2.1".parse().unwrap()), &headers));
        headers.insert("x-forwarded-proto", "http".parse().unwrap());
        assert!(!clients.forwarded_https(Some(proxy), &headers));
    }

    #[test]
    fn a_proxy_named_by_its_ipv4_address_is_trusted_when_seen_as_ipv4_mapped_ipv6() {
        let clients = ClientAddr { trusted_proxies: vec!["10.0.0.2".parse().unwrap()] };
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.7".parse().unwrap());
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        assert_eq!(
            clients.client(Some(mapped), &headers),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert!(is_trusted(&clients.trusted_proxies, mapped));
        assert!(!is_trusted(&clients.trusted_proxies, "::ffff:10.0.0.3".parse().unwrap()));
    }

    #[test]
    fn one_ipv6_64_is_one_client() {
        let limiter = Limiter::new("create", Rate::new(1, 1));
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let start = Instant::now();
        assert!(limiter.check_at(a, start).is_ok());
        assert!(limiter.check_at(b, start).is_err());
        assert!(limiter.check_at("2001:db8:1:3::1".parse().unwrap(), start).is_ok());
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let limits = Limits::default();
        let shown = [
            limits.create,
            limits.lookup,
            limits.deflection,
            limits.report,
            limits.sign_in,
            limits.kiosk_pin,
            limits.message,
            limits.feedback,
        ]
        .map(|r| r.to_string());
        assert_eq!(
            shown,
            ["20:20", "30:10", "30:20", "60:30", "6:5", "5:5", "10:5", "10:5"],
            "README, Security and durability"
        );
    }

    #[test]
    fn rates_parse_from_flags() {
        assert_eq!("30:10".parse(), Ok(Rate::new(30, 10)));
        for bad in ["30", "0:10", "30:0", "a:b", "30:10:1", ""] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let clients = ClientAddr { trusted_proxies: vec![proxy] };
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "1.1.1.1, 198.51.100.4".parse().unwrap());
        headers.append("x-forwarded-for", "198.51.100.9".parse().unwrap());
        assert_eq!(
            clients.client(Some(proxy), &headers),
            "198.51.100.9".parse::<IpAddr>().unwrap()
        );
        let stranger: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(clients.client(Some(stranger), &headers), stranger);
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(clients.client(Some(proxy), &headers), proxy);
        for (hop, client) in
            [("198.51.100.9:51234", "198.51.100.9"), ("[2001:db8::7]:443", "2001:db8::7")]
        {
            headers.insert("x-forwarded-for", hop.parse().unwrap());
            assert_eq!(clients.client(Some(proxy), &headers), client.parse::<IpAddr>().unwrap());
        }
    }
}
