//! `anbei keys list|rotate|reencrypt|rotate-kek`: the keyring (`keyring.rs`) beside a running service.
//! The service reads the keyring again every 30 s, so a rotation takes effect there within that (and at
//! `--in-seconds`). Every change is recorded in the audit trail (account `cli`).

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
    /// A new key, current from now + --in-seconds; the current key of its kind then retires. A
    /// receipt-signing key (`--kind receipt`, the default) verifies the receipts it signed and signs no
    /// more; a data key of personal fields (`--kind field`) decrypts what it encrypted and encrypts no
    /// more — `anbei keys reencrypt` then moves every value to the new key.
    Rotate {
        /// `receipt` (receipt-signing key) or `field` (data key of ID numbers and mobiles at rest).
        #[arg(long, default_value = "receipt")]
        kind: String,
        /// Seconds until the new key is used (receipt: publish it first, so offline verifiers can
        /// fetch it; default 0. field: every running instance must have loaded it before any
        /// encrypts with it; default 60, two reloads).
        #[arg(long)]
        in_seconds: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Encrypts every filing's personal fields under the current data key: values of rows stored in
    /// clear by earlier versions, and values under older keys (after `rotate --kind field`, once its
    /// --in-seconds have passed). Safe beside running instances; a second run changes nothing.
    Reencrypt {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Seals every keyring entry again under a new key-encryption key, in one transaction. The new
    /// KEK is written to --new-kek-file (mode 0600) unless that file exists (then it is used). Then
    /// put it where every instance reads its KEK and restart them (OPERATIONS.md "Rotating the KEK").
    RotateKek {
        #[arg(long)]
        new_kek_file: std::path::PathBuf,
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
        KeysCmd::Rotate {
            kind,
            in_seconds,
            db,
        } => {
            let in_seconds = match (kind.as_str(), in_seconds) {
                (_, Some(n)) if n < 0 => return Err("--in-seconds must not be negative".into()),
                (keyring::RECEIPT | keyring::FIELD, Some(n)) => n,
                (keyring::RECEIPT, None) => 0,
                (keyring::FIELD, None) => keyring::FIELD_DELAY_S,
                (other, _) => {
                    return Err(format!(
                        "--kind {other}: only `receipt` and `field` keys are rotated (rotating the \
                         access-code secret is not built yet, SECURITY.md \"Key procedures\")"
                    ));
                }
            };
            let s = shared_state(&db).await?;
            let kek = keyring::kek_path(&db.data_dir, db.kek_file.as_deref());
            let row = keyring::rotate_audited(&s, &kek, &kind, in_seconds).await?;
            println!("{}\t{}\t{}", row.kid, row.purpose, row.not_before);
            if kind == keyring::FIELD {
                eprintln!(
                    "new data key {} encrypts from {}; running instances load it within {} s. After that \
                     moment run `anbei keys reencrypt` to move every stored value to it",
                    row.kid,
                    row.not_before,
                    keyring::RELOAD_EVERY.as_secs()
                );
            } else {
                eprintln!(
                    "new receipt key {} signs from {}; running instances pick it up within {} s",
                    row.kid,
                    row.not_before,
                    keyring::RELOAD_EVERY.as_secs()
                );
            }
            Ok(())
        }
        KeysCmd::Reencrypt { db } => {
            let s = shared_state(&db).await?;
            let (key, r) = keyring::reencrypt_audited(&s).await?;
            println!("{}\t{}\t{}\t{}", key, r.seen, r.rewritten, r.failed);
            if r.failed > 0 {
                return Err(format!(
                    "{} filings hold values that do not decrypt (named in the log above); they were left as they are",
                    r.failed
                ));
            }
            eprintln!(
                "every filing's personal fields are encrypted under {key} ({} filings, {} rewritten)",
                r.seen, r.rewritten
            );
            Ok(())
        }
        KeysCmd::RotateKek { new_kek_file, db } => {
            let s = shared_state(&db).await?;
            let old_path = keyring::kek_path(&db.data_dir, db.kek_file.as_deref());
            let n = keyring::rotate_kek_audited(&s, &old_path, &new_kek_file).await?;
            println!("{n}\t{}", new_kek_file.display());
            eprintln!(
                "{n} keyring entries are sealed under the new KEK {}. Now replace {} with it on every \
                 instance (and in the backup) and restart them one by one; keep the old file until all have \
                 restarted, then destroy it (OPERATIONS.md)",
                new_kek_file.display(),
                old_path.display()
            );
            Ok(())
        }
    }
}
