//! Group commit for new filings on PostgreSQL. Filing one by one costs two transactions and about ten
//! round trips each, and every filing of a street and day queues on the same counter row: ~450 a second
//! here. Instead, new filings are collected while earlier groups commit and written as a group: the
//! numbers of the whole group come from one counter statement (a range per street and day), the rows go
//! in with one `UNNEST` statement per table, and one COMMIT makes them durable together. Every request is
//! answered only after that COMMIT has returned. If a group fails as a whole, each of its filings is
//! written again on its own, so one bad row can only fail itself.

use super::postgres::{Numbered, existing, number};
use super::*;
use sqlx::PgPool;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot};

/// Most filings in one group.
pub const MAX_BATCH: usize = 256;
/// Groups being written at once by all the instances sharing a database, unless
/// `--pg-groups-in-flight` (`ANBEI_PG_GROUPS_IN_FLIGHT`, `Config::pg_groups_in_flight`) gives each
/// instance a number: alone, an instance writes this many; beside others, its share ([`auto`]). Every
/// group ends by appending to the audit chain under its lock, so groups commit one at a time across
/// all instances: one group committing and one being written keep the lock busy, and more only split
/// the queue into smaller groups waiting on it. Measured on the 2-core box (BENCHMARKS.md, sessions 15
/// and 18): one instance does best with 2; two instances sharing the database with 1 each.
pub const IN_FLIGHT: usize = 2;

/// Groups in flight for one of `live` instances sharing the database: its share of [`IN_FLIGHT`],
/// at least one.
pub const fn auto(live: usize) -> usize {
    let share = IN_FLIGHT / if live == 0 { 1 } else { live };
    if share == 0 { 1 } else { share }
}

/// How often a serving instance writes its row in `instances` (migration 0019) and counts the others.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// An instance whose row was written this recently (by the database's clock) counts as live.
pub const LIVE_MS: i64 = 15_000;
/// Rows of instances not seen for this long are removed.
const FORGET_MS: i64 = 3_600_000;

/// This instance's groups in flight: the number the operator gave, or [`auto`] of the instances seen.
#[derive(Debug)]
pub struct InFlight {
    fixed: Option<usize>,
    live: AtomicUsize,
}

impl InFlight {
    /// `fixed`: the operator's number (`None`: from the instances seen; alone until a heartbeat says
    /// otherwise).
    pub fn new(fixed: Option<usize>) -> Arc<InFlight> {
        Arc::new(InFlight {
            fixed,
            live: AtomicUsize::new(1),
        })
    }

    /// A heartbeat counted `live` instances (this one included).
    pub fn saw(&self, live: usize) {
        self.live.store(live, Ordering::Relaxed);
    }

    /// Groups this instance writes at once now.
    pub fn limit(&self) -> usize {
        self.fixed.unwrap_or_else(|| auto(self.live())).max(1)
    }

    /// Instances seen live at the last heartbeat, this one included.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }
}

/// Writes this instance's row (`id`) and returns how many instances are live, this one included: one
/// statement, on the database's clock, which also forgets instances gone for an hour.
pub async fn heartbeat(pool: &PgPool, id: &str) -> Result<usize, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms), \
         me AS (INSERT INTO instances (id, started_ms, seen_ms) SELECT $1, ms, ms FROM now \
                ON CONFLICT (id) DO UPDATE SET seen_ms = EXCLUDED.seen_ms RETURNING seen_ms), \
         gone AS (DELETE FROM instances WHERE seen_ms < (SELECT ms FROM now) - $3 AND id <> $1) \
         SELECT 1 + count(*) FROM instances, me WHERE instances.id <> $1 AND instances.seen_ms > me.seen_ms - $2",
    )
    .bind(id)
    .bind(LIVE_MS)
    .bind(FORGET_MS)
    .fetch_one(pool)
    .await
    .map_err(db)?;
    Ok(usize::try_from(n).unwrap_or(1).max(1))
}

