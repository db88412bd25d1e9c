//! `GET /metrics` in the Prometheus text format, written by hand (no metrics crate): requests by route
//! (the matched path template, never the raw URL, so the number of series stays bounded) and status,
//! latency histograms by route, receipts issued, group-commit sizes, the write queue's depth, the
//! database pool and the notification outbox's lag.
//!
//! The counters are process-wide (one service per process): the store's group commit and the
//! request middleware count into the same [`METRICS`] without threading a handle through every layer.

use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::Extensions;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds (seconds) of the request latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Upper bounds of the group-commit size histogram's buckets (filings or writes per commit).
pub const GROUP_BUCKETS: [u64; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];
/// The route label of a request no route matched (404s of random URLs share one series).
pub const UNMATCHED: &str = "unmatched";

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum_s: f64,
}

/// Every counter of the process.
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, &'static str), RouteStats>>,
    receipts: AtomicU64,
    groups: [AtomicU64; GROUP_BUCKETS.len() + 1],
    group_items: AtomicU64,
    group_count: AtomicU64,
    queued: AtomicI64,
    in_flight: AtomicI64,
    /// Connections closed at accept: their client already had its cap open (`slowguard.rs`).
    refused_connections: AtomicU64,
}

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);

/// The process's counters.
pub static METRICS: Metrics = Metrics {
    routes: Mutex::new(BTreeMap::new()),
    receipts: AtomicU64::new(0),
    groups: [ZERO; GROUP_BUCKETS.len() + 1],
    group_items: AtomicU64::new(0),
    group_count: AtomicU64::new(0),
    queued: AtomicI64::new(0),
    in_flight: AtomicI64::new(0),
    refused_connections: AtomicU64::new(0),
};

/// A connection was closed at accept: its client holds `--max-connections-per-client` already.
pub fn connection_refused() {
    METRICS.refused_connections.fetch_add(1, Ordering::Relaxed);
}

/// A receipt was issued (a new filing accepted at once, or accepted by an officer).
pub fn receipt_issued() {
    METRICS.receipts.fetch_add(1, Ordering::Relaxed);
}

/// A write joined a group-commit queue (SQLite writer thread, PostgreSQL filing batcher).
pub fn queued() {
    METRICS.queued.fetch_add(1, Ordering::Relaxed);
}

/// A group of `n` queued writes was taken to be committed together.
pub fn group_commit(n: usize) {
    METRICS.queued.fetch_sub(n as i64, Ordering::Relaxed);
    let i = GROUP_BUCKETS
        .iter()
        .position(|b| n as u64 <= *b)
        .unwrap_or(GROUP_BUCKETS.len());
    METRICS.groups[i].fetch_add(1, Ordering::Relaxed);
    METRICS.group_items.fetch_add(n as u64, Ordering::Relaxed);
    METRICS.group_count.fetch_add(1, Ordering::Relaxed);
}

/// One answered request.
pub fn observe(route: &str, method: &'static str, status: u16, seconds: f64) {
    let mut routes = METRICS.routes.lock().unwrap_or_else(|p| p.into_inner());
    let key = (route.to_owned(), method);
    let st = match routes.get_mut(&key) {
        Some(s) => s,
        None => routes.entry(key).or_default(),
    };
    *st.by_status.entry(status).or_default() += 1;
    if let Some(i) = LATENCY_BUCKETS.iter().position(|b| seconds <= *b) {
        st.buckets[i] += 1;
    }
    st.count += 1;
    st.sum_s += seconds;
}

/// Requests being answered now.
pub struct InFlightGuard;

