//! Retention and the person's rights (PIPL 第四十七条, 第四十五条, 第四十六条; issue 16, item 7).
//!
//! - **Purge** ([`purge`], `anbei purge`, and once a day in `anbei serve`): a registration that ended —
//!   cancelled, revoked or refused (on the day of that step), or expired (on its `valid_until`) — more
//!   than the retention period ago (default [`DEFAULT_DAYS`], 3 years) keeps its ledger row and its
//!   receipt, but loses every person in it ([`anonymise`]), its documents, its history's free text, its
//!   site records' and rectifications' notes and photos, and what its notifications said. The receipt's
//!   signature never covered a person (signing.rs), so it still verifies; the site address and
//!   community stay, because the signed site hash and the public check of a printed notice are about
//!   the site (SECURITY.md, "Retention").
//! - **Orphan uploads**: an upload no stored row names, 24 h after it was (last) uploaded, is removed
//!   with its bytes ([`ORPHAN_AGE_MS`]); so are the documents of purged registrations no live one
//!   shares (uploads are content-addressed: the same file filed twice is one upload).
//! - **Export and correction** of one person's data by an admin: `routes/personal_data.rs`.
//!
//! The purge works in small batches, each one short transaction (SQLite: one job of the group-commit
//! writer, [`SQLITE_BATCH`] rows; PostgreSQL: [`PG_BATCH`] rows in a few array statements), so filings
//! go on at full speed beside it; on several instances only one purges at a time
//! (`Store::retention_lock`). A run leaves one audit entry with its counts, never one per row: the
//! audit trail holds no applicant's personal data (it names staff, filing numbers and counts only), so
//! the purge never touches its hash chain.

use crate::app::AppState;
use crate::clock;
use crate::lifecycle::{Action, Actor};
use crate::store::{AuditDraft, Event, PurgeCandidate};
use serde_json::{Map, Value};

/// The default retention period: 3 years (1,096 days: three years with a leap day) after a
/// registration ended (`--retention-days`, ANBEI_RETENTION_DAYS).
pub const DEFAULT_DAYS: i64 = 1096;
/// How long an upload no stored row names is kept: 24 h after it was uploaded.
pub const ORPHAN_AGE_MS: i64 = 24 * 3600 * 1000;
/// Registrations per transaction on SQLite: the group-commit writer runs the batch between groups of
/// filings, so it is kept to a few milliseconds.
pub const SQLITE_BATCH: u32 = 50;
/// Registrations per transaction on PostgreSQL (row locks on these rows only). 500 made each batch a
/// ~170 ms burst of the database's CPU, and filings beside it waited (p99 up to 440 ms at 1,000/s on
/// the 2-core box: BENCHMARKS.md "Session 15: the purge").
pub const PG_BATCH: u32 = 200;
/// After each batch the purge rests as long as the batch took (so it takes at most about half of the
/// time, and the filings beside it the rest): at 1,000,000 registrations it still finishes in minutes.
pub const REST_PER_BATCH: f64 = 1.0;

/// Rests after a batch that took since `started` ([`REST_PER_BATCH`]).
async fn rest_after(started: std::time::Instant) {
    tokio::time::sleep(started.elapsed().mul_f64(REST_PER_BATCH)).await;
}
/// The key the anonymised request carries: the date its personal data was removed.
pub const PURGED_KEY: &str = "personal_data_removed_on";

/// The `purged` history entry.
pub fn purged_event(at: &str) -> Event {
    Event {
        at: at.to_owned(),
        actor: Actor::System,
        actor_name: None,
        action: Action::Purge,
        reason: None,
        data: None,
    }
}

/// The date a request's personal data was removed, if it was.
pub fn purged_on(request: &Value) -> Option<&str> {
    request.get(PURGED_KEY).and_then(Value::as_str)
}

/// [`purged_on`] of a stored request.
pub fn purged_on_text(request: &str) -> Option<String> {
    // Cheap first: an ordinary filing never holds the key.
    if !request.contains(PURGED_KEY) {
        return None;
    }
    let v: Value = serde_json::from_str(request).ok()?;
    purged_on(&v).map(str::to_owned)
}