/// Heartbeats every [`HEARTBEAT`] after a first one now (so an instance starting beside others
/// writes its share from its first group); the task ends when the handle is dropped.
pub async fn join(pool: &PgPool, in_flight: &Arc<InFlight>) -> Result<Heartbeat, StoreError> {
    let id = crate::signing::hex(
        &crate::signing::random_bytes::<8>().map_err(|e| StoreError::Db(e.to_string()))?,
    );
    in_flight.saw(heartbeat(pool, &id).await?);
    let (pool, in_flight) = (pool.clone(), in_flight.clone());
    Ok(Heartbeat(tokio::spawn(async move {
        loop {
            tokio::time::sleep(HEARTBEAT).await;
            match heartbeat(&pool, &id).await {
                Ok(n) => in_flight.saw(n),
                // The database away (failover): keep the last count; the next beat tries again.
                Err(e) => tracing::debug!(error = %e, "instances: heartbeat failed"),
            }
        }
    })))
}

/// The heartbeat task, stopped when dropped.
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

type Item = (NewFiling, oneshot::Sender<Result<Created, StoreError>>);

pub struct Batcher {
    tx: mpsc::UnboundedSender<Item>,
}

impl Batcher {
    /// Starts the collecting task, writing up to `in_flight.limit()` groups at once (read before each
    /// group, so a heartbeat's new count applies from the next); it ends when the batcher is dropped.
    pub fn start(pool: PgPool, sealer: Arc<dyn Sealer>, in_flight: Arc<InFlight>) -> Batcher {
        let (tx, mut rx) = mpsc::unbounded_channel::<Item>();
        tokio::spawn(async move {
            let running = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(Notify::new());
            while let Some(first) = rx.recv().await {
                // Wait for a free slot first: whatever arrives meanwhile joins this group. (Only this
                // loop waits, and `notify_one` keeps a wake-up for it if it is not waiting yet.)
                while running.load(Ordering::Acquire) >= in_flight.limit() {
                    done.notified().await;
                }
                running.fetch_add(1, Ordering::AcqRel);
                let batch = gather(first, MAX_BATCH, || rx.try_recv().ok());
                let (pool, sealer) = (pool.clone(), sealer.clone());
                let (running, done) = (running.clone(), done.clone());
                tokio::spawn(async move {
                    run(&pool, &sealer, batch).await;
                    running.fetch_sub(1, Ordering::AcqRel);
                    done.notify_one();
                });
            }
        });
        Batcher { tx }
    }

    pub async fn create(&self, f: NewFiling) -> Result<Created, StoreError> {
        let (otx, orx) = oneshot::channel();
        crate::ops::metrics::queued();
        self.tx
            .send((f, otx))
            .map_err(|_| StoreError::Db("the filing writer has stopped".into()))?;
        orx.await
            .map_err(|_| StoreError::Db("the filing writer dropped a request".into()))?
    }
}

async fn run(pool: &PgPool, sealer: &Arc<dyn Sealer>, batch: Vec<Item>) {
    let (filings, answers): (Vec<NewFiling>, Vec<_>) = batch.into_iter().unzip();
    match write_group(pool, sealer.as_ref(), &filings).await {
        Ok(results) => {
            for (r, a) in results.into_iter().zip(answers) {
                let _ = a.send(r);
            }
        }
        Err(e) if filings.len() == 1 => {
            for a in answers {
                let _ = a.send(Err(StoreError::Db(e.to_string())));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, n = filings.len(), "postgres: group write failed; writing its filings one by one");
            let mut set = tokio::task::JoinSet::new();
            for (f, a) in filings.into_iter().zip(answers) {
                let (pool, sealer) = (pool.clone(), sealer.clone());
                set.spawn(async move {
                    let _ = a.send(super::postgres::create_one(&pool, sealer.as_ref(), f).await);
                });
            }
            while set.join_next().await.is_some() {}
        }
    }
}

