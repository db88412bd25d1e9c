//! `anbei` — the Anbei command line: `anbei assess` (batch pre-screening), `anbei serve` (the HTTP
//! service), `anbei account …` (staff accounts and their tokens), `anbei audit verify` (the audit
//! trail's hash chain) and `anbei officer add` (a token-only account, for scripts).

use anbei_api::config::{self, Config, Database};
use anbei_api::ops::logging::LogFormat;
use anbei_api::{Application, clock};
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

mod assess_cmd;
mod keys_cmd;

/// mimalloc: the request path allocates many small short-lived objects (JSON trees, strings) from two
/// runtime threads at once; glibc malloc spent ~15 % of the server's CPU on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn usage() -> &'static str {
    "usage:\n  anbei assess [--today YYYY-MM-DD]   one facts object per stdin line → one result per stdout line\n  \
     anbei serve [--listen ADDR] [--data-dir DIR] [--database-url URL] …   run the service (see anbei serve --help)\n  \
     anbei account add --login L --name N --role R [--street S] …   create a staff account (see anbei account --help)\n  \
     anbei audit verify   check the audit trail's hash chain (exit 0 only when intact)\n  \
     anbei outbox list|retry   notifications waiting, failed or sent (see anbei outbox --help)\n  \
     anbei keys list|rotate|reencrypt|rotate-kek   the keyring: receipt keys, data keys of personal fields, the KEK (see anbei keys --help)\n  \
     anbei officer add --street STREET --name NAME [--role officer|admin]   a token-only account; prints its token\n  \
     anbei backup --to FILE   copy the database (SQLite, online), uploads and keys into one tar file\n  \
     anbei restore --from FILE --data-dir DIR   restore a backup into a new, empty data directory\n  \
     anbei uploads import --data-dir DIR --database-url URL   PostgreSQL: copy uploads on disk into the database\n  \
     anbei purge [--dry-run] [--retention-days N]   remove personal data past the retention period, and orphan uploads\n"
}

#[derive(Parser)]
#[command(name = "anbei", about = "Anbei (安备) safety registration service")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

