//! `Application::build(config)`: opens the store, loads the key, binds the port (0 in tests) and
//! assembles the routers of each resource with the cross-cutting layers.

use crate::clock::{self, Clock, SystemClock};
use crate::config::{Config, JSON_BODY_LIMIT};
use crate::error::ApiError;
use crate::signing::Signer;
use crate::store::{self, Store};
use crate::{ratelimit, routes};
use anbei_core::{Date, Engine};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{
    Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version, header,
};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub struct Inner {
    pub engine: Engine,
    pub store: Arc<dyn Store>,
    /// The bytes of uploads (`store/blobs.rs`): files in the data directory, or the database.
    pub blobs: Arc<dyn store::blobs::BlobStore>,
    pub signer: Arc<Signer>,
    pub clock: Arc<dyn Clock>,
    pub cfg: Config,
    /// Idempotency-Keys being processed by this instance.
    pub inflight: Mutex<HashSet<String>>,
    /// Upload ids known to be stored, with when they were found (see [`Inner::upload_known`]).
    known_uploads: Mutex<std::collections::HashMap<String, i64>>,
    pub limiter: Option<ratelimit::Limiter>,
    /// Wrong receipt verification codes per client (always on).
    pub code_failures: ratelimit::Failures,
    /// Anonymous uploads per client: documents and bytes per hour (`None`: no quota).
    pub upload_quota: Option<ratelimit::UploadQuota>,
    /// Whether the last upload found the disk below its floor (logged when it changes).
    disk_low: std::sync::atomic::AtomicBool,
    /// Formats ledger exports at low priority (see [`crate::bulk`]).
    pub bulk: crate::bulk::Bulk,
    csp: HeaderValue,
    /// Wakes the notification worker when a change with notifications commits (see `notify.rs`).
    pub outbox_wake: tokio::sync::Notify,
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Inner {
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
    /// Today in Asia/Shanghai.
    pub fn today(&self) -> Date {
        clock::shanghai_date(self.clock.now_ms())
    }
    pub fn now(&self) -> String {
        clock::rfc3339(self.clock.now_ms())
    }
    pub fn fast_accept(&self, street: &str) -> bool {
        !self.cfg.fast_accept_disabled_streets.contains(street)
    }
}

impl Inner {
    /// The disk guard (issue 16, item 8; `diskspace.rs`): `Err(507)` when storing `need` more bytes in
    /// the data directory would leave less free than its floor. Only where uploads are files there
    /// (SQLite); with PostgreSQL they go to the database, whose disk this machine does not see.
    pub fn upload_space(&self, need: u64) -> Result<(), ApiError> {
        use std::sync::atomic::Ordering;
        let (min_free, min_percent) = (
            self.cfg.upload_min_free_bytes,
            self.cfg.upload_min_free_percent,
        );
        if (min_free == 0 && min_percent == 0) || self.blobs.kind() != "filesystem" {
            return Ok(());
        }
        let Some(space) = crate::diskspace::of(&self.cfg.data_dir) else {
            return Ok(());
        };
        let low = crate::diskspace::too_low(space, need, min_free, min_percent);
        if self.disk_low.swap(low, Ordering::Relaxed) != low {
            if low {
                tracing::error!(
                    available = space.available,
                    total = space.total,
                    min_free_bytes = min_free,
                    min_free_percent = min_percent,
                    "data directory nearly full: uploads refused (507) until space is freed; filings continue"
                );
            } else {
                tracing::warn!(
                    available = space.available,
                    "data directory has space again: uploads accepted"
                );
            }
        }
        if low {
            Err(ApiError::InsufficientStorage)
        } else {
            Ok(())
        }
    }
}

/// How many stored upload ids [`Inner::upload_known`] remembers before it starts over.
const KNOWN_UPLOADS: usize = 4096;

/// How long [`Inner::upload_known`] trusts an id it found, without asking the store again: well
/// inside the 24 hours an upload no filing names is kept (`retention.rs`), so an id remembered here
/// is not one the orphan sweep of another instance removed long ago.
const KNOWN_UPLOAD_MS: i64 = 3600 * 1000;

impl Inner {
    /// Whether upload `id` is stored, asking the store only about ids this instance has not found
    /// stored in the last hour. Uploads are content-addressed; one is removed only 24 h after it was
    /// uploaded if no row names it, or with the registrations that name it after the retention period
    /// (`retention.rs`). A filing's documents are usually uploaded moments before it is filed, and a
    /// property manager files many jobs with the same documents. Only positive answers are
    /// remembered: an id not found is asked again next time.
    pub async fn upload_known(&self, id: &str) -> Result<bool, ApiError> {
        let now = self.now_ms();
        if self
            .known_uploads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .is_some_and(|found| now - found < KNOWN_UPLOAD_MS)
        {
            return Ok(true);
        }
        let found = self.store.get_upload(id).await?.is_some();
        if found {
            self.remember_upload(id);
        }
        Ok(found)
    }

    /// Records that upload `id` is stored (bounded: the set starts over when full).
    pub fn remember_upload(&self, id: &str) {
        let now = self.now_ms();
        let mut set = self.known_uploads.lock().unwrap_or_else(|p| p.into_inner());
        if set.len() >= KNOWN_UPLOADS {
            set.clear();
        }
        set.insert(id.to_owned(), now);
    }

    /// Forgets upload `id` (the retention sweep removed it).
    pub fn forget_upload(&self, id: &str) {
        self.known_uploads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}

/// Holds an Idempotency-Key as in flight until dropped.
pub struct InFlight<'a> {
    state: &'a Inner,
    key: String,
}

impl Inner {
    /// `None` if the key is already being processed here.
    pub fn begin(&self, key: &str) -> Option<InFlight<'_>> {
        let mut set = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.to_owned()).then(|| InFlight {
            state: self,
            key: key.to_owned(),
        })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut set = self
            .state
            .inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn build(cfg: Config) -> Result<Application, String> {
        Application::build_with_clock(cfg, Arc::new(SystemClock)).await
    }

    /// As `build`, with the clock injected (tests fix "today").
    pub async fn build_with_clock(
        cfg: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Application, String> {
        let state = state(cfg, clock).await?;
        let listener = tokio::net::TcpListener::bind(&state.cfg.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", state.cfg.listen))?;
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // The notification worker runs while the service does (when a channel is configured).
        let channels = self.state.cfg.notify.clone();
        let worker = channels.any().then(|| {
            tokio::spawn(crate::notify::run(
                self.state.clone(),
                std::sync::Arc::new(channels),
            ))
        });
        let _stop_worker = AbortOnDrop(worker);
        // The daily retention purge (retention.rs); on several instances one runs at a time.
        let purge = (self.state.cfg.purge_daily && !self.state.cfg.shared_access)
            .then(|| crate::retention::spawn_daily(Arc::downgrade(&self.state.0)));
        let _stop_purge = AbortOnDrop(purge);
        axum::serve(
            crate::slowguard::GuardedListener::new(
                self.listener,
                self.state.cfg.max_connections_per_client,
                self.state.cfg.trusted_proxies.clone(),
                self.state.cfg.write_timeout,
            )
            .tap_io(|_| {}),
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(t) = &self.0 {
            t.abort();
        }
    }
}

/// Engine, store (migrated) and signing key for `cfg`.
pub async fn state(cfg: Config, clock: Arc<dyn Clock>) -> Result<AppState, String> {
    let engine = Engine::embedded().map_err(|e| format!("rule data: {e}"))?;
    crate::hardening::check_cors_origins(&cfg.cors_origins)?;
    // The keys come from the keyring in the database (keyring.rs): the store is opened with an empty
    // signer, which is given the keys before anything is signed.
    // A key file of an earlier version that cannot be read stops the start before the database opens.
    crate::signing::read_legacy_seed(&cfg.data_dir)?;
    let signer = Arc::new(Signer::empty(clock.clone()));
    let store = store::open(&cfg, signer.clone()).await?;
    let kek = crate::keyring::load(
        &cfg.data_dir,
        cfg.kek_file.as_deref(),
        store.as_ref(),
        &signer,
        clock.as_ref(),
    )
    .await?;
    // Idempotency-Keys stored in clear by versions before issue 16, item 5: hashed in place, once.
    if !cfg.shared_access {
        let n = crate::tokens::hash_legacy_keys(store.as_ref(), &signer).await?;
        if n > 0 {
            tracing::info!(
                filings = n,
                "Idempotency-Keys stored in clear hashed in place"
            );
        }
    }
    // The database (and its WAL) exist now: the whole data directory is made private.
    crate::hardening::private_data_dir(&cfg.data_dir)?;
    let limiter = (cfg.rate_limit_per_s > 0).then(|| {
        ratelimit::Limiter::new(
            cfg.rate_limit_per_s,
            cfg.rate_limit_burst.max(cfg.rate_limit_per_s),
        )
    });
    let frame = if cfg.cors_origins.is_empty() {
        "'self'".to_owned()
    } else {
        format!("'self' {}", cfg.cors_origins.join(" "))
    };
    let csp = HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame}"
    ))
    .map_err(|_| "ANBEI_CORS_ORIGINS holds characters not allowed in a header".to_owned())?;
    let reload = !cfg.shared_access;
    let code_failures = ratelimit::Failures::new(cfg.code_failures_per_hour);
    let upload_quota = (cfg.uploads_per_hour > 0 || cfg.upload_bytes_per_hour > 0).then(|| {
        ratelimit::UploadQuota::with([u64::from(cfg.uploads_per_hour), cfg.upload_bytes_per_hour])
    });
    let blobs = store.blobs(&cfg.data_dir.join("uploads"));
    tracing::info!(uploads = blobs.kind(), "uploads stored");
    if blobs.kind() == "postgresql" && cfg.data_dir.join("uploads").is_dir() {
        tracing::warn!(
            "{}/uploads holds documents an earlier version stored on this machine: other instances \
             cannot serve them until `anbei uploads import` copies them into the database (OPERATIONS.md)",
            cfg.data_dir.display()
        );
    }
    let state = AppState(Arc::new(Inner {
        engine,
        store,
        blobs,
        signer,
        clock,
        cfg,
        inflight: Mutex::new(HashSet::new()),
        known_uploads: Mutex::new(std::collections::HashMap::new()),
        limiter,
        code_failures,
        upload_quota,
        disk_low: std::sync::atomic::AtomicBool::new(false),
        bulk: crate::bulk::Bulk::start("anbei-export")?,
        csp,
        outbox_wake: tokio::sync::Notify::new(),
    }));
    if reload {
        // A rotation by `anbei keys rotate` or by another instance is picked up within 30 s.
        crate::keyring::spawn_reloads(crate::keyring::weak(&state), kek);
        // Rows an earlier version stored in clear: their personal fields encrypted, in the
        // background, a page at a time (store/fieldcrypt.rs).
        spawn_clear_rows_sweep(&state);
    }
    Ok(state)
}

