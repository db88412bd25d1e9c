//! Group commit for new filings on PostgreSQL. Filing one by one costs two transactions and about ten
//! round trips each, and every filing of a street and day queues on the same counter row: ~450 a second
//! here. Instead, new filings are collected while earlier groups commit and written as a group: the
//! numbers of the whole group come from one counter statement (a range per street and day), the rows go
//! in with one `UNNEST` statement per table, and one COMMIT makes them durable together. Every request is
//! answered only after that COMMIT has returned. If a group fails as a whole, each of its filings is
//! written again on its own, so one bad row can only fail itself.

use super::*;
use crate::signing::Signer;
use sqlx::{PgPool, Row};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Most filings in one group.
pub const MAX_BATCH: usize = 256;
/// Groups being written at once (each holds one pooled connection at a time).
const IN_FLIGHT: usize = 4;

type Item = (NewFiling, oneshot::Sender<Result<Created, StoreError>>);

pub struct Batcher {
    tx: mpsc::UnboundedSender<Item>,
}

impl Batcher {
    /// Starts the collecting task; it ends when the batcher is dropped.
    pub fn start(pool: PgPool, signer: Arc<Signer>) -> Batcher {
        let (tx, mut rx) = mpsc::unbounded_channel::<Item>();
        tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(IN_FLIGHT));
            while let Some(first) = rx.recv().await {
                // Wait for a free slot first: whatever arrives meanwhile joins this group.
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                let mut batch = Vec::with_capacity(MAX_BATCH);
                batch.push(first);
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(i) => batch.push(i),
                        Err(_) => break,
                    }
                }
                let (pool, signer) = (pool.clone(), signer.clone());
                tokio::spawn(async move {
                    run(&pool, &signer, batch).await;
                    drop(slot);
                });
            }
        });
        Batcher { tx }
    }

    pub async fn create(&self, f: NewFiling) -> Result<Created, StoreError> {
        let (otx, orx) = oneshot::channel();
        self.tx
            .send((f, otx))
            .map_err(|_| StoreError::Db("the filing writer has stopped".into()))?;
        orx.await
            .map_err(|_| StoreError::Db("the filing writer dropped a request".into()))?
    }
}

async fn run(pool: &PgPool, signer: &Arc<Signer>, batch: Vec<Item>) {
    let (filings, answers): (Vec<NewFiling>, Vec<_>) = batch.into_iter().unzip();
    match write_group(pool, signer, &filings).await {
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
                let (pool, signer) = (pool.clone(), signer.clone());
                set.spawn(async move {
                    let _ = a.send(super::postgres::create_one(&pool, &signer, f).await);
                });
            }
            while set.join_next().await.is_some() {}
        }
    }
}

