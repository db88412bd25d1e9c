//! # anbei-api
//!
//! The Anbei service behind the widget: `anbei serve`. It decides every filing again with
//! [`anbei_core`], stores it durably (SQLite by default, PostgreSQL with `DATABASE_URL`), and issues the
//! Ed25519-signed registration receipt (登记回执) through the lifecycle of rules.md §7.
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! use anbei_api::{Application, config::Config};
//! let mut cfg = Config::new("./data");
//! cfg.listen = "127.0.0.1:0".into(); // tests: any free port
//! let app = Application::build(cfg).await?;
//! println!("listening on {}", app.local_addr());
//! app.run_until(std::future::pending()).await.map_err(|e| e.to_string())
//! # }
//! ```

pub mod accounts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod body;
pub mod bulk;
pub mod clock;
pub mod config;
pub mod diskspace;
pub mod error;
pub mod filing;
pub mod hardening;
pub mod inspections;
pub mod keyring;
pub mod lifecycle;
pub mod messages;
pub mod notify;
pub mod openapi;
pub mod ops;
pub mod ratelimit;
pub mod retention;
pub mod routes;
pub mod signing;
pub mod slowguard;
pub mod statistics;
pub mod store;
pub mod tokens;
pub mod validate;

pub use app::{AppState, Application};