/// The request without any person in it, as the ledger keeps it after the retention period. Kept: the
/// facts (the assessment's inputs), the site (address, street, community, area), the planned dates,
/// the waste-disposal site, the work description, the pledge's version and time, a company
/// contractor's name and numbers, each worker's special operation. Removed: every name, ID number,
/// mobile, e-mail and certificate number of the applicant, agent, a person contractor, project lead,
/// safety manager and workers, and the documents. The shape stays readable by every reader of
/// `Filing` (required texts become empty). Pure.
pub fn anonymise(request: &str, on: &str) -> Result<String, String> {
    let mut v: Value =
        serde_json::from_str(request).map_err(|e| format!("request unreadable: {e}"))?;
    let Some(f) = v.as_object_mut() else {
        return Err("request is not a JSON object".into());
    };
    let blank = |o: &mut Map<String, Value>, keys: &[&str]| {
        for k in keys {
            if o.contains_key(*k) {
                o.insert((*k).to_owned(), Value::String(String::new()));
            }
        }
    };
    for person in ["applicant", "agent"] {
        if let Some(p) = f.get_mut(person).and_then(Value::as_object_mut) {
            blank(p, &["name", "id_number", "mobile"]);
            p.remove("email");
        }
    }
    for contact in ["project_lead", "safety_manager"] {
        if let Some(p) = f.get_mut(contact).and_then(Value::as_object_mut) {
            blank(p, &["name", "mobile"]);
        }
    }
    if let Some(c) = f.get_mut("contractor").and_then(Value::as_object_mut) {
        let company = c
            .get("credit_code")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        if !company {
            // a hired person (an odd job): a person's name and ID number
            blank(c, &["name"]);
            c.remove("id_number");
        }
        c.remove("mobile");
        c.remove("email");
    }
    if let Some(ws) = f.get_mut("workers").and_then(Value::as_array_mut) {
        for w in ws.iter_mut().filter_map(Value::as_object_mut) {
            blank(w, &["name", "id_number"]);
            w.remove("certificate_no");
            w.remove("certificate_valid_until");
        }
    }
    if f.contains_key("documents") {
        f.insert("documents".into(), Value::Object(Map::new()));
    }
    f.insert(PURGED_KEY.into(), Value::String(on.to_owned()));
    serde_json::to_string(&v).map_err(|e| e.to_string())
}

/// The last day a registration may have ended and still be kept on `today`: one that ended before
/// `today − days` is purged (ended 3 years + 1 day ago: purged; 3 years − 1 day ago: kept).
pub fn cutoff(today: anbei_core::Date, days: i64) -> String {
    today.add_days(-(days.clamp(0, 100_000) as i32)).to_string()
}

/// What a purge did (or, dry, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub dry_run: bool,
    /// Registrations that ended before this date were purged.
    pub ended_before: String,
    /// Registrations whose personal data was removed (dry run: would be).
    pub registrations: u64,
    /// Uploads removed with their bytes: orphans and documents no live registration names (dry run:
    /// those unnamed now; a real run also removes the documents of the registrations it purges).
    pub uploads: u64,
    /// Bytes of those uploads.
    pub upload_bytes: u64,
    /// Registrations skipped: their stored request could not be read (logged; left as they are).
    pub unreadable: u64,
}

/// Why a purge did not run.
#[derive(Debug)]
pub enum PurgeError {
    /// Another instance (or `anbei purge`) holds the lock: this run is skipped.
    Busy,
    Failed(String),
}

impl std::fmt::Display for PurgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PurgeError::Busy => f.write_str(
                "another purge is running (another instance, or `anbei purge`): nothing done",
            ),
            PurgeError::Failed(e) => f.write_str(e),
        }
    }
}

impl From<crate::store::StoreError> for PurgeError {
    fn from(e: crate::store::StoreError) -> PurgeError {
        PurgeError::Failed(e.to_string())
    }
}

