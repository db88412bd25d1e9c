//! `anbei` — the Anbei command line: `anbei assess` (batch pre-screening), `anbei serve` (the HTTP
//! service) and `anbei officer add` (officer tokens).

use anbei_api::config::{self, Config, Database};
use anbei_api::{Application, clock};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

mod assess_cmd;

/// mimalloc: the request path allocates many small short-lived objects (JSON trees, strings) from two
/// runtime threads at once; glibc malloc spent ~15 % of the server's CPU on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn usage() -> &'static str {
    "usage:\n  anbei assess [--today YYYY-MM-DD]   one facts object per stdin line → one result per stdout line\n  \
     anbei serve [--listen ADDR] [--data-dir DIR] [--database-url URL] …   run the service (see anbei serve --help)\n  \
     anbei officer add --street STREET --name NAME [--role officer|admin]   create an officer token\n"
}

#[derive(Parser)]
#[command(name = "anbei", about = "Anbei (安备) safety registration service")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the HTTP service.
    Serve(ServeArgs),
    /// Manage officer tokens.
    Officer {
        #[command(subcommand)]
        cmd: OfficerCmd,
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
struct DbArgs {
    /// SQLite file, uploads and the receipt signing key.
    #[arg(long, env = "ANBEI_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// postgres://… to use PostgreSQL instead of SQLite.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// PostgreSQL schema to use (put first on the search path).
    #[arg(long, env = "ANBEI_DB_SCHEMA")]
    database_schema: Option<String>,
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
    /// Absolute base URL printed in receipt QR codes.
    #[arg(
        long,
        env = "ANBEI_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
}

fn database(db: &DbArgs) -> Result<Database, String> {
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
        Some("serve" | "officer" | "help" | "--help" | "-h" | "--version" | "-V") => {}
        _ => {
            eprint!("{}", usage());
            return ExitCode::from(2);
        }
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
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
    cfg.listen = a.listen;
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
    cfg.rate_limit_per_s = a.rate_limit;
    cfg.rate_limit_burst = a.rate_limit_burst;
    cfg.public_url = a.public_url;
    let app = Application::build(cfg).await?;
    tracing::info!(addr = %app.local_addr(), "anbei serving");
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
    .await
    .map_err(|e| e.to_string())
}

async fn officer_add(street: String, name: String, role: String, db: DbArgs) -> Result<(), String> {
    let mut cfg = Config::new(db.data_dir.clone());
    cfg.database = database(&db)?;
    cfg.shared_access = true;
    let state = anbei_api::app::state(cfg, Arc::new(clock::SystemClock)).await?;
    let token = anbei_api::officers::add(
        state.store.as_ref(),
        &state.engine,
        &name,
        &street,
        &role,
        state.now(),
    )
    .await?;
    println!("{token}");
    eprintln!("officer {name} ({role}, {street}) created; the token above is shown only once");
    Ok(())
}