// Parsed once at start and never moved around: the size of `Serve`'s arguments does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Cmd {
    /// Run the HTTP service.
    Serve(ServeArgs),
    /// A token-only staff account for scripts (prints its bearer token).
    Officer {
        #[command(subcommand)]
        cmd: OfficerCmd,
    },
    /// Staff accounts (rules.md §10) and their bearer tokens.
    Account {
        #[command(subcommand)]
        cmd: AccountCmd,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Notifications in the outbox (rules.md §11).
    Outbox {
        #[command(subcommand)]
        cmd: OutboxCmd,
    },
    /// Back up the data directory into one tar file (mode 0600), while the service runs: SQLite's
    /// database through VACUUM INTO, then uploads and keys. On PostgreSQL the database is dumped with
    /// pg_dump -Fc instead (OPERATIONS.md); the file then holds the directory's files only.
    Backup {
        /// The backup file to write (it must not exist).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup into a new or empty data directory (never over existing data).
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long, env = "ANBEI_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// The keyring: receipt-signing keys and access-code secrets (SECURITY.md).
    Keys {
        #[command(subcommand)]
        cmd: keys_cmd::KeysCmd,
    },
    /// Uploaded documents.
    Uploads {
        #[command(subcommand)]
        cmd: UploadsCmd,
    },
    /// Remove the personal data and documents of registrations that ended more than the retention
    /// period ago (the ledger row and the receipt stay, anonymised), and uploads no filing names 24 h
    /// after they were uploaded (PIPL 第四十七条; SECURITY.md). `anbei serve` does it once a day too;
    /// safe beside running servers (one purge at a time). Prints what it did as JSON.
    Purge {
        /// Count what would be removed; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Days after a registration ended that its personal data is kept.
        #[arg(long, env = "ANBEI_RETENTION_DAYS", default_value_t = anbei_api::retention::DEFAULT_DAYS,
              value_parser = clap::value_parser!(i64).range(1..=36_500))]
        retention_days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UploadsCmd {
    /// PostgreSQL: copy the documents an earlier version stored in <data-dir>/uploads/ into the
    /// database, where every instance reads them (each file checked against its SHA-256 name; files
    /// already there are skipped; nothing is deleted). Run it once on each instance's data directory,
    /// while the service runs.
    Import {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum OutboxCmd {
    /// Notification events, one per line (tab-separated): id, type, filing, state, e-mail, webhook,
    /// attempts, next attempt, last error.
    List {
        /// pending, done, dropped or failed (default: every state).
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        filing_no: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Put failed notifications back to pending (one with --id, else every failed one).
    Retry {
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AccountCmd {
    /// Create an account; prints its initial password once (to be changed at first sign-in), unless
    /// --password-stdin gives one.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// admin, officer, community, property, patrol or viewer.
        #[arg(long)]
        role: String,
        /// The street (every role but viewer; '*' for an admin of every street).
        #[arg(long)]
        street: Option<String>,
        /// community: its community; patrol: optionally one community.
        #[arg(long)]
        community: Option<String>,
        /// property: a property-management area (repeat for several).
        #[arg(long = "area")]
        areas: Vec<String>,
        /// viewer: its department code.
        #[arg(long)]
        department: Option<String>,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an account: its sessions end and its tokens stop at once.
    Disable {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Where the account's notifications are e-mailed (rules.md §11); an empty --email clears it.
    Email {
        #[arg(long)]
        login: String,
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A new initial password (printed once), to be changed at the next sign-in.
    Password {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Every account, one per line (tab-separated).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Bearer tokens of an account, for machine clients.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Issue a token (printed once; only its SHA-256 is kept).
    Issue {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "script")]
        label: String,
        /// Days until it expires (1–365).
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The tokens of an account.
    List {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by its id (it stops at once).
    Revoke {
        #[arg(long)]
        login: String,
        #[arg(long)]
        id: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check every entry's hash and link; exit status 0 only when the chain is intact.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum OfficerCmd {
    /// Create an officer and print their bearer token once (only its SHA-256 is stored).
    Add {
        #[arg(long)]
        street: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "officer", value_parser = ["officer", "admin"])]
        role: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
pub(crate) struct DbArgs {
    /// SQLite file, uploads and the receipt signing key.
    #[arg(long, env = "ANBEI_DATA_DIR", default_value = "./data")]
    pub(crate) data_dir: PathBuf,
    /// postgres://… to use PostgreSQL instead of SQLite.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// PostgreSQL schema to use (put first on the search path).
    #[arg(long, env = "ANBEI_DB_SCHEMA")]
    database_schema: Option<String>,
    /// The keyring's key-encryption key (default: keyring.kek in the data directory). Instances
    /// sharing one PostgreSQL database must share this file.
    #[arg(long, env = "ANBEI_KEK_FILE")]
    pub(crate) kek_file: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, env = "ANBEI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    db: DbArgs,
    /// Widget bundle (dist/) and demo page (index.html).
    #[arg(long, env = "ANBEI_WWW_DIR", default_value = "./www")]
    www_dir: PathBuf,
    /// Comma-separated origins allowed to call the API and frame its pages (CORS, frame-ancestors).
    #[arg(long, env = "ANBEI_CORS_ORIGINS", default_value = "")]
    cors_origins: String,
    /// Comma-separated street codes where 快速受理 (automatic acceptance) is off.
    #[arg(long, env = "ANBEI_FAST_ACCEPT_DISABLED_STREETS", default_value = "")]
    fast_accept_disabled_streets: String,
    /// Comma-separated proxy addresses whose X-Forwarded-For is trusted.
    #[arg(long, env = "ANBEI_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,
    /// Requests per second per client IP (0 = off).
    #[arg(long, env = "ANBEI_RATE_LIMIT", default_value_t = 20)]
    rate_limit: u32,
    #[arg(long, env = "ANBEI_RATE_LIMIT_BURST", default_value_t = 40)]
    rate_limit_burst: u32,
    /// Wrong receipt verification codes a client (IPv4 address, IPv6 /64) may send per hour; past
    /// that its lookups with a code are refused (429) until the hour refills.
    #[arg(long, env = "ANBEI_CODE_FAILURES_PER_HOUR", default_value_t = 20)]
    code_failures_per_hour: u32,
    /// Documents a client (IPv4 address, IPv6 /64) may upload per hour without signing in (0 = no
    /// limit); over it: 429 UPLOAD_QUOTA with Retry-After. A whole filing is at most ~20 documents.
    #[arg(long, env = "ANBEI_UPLOADS_PER_HOUR", default_value_t = config::DEFAULT_UPLOADS_PER_HOUR)]
    uploads_per_hour: u32,
    /// … and MiB per hour (0 = no limit).
    #[arg(long, env = "ANBEI_UPLOAD_MB_PER_HOUR", default_value_t = config::DEFAULT_UPLOAD_MB_PER_HOUR)]
    upload_mb_per_hour: u64,
    /// Uploads are refused (507 INSUFFICIENT_STORAGE) while the data directory's filesystem has less
    /// than this many MiB free (0 = no such floor); filings continue. SQLite only.
    #[arg(long, env = "ANBEI_UPLOAD_MIN_FREE_MB", default_value_t = config::DEFAULT_UPLOAD_MIN_FREE_MB)]
    upload_min_free_mb: u64,
    /// … or less than this percentage of it (0 = no such floor).
    #[arg(long, env = "ANBEI_UPLOAD_MIN_FREE_PERCENT", default_value_t = config::DEFAULT_UPLOAD_MIN_FREE_PERCENT,
          value_parser = clap::value_parser!(u8).range(0..=99))]
    upload_min_free_percent: u8,
    /// Connections one client (IPv4 address, IPv6 /64) may hold open at once; more are closed as they
    /// are accepted (0 = no cap). Trusted proxies are not capped. Loopback is not exempt: load tests
    /// from one machine set it higher.
    #[arg(long, env = "ANBEI_MAX_CONNECTIONS_PER_CLIENT", default_value_t = config::DEFAULT_MAX_CONNECTIONS_PER_CLIENT)]
    max_connections_per_client: u32,
    /// Seconds an answer may make no progress (the client stopped reading) before its connection is
    /// closed.
    #[arg(long, env = "ANBEI_WRITE_TIMEOUT_S", default_value_t = config::DEFAULT_WRITE_TIMEOUT_S,
          value_parser = clap::value_parser!(u64).range(1..))]
    write_timeout_s: u64,
    /// Absolute base URL printed in receipt QR codes (required when --listen is not loopback:
    /// phones cannot open this machine's loopback address).
    #[arg(long, env = "ANBEI_PUBLIC_URL")]
    public_url: Option<String>,
    /// A console session ends after this many minutes without a request.
    #[arg(long, env = "ANBEI_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: i64,
    /// … and this many hours after sign-in, whatever happens.
    #[arg(long, env = "ANBEI_SESSION_HOURS", default_value_t = 12)]
    session_hours: i64,
    /// Run the clock this many days ahead (tests and demonstrations only: e.g. a registration's
    /// extension window, months after it was filed). 0 in production.
    #[arg(long, default_value_t = 0, hide = true)]
    clock_offset_days: i64,
    /// Notifications by e-mail: smtp://[user:password@]host[:port] (STARTTLS when offered; a password
    /// is only ever sent over TLS).
    #[arg(long, env = "ANBEI_SMTP_URL")]
    smtp_url: Option<String>,
    /// The From address of notification e-mails.
    #[arg(long, env = "ANBEI_SMTP_FROM", default_value = "noreply@anbei.invalid")]
    smtp_from: String,
    /// PEM file of a private CA the SMTP server's certificate is checked against (TLS then required).
    #[arg(long, env = "ANBEI_SMTP_CA_FILE")]
    smtp_ca_file: Option<PathBuf>,
    /// Notifications to a signed webhook: http(s)://… (POST JSON, header Anbei-Signature).
    #[arg(long, env = "ANBEI_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// The webhook's HMAC-SHA256 secret (at least 16 characters).
    #[arg(long, env = "ANBEI_WEBHOOK_SECRET")]
    webhook_secret: Option<String>,
    /// PEM file of a private CA for an https webhook.
    #[arg(long, env = "ANBEI_WEBHOOK_CA_FILE")]
    webhook_ca_file: Option<PathBuf>,
    /// Logs: json (one object per line), text, or auto (json unless stderr is a terminal).
    #[arg(long, env = "ANBEI_LOG_FORMAT", default_value = "auto")]
    log_format: String,
    /// Bearer token for GET /metrics (at least 16 characters); without it, only direct requests
    /// from this machine may read the metrics.
    #[arg(long, env = "ANBEI_METRICS_TOKEN")]
    metrics_token: Option<String>,
    /// Seconds to finish the requests in flight after SIGTERM/SIGINT before stopping anyway.
    #[arg(long, env = "ANBEI_SHUTDOWN_TIMEOUT", default_value_t = 20)]
    shutdown_timeout: u64,
    /// Days after a registration ended (cancelled, revoked, refused, expired) that its personal data
    /// and documents are kept before the daily purge removes them (default 1096: 3 years).
    #[arg(long, env = "ANBEI_RETENTION_DAYS", default_value_t = anbei_api::retention::DEFAULT_DAYS,
          value_parser = clap::value_parser!(i64).range(1..=36_500))]
    retention_days: i64,
    /// Purge once a day (10 minutes after start, then every 24 h); `false` leaves it to `anbei purge`
    /// run from cron. Several instances may all have it on: one purges at a time.
    #[arg(long, env = "ANBEI_PURGE_DAILY", default_value_t = true, action = clap::ArgAction::Set)]
    purge_daily: bool,
    /// Seconds after start of the first daily purge (benchmarks: bench/purge.sh).
    #[arg(long, default_value_t = anbei_api::retention::FIRST_RUN_AFTER_S, hide = true)]
    purge_first_after_seconds: u64,
    /// PostgreSQL only: group commits of new filings this instance writes at once. Every group ends
    /// on the audit chain's lock, so groups commit one at a time across all instances. Unset: 2 when
    /// this instance is alone on the database, 1 when others are live (OPERATIONS.md).
    #[arg(long, env = "ANBEI_PG_GROUPS_IN_FLIGHT",
          value_parser = clap::value_parser!(u64).range(1..=64).map(|n| n as usize))]
    pg_groups_in_flight: Option<usize>,
}

pub(crate) fn database(db: &DbArgs) -> Result<Database, String> {
    match &db.database_url {
        None => Ok(Database::Sqlite),
        Some(u) if u.trim().is_empty() => Ok(Database::Sqlite),
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
            Ok(Database::Postgres {
                url: u.clone(),
                schema: db.database_schema.clone(),
            })
        }
        Some(_) => {
            Err("DATABASE_URL must start with postgres:// (leave it unset for SQLite)".into())
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("assess") => return assess_cmd::run(&args[2..]),
        Some(
            "serve" | "officer" | "account" | "audit" | "outbox" | "backup" | "restore" | "keys"
            | "uploads" | "purge" | "help" | "--help" | "-h" | "--version" | "-V",
        ) => {}
        _ => {
            eprint!("{}", usage());
            return ExitCode::from(2);
        }
    }
    let cli = Cli::parse();
    let log_format = match &cli.cmd {
        Cmd::Serve(a) => match LogFormat::parse(&a.log_format) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("anbei: {e}");
                return ExitCode::from(2);
            }
        },
        _ => LogFormat::Text,
    };
    anbei_api::ops::logging::init(log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("anbei: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = rt.block_on(async move {
        match cli.cmd {
            Cmd::Serve(a) => serve(a).await,
            Cmd::Officer {
                cmd:
                    OfficerCmd::Add {
                        street,
                        name,
                        role,
                        db,
                    },
            } => officer_add(street, name, role, db).await,
            Cmd::Account { cmd } => account(cmd).await,
            Cmd::Audit {
                cmd: AuditCmd::Verify { db },
            } => audit_verify(db).await,
            Cmd::Outbox { cmd } => outbox(cmd).await,
            Cmd::Backup { to, db } => backup(to, db).await,
            Cmd::Restore { from, data_dir } => restore(from, data_dir).await,
            Cmd::Keys { cmd } => keys_cmd::run(cmd).await,
            Cmd::Uploads {
                cmd: UploadsCmd::Import { db },
            } => uploads_import(db).await,
            Cmd::Purge {
                dry_run,
                retention_days,
                db,
            } => purge(dry_run, retention_days, db).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("anbei: {e}");
            ExitCode::from(1)
        }
    }
}

async fn serve(a: ServeArgs) -> Result<(), String> {
    let mut cfg = Config::new(a.db.data_dir.clone());
    cfg.kek_file = a.db.kek_file.clone();
    cfg.listen = a.listen.clone();
    cfg.database = database(&a.db)?;
    cfg.www_dir = a.www_dir;
    cfg.cors_origins = config::list(&a.cors_origins);
    cfg.fast_accept_disabled_streets = config::list(&a.fast_accept_disabled_streets)
        .into_iter()
        .collect();
    cfg.trusted_proxies = config::list(&a.trusted_proxies)
        .iter()
        .map(|p| {
            p.parse()
                .map_err(|_| format!("not an IP address in ANBEI_TRUSTED_PROXIES: {p}"))
        })
        .collect::<Result<_, _>>()?;
    cfg.retention_days = a.retention_days;
    cfg.purge_daily = a.purge_daily;
    cfg.purge_first_after_s = a.purge_first_after_seconds;
    cfg.pg_groups_in_flight = a.pg_groups_in_flight;
    cfg.rate_limit_per_s = a.rate_limit;
    cfg.rate_limit_burst = a.rate_limit_burst;
    cfg.code_failures_per_hour = a.code_failures_per_hour;
    cfg.uploads_per_hour = a.uploads_per_hour;
    cfg.upload_bytes_per_hour = a.upload_mb_per_hour.saturating_mul(1 << 20);
    cfg.upload_min_free_bytes = a.upload_min_free_mb.saturating_mul(1 << 20);
    cfg.upload_min_free_percent = a.upload_min_free_percent;
    cfg.max_connections_per_client = a.max_connections_per_client;
    cfg.write_timeout = std::time::Duration::from_secs(a.write_timeout_s);
    let public = config::public_url(&a.listen, a.public_url.as_deref())?;
    if let Some(w) = &public.warning {
        tracing::warn!("{w}");
    }
    cfg.public_url = public.url;
    if a.session_idle_minutes < 1 || a.session_hours < 1 {
        return Err("--session-idle-minutes and --session-hours must be at least 1".into());
    }
    cfg.session_idle_ms = a.session_idle_minutes * 60_000;
    cfg.session_absolute_ms = a.session_hours * 3_600_000;
    cfg.metrics_token = match a.metrics_token.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) if t.chars().count() < 16 => {
            return Err("--metrics-token must be at least 16 characters".into());
        }
        Some(t) => Some(t.to_owned()),
    };
    if let Some(u) = &a.smtp_url {
        cfg.notify.smtp = Some(anbei_api::notify::smtp::SmtpConfig::parse(
            u,
            &a.smtp_from,
            a.smtp_ca_file.clone(),
        )?);
    }
    match (&a.webhook_url, &a.webhook_secret) {
        (Some(u), Some(secret)) => {
            cfg.notify.webhook = Some(anbei_api::notify::webhook::WebhookConfig::parse(
                u,
                secret,
                a.webhook_ca_file.clone(),
            )?);
        }
        (Some(_), None) => return Err("--webhook-url needs --webhook-secret".into()),
        _ => {}
    }
    let app = if a.clock_offset_days == 0 {
        Application::build(cfg).await?
    } else {
        tracing::warn!(
            days = a.clock_offset_days,
            "clock moved by --clock-offset-days: for tests only"
        );
        Application::build_with_clock(cfg, Arc::new(clock::OffsetClock(a.clock_offset_days)))
            .await?
    };
    tracing::info!(addr = %app.local_addr(), "anbei serving");
    anbei_api::ops::drain::serve(app, std::time::Duration::from_secs(a.shutdown_timeout)).await
}