/// Writes the group; one result per filing, in order.
async fn write_group(
    pool: &PgPool,
    sealer: &dyn Sealer,
    fs: &[NewFiling],
) -> Result<Vec<Result<Created, StoreError>>, StoreError> {
    let Numbered {
        nos,
        tokens,
        receipts,
    } = number(pool, sealer, fs).await?;

    // Each request as stored: its personal fields encrypted, bound to its number (fieldcrypt.rs).
    let stored = nos
        .iter()
        .zip(fs)
        .map(|(no, f)| {
            super::fieldcrypt::seal_new_with(sealer, no, &f.request, f.request_marks.as_ref())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut tx = pool.begin().await.map_err(db)?;
    let col = |pick: fn(&NewFiling) -> &str| fs.iter().map(pick).collect::<Vec<_>>();
    let inserted: HashSet<String> = sqlx::query_scalar(
        "INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope, \
         acceptance_due, access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes, \
         community, area, departments, applicant_name, activity) \
         SELECT u.no, u.street, u.status, 1, u.created_at, u.created_at, u.filed_on, u.high_risk, u.scope, u.due, \
                u.token, u.key, u.hash, u.request, u.assessment, NULL, u.community, u.area, u.departments, u.applicant, u.activity \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], \
                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], \
                     $16::text[], $17::text[], $18::text[]) \
              AS u (no, street, status, created_at, filed_on, high_risk, scope, due, token, key, hash, request, assessment, \
                    community, area, departments, applicant, activity) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING filing_no",
    )
    .bind(&nos)
    .bind(col(|f| &f.street))
    .bind(fs.iter().map(|f| f.status.as_str()).collect::<Vec<_>>())
    .bind(col(|f| &f.created_at))
    .bind(col(|f| &f.filed_on))
    .bind(fs.iter().map(|f| f.high_risk).collect::<Vec<_>>())
    .bind(col(|f| &f.scope))
    .bind(fs.iter().map(|f| f.acceptance_due.as_deref()).collect::<Vec<_>>())
    .bind(&tokens)
    .bind(col(|f| &f.idempotency_key))
    .bind(col(|f| &f.request_hash))
    .bind(stored.iter().map(|s| s.text.as_str()).collect::<Vec<_>>())
    .bind(col(|f| &f.assessment))
    .bind(col(|f| &f.columns.community))
    .bind(col(|f| &f.columns.area))
    .bind(col(|f| &f.columns.departments))
    .bind(col(|f| &f.columns.applicant_name))
    .bind(col(|f| &f.columns.activity))
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?
    .into_iter()
    .collect();

    // History and receipts of the filings that went in (a key committed meanwhile by another
    // instance or request is answered from its earlier filing below).
    // Columns borrowed from the filings (only the events' JSON is written out).
    let mut ev: [Vec<Option<&str>>; 6] = Default::default();
    let mut ev_data = Vec::new();
    let mut audit = Vec::new();
    let mut rc: [Vec<&str>; 9] = Default::default();
    let mut rc_hr = Vec::new();
    let mut rc_ver = Vec::new();
    let mut rc_site = Vec::new();
    let mut ob: [Vec<&str>; 8] = Default::default();
    let mut ob_after = Vec::new();
    // the uploads each filing's documents name (upload_refs: retention.rs), as (upload id, filing)
    let mut refs: [Vec<&str>; 2] = Default::default();
    for (i, f) in fs.iter().enumerate() {
        if !inserted.contains(&nos[i]) {
            continue;
        }
        for id in &stored[i].documents {
            refs[0].push(id);
            refs[1].push(&nos[i]);
        }
        audit.extend(with_target(&f.audit, &nos[i]));
        for d in &f.outbox {
            for (v, s) in ob.iter_mut().zip([
                d.id.as_str(),
                &d.kind,
                &d.occurred_at,
                &nos[i],
                &d.street,
                d.status.as_str(),
                &d.lang,
                &d.payload,
            ]) {
                v.push(s);
            }
            ob_after.push(d.deliver_after_ms);
        }
        for e in &f.events {
            for (v, s) in ev.iter_mut().zip([
                Some(nos[i].as_str()),
                Some(&e.at),
                Some(e.actor.as_str()),
                e.actor_name.as_deref(),
                Some(e.action.as_str()),
                e.reason.as_deref(),
            ]) {
                v.push(s);
            }
            ev_data.push(e.data.as_ref().map(|d| d.to_string()));
        }
        if let Some(r) = &receipts[i] {
            for (v, s) in rc.iter_mut().zip([
                &r.receipt_no,
                &r.filing_no,
                &r.street,
                &r.ruleset,
                &r.scope,
                &r.valid_until,
                &r.issued_at,
                &r.signature,
                &r.kid,
            ]) {
                v.push(s);
            }
            rc_hr.push(r.high_risk);
            rc_ver.push(r.version);
            rc_site.push(r.site_hash.as_str());
        }
    }
    // The history events, the documents' upload references, the receipts and the outbox rows of the
    // group in one statement (data-modifying CTEs): one round trip per group commit instead of four —
    // the outbox's cost on receipts/s, and the references' (BENCHMARKS.md). Empty arrays insert nothing.
    if !ev_data.is_empty() || !ob_after.is_empty() || !refs[0].is_empty() || !rc_hr.is_empty() {
        let q = ev.iter().fold(
            sqlx::query(concat!(
                "WITH e AS (INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) \
                 SELECT u.no, u.at, u.actor, u.actor_name, u.action, u.reason, u.data \
                 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
                 WITH ORDINALITY AS u (no, at, actor, actor_name, action, reason, data, ord) ORDER BY u.ord), \
                 r AS (INSERT INTO upload_refs (upload_id, owner) SELECT d.id, ",
                filing_ref_owner!("d.no"),
                " FROM UNNEST($17::text[], $18::text[]) AS d (id, no) ON CONFLICT DO NOTHING), \
                 c AS (INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, valid_until, \
                 issued_at, signature, kid, high_risk, payload_version, site_hash) \
                 SELECT * FROM UNNEST($19::text[], $20::text[], $21::text[], $22::text[], $23::text[], \
                 $24::text[], $25::text[], $26::text[], $27::text[], $28::boolean[], $29::bigint[], $30::text[])) \
                 INSERT INTO outbox (id, type, occurred_at, filing_no, street, status, lang, payload, state, \
                 email_state, webhook_state, attempts, deliver_after_ms, next_attempt_ms, lease_until_ms) \
                 SELECT o.id, o.type, o.at, o.no, o.street, o.status, o.lang, o.payload, 'pending', 'pending', \
                        'pending', 0, o.after, o.after, 0 \
                 FROM UNNEST($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], \
                             $14::text[], $15::text[], $16::bigint[]) \
                      AS o (id, type, at, no, street, status, lang, payload, after)"
            )),
            |q, column| q.bind(column),
        );
        let q = ob
            .iter()
            .fold(q.bind(&ev_data), |q, column| q.bind(column))
            .bind(&ob_after);
        let q = refs.iter().fold(q, |q, column| q.bind(column));
        rc.iter()
            .fold(q, |q, column| q.bind(column))
            .bind(&rc_hr)
            .bind(&rc_ver)
            .bind(&rc_site)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    // Last: the chain's lock is held only for the end of the transaction.
    super::postgres::append_audit(&mut tx, &audit).await?;
    tx.commit().await.map_err(db)?;

    let mut out = Vec::with_capacity(fs.len());
    for ((f, no), (token_hash, receipt)) in fs.iter().zip(nos).zip(tokens.into_iter().zip(receipts))
    {
        if !inserted.contains(&no) {
            out.push(
                existing(pool, &f.idempotency_key)
                    .await?
                    .map(Created::from)
                    .ok_or(StoreError::Conflict),
            );
            continue;
        }
        out.push(Ok(Created::New(Box::new(
            f.record(no, token_hash, receipt),
        ))));
    }
    Ok(out)
}