/// Encrypts, in the background, the personal fields of filings and the TOTP secrets of accounts
/// stored in clear by earlier versions.
fn spawn_clear_rows_sweep(state: &AppState) {
    use crate::store::fieldcrypt::{Sweep, sweep};
    let (store, signer) = (state.store.clone(), state.signer.clone());
    tokio::spawn(async move {
        let pause = || -> crate::store::Fut<'static, ()> {
            Box::pin(async {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok(())
            })
        };
        match sweep(store.as_ref(), &*signer, Sweep::ClearRows, pause).await {
            Ok(r) if r.rewritten > 0 || r.failed > 0 => tracing::info!(
                filings = r.seen,
                encrypted = r.rewritten,
                failed = r.failed,
                "personal fields of filings stored in clear encrypted"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "field encryption sweep stopped"),
        }
        // and the staff's TOTP secrets an earlier version stored in clear (accounts/totp.rs)
        use crate::accounts::totp::{Reseal, seal_stored};
        match seal_stored(store.as_ref(), &*signer, Reseal::Clear).await {
            Ok(r) if r.sealed > 0 || r.failed > 0 => tracing::info!(
                sealed = r.sealed,
                failed = r.failed,
                "TOTP secrets stored in clear encrypted"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "TOTP secret sweep stopped"),
        }
    });
}