/// `anbei backup --to FILE` (see [`anbei_api::ops::backup`]).
async fn backup(to: PathBuf, db: DbArgs) -> Result<(), String> {
    let sqlite = matches!(database(&db)?, Database::Sqlite);
    let started = std::time::Instant::now();
    let dir = db.data_dir.clone();
    let target = to.clone();
    let sum =
        tokio::task::spawn_blocking(move || anbei_api::ops::backup::backup(&dir, &target, sqlite))
            .await
            .map_err(|e| e.to_string())??;
    // A copy of every registration: recorded in the audit trail (after the copy, so not in it).
    let s = shared_state(&db).await?;
    anbei_api::accounts::cli::backup_made(&s, &to.display().to_string()).await?;
    eprintln!(
        "backup {}: database {}, {} other file(s), {} bytes, {} ms",
        to.display(),
        if sum.database {
            "included"
        } else {
            "NOT included (PostgreSQL: pg_dump -Fc, see OPERATIONS.md)"
        },
        sum.files,
        sum.bytes,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// `anbei restore --from FILE --data-dir DIR`.
async fn restore(from: PathBuf, data_dir: PathBuf) -> Result<(), String> {
    let dir = data_dir.clone();
    let sum = tokio::task::spawn_blocking(move || anbei_api::ops::backup::restore(&from, &dir))
        .await
        .map_err(|e| e.to_string())??;
    eprintln!(
        "restored into {}: database {}, {} other file(s), {} bytes",
        data_dir.display(),
        if sum.database {
            "restored"
        } else {
            "not in the backup (PostgreSQL: pg_restore)"
        },
        sum.files,
        sum.bytes
    );
    Ok(())
}

/// `anbei purge [--dry-run]` (see [`anbei_api::retention`]).
async fn purge(dry_run: bool, retention_days: i64, db: DbArgs) -> Result<(), String> {
    let mut cfg = Config::new(db.data_dir.clone());
    cfg.kek_file = db.kek_file.clone();
    cfg.database = database(&db)?;
    cfg.shared_access = true;
    cfg.retention_days = retention_days;
    let s = anbei_api::app::state(cfg, Arc::new(clock::SystemClock)).await?;
    let started = std::time::Instant::now();
    let r = anbei_api::retention::purge(&s, dry_run, "cli")
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::json!({
            "dry_run": r.dry_run,
            "ended_before": r.ended_before,
            "registrations": r.registrations,
            "uploads": r.uploads,
            "upload_bytes": r.upload_bytes,
            "unreadable": r.unreadable,
            "seconds": started.elapsed().as_secs_f64(),
        })
    );
    Ok(())
}

/// `anbei uploads import`: the files of `<data-dir>/uploads/` into PostgreSQL (`store/blobs.rs`).
async fn uploads_import(db: DbArgs) -> Result<(), String> {
    let Database::Postgres { url, schema } = database(&db)? else {
        return Err(
            "anbei uploads import is for PostgreSQL (--database-url / DATABASE_URL): with SQLite the \
             uploads stay in the data directory"
                .into(),
        );
    };
    let signer = Arc::new(anbei_api::signing::Signer::empty(Arc::new(
        clock::SystemClock,
    )));
    // Connecting applies the migrations, so the table exists even before the first upgraded start.
    let store =
        anbei_api::store::postgres::PgStore::connect(&url, schema.as_deref(), signer).await?;
    let dir = db.data_dir.join("uploads");
    let r = anbei_api::store::blobs::import_dir(store.pool(), &dir).await?;
    for s in &r.skipped {
        eprintln!("skipped {s}: not an upload's name, or its bytes do not match its SHA-256 name");
    }
    eprintln!(
        "{}: {} file(s) imported into the database, {} already there, {} skipped; the files are left in place",
        dir.display(),
        r.imported,
        r.present,
        r.skipped.len()
    );
    if r.skipped.is_empty() {
        Ok(())
    } else {
        Err(format!("{} file(s) not imported", r.skipped.len()))
    }
}

/// The service's state on the data directory or database of `db`, opened beside a running server.
pub(crate) async fn shared_state(db: &DbArgs) -> Result<anbei_api::AppState, String> {
    let mut cfg = Config::new(db.data_dir.clone());
    cfg.kek_file = db.kek_file.clone();
    cfg.database = database(db)?;
    cfg.shared_access = true;
    anbei_api::app::state(cfg, Arc::new(clock::SystemClock)).await
}

/// A token-only account (no password; it cannot sign in to the console) with one token, printed.
async fn officer_add(street: String, name: String, role: String, db: DbArgs) -> Result<(), String> {
    use anbei_api::accounts::{NewAccount, cli};
    let s = shared_state(&db).await?;
    let suffix = anbei_api::signing::hex(&anbei_api::signing::random_bytes::<3>()?);
    let n = NewAccount {
        login: format!("token-{suffix}"),
        name: name.clone(),
        role: role.clone(),
        street: Some(street.clone()),
        ..NewAccount::default()
    };
    let (a, _) = cli::add(&s, &n, None).await?;
    let (_, token) = cli::issue_token(&s, &a.login, "anbei officer add", None).await?;
    println!("{token}");
    eprintln!(
        "account {} ({name}, {role}, {street}) created with a token valid for 90 days; the token above is shown only once",
        a.login
    );
    Ok(())
}

async fn account(cmd: AccountCmd) -> Result<(), String> {
    use anbei_api::accounts::{NewAccount, cli};
    match cmd {
        AccountCmd::Add {
            login,
            name,
            role,
            street,
            community,
            areas,
            department,
            password_stdin,
            db,
        } => {
            let s = shared_state(&db).await?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let n = NewAccount {
                login,
                name,
                role,
                street,
                community,
                areas: (!areas.is_empty()).then_some(areas),
                department,
            };
            let (a, shown) = cli::add(&s, &n, password.as_deref()).await?;
            if let Some(p) = shown {
                println!("{p}");
                eprintln!(
                    "account {} created; the initial password above is shown only once and must be changed at first sign-in",
                    a.login
                );
            } else {
                eprintln!(
                    "account {} created; the password must be changed at first sign-in",
                    a.login
                );
            }
            Ok(())
        }
        AccountCmd::Disable { login, db } => {
            let s = shared_state(&db).await?;
            cli::set_disabled(&s, &login, true).await?;
            eprintln!("account {login} disabled: its sessions ended and its tokens stopped");
            Ok(())
        }
        AccountCmd::Email { login, email, db } => {
            let s = shared_state(&db).await?;
            let a = cli::set_email(&s, &login, &email).await?;
            match a.email {
                Some(e) => eprintln!("account {login}: notifications go to {e}"),
                None => eprintln!("account {login}: no notification address"),
            }
            Ok(())
        }
        AccountCmd::Enable { login, db } => {
            let s = shared_state(&db).await?;
            cli::set_disabled(&s, &login, false).await?;
            eprintln!("account {login} enabled");
            Ok(())
        }
        AccountCmd::Password { login, db } => {
            let s = shared_state(&db).await?;
            println!("{}", cli::reset_password(&s, &login).await?);
            eprintln!("new initial password for {login} above, shown only once");
            Ok(())
        }
        AccountCmd::List { db } => {
            let s = shared_state(&db).await?;
            println!("login\tname\trole\tstreet\tcommunity\tareas\tdepartment\tstate\ttotp");
            for a in cli::list(&s).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    a.login,
                    a.name,
                    a.role,
                    a.street.as_deref().unwrap_or("*"),
                    a.community.as_deref().unwrap_or(""),
                    a.areas.join("|"),
                    a.department.as_deref().unwrap_or(""),
                    if a.disabled { "disabled" } else { "enabled" },
                    if a.totp_enabled { "on" } else { "off" },
                );
            }
            Ok(())
        }
        AccountCmd::Token { cmd } => match cmd {
            TokenCmd::Issue {
                login,
                label,
                days,
                db,
            } => {
                let s = shared_state(&db).await?;
                let (t, token) = cli::issue_token(&s, &login, &label, Some(days)).await?;
                println!("{token}");
                eprintln!(
                    "token {} for {login}, expires {}; shown only once",
                    t.id, t.expires_at
                );
                Ok(())
            }
            TokenCmd::List { login, db } => {
                let s = shared_state(&db).await?;
                println!("id\tlabel\tcreated_at\texpires_at\trevoked_at");
                for t in cli::tokens(&s, &login).await? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        t.id,
                        t.label,
                        t.created_at,
                        t.expires_at,
                        t.revoked_at.as_deref().unwrap_or("")
                    );
                }
                Ok(())
            }
            TokenCmd::Revoke { login, id, db } => {
                let s = shared_state(&db).await?;
                cli::revoke_token(&s, &login, &id).await?;
                eprintln!("token {id} of {login} revoked");
                Ok(())
            }
        },
    }
}