/// Purges what is past the retention period and removes orphan uploads (see the module's text).
/// `who`: the audit entry's account (`system` for the daily task, `cli` for `anbei purge`).
pub async fn purge(s: &AppState, dry_run: bool, who: &str) -> Result<Report, PurgeError> {
    let Some(_lock) = s.store.retention_lock().await? else {
        return Err(PurgeError::Busy);
    };
    let started = std::time::Instant::now();
    let now_ms = s.now_ms();
    let at = clock::rfc3339(now_ms);
    let today = clock::shanghai_date(now_ms);
    let ended_before = cutoff(today, s.cfg.retention_days);
    let batch = match s.cfg.database {
        crate::config::Database::Sqlite => SQLITE_BATCH,
        crate::config::Database::Postgres { .. } => PG_BATCH,
    };
    let mut r = Report {
        dry_run,
        ended_before: ended_before.clone(),
        ..Report::default()
    };
    let mut after = String::new();
    loop {
        let batch_started = std::time::Instant::now();
        let rows = s
            .store
            .purge_candidates(ended_before.clone(), after.clone(), batch)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.filing_no.clone();
        let mut out: Vec<PurgeCandidate> = Vec::with_capacity(rows.len());
        for c in rows {
            match anonymise(&c.request, &today.to_string()) {
                Ok(request) => out.push(PurgeCandidate { request, ..c }),
                Err(e) => {
                    tracing::error!(filing_no = %c.filing_no, error = %e, "purge: request unreadable, left as it is");
                    r.unreadable += 1;
                }
            }
        }
        if dry_run {
            r.registrations += out.len() as u64;
        } else if !out.is_empty() {
            r.registrations += s.store.purge_apply(out, at.clone()).await?;
        }
        // Let the requests in between have the runtime, the writer and the database.
        rest_after(batch_started).await;
    }
    let before = clock::rfc3339(now_ms - ORPHAN_AGE_MS);
    let mut after = String::new();
    loop {
        let batch_started = std::time::Instant::now();
        let ups = s
            .store
            .unreferenced_uploads(before.clone(), after.clone(), 2 * batch)
            .await?;
        let Some(last) = ups.last() else { break };
        after = last.upload_id.clone();
        if dry_run {
            r.uploads += ups.len() as u64;
            r.upload_bytes += ups.iter().map(|u| u.size.max(0) as u64).sum::<u64>();
        } else {
            let ids = ups.iter().map(|u| u.upload_id.clone()).collect();
            let gone = s.store.delete_uploads(ids, before.clone()).await?;
            // The rows first: from now on no filing can name these uploads; then their bytes.
            let gone: Vec<_> = ups.iter().filter(|u| gone.contains(&u.upload_id)).collect();
            s.blobs
                .delete_many(gone.iter().map(|u| u.sha256.clone()).collect())
                .await
                .map_err(|e| PurgeError::Failed(e.to_string()))?;
            for u in &gone {
                s.forget_upload(&u.upload_id);
                r.uploads += 1;
                r.upload_bytes += u.size.max(0) as u64;
            }
        }
        rest_after(batch_started).await;
    }
    tracing::info!(
        dry_run,
        ended_before = %r.ended_before,
        registrations = r.registrations,
        uploads = r.uploads,
        upload_bytes = r.upload_bytes,
        unreadable = r.unreadable,
        ms = started.elapsed().as_millis() as u64,
        "purge"
    );
    if !dry_run {
        // One entry per run, with its counts: no filing number, no person.
        let d = AuditDraft {
            at: s.now(),
            account: who.to_owned(),
            name: String::new(),
            role: "system".into(),
            action: "retention_purge".into(),
            target: format!("ended before {}", r.ended_before),
            client: String::new(),
            outcome: "ok".into(),
            detail: Some(format!(
                "registrations={} uploads={} upload_bytes={} unreadable={} retention_days={} ms={}",
                r.registrations,
                r.uploads,
                r.upload_bytes,
                r.unreadable,
                s.cfg.retention_days,
                started.elapsed().as_millis()
            )),
        };
        s.store.staff_write(vec![], vec![d]).await?;
    }
    Ok(r)
}