/// Numbers for the group: `(kind, street, day) → count` in, the first number of each range out. One
/// short transaction; keys in sorted order so that concurrent groups lock counter rows in the same order.
async fn allocate(
    pool: &PgPool,
    need: &BTreeMap<(&'static str, String, String), i64>,
) -> Result<BTreeMap<(String, String, String), i64>, StoreError> {
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let rows = sqlx::query(
        "INSERT INTO counters (kind, street, day, value) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[]) \
         ON CONFLICT (kind, street, day) DO UPDATE SET value = counters.value + EXCLUDED.value \
         RETURNING kind, street, day, value",
    )
    .bind(need.keys().map(|k| k.0).collect::<Vec<_>>())
    .bind(need.keys().map(|k| k.1.as_str()).collect::<Vec<_>>())
    .bind(need.keys().map(|k| k.2.as_str()).collect::<Vec<_>>())
    .bind(need.values().copied().collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    let mut first = BTreeMap::new();
    for r in rows {
        let key: (String, String, String) = (
            r.try_get(0).map_err(db)?,
            r.try_get(1).map_err(db)?,
            r.try_get(2).map_err(db)?,
        );
        let last: i64 = r.try_get(3).map_err(db)?;
        let n = need
            .get(&(
                if key.0 == "F" { "F" } else { "R" },
                key.1.clone(),
                key.2.clone(),
            ))
            .copied()
            .ok_or_else(|| StoreError::Db("counters: an unexpected row came back".into()))?;
        first.insert(key, last - n + 1);
    }
    if first.len() != need.len() {
        return Err(StoreError::Db("counters: a range was not returned".into()));
    }
    Ok(first)
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(e.to_string())
}

/// Writes the group; one result per filing, in order.
async fn write_group(
    pool: &PgPool,
    signer: &Signer,
    fs: &[NewFiling],
) -> Result<Vec<Result<Created, StoreError>>, StoreError> {
    let mut need: BTreeMap<(&'static str, String, String), i64> = BTreeMap::new();
    for f in fs {
        *need
            .entry(("F", f.street.clone(), f.day.clone()))
            .or_default() += 1;
        if let Some(d) = &f.receipt {
            *need
                .entry(("R", f.street.clone(), d.day.clone()))
                .or_default() += 1;
        }
    }
    let mut next = allocate(pool, &need).await?;
    let mut take = |kind: &str, street: &str, day: &str| -> Result<i64, StoreError> {
        let v = next
            .get_mut(&(kind.to_owned(), street.to_owned(), day.to_owned()))
            .ok_or_else(|| StoreError::Db("counters: no range for a filing".into()))?;
        *v += 1;
        Ok(*v - 1)
    };
    let mut nos = Vec::with_capacity(fs.len());
    let mut tokens = Vec::with_capacity(fs.len());
    let mut receipts = Vec::with_capacity(fs.len());
    for f in fs {
        let no = filing_no(&f.street, &f.day, take("F", &f.street, &f.day)?);
        tokens.push(access_token_hash(signer, &no, &f.idempotency_key));
        receipts.push(match &f.receipt {
            Some(d) => Some(make_receipt(
                signer,
                &no,
                &f.street,
                take("R", &f.street, &d.day)?,
                d,
            )),
            None => None,
        });
        nos.push(no);
    }

    let mut tx = pool.begin().await.map_err(db)?;
    let col = |pick: fn(&NewFiling) -> &str| fs.iter().map(pick).collect::<Vec<_>>();
    let inserted: HashSet<String> = sqlx::query_scalar(
        "INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope, \
         acceptance_due, access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes) \
         SELECT u.no, u.street, u.status, 1, u.created_at, u.created_at, u.filed_on, u.high_risk, u.scope, u.due, \
                u.token, u.key, u.hash, u.request, u.assessment, NULL \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], \
                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) \
              AS u (no, street, status, created_at, filed_on, high_risk, scope, due, token, key, hash, request, assessment) \
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
    .bind(col(|f| &f.request))
    .bind(col(|f| &f.assessment))
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?
    .into_iter()
    .collect();

    // History and receipts of the filings that went in (a key committed meanwhile by another
    // instance or request is answered from its earlier filing below).
    let mut ev: [Vec<Option<String>>; 7] = Default::default();
    let mut rc: [Vec<String>; 9] = Default::default();
    let mut rc_hr = Vec::new();
    for (i, f) in fs.iter().enumerate() {
        if !inserted.contains(&nos[i]) {
            continue;
        }
        for e in &f.events {
            ev[0].push(Some(nos[i].clone()));
            ev[1].push(Some(e.at.clone()));
            ev[2].push(Some(e.actor.to_string()));
            ev[3].push(e.actor_name.clone());
            ev[4].push(Some(e.action.to_string()));
            ev[5].push(e.reason.clone());
            ev[6].push(e.data.as_ref().map(|d| d.to_string()));
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
                v.push(s.clone());
            }
            rc_hr.push(r.high_risk);
        }
    }
    if !ev[0].is_empty() {
        let [no, at, actor, actor_name, action, reason, data] = &ev;
        sqlx::query(
            "INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) \
             SELECT u.no, u.at, u.actor, u.actor_name, u.action, u.reason, u.data \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
             WITH ORDINALITY AS u (no, at, actor, actor_name, action, reason, data, ord) ORDER BY u.ord",
        )
        .bind(no)
        .bind(at)
        .bind(actor)
        .bind(actor_name)
        .bind(action)
        .bind(reason)
        .bind(data)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    if !rc_hr.is_empty() {
        let [
            no,
            filing,
            street,
            ruleset,
            scope,
            valid_until,
            issued_at,
            signature,
            kid,
        ] = &rc;
        sqlx::query(
            "INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, high_risk, valid_until, issued_at, signature, kid) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], \
                                  $8::text[], $9::text[], $10::text[])",
        )
        .bind(no)
        .bind(filing)
        .bind(street)
        .bind(ruleset)
        .bind(scope)
        .bind(&rc_hr)
        .bind(valid_until)
        .bind(issued_at)
        .bind(signature)
        .bind(kid)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;

    let mut out = Vec::with_capacity(fs.len());
    for ((f, no), (token_hash, receipt)) in fs.iter().zip(nos).zip(tokens.into_iter().zip(receipts))
    {
        if !inserted.contains(&no) {
            out.push(
                match super::postgres::existing(pool, &f.idempotency_key).await? {
                    Some((request_hash, filing_no)) => Ok(Created::Existing {
                        request_hash,
                        filing_no,
                    }),
                    None => Err(StoreError::Conflict),
                },
            );
            continue;
        }
        out.push(Ok(Created::New(Box::new(
            f.record(no, token_hash, receipt),
        ))));
    }
    Ok(out)
}
