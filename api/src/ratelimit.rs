//! Per-client token buckets, keyed by IP. Behind a trusted proxy the client is the right-most
//! `X-Forwarded-For` address that is not itself a trusted proxy.

use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

pub struct Limiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(per_s: u32, burst: u32) -> Limiter {
        Limiter {
            rate: f64::from(per_s),
            burst: f64::from(burst),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` if `ip` may make a request now, else the seconds to wait.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 100_000 {
            let burst = self.burst;
            let rate = self.rate;
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = b.entry(bucket_of(ip)).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

/// An allowance per client and per hour, in `N` measures at once (issue 16, items 2 and 8): each
/// client — an IPv4 address or an IPv6 /64 ([`bucket_of`]) — starts with `per_hour[i]` of measure `i`,
/// refilled evenly over the hour. A request that needs more than is left of any measure is refused
/// with the seconds until enough has refilled. An allowance of 0 is no limit on that measure.
///
/// Used for wrong receipt verification codes ([`Failures`], one measure: codes) and anonymous uploads
/// ([`UploadQuota`], two: documents and bytes).
pub struct Hourly<const N: usize> {
    per_hour: [f64; N],
    buckets: Mutex<HashMap<IpAddr, ([f64; N], Instant)>>,
}

impl<const N: usize> Hourly<N> {
    pub fn with(per_hour: [u64; N]) -> Hourly<N> {
        Hourly {
            per_hour: per_hour.map(|p| if p == 0 { f64::INFINITY } else { p as f64 }),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Refills `b` up to `now` and gives what is left.
    fn level(&self, b: &mut ([f64; N], Instant), now: Instant) -> [f64; N] {
        let hours = now.duration_since(b.1).as_secs_f64() / 3600.0;
        for (left, cap) in b.0.iter_mut().zip(self.per_hour) {
            *left = (*left + hours * cap).min(cap);
        }
        b.1 = now;
        b.0
    }

    /// `Err(seconds to wait)` when `left` holds less than `need` of some measure (a need larger than
    /// the whole allowance counts as the whole allowance, so it can pass after a quiet hour).
    fn short(&self, left: [f64; N], need: [f64; N]) -> Result<(), u64> {
        let mut wait = 0.0f64;
        for ((left, need), cap) in left.into_iter().zip(need).zip(self.per_hour) {
            let need = need.min(cap);
            if left < need {
                wait = wait.max((need - left) * 3600.0 / cap);
            }
        }
        if wait > 0.0 {
            Err(wait.ceil().max(1.0) as u64)
        } else {
            Ok(())
        }
    }

    /// Whether `ip` has `need` left now, without taking it.
    pub fn check_for(&self, ip: IpAddr, need: [f64; N], now: Instant) -> Result<(), u64> {
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let Some(b) = m.get_mut(&bucket_of(ip)) else {
            return self.short(self.per_hour, need);
        };
        let left = self.level(b, now);
        self.short(left, need)
    }

    /// Takes `amount` from `ip`'s allowance if all of it is there (else nothing, and the seconds to
    /// wait): checked and taken under one lock, so concurrent requests cannot both spend the last of it.
    pub fn take(&self, ip: IpAddr, amount: [f64; N], now: Instant) -> Result<(), u64> {
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        self.forget_full(&mut m, now);
        let b = m.entry(bucket_of(ip)).or_insert((self.per_hour, now));
        let left = self.level(b, now);
        self.short(left, amount)?;
        for (l, a) in b.0.iter_mut().zip(amount) {
            *l = (*l - a).max(0.0);
        }
        Ok(())
    }

    /// Charges `amount` to `ip` whatever is left (down to nothing).
    pub fn charge_for(&self, ip: IpAddr, amount: [f64; N], now: Instant) {
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        self.forget_full(&mut m, now);
        let b = m.entry(bucket_of(ip)).or_insert((self.per_hour, now));
        self.level(b, now);
        for (l, a) in b.0.iter_mut().zip(amount) {
            *l = (*l - a).max(0.0);
        }
    }

    /// Gives `amount` back to `ip` (what it was charged for something that then did not happen).
    pub fn refund(&self, ip: IpAddr, amount: [f64; N], now: Instant) {
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = m.get_mut(&bucket_of(ip)) {
            self.level(b, now);
            for ((l, a), cap) in b.0.iter_mut().zip(amount).zip(self.per_hour) {
                *l = (*l + a).min(cap);
            }
        }
    }

    /// Past 100,000 clients, those whose allowance has refilled are forgotten (they start full anyway).
    fn forget_full(&self, m: &mut HashMap<IpAddr, ([f64; N], Instant)>, now: Instant) {
        if m.len() > 100_000 {
            m.retain(|_, b| {
                let hours = now.duration_since(b.1).as_secs_f64() / 3600.0;
                b.0.iter()
                    .zip(self.per_hour)
                    .any(|(l, cap)| l + hours * cap < cap)
            });
        }
    }
}

/// Wrong verification codes (issue 16, item 2): each client (an IPv4 address or an IPv6 /64) may get
/// `per_hour` wrong, refilled evenly over the hour; past that every code it sends is refused (429)
/// until the bucket refills — right or wrong, so guessing gains nothing from the answers. Always on,
/// unlike the general limiter; a wrong code also costs a token of that one when it is on.
pub type Failures = Hourly<1>;

impl Hourly<1> {
    pub fn new(per_hour: u32) -> Failures {
        Hourly::with([u64::from(per_hour.max(1))])
    }

    /// `Err(seconds to wait)` when `ip` has no wrong code left.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        self.check_for(ip, [1.0], now)
    }

    /// Counts one wrong code of `ip`.
    pub fn charge(&self, ip: IpAddr, now: Instant) {
        self.charge_for(ip, [1.0], now)
    }
}

/// Anonymous uploads (issue 16, item 8): documents and bytes per client per hour (`--uploads-per-hour`,
/// `--upload-mb-per-hour`). An applicant's whole filing is at most ~20 documents.
pub type UploadQuota = Hourly<2>;

/// The client of a request as the limiters count it (see [`client_ip`]).
pub fn client_of(
    s: &AppState,
    headers: &axum::http::HeaderMap,
    ext: &axum::http::Extensions,
) -> IpAddr {
    let peer = ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let xff = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    client_ip(peer, xff, &s.cfg.trusted_proxies)
}

/// The bucket of a client: its IPv4 address, or its IPv6 /64 (issue 16, item 2) — one subscriber line
/// is given a whole /64 and can pick a new address from it for every request, so per-address limits
/// would not limit it at all. An IPv4-mapped IPv6 address counts as the IPv4 address.
pub fn bucket_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !0u128 << 64).into()),
        },
    }
}

/// The client's address, believing `X-Forwarded-For` only from trusted proxies.
pub fn client_ip(peer: IpAddr, xff: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(xff) = xff else { return peer };
    for hop in xff.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

pub async fn middleware(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(l) = &s.limiter {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let xff = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let ip = client_ip(peer, xff, &s.cfg.trusted_proxies);
        if let Err(retry_after_s) = l.check(ip, Instant::now()) {
            return ApiError::TooManyRequests { retry_after_s }.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let l = Limiter::new(1, 1);
        let t = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1234:5678:9abc".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(l.check(a, t).is_ok());
        assert!(l.check(b, t).is_err(), "same /64: same bucket");
        assert!(l.check(other, t).is_ok(), "another /64");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(bucket_of(mapped), "203.0.113.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn wrong_codes_are_counted_per_client_and_per_64() {
        let f = Failures::new(2);
        let t = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2::2".parse().unwrap();
        assert!(f.check(a, t).is_ok());
        f.charge(a, t);
        assert!(f.check(b, t).is_ok(), "one wrong code of two");
        f.charge(b, t);
        assert_eq!(f.check(a, t), Err(1800), "the /64 has none left");
        assert!(f.check(IpAddr::from([10, 0, 0, 1]), t).is_ok());
        assert!(
            f.check(a, t + std::time::Duration::from_secs(1800)).is_ok(),
            "refilled"
        );
    }

    #[test]
    fn uploads_are_counted_in_documents_and_bytes_taken_all_or_nothing() {
        let q = UploadQuota::with([3, 1000]);
        let t = Instant::now();
        let a: IpAddr = "2001:db8:5::1".parse().unwrap();
        let same64: IpAddr = "2001:db8:5::ffff".parse().unwrap();
        assert!(q.take(a, [1.0, 600.0], t).is_ok());
        // 400 bytes left: 500 more waits until 100 have refilled (100 of 1000 per hour: 360 s).
        assert_eq!(q.check_for(same64, [1.0, 500.0], t), Err(360));
        assert_eq!(q.take(same64, [1.0, 500.0], t), Err(360));
        // The refused request took nothing: two documents of 200 still fit.
        assert!(q.take(same64, [1.0, 200.0], t).is_ok());
        assert!(q.take(a, [1.0, 200.0], t).is_ok());
        // Three documents: the count is spent (one per 20 minutes comes back).
        assert_eq!(q.take(a, [1.0, 0.0], t), Err(1200));
        assert!(
            q.take(IpAddr::from([192, 0, 2, 1]), [1.0, 1000.0], t)
                .is_ok()
        );
        q.refund(a, [1.0, 200.0], t);
        assert!(q.take(a, [1.0, 200.0], t).is_ok(), "refunded");
        // 0 is no limit on that measure.
        let unlimited = UploadQuota::with([0, 0]);
        for _ in 0..1000 {
            assert!(unlimited.take(a, [1.0, 1e7], t).is_ok());
        }
    }

    #[test]
    fn buckets_refill_at_the_rate() {
        let l = Limiter::new(1, 2);
        let ip = IpAddr::from([10, 0, 0, 1]);
        let t = Instant::now();
        assert!(l.check(ip, t).is_ok());
        assert!(l.check(ip, t).is_ok());
        assert_eq!(l.check(ip, t), Err(1));
        assert!(l.check(IpAddr::from([10, 0, 0, 2]), t).is_ok());
        assert!(l.check(ip, t + std::time::Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            client_ip(proxy, Some("198.51.100.1, 203.0.113.9"), &[proxy]),
            client
        );
        assert_eq!(client_ip(client, Some("198.51.100.1"), &[proxy]), client);
        assert_eq!(client_ip(proxy, None, &[proxy]), proxy);
    }
}