async fn audit_verify(db: DbArgs) -> Result<(), String> {
    let s = shared_state(&db).await?;
    let v = anbei_api::accounts::cli::verify(&s).await?;
    println!(
        "audit trail intact: {} entries, last hash {}",
        v.rows, v.head
    );
    Ok(())
}

/// `anbei outbox list|retry`.
async fn outbox(cmd: OutboxCmd) -> Result<(), String> {
    match cmd {
        OutboxCmd::List {
            state,
            filing_no,
            limit,
            db,
        } => {
            let s = shared_state(&db).await?;
            let rows = s
                .store
                .outbox_list(anbei_api::store::OutboxFilter {
                    state,
                    filing_no,
                    limit,
                })
                .await
                .map_err(|e| e.to_string())?;
            for r in rows {
                println!(
                    "{}\t{}\t{}\t{}\temail={}\twebhook={}\t{}\t{}\t{}",
                    r.id,
                    r.kind,
                    r.filing_no,
                    r.state,
                    r.email_state,
                    r.webhook_state,
                    r.attempts,
                    clock::rfc3339(r.next_attempt_ms),
                    r.last_error.unwrap_or_default()
                );
            }
            Ok(())
        }
        OutboxCmd::Retry { id, db } => {
            let s = shared_state(&db).await?;
            let n = s
                .store
                .outbox_retry(id, s.now_ms())
                .await
                .map_err(|e| e.to_string())?;
            println!("{n} notification(s) back to pending");
            Ok(())
        }
    }
}