/// The whole service.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .merge(routes::all().into_router())
        .merge(routes::statics::router(&state.cfg.www_dir))
        // the matched route template, for the metrics and the access log (issue 17)
        .route_layer(middleware::from_fn(crate::ops::metrics::keep_matched_path))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ratelimit::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        // Transport only (issue 17): JSON, pages and CSV over 1 KB are gzip-compressed when the client
        // accepts it; what is signed or stored does not change. Precompressed assets (statics.rs) carry
        // their own Content-Encoding and pass through; images and PDFs (uploads) are compressed already.
        .layer(
            CompressionLayer::new().compress_when(
                SizeAbove::new(1024)
                    .and(NotForContentType::GRPC)
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::SSE)
                    .and(NotForContentType::const_new("application/pdf"))
                    .and(NotForContentType::const_new("application/wasm"))
                    // an asset with a validator (statics.rs) is sent as built: compressing it here
                    // would send two representations under one strong ETag
                    .and(|_: StatusCode, _: Version, h: &HeaderMap, _: &Extensions| {
                        !h.contains_key(header::ETAG)
                    }),
            ),
        );
    if !state.cfg.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = state
            .cfg
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    HeaderName::from_static("idempotency-key"),
                    HeaderName::from_static("x-filename"),
                ])
                .max_age(std::time::Duration::from_secs(600)),
        );
    }
    // Outermost: the request id, the metrics and the access line see every answer, even a CORS refusal.
    app.layer(middleware::from_fn(crate::ops::logging::access))
        .with_state(state)
}

async fn security_headers(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let private = {
        let p = req.uri().path();
        p.starts_with("/api/v1/registrations")
            || p.starts_with("/receipts/")
            || p.starts_with("/api/v1/uploads")
            || p.starts_with("/api/v1/session")
            || p.starts_with("/api/v1/accounts")
            || p.starts_with("/api/v1/audit")
            || p.starts_with("/api/v1/personal-data")
            || p.starts_with("/api/v1/queue")
            // the verification of a receipt: its state changes (revoked, expired), never cache it
            || p.starts_with("/api/v1/receipts/")
    };
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // A response that sets its own (a document opened in the console) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, s.csp.clone());
    }
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(v) = crate::hardening::hsts(&s.cfg.public_url) {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(v),
        );
    }
    resp
}
