//! PostgreSQL store (sqlx, runtime queries). Numbers come from a counter row per kind, street and day
//! (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so several instances sharing the database never hand
//! out the same filing or receipt number; the unique Idempotency-Key makes concurrent replays converge.

use super::*;
use crate::signing::Signer;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use std::str::FromStr;
use std::sync::Arc;

pub struct PgStore {
    pool: PgPool,
    signer: Arc<Signer>,
    /// New filings are written in groups: see [`super::pg_batch`].
    batcher: super::pg_batch::Batcher,
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(e.to_string())
}

/// Longest wait for a pooled connection before the request is answered 503.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Lock id for migrations, so instances starting together apply them once.
const MIGRATION_LOCK: i64 = 0x616e_6265_6901;

impl PgStore {
    pub async fn connect(
        url: &str,
        schema: Option<&str>,
        signer: Arc<Signer>,
    ) -> Result<PgStore, String> {
        let mut opts = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
        if let Some(s) = schema {
            if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || s.is_empty() {
                return Err(format!(
                    "schema name {s:?} must be ASCII letters, digits and _"
                ));
            }
            opts = opts.options([("search_path", s)]);
        }
        // A short wait for a connection: under overload a request is shed at once with 503 and
        // Retry-After (error.rs maps "pool timed out") instead of queueing for seconds and then failing.
        let pool = PgPoolOptions::new()
            .max_connections(32)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(opts)
            .await
            .map_err(|e| e.to_string())?;
        migrate(&pool).await?;
        let batcher = super::pg_batch::Batcher::start(pool.clone(), signer.clone());
        Ok(PgStore {
            pool,
            signer,
            batcher,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

async fn migrate(pool: &PgPool) -> Result<(), String> {
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        sqlx::query(super::migrate::CREATE_TABLE).execute(&mut *conn).await.map_err(|e| e.to_string())?;
        for (v, name, sql) in super::migrate::POSTGRES {
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM anbei_migrations WHERE version = $1").bind(v).fetch_optional(&mut *conn).await.map_err(|e| e.to_string())?;
            if done.is_some() {
                continue;
            }
            let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(|e| e.to_string())?;
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(|e| format!("migration {v:04}_{name}: {e}"))?;
            sqlx::query("INSERT INTO anbei_migrations (version, name, applied_at) VALUES ($1, $2, now()::text)").bind(v).bind(*name).execute(&mut *tx).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    }
    .await;
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await;
    result
}

const SELECT_FILING: &str = super::sqlite::SELECT_FILING;

fn row_to_filing(r: &PgRow) -> Result<FilingRecord, sqlx::Error> {
    let filing_no: String = r.try_get(0)?;
    let street: String = r.try_get(1)?;
    let status: String = r.try_get(2)?;
    let receipt_no: Option<String> = r.try_get(16)?;
    let receipt = match receipt_no {
        Some(no) => Some(Receipt {
            receipt_no: no,
            filing_no: filing_no.clone(),
            street: street.clone(),
            ruleset: r.try_get(17)?,
            scope: r.try_get(18)?,
            high_risk: r.try_get(19)?,
            valid_until: r.try_get(20)?,
            issued_at: r.try_get(21)?,
            signature: r.try_get(22)?,
            kid: r.try_get(23)?,
        }),
        None => None,
    };
    Ok(FilingRecord {
        filing_no,
        street,
        status: Status::parse(&status).unwrap_or(Status::Filed),
        version: r.try_get(3)?,
        created_at: r.try_get(4)?,
        updated_at: r.try_get(5)?,
        filed_on: r.try_get(6)?,
        high_risk: r.try_get(7)?,
        scope: r.try_get(8)?,
        acceptance_due: r.try_get(9)?,
        access_token_hash: r.try_get(10)?,
        idempotency_key: r.try_get(11)?,
        request_hash: r.try_get(12)?,
        request: r.try_get(13)?,
        assessment: r.try_get(14)?,
        requested_changes: r.try_get(15)?,
        receipt,
        events: vec![],
    })
}

/// A filing with its history and receipt — on a pooled connection or inside a transaction alike.
async fn load(
    c: &mut sqlx::PgConnection,
    where_: &str,
    key: &str,
) -> Result<Option<FilingRecord>, StoreError> {
    let sql = format!("{SELECT_FILING} WHERE {where_} = $1");
    let Some(row) = sqlx::query(&sql)
        .bind(key)
        .fetch_optional(&mut *c)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let mut rec = row_to_filing(&row).map_err(db)?;
    let rows = sqlx::query("SELECT at, actor, actor_name, action, reason, data FROM events WHERE filing_no = $1 ORDER BY id").bind(&rec.filing_no).fetch_all(&mut *c).await.map_err(db)?;
    for r in rows {
        let data: Option<String> = r.try_get(5).map_err(db)?;
        rec.events.push(Event {
            at: r.try_get(0).map_err(db)?,
            actor: r.try_get(1).map_err(db)?,
            actor_name: r.try_get(2).map_err(db)?,
            action: r.try_get(3).map_err(db)?,
            reason: r.try_get(4).map_err(db)?,
            data: data.and_then(|d| serde_json::from_str(&d).ok()),
        });
    }
    Ok(Some(rec))
}

async fn load_pooled(
    pool: &PgPool,
    where_: &str,
    key: &str,
) -> Result<Option<FilingRecord>, StoreError> {
    let mut c = pool.acquire().await.map_err(db)?;
    load(&mut c, where_, key).await
}

/// The next number for `kind`/`street`/`day`, in its own short transaction so the counter row is locked
/// only for an instant, not until the filing commits. `synchronous_commit = off` is safe here: WAL is
/// flushed in order, so once a filing using the number is durably committed, so is the increment. A
/// filing that then fails leaves a gap, never a duplicate.
async fn next_seq(pool: &PgPool, kind: &str, street: &str, day: &str) -> Result<i64, StoreError> {
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let v: i64 = sqlx::query_scalar(
        "INSERT INTO counters (kind, street, day, value) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (kind, street, day) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(kind)
    .bind(street)
    .bind(day)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(v)
}

/// The filing number and, when `receipt_day` is set, the receipt number: both counters in one short
/// transaction (one statement) instead of one transaction each.
async fn next_seqs(
    pool: &PgPool,
    street: &str,
    day: &str,
    receipt_day: Option<&str>,
) -> Result<(i64, Option<i64>), StoreError> {
    let Some(rday) = receipt_day else {
        return Ok((next_seq(pool, "F", street, day).await?, None));
    };
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let rows = sqlx::query(
        "INSERT INTO counters (kind, street, day, value) VALUES ('F', $1, $2, 1), ('R', $1, $3, 1) \
         ON CONFLICT (kind, street, day) DO UPDATE SET value = counters.value + 1 RETURNING kind, value",
    )
    .bind(street)
    .bind(day)
    .bind(rday)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    let (mut f, mut r) = (None, None);
    for row in rows {
        let kind: String = row.try_get(0).map_err(db)?;
        let v: i64 = row.try_get(1).map_err(db)?;
        if kind == "F" {
            f = Some(v);
        } else {
            r = Some(v);
        }
    }
    match (f, r) {
        (Some(f), Some(r)) => Ok((f, Some(r))),
        _ => Err(StoreError::Db("counters: a number was not returned".into())),
    }
}

/// All of a filing's events in one statement.
async fn insert_events(
    tx: &mut Transaction<'_, Postgres>,
    filing_no: &str,
    events: &[Event],
) -> Result<(), StoreError> {
    if events.len() == 1 {
        return insert_event(tx, filing_no, &events[0]).await;
    }
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len();
    let col = |f: &dyn Fn(&Event) -> Option<String>| events.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) \
         SELECT $1, u.at, u.actor, u.actor_name, u.action, u.reason, u.data \
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
         WITH ORDINALITY AS u (at, actor, actor_name, action, reason, data, ord) ORDER BY u.ord",
    )
    .bind(filing_no)
    .bind(col(&|e| Some(e.at.clone())))
    .bind(col(&|e| Some(e.actor.to_string())))
    .bind(col(&|e| e.actor_name.clone()))
    .bind(col(&|e| Some(e.action.to_string())))
    .bind(col(&|e| e.reason.clone()))
    .bind(col(&|e| e.data.as_ref().map(|d| d.to_string())))
    .execute(&mut **tx)
    .await
    .map_err(db)
    .and_then(|r| {
        if r.rows_affected() == n as u64 {
            Ok(())
        } else {
            Err(StoreError::Db("events: not every row was inserted".into()))
        }
    })
}

async fn insert_event(
    tx: &mut Transaction<'_, Postgres>,
    filing_no: &str,
    e: &Event,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(filing_no)
        .bind(&e.at)
        .bind(e.actor)
        .bind(&e.actor_name)
        .bind(e.action)
        .bind(&e.reason)
        .bind(e.data.as_ref().map(|d| d.to_string()))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

async fn insert_receipt(tx: &mut Transaction<'_, Postgres>, r: &Receipt) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, high_risk, valid_until, issued_at, signature, kid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(&r.receipt_no)
        .bind(&r.filing_no)
        .bind(&r.street)
        .bind(&r.ruleset)
        .bind(&r.scope)
        .bind(r.high_risk)
        .bind(&r.valid_until)
        .bind(&r.issued_at)
        .bind(&r.signature)
        .bind(&r.kid)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

/// The earlier filing of an Idempotency-Key: `(request_hash, filing_no)`.
pub(super) async fn existing(
    pool: &PgPool,
    key: &str,
) -> Result<Option<(String, String)>, StoreError> {
    let row = sqlx::query("SELECT request_hash, filing_no FROM filings WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    match row {
        Some(r) => Ok(Some((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?))),
        None => Ok(None),
    }
}

/// One filing in transactions of its own: the fallback when a group write fails.
pub(super) async fn create_one(
    pool: &PgPool,
    signer: &Signer,
    f: NewFiling,
) -> Result<Created, StoreError> {
    // No separate look-up of the Idempotency-Key first: the handler has just done it, and a
    // concurrent duplicate is caught by `ON CONFLICT (idempotency_key) DO NOTHING` below.
    let (seq, rseq) = next_seqs(
        pool,
        &f.street,
        &f.day,
        f.receipt.as_ref().map(|d| d.day.as_str()),
    )
    .await?;
    let mut tx = pool.begin().await.map_err(db)?;
    let no = filing_no(&f.street, &f.day, seq);
    let token_hash = access_token_hash(signer, &no, &f.idempotency_key);
    let inserted = sqlx::query(
            "INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope, acceptance_due, \
             access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes) \
             VALUES ($1, $2, $3, 1, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&no)
        .bind(&f.street)
        .bind(f.status.as_str())
        .bind(&f.created_at)
        .bind(&f.filed_on)
        .bind(f.high_risk)
        .bind(&f.scope)
        .bind(&f.acceptance_due)
        .bind(&token_hash)
        .bind(&f.idempotency_key)
        .bind(&f.request_hash)
        .bind(&f.request)
        .bind(&f.assessment)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    if inserted == 0 {
        // A concurrent request (perhaps on another instance) committed this key first.
        tx.rollback().await.map_err(db)?;
        return match existing(pool, &f.idempotency_key).await? {
            Some((request_hash, filing_no)) => Ok(Created::Existing {
                request_hash,
                filing_no,
            }),
            None => Err(StoreError::Conflict),
        };
    }
    insert_events(&mut tx, &no, &f.events).await?;
    let receipt = match (&f.receipt, rseq) {
        (Some(d), Some(rseq)) => {
            let r = make_receipt(signer, &no, &f.street, rseq, d);
            insert_receipt(&mut tx, &r).await?;
            Some(r)
        }
        _ => None,
    };
    tx.commit().await.map_err(db)?;
    Ok(Created::New(Box::new(f.record(no, token_hash, receipt))))
}

impl PgStore {
    async fn update(&self, u: FilingUpdate) -> Result<FilingRecord, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let Some(cur) = load(&mut tx, "f.filing_no", &u.filing_no).await? else {
            return Err(StoreError::NotFound);
        };
        let n = sqlx::query(
            "UPDATE filings SET status = $1, version = version + 1, updated_at = $2, filed_on = COALESCE($3::text, filed_on), \
             request = COALESCE($4::text, request), request_hash = COALESCE($5::text, request_hash), assessment = COALESCE($6::text, assessment), \
             high_risk = COALESCE($7::boolean, high_risk), scope = COALESCE($8::text, scope), \
             acceptance_due = CASE WHEN $9::boolean THEN $10::text ELSE acceptance_due END, \
             requested_changes = CASE WHEN $11::boolean THEN $12::text ELSE requested_changes END \
             WHERE filing_no = $13 AND version = $14",
        )
        .bind(u.status.as_str())
        .bind(&u.updated_at)
        .bind(&u.filed_on)
        .bind(&u.request)
        .bind(&u.request_hash)
        .bind(&u.assessment)
        .bind(u.high_risk)
        .bind(&u.scope)
        .bind(u.acceptance_due.is_some())
        .bind(u.acceptance_due.clone().flatten())
        .bind(u.requested_changes.is_some())
        .bind(u.requested_changes.clone().flatten())
        .bind(&u.filing_no)
        .bind(u.expected_version)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict);
        }
        insert_event(&mut tx, &u.filing_no, &u.event).await?;
        match &u.receipt {
            ReceiptOp::Keep => {}
            ReceiptOp::Issue(d) => {
                let seq = next_seq(&self.pool, "R", &cur.street, &d.day).await?;
                insert_receipt(
                    &mut tx,
                    &make_receipt(&self.signer, &cur.filing_no, &cur.street, seq, d),
                )
                .await?;
            }
            ReceiptOp::Resign { valid_until } => {
                let Some(mut r) = cur.receipt.clone() else {
                    return Err(StoreError::Db("no receipt to extend".into()));
                };
                r.valid_until = valid_until.clone();
                r.kid = self.signer.kid().to_owned();
                r.signature = self.signer.sign(&r.payload());
                sqlx::query("UPDATE receipts SET valid_until = $1, signature = $2, kid = $3 WHERE receipt_no = $4")
                    .bind(&r.valid_until)
                    .bind(&r.signature)
                    .bind(&r.kid)
                    .bind(&r.receipt_no)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
        }
        let rec = load(&mut tx, "f.filing_no", &u.filing_no)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db)?;
        Ok(rec)
    }
}

impl Store for PgStore {
    fn ping(&self) -> Fut<'_, ()> {
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&self.pool)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn create_filing(&self, f: NewFiling) -> Fut<'_, Created> {
        Box::pin(self.batcher.create(f))
    }

    fn find_idempotent(&self, key: &str) -> Fut<'_, Option<(String, String)>> {
        let key = key.to_owned();
        Box::pin(async move { existing(&self.pool, &key).await })
    }

