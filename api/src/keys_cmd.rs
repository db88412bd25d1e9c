//! `anbei keys list|rotate`: the keyring (`keyring.rs`) beside a running service. The service reads
//! the keyring again every 30 s, so a rotation takes effect there within that (and at `--in-seconds`).

use crate::{DbArgs, shared_state};
use anbei_api::keyring;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Every entry, one per line (tab-separated): kid, purpose, status, not_before, not_after.
    /// Secrets are never printed.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// A new receipt-signing key, current from now + --in-seconds; the current key then retires
    /// (it verifies the receipts it signed, and signs no more).
    Rotate {
        /// Seconds until the new key signs (publish it first, so offline verifiers can fetch it).
        #[arg(long, default_value_t = 0)]
        in_seconds: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: KeysCmd) -> Result<(), String> {
    match cmd {
        KeysCmd::List { db } => {
            let s = shared_state(&db).await?;
            let now = anbei_api::clock::rfc3339(s.now_ms());
            let rows = s.store.keyring_list().await.map_err(|e| e.to_string())?;
            for r in rows {
                let status = if r.not_before.as_str() > now.as_str() {
                    "next"
                } else if r.not_after.as_deref().is_some_and(|a| a <= now.as_str()) {
                    "retired"
                } else {
                    "current"
                };
                println!(
                    "{}\t{}\t{status}\t{}\t{}",
                    r.kid,
                    r.purpose,
                    if r.not_before.is_empty() {
                        "-"
                    } else {
                        &r.not_before
                    },
                    r.not_after.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
        KeysCmd::Rotate { in_seconds, db } => {
            if in_seconds < 0 {
                return Err("--in-seconds must not be negative".into());
            }
            let s = shared_state(&db).await?;
            let kek = keyring::kek_at(&keyring::kek_path(&db.data_dir, db.kek_file.as_deref()))?;
            let row =
                keyring::rotate(s.store.as_ref(), &s.signer, &kek, s.now_ms(), in_seconds).await?;
            println!("{}\t{}\t{}", row.kid, row.purpose, row.not_before);
            eprintln!(
                "new receipt key {} signs from {}; running instances pick it up within {} s",
                row.kid,
                row.not_before,
                keyring::RELOAD_EVERY.as_secs()
            );
            Ok(())
        }
    }
}