impl InFlightGuard {
    pub fn enter() -> InFlightGuard {
        METRICS.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlightGuard
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        METRICS.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Requests being answered right now (the drain waits for them).
pub fn in_flight() -> i64 {
    METRICS.in_flight.load(Ordering::Relaxed)
}

/// Copies the matched route template into the response, where the outer middleware (which runs
/// before routing and so cannot see it on the request) reads it.
pub async fn keep_matched_path(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut resp = next.run(req).await;
    if let Some(m) = matched {
        resp.extensions_mut().insert(m);
    }
    resp
}

/// The route label of a response: its matched template, or [`UNMATCHED`].
pub fn route_of(resp: &Response) -> &str {
    resp.extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// What the database says at scrape time.
#[derive(Default)]
pub struct DbGauges {
    /// (connections open, of them idle) — PostgreSQL's pool; SQLite has fixed connections.
    pub pool: Option<(u32, usize)>,
    /// PostgreSQL: (instances seen sharing the database, group commits this one writes at once).
    pub in_flight: Option<(usize, usize)>,
    /// Seconds the oldest pending notification has been due (0 when none is pending).
    pub outbox_lag_s: Option<f64>,
}

/// The whole exposition.
pub fn render(db: &DbGauges) -> String {
    let mut o = String::with_capacity(8 * 1024);
    let routes = METRICS.routes.lock().unwrap_or_else(|p| p.into_inner());
    o.push_str("# HELP anbei_http_requests_total Requests answered, by route template, method and status.\n");
    o.push_str("# TYPE anbei_http_requests_total counter\n");
    for ((route, method), st) in routes.iter() {
        for (status, n) in &st.by_status {
            let _ = writeln!(
                o,
                "anbei_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
    }
    o.push_str("# HELP anbei_http_request_duration_seconds Time from request to response headers, by route.\n");
    o.push_str("# TYPE anbei_http_request_duration_seconds histogram\n");
    for ((route, method), st) in routes.iter() {
        let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
        let mut cum = 0;
        for (b, n) in LATENCY_BUCKETS.iter().zip(st.buckets.iter()) {
            cum += n;
            let _ = writeln!(
                o,
                "anbei_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {cum}"
            );
        }
        let _ = writeln!(
            o,
            "anbei_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            st.count
        );
        let _ = writeln!(
            o,
            "anbei_http_request_duration_seconds_sum{{{labels}}} {}",
            st.sum_s
        );
        let _ = writeln!(
            o,
            "anbei_http_request_duration_seconds_count{{{labels}}} {}",
            st.count
        );
    }
    drop(routes);
    let _ = write!(
        o,
        "# HELP anbei_http_requests_in_flight Requests being answered now.\n\
         # TYPE anbei_http_requests_in_flight gauge\nanbei_http_requests_in_flight {}\n\
         # HELP anbei_receipts_issued_total Registration receipts issued by this process.\n\
         # TYPE anbei_receipts_issued_total counter\nanbei_receipts_issued_total {}\n\
         # HELP anbei_connections_refused_total Connections closed at accept: their client already held its cap.\n\
         # TYPE anbei_connections_refused_total counter\nanbei_connections_refused_total {}\n",
        in_flight(),
        METRICS.receipts.load(Ordering::Relaxed),
        METRICS.refused_connections.load(Ordering::Relaxed)
    );
    o.push_str("# HELP anbei_group_commit_size Writes committed together in one transaction.\n");
    o.push_str("# TYPE anbei_group_commit_size histogram\n");
    let mut cum = 0;
    for (b, n) in GROUP_BUCKETS.iter().zip(METRICS.groups.iter()) {
        cum += n.load(Ordering::Relaxed);
        let _ = writeln!(o, "anbei_group_commit_size_bucket{{le=\"{b}\"}} {cum}");
    }
    let _ = write!(
        o,
        "anbei_group_commit_size_bucket{{le=\"+Inf\"}} {}\nanbei_group_commit_size_sum {}\n\
         anbei_group_commit_size_count {}\n",
        METRICS.group_count.load(Ordering::Relaxed),
        METRICS.group_items.load(Ordering::Relaxed),
        METRICS.group_count.load(Ordering::Relaxed),
    );
    let _ = write!(
        o,
        "# HELP anbei_write_queue_depth Writes waiting for the group-commit writer.\n\
         # TYPE anbei_write_queue_depth gauge\nanbei_write_queue_depth {}\n",
        METRICS.queued.load(Ordering::Relaxed).max(0)
    );
    if let Some((size, idle)) = db.pool {
        let _ = write!(
            o,
            "# HELP anbei_db_pool_connections Database pool connections, by state.\n\
             # TYPE anbei_db_pool_connections gauge\n\
             anbei_db_pool_connections{{state=\"open\"}} {size}\n\
             anbei_db_pool_connections{{state=\"idle\"}} {idle}\n\
             anbei_db_pool_connections{{state=\"busy\"}} {}\n",
            (size as usize).saturating_sub(idle)
        );
    }
    if let Some((live, limit)) = db.in_flight {
        let _ = write!(
            o,
            "# HELP anbei_pg_instances_live Instances seen writing to this PostgreSQL database in the last 15 s, this one included.\n\
             # TYPE anbei_pg_instances_live gauge\nanbei_pg_instances_live {live}\n\
             # HELP anbei_pg_groups_in_flight_limit Group commits of new filings this instance writes at once.\n\
             # TYPE anbei_pg_groups_in_flight_limit gauge\nanbei_pg_groups_in_flight_limit {limit}\n"
        );
    }
    if let Some(lag) = db.outbox_lag_s {
        let _ = write!(
            o,
            "# HELP anbei_outbox_lag_seconds How long the oldest pending notification has been due.\n\
             # TYPE anbei_outbox_lag_seconds gauge\nanbei_outbox_lag_seconds {lag}\n"
        );
    }
    o
}

/// Whether the caller may read the metrics: with `--metrics-token`, only a request bearing it (401
/// without one, 403 with another); without, only a direct request from this machine (no proxy in
/// between: a request with `X-Forwarded-For` or `Forwarded` came through one and is refused).
pub fn check_access(
    token: Option<&str>,
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    match token {
        Some(expected) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            match given {
                None => Err(ApiError::Unauthorized),
                Some(g) if constant_time_eq(g.as_bytes(), expected.as_bytes()) => Ok(()),
                Some(_) => Err(forbidden()),
            }
        }
        None => {
            let proxied =
                headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
            if !proxied && peer.is_some_and(|p| p.ip().is_loopback()) {
                Ok(())
            } else {
                Err(forbidden())
            }
        }
    }
}

fn forbidden() -> ApiError {
    ApiError::forbidden(crate::messages::Key::MetricsForbidden)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Prometheus metrics of this instance (text format 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses(
        (status = 200, description = "Prometheus text exposition", content_type = "text/plain"),
        (status = 401, description = "a metrics token is configured and none was sent", body = crate::error::Problem),
        (status = 403, description = "wrong token, or (without a token configured) not a direct request from this machine", body = crate::error::Problem),
    ),
    security((), ("metrics_token" = [])))]
pub async fn handler(
    State(s): State<AppState>,
    ext: Extensions,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let peer = ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    check_access(s.cfg.metrics_token.as_deref(), peer, &headers)?;
    let mut g = DbGauges {
        pool: s.store.pool_stats(),
        in_flight: s.store.groups_in_flight(),
        ..DbGauges::default()
    };
    let pending = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        s.store.outbox_list(crate::store::OutboxFilter {
            state: Some("pending".into()),
            filing_no: None,
            limit: 1,
        }),
    )
    .await;
    if let Ok(Ok(rows)) = pending {
        let now = s.now_ms();
        g.outbox_lag_s = Some(
            rows.first()
                .map_or(0.0, |r| (now - r.deliver_after_ms).max(0) as f64 / 1000.0),
        );
    }
    let mut resp = render(&g).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    *resp.status_mut() = StatusCode::OK;
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_refused_through_a_proxy_and_need_the_token_when_one_is_set() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap_or_else(|_| unreachable!());
        let remote: SocketAddr = "10.1.2.3:5000".parse().unwrap_or_else(|_| unreachable!());
        let none = HeaderMap::new();
        assert!(check_access(None, Some(local), &none).is_ok());
        assert!(matches!(
            check_access(None, Some(remote), &none),
            Err(ApiError::Forbidden { .. })
        ));
        let mut fwd = HeaderMap::new();
        fwd.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert!(check_access(None, Some(local), &fwd).is_err());
        let tok = "0123456789abcdef0123";
        assert!(matches!(
            check_access(Some(tok), Some(local), &none),
            Err(ApiError::Unauthorized)
        ));
        let mut wrong = HeaderMap::new();
        wrong.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer 0123456789abcdef0124"),
        );
        assert!(matches!(
            check_access(Some(tok), Some(remote), &wrong),
            Err(ApiError::Forbidden { .. })
        ));
        let mut right = HeaderMap::new();
        right.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer 0123456789abcdef0123"),
        );
        assert!(check_access(Some(tok), Some(remote), &right).is_ok());
    }

    #[test]
    fn group_sizes_fall_into_their_buckets() {
        let before = METRICS.groups[2].load(Ordering::Relaxed);
        group_commit(3);
        assert_eq!(METRICS.groups[2].load(Ordering::Relaxed), before + 1);
        let text = render(&DbGauges::default());
        assert!(text.contains("anbei_group_commit_size_bucket{le=\"4\"}"));
        assert!(text.contains("# TYPE anbei_write_queue_depth gauge"));
    }
}