    fn get_filing(&self, filing_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = filing_no.to_owned();
        Box::pin(async move { load_pooled(&self.pool, "f.filing_no", &k).await })
    }

    fn get_by_receipt(&self, receipt_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = receipt_no.to_owned();
        Box::pin(async move { load_pooled(&self.pool, "r.receipt_no", &k).await })
    }

    fn update_filing(&self, u: FilingUpdate) -> Fut<'_, FilingRecord> {
        Box::pin(self.update(u))
    }

    fn ledger_page(
        &self,
        filter: ListFilter,
        after: Option<String>,
        limit: u32,
    ) -> Fut<'_, LedgerPage> {
        Box::pin(async move {
            // Only the filters that are set, so that a street's page is one ordered range of the
            // (street, filing_no) index whatever the planner's statistics say; the receipts side
            // carries the cursor too (a merge join otherwise scans receipts from the first filing on
            // every page).
            let after = after.unwrap_or_default();
            let mut sql = format!(
                "{SELECT_LEDGER} LEFT JOIN receipts r ON r.filing_no = f.filing_no AND r.filing_no > $1 WHERE f.filing_no > $1"
            );
            let mut args: Vec<String> = vec![after];
            for (cond, v) in [
                ("f.street = ", filter.street),
                ("f.filed_on >= ", filter.from),
                ("f.filed_on <= ", filter.to),
            ] {
                if let Some(v) = v {
                    args.push(v);
                    sql.push_str(&format!(" AND {cond}${}", args.len()));
                }
            }
            sql.push_str(&format!(" ORDER BY f.filing_no LIMIT ${}", args.len() + 1));
            let mut q = sqlx::query(&sql);
            for a in &args {
                q = q.bind(a);
            }
            // Statistics lag a table that grows by thousands a minute: estimating a few dozen rows
            // for the street, the planner chose a bitmap scan of the rest of the street and a sort
            // (70–130 ms a page, quadratic over an export). For this query only, walk the index.
            let mut tx = self.pool.begin().await.map_err(db)?;
            for set in [
                "SET LOCAL enable_bitmapscan = off",
                "SET LOCAL enable_sort = off",
            ] {
                sqlx::query(set).execute(&mut *tx).await.map_err(db)?;
            }
            let rows = q
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            rows.iter()
                .map(|r| {
                    let status: String = r.try_get(2)?;
                    Ok(LedgerEntry {
                        filing_no: r.try_get(0)?,
                        street: r.try_get(1)?,
                        status: Status::parse(&status).unwrap_or(Status::Filed),
                        filed_on: r.try_get(3)?,
                        scope: r.try_get(4)?,
                        high_risk: r.try_get(5)?,
                        acceptance_due: r.try_get(6)?,
                        request: r.try_get(7)?,
                        receipt_no: r.try_get(8)?,
                        valid_until: r.try_get(9)?,
                        ruleset: r.try_get(10)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(db)
                // The query reads on to the end of the index range: a page shorter than asked for is the end.
                .map(|entries| LedgerPage::new(entries, limit, None))
        })
    }

    fn put_upload(&self, u: UploadMeta) -> Fut<'_, ()> {
        Box::pin(async move {
            sqlx::query("INSERT INTO uploads (id, sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                .bind(&u.upload_id)
                .bind(&u.sha256)
                .bind(u.size)
                .bind(&u.content_type)
                .bind(&u.created_at)
                .execute(&self.pool)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn get_upload(&self, id: &str) -> Fut<'_, Option<UploadMeta>> {
        let id = id.to_owned();
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT id, sha256, size, content_type, created_at FROM uploads WHERE id = $1",
            )
            .bind(&id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
            match row {
                Some(r) => Ok(Some(UploadMeta {
                    upload_id: r.try_get(0).map_err(db)?,
                    sha256: r.try_get(1).map_err(db)?,
                    size: r.try_get(2).map_err(db)?,
                    content_type: r.try_get(3).map_err(db)?,
                    created_at: r.try_get(4).map_err(db)?,
                })),
                None => Ok(None),
            }
        })
    }

    fn add_officer(&self, o: Officer) -> Fut<'_, ()> {
        Box::pin(async move {
            sqlx::query("INSERT INTO officers (token_hash, name, street, role, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&o.token_hash)
                .bind(&o.name)
                .bind(&o.street)
                .bind(&o.role)
                .bind(&o.created_at)
                .execute(&self.pool)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn officer_by_token_hash(&self, hash: &str) -> Fut<'_, Option<Officer>> {
        let h = hash.to_owned();
        Box::pin(async move {
            let row = sqlx::query("SELECT token_hash, name, street, role, created_at FROM officers WHERE token_hash = $1").bind(&h).fetch_optional(&self.pool).await.map_err(db)?;
            match row {
                Some(r) => Ok(Some(Officer {
                    token_hash: r.try_get(0).map_err(db)?,
                    name: r.try_get(1).map_err(db)?,
                    street: r.try_get(2).map_err(db)?,
                    role: r.try_get(3).map_err(db)?,
                    created_at: r.try_get(4).map_err(db)?,
                })),
                None => Ok(None),
            }
        })
    }
}