/// How long after start the daily task first purges (`Config::purge_first_after_s`), then every 24 h.
pub const FIRST_RUN_AFTER_S: u64 = 600;
const EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The daily purge of `anbei serve` (while the state lives).
pub fn spawn_daily(state: std::sync::Weak<crate::app::Inner>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let first = state
            .upgrade()
            .map_or(FIRST_RUN_AFTER_S, |s| s.cfg.purge_first_after_s);
        tokio::time::sleep(std::time::Duration::from_secs(first)).await;
        loop {
            let Some(inner) = state.upgrade() else { return };
            let s = AppState(inner);
            match purge(&s, false, "system").await {
                Ok(_) => {}
                Err(PurgeError::Busy) => {
                    tracing::info!("purge: another instance is purging; skipped today");
                }
                Err(e) => tracing::error!(error = %e, "purge failed; tried again tomorrow"),
            }
            drop(s);
            tokio::time::sleep(EVERY).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filing() -> Value {
        json!({
            "facts": { "activity": "decoration_general" },
            "applicant": { "name": "张三", "id_number": "11010519491231002X", "mobile": "13800138000", "email": "z@example.cn" },
            "agent": { "name": "李四", "id_number": "110105194912310037", "mobile": "13900139000" },
            "site": { "address": "坂田街道 1 号", "street": "bantian", "community": "岗头社区" },
            "contractor": { "name": "王五", "id_number": "110105194912310045", "mobile": "13700137000" },
            "project_lead": { "name": "赵六", "mobile": "13600136000" },
            "workers": [
                { "name": "钱七", "id_number": "110105194912310053", "operation": "welding", "certificate_no": "T110105194912310053", "certificate_valid_until": "2027-01-01" }
            ],
            "planned_start": "2026-11-23",
            "planned_end": "2026-12-23",
            "waste_disposal_site": "坂田消纳场",
            "documents": { "D_FLOOR_PLAN": "sha256:aa" },
            "pledge": { "version": "1", "signer": "applicant", "signed_at": "2026-11-23T10:00:00+08:00" }
        })
    }

    /// No name, ID number, mobile, e-mail or certificate number of anyone is left, and no document;
    /// what the ledger and the receipt need (site, facts, dates, operations) is.
    #[test]
    fn anonymise_removes_every_person_and_keeps_the_site() {
        let text = anonymise(&filing().to_string(), "2030-01-02").unwrap();
        for gone in [
            "张三",
            "李四",
            "王五",
            "赵六",
            "钱七",
            "1101051949123",
            "138",
            "139",
            "137",
            "136",
            "z@example.cn",
            "sha256:",
        ] {
            assert!(!text.contains(gone), "{gone} left in {text}");
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["site"]["address"], "坂田街道 1 号");
        assert_eq!(v["site"]["community"], "岗头社区");
        assert_eq!(v["workers"][0]["operation"], "welding");
        assert_eq!(v["facts"]["activity"], "decoration_general");
        assert_eq!(v["documents"], json!({}));
        assert_eq!(purged_on(&v), Some("2030-01-02"));
        // still a filing every reader can read
        let f: anbei_filing::Filing<Value> = serde_json::from_value(v).unwrap();
        assert_eq!(f.applicant.name, "");
        assert_eq!(f.workers.len(), 1);
    }

    /// A company contractor is not a person: its name and credit code stay, its contact goes.
    #[test]
    fn a_company_contractor_keeps_its_name() {
        let mut f = filing();
        f["contractor"] = json!({ "name": "深圳某某装饰有限公司", "credit_code": "91350100M000100Y43", "mobile": "13700137000" });
        let v: Value =
            serde_json::from_str(&anonymise(&f.to_string(), "2030-01-02").unwrap()).unwrap();
        assert_eq!(v["contractor"]["name"], "深圳某某装饰有限公司");
        assert_eq!(v["contractor"]["credit_code"], "91350100M000100Y43");
        assert!(v["contractor"].get("mobile").is_none());
    }

    #[test]
    fn an_unreadable_request_is_an_error_not_a_guess() {
        assert!(anonymise("not json", "2030-01-02").is_err());
        assert!(anonymise("[1]", "2030-01-02").is_err());
    }

    /// 3 years + 1 day ago is past the cutoff, 3 years − 1 day ago is not; the boundary day is kept.
    #[test]
    fn the_cutoff_is_the_retention_period_before_today() {
        let today = anbei_core::Date::parse("2030-01-10").unwrap();
        let c = cutoff(today, DEFAULT_DAYS);
        let ended = |days: i32| today.add_days(-days).to_string();
        assert!(ended(1097) < c);
        assert!(ended(1096) >= c);
        assert!(ended(1095) >= c);
        // an `updated_at` timestamp on the cutoff day is not before it
        assert!(format!("{c}T00:00:00.000+08:00") >= c);
    }
}
