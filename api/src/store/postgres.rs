//! PostgreSQL store (sqlx). Numbers come from a counter row per kind, street and day
//! (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so several instances sharing the database never hand
//! out the same filing or receipt number; the unique Idempotency-Key makes concurrent replays converge.
//! The statements are `sql.rs`'s, the records `decode.rs`'s; here: the pool, numbering and
//! (in [`super::pg_batch`]) group commit of new filings.

use super::decode::{AuditHead, Decode, Earlier, StatusCount, columns_by_name};
use super::sql::{
    self, Arg, Dialect, Query, manage as msql, outbox as osql, retention as rsql, staff as ssql,
};
use super::*;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{PgConnection, Postgres, Row};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct PgStore {
    pool: PgPool,
    sealer: Arc<dyn Sealer>,
    /// New filings are written in groups: see [`super::pg_batch`].
    batcher: super::pg_batch::Batcher,
    /// How many groups at once, and the instances seen sharing the database.
    in_flight: Arc<super::pg_batch::InFlight>,
    /// A serving instance's row in `instances`, written every few seconds (none: a command).
    _heartbeat: Option<super::pg_batch::Heartbeat>,
}

/// Longest wait for a pooled connection before the request is answered 503.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Lock id for migrations, so instances starting together apply them once.
const MIGRATION_LOCK: i64 = 0x616e_6265_6901;
/// Lock id for the first keyring, so instances starting together on a new database make one. It was
/// once the audit chain's id too, so creating a keyring held up every instance's audit appends.
const KEYRING_LOCK: i64 = 0x616e_6265_6903;
// The transaction-wide advisory locks (one bigint key each, per database) must never share a key.
const _: () = assert!(
    MIGRATION_LOCK != KEYRING_LOCK
        && MIGRATION_LOCK != crate::audit::CHAIN_LOCK
        && KEYRING_LOCK != crate::audit::CHAIN_LOCK
);
/// Lock class held by the instance purging (`Store::retention_lock`), for the whole run; the second
/// key is the schema's hash — advisory locks are per database, and a purge of one schema must not
/// make another schema's purge (another deployment, a parallel test) report "busy".
const RETENTION_LOCK: i32 = 0x616e_6503;

impl PgStore {
    /// [`PgStore::connect_with`] for a command (not a serving instance): [`super::pg_batch::IN_FLIGHT`]
    /// groups of new filings at once, and no row in `instances`.
    pub async fn connect(
        url: &str,
        schema: Option<&str>,
        sealer: Arc<dyn Sealer>,
    ) -> Result<PgStore, String> {
        Self::connect_with(url, schema, sealer, None, false).await
    }

    /// Connects (applying the migrations) with up to `groups_in_flight` group commits of new filings
    /// at once (`Config::pg_groups_in_flight`; `None`: this instance's share, [`super::pg_batch::auto`]).
    /// A `serving` instance keeps its row in `instances` (migration 0019), so the others count it.
    pub async fn connect_with(
        url: &str,
        schema: Option<&str>,
        sealer: Arc<dyn Sealer>,
        groups_in_flight: Option<usize>,
        serving: bool,
    ) -> Result<PgStore, String> {
        if let Some(s) = schema {
            if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || s.is_empty() {
                return Err(format!(
                    "schema name {s:?} must be ASCII letters, digits and _"
                ));
            }
        }
        let schema = schema.map(str::to_owned);
        let with_schema = move |o: PgConnectOptions| match &schema {
            Some(s) => o.options([("search_path", s.as_str())]),
            None => o,
        };
        // One host, or several for failover (`pg_hosts.rs`): start on the first that takes writes.
        let hosts = super::pg_hosts::parse(url)?;
        let first = if hosts.watched() {
            super::pg_hosts::choose(&hosts).await.ok_or_else(|| {
                "no host of DATABASE_URL answers (and, with target_session_attrs=read-write, takes writes)"
                    .to_owned()
            })?
        } else {
            0
        };
        let opts = with_schema(hosts.options[first].clone());
        let read_write = hosts.read_write;
        // A short wait for a connection: under overload a request is shed at once with 503 and
        // Retry-After (error.rs maps "pool timed out") instead of queueing for seconds and then failing.
        let pool = PgPoolOptions::new()
            .max_connections(32)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |c, _| {
                Box::pin(async move {
                    // never a connection to a standby, whatever host the pool was pointed at
                    if read_write && !super::pg_hosts::writable(c).await? {
                        return Err(sqlx::Error::Protocol(
                            "the database host is a standby: read-only transaction only".into(),
                        ));
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| e.to_string())?;
        if hosts.watched() {
            super::pg_hosts::watch(pool.clone(), hosts, first, with_schema);
        }
        migrate(&pool).await?;
        let in_flight = super::pg_batch::InFlight::new(groups_in_flight);
        let heartbeat = if serving {
            Some(
                super::pg_batch::join(&pool, &in_flight)
                    .await
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        let batcher =
            super::pg_batch::Batcher::start(pool.clone(), sealer.clone(), in_flight.clone());
        Ok(PgStore {
            pool,
            sealer,
            batcher,
            in_flight,
            _heartbeat: heartbeat,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

columns_by_name!(PgRow, try_get);

/// `sql` with `args` bound in order (the types declared with them).
pub(super) fn bind<'q>(
    sql: &'q str,
    args: impl IntoIterator<Item = Arg<'q>>,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    args.into_iter().fold(sqlx::query(sql), |q, a| match a {
        Arg::Text(s) => q.bind(s),
        Arg::MaybeText(s) => q.bind(s),
        Arg::Int(i) => q.bind(i),
        Arg::MaybeInt(i) => q.bind(i),
        Arg::Flag(b) => q.bind(b),
        Arg::MaybeFlag(b) => q.bind(b),
    })
}

fn query<const N: usize>(q: Query<'_, N>) -> sqlx::query::Query<'_, Postgres, PgArguments> {
    bind(q.stmt.text(Dialect::Postgres), q.args)
}

/// Runs a statement; the number of rows it changed.
async fn execute<const N: usize>(c: &mut PgConnection, q: Query<'_, N>) -> Result<u64, StoreError> {
    Ok(query(q).execute(c).await.map_err(db)?.rows_affected())
}

/// Whether a query returns a row.
async fn exists<const N: usize>(c: &mut PgConnection, q: Query<'_, N>) -> Result<bool, StoreError> {
    Ok(query(q).fetch_optional(c).await.map_err(db)?.is_some())
}

/// The first row of a query, decoded.
async fn fetch<T: Decode, const N: usize>(
    c: &mut PgConnection,
    q: Query<'_, N>,
) -> Result<Option<T>, StoreError> {
    match query(q).fetch_optional(c).await.map_err(db)? {
        Some(r) => T::decode(&r).map(Some),
        None => Ok(None),
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
        sqlx::query(super::migrate::CREATE_TABLE)
            .execute(&mut *conn)
            .await
            .map_err(|e| e.to_string())?;
        for (v, name, sql) in super::migrate::migrations(Dialect::Postgres) {
            if exists(&mut conn, sql::migration_done(*v))
                .await
                .map_err(|e| e.to_string())?
            {
                continue;
            }
            let text = super::migrate::render(sql, Dialect::Postgres)?;
            let mut tx = sqlx::Connection::begin(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(&text)
                .execute(&mut *tx)
                .await
                .map_err(|e| format!("migration {v:04}_{name}: {e}"))?;
            execute(&mut tx, sql::record_migration(*v, name))
                .await
                .map_err(|e| e.to_string())?;
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

/// A filing with its history and receipt — on a pooled connection or inside a transaction alike.
async fn load(c: &mut PgConnection, q: Query<'_, 1>) -> Result<Option<FilingRecord>, StoreError> {
    let Some(mut rec) = fetch::<FilingRecord, 1>(c, q).await? else {
        return Ok(None);
    };
    for r in query(sql::events_of(&rec.filing_no))
        .fetch_all(c)
        .await
        .map_err(db)?
    {
        rec.events.push(Event::decode(&r)?);
    }
    Ok(Some(rec))
}

async fn load_pooled(pool: &PgPool, q: Query<'_, 1>) -> Result<Option<FilingRecord>, StoreError> {
    let mut c = pool.acquire().await.map_err(db)?;
    load(&mut c, q).await
}

/// A series of numbers: `F` (filings) or `R` (receipts), street, day.
type Series = (&'static str, String, String);

/// Ranges of numbers: how many of each series in, the first number of each range out. One short
/// transaction of one statement, so a counter row is locked only for an instant, not until the filings
/// commit; keys in sorted order so that concurrent groups lock counter rows in the same order.
/// `synchronous_commit = off` is safe here: WAL is flushed in order, so once a filing using a number is
/// durably committed, so is the increment. A filing that then fails leaves a gap, never a duplicate.
async fn allocate(
    pool: &PgPool,
    need: &BTreeMap<Series, i64>,
) -> Result<BTreeMap<Series, i64>, StoreError> {
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
        let kind: String = r.try_get("kind").map_err(db)?;
        let key: Series = (
            if kind == "F" { "F" } else { "R" },
            r.try_get("street").map_err(db)?,
            r.try_get("day").map_err(db)?,
        );
        let last: i64 = r.try_get("value").map_err(db)?;
        let n = need
            .get(&key)
            .copied()
            .ok_or_else(|| StoreError::Db("counters: an unexpected row came back".into()))?;
        first.insert(key, last - n + 1);
    }
    if first.len() != need.len() {
        return Err(StoreError::Db("counters: a range was not returned".into()));
    }
    Ok(first)
}

/// What numbering gives the filings of a group, in order: number, access token hash, signed receipt.
pub(super) struct Numbered {
    pub nos: Vec<String>,
    pub tokens: Vec<String>,
    pub receipts: Vec<Option<Receipt>>,
}

/// Numbers (filing, and receipt where one is issued at once) for `fs` from one counter statement,
/// their access token hashes and their receipts, sealed.
pub(super) async fn number(
    pool: &PgPool,
    sealer: &dyn Sealer,
    fs: &[NewFiling],
) -> Result<Numbered, StoreError> {
    let mut need: BTreeMap<Series, i64> = BTreeMap::new();
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
    let mut take = |kind: &'static str, street: &str, day: &str| -> Result<i64, StoreError> {
        let v = next
            .get_mut(&(kind, street.to_owned(), day.to_owned()))
            .ok_or_else(|| StoreError::Db("counters: no range for a filing".into()))?;
        *v += 1;
        Ok(*v - 1)
    };
    let mut nos = Vec::with_capacity(fs.len());
    let mut tokens = Vec::with_capacity(fs.len());
    let mut receipts = Vec::with_capacity(fs.len());
    for f in fs {
        let no = filing_no(&f.street, &f.day, take("F", &f.street, &f.day)?);
        tokens.push(sealer.access_token_hash(&no, &f.idempotency_key));
        receipts.push(match &f.receipt {
            Some(d) => Some(make_receipt(
                sealer,
                &no,
                &f.street,
                take("R", &f.street, &d.day)?,
                d,
            )),
            None => None,
        });
        nos.push(no);
    }
    Ok(Numbered {
        nos,
        tokens,
        receipts,
    })
}

/// One receipt number (an officer accepts a filing).
async fn next_receipt_no(pool: &PgPool, street: &str, day: &str) -> Result<i64, StoreError> {
    let series: Series = ("R", street.to_owned(), day.to_owned());
    allocate(pool, &BTreeMap::from([(series.clone(), 1)]))
        .await?
        .get(&series)
        .copied()
        .ok_or_else(|| StoreError::Db("counters: a number was not returned".into()))
}

async fn insert_event(c: &mut PgConnection, filing_no: &str, e: &Event) -> Result<(), StoreError> {
    let data = e.data.as_ref().map(|d| d.to_string());
    execute(c, sql::insert_event(filing_no, e, data.as_deref()))
        .await
        .map(|_| ())
}

/// Numbers and chains `drafts` after the last audit row and inserts them, holding the chain's lock
/// until the transaction ends (instances sharing the database append one at a time, in commit order).
pub(super) async fn append_audit(
    c: &mut PgConnection,
    drafts: &[AuditDraft],
) -> Result<(), StoreError> {
    if drafts.is_empty() {
        return Ok(());
    }
    // the lock, then the last row: one round trip (migration 0018)
    let head = fetch::<AuditHead, 1>(c, ssql::lock_audit_head(crate::audit::CHAIN_LOCK))
        .await?
        .map(|h| (h.seq, h.hash));
    let rows = chained(head, drafts);
    let text = |pick: fn(&AuditRow) -> &str| rows.iter().map(pick).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO audit (seq, at, account, name, role, action, target, client, outcome, detail, prev, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                              $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])",
    )
    .bind(rows.iter().map(|r| r.seq).collect::<Vec<_>>())
    .bind(text(|r| &r.at))
    .bind(text(|r| &r.account))
    .bind(text(|r| &r.name))
    .bind(text(|r| &r.role))
    .bind(text(|r| &r.action))
    .bind(text(|r| &r.target))
    .bind(text(|r| &r.client))
    .bind(text(|r| &r.outcome))
    .bind(rows.iter().map(|r| r.detail.as_deref()).collect::<Vec<_>>())
    .bind(text(|r| &r.prev))
    .bind(text(|r| &r.hash))
    .execute(c)
    .await
    .map_err(db)?;
    Ok(())
}

/// One change of the management side (`Conflict` when its row moved on).
async fn apply_manage(c: &mut PgConnection, op: &ManageOp) -> Result<(), StoreError> {
    let changed = match op {
        ManageOp::AddInspection(i) => execute(c, msql::insert_inspection(i)).await?,
        ManageOp::CompleteInspection(i) => execute(c, msql::complete_inspection(i)).await?,
        ManageOp::AddFinding(f) => execute(c, msql::insert_finding(f)).await?,
        ManageOp::PutFinding(f) => execute(c, msql::put_finding(f)).await?,
        ManageOp::AddRectification(r) => execute(c, msql::insert_rectification(r)).await?,
        ManageOp::DecideRectification(r) => execute(c, msql::decide_rectification(r)).await?,
        ManageOp::AddReferral(r) => execute(c, msql::insert_referral(r)).await?,
        ManageOp::AddSiteRecord(r) => execute(c, msql::insert_site_record(r)).await?,
    };
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// One change of the staff side.
async fn apply(c: &mut PgConnection, op: &StaffOp) -> Result<(), StoreError> {
    let changed = match op {
        StaffOp::AddAccount(a) => execute(c, ssql::insert_account(a)).await?,
        StaffOp::PutAccount(a) => execute(c, ssql::update_account(a)).await?,
        StaffOp::AddSession(x) => execute(c, ssql::insert_session(x)).await?,
        StaffOp::TouchSession {
            id_hash,
            last_seen_ms,
        } => {
            execute(c, ssql::touch_session(id_hash, *last_seen_ms)).await?;
            1
        }
        StaffOp::EndSession { id_hash } => {
            execute(c, ssql::end_session(id_hash)).await?;
            1
        }
        StaffOp::EndSessionsOf { login } => {
            execute(c, ssql::end_sessions_of(login)).await?;
            1
        }
        StaffOp::AddToken(t) => execute(c, ssql::insert_token(t)).await?,
        StaffOp::RevokeToken { login, id, at } => {
            execute(c, ssql::revoke_token(login, id, at)).await?
        }
        StaffOp::RevokeTokensOf { login, at } => {
            execute(c, ssql::revoke_tokens_of(login, at)).await?;
            1
        }
        StaffOp::SetAccessToken { filing_no, hash } => {
            execute(c, ssql::set_access_token(filing_no, hash)).await?
        }
        StaffOp::HashIdempotencyKey {
            filing_no,
            old,
            new,
            contractor_token_hash,
        } => {
            execute(
                c,
                ssql::hash_idempotency_key(filing_no, old, new, contractor_token_hash),
            )
            .await?;
            1
        }
        StaffOp::SealTotp {
            login,
            pending,
            old,
            new,
        } => execute(c, ssql::seal_totp(login, *pending, old, new)).await?,
    };
    match (changed, op) {
        (0, StaffOp::AddAccount(_)) => Err(StoreError::Conflict),
        (0, _) => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// The earlier filing of an Idempotency-Key.
pub(super) async fn existing(pool: &PgPool, key: &str) -> Result<Option<Earlier>, StoreError> {
    let mut c = pool.acquire().await.map_err(db)?;
    fetch(&mut c, sql::find_idempotent(key)).await
}

/// One filing in transactions of its own: the fallback when a group write fails.
pub(super) async fn create_one(
    pool: &PgPool,
    sealer: &dyn Sealer,
    f: NewFiling,
) -> Result<Created, StoreError> {
    // No separate look-up of the Idempotency-Key first: the handler has just done it, and a
    // concurrent duplicate is caught by `ON CONFLICT (idempotency_key) DO NOTHING`.
    let Numbered {
        nos,
        tokens,
        receipts,
    } = number(pool, sealer, std::slice::from_ref(&f)).await?;
    let (Some(no), Some(token_hash), Some(receipt)) = (
        nos.into_iter().next(),
        tokens.into_iter().next(),
        receipts.into_iter().next(),
    ) else {
        return Err(StoreError::Db("counters: no number for a filing".into()));
    };
    let sealed =
        super::fieldcrypt::seal_new_with(sealer, &no, &f.request, f.request_marks.as_ref())?;
    let mut tx = pool.begin().await.map_err(db)?;
    if execute(
        &mut tx,
        sql::insert_filing(&no, &token_hash, &f, &sealed.text),
    )
    .await?
        == 0
    {
        // A concurrent request (perhaps on another instance) committed this key first.
        tx.rollback().await.map_err(db)?;
        return existing(pool, &f.idempotency_key)
            .await?
            .map(Created::from)
            .ok_or(StoreError::Conflict);
    }
    for id in &sealed.documents {
        execute(&mut tx, rsql::insert_filing_ref(id, &no)).await?;
    }
    for e in &f.events {
        insert_event(&mut tx, &no, e).await?;
    }
    if let Some(r) = &receipt {
        execute(&mut tx, sql::insert_receipt(r)).await?;
    }
    for d in &f.outbox {
        execute(&mut tx, osql::insert_outbox(d, &no)).await?;
    }
    append_audit(&mut tx, &with_target(&f.audit, &no)).await?;
    tx.commit().await.map_err(db)?;
    Ok(Created::New(Box::new(f.record(no, token_hash, receipt))))
}

impl PgStore {
    async fn update(&self, mut u: FilingUpdate) -> Result<FilingRecord, StoreError> {
        if let Some(r) = &u.request {
            u.request = Some(super::fieldcrypt::seal_with(
                self.sealer.as_ref(),
                &u.filing_no,
                r,
            )?);
        }
        let mut tx = self.pool.begin().await.map_err(db)?;
        let Some(cur) = load(&mut tx, sql::filing_by_no(&u.filing_no)).await? else {
            return Err(StoreError::NotFound);
        };
        if execute(&mut tx, sql::update_filing(&u)).await? == 0 {
            return Err(StoreError::Conflict);
        }
        insert_event(&mut tx, &u.filing_no, &u.event).await?;
        for d in &u.outbox {
            execute(&mut tx, osql::insert_outbox(d, &u.filing_no)).await?;
        }
        for i in &u.inspections {
            execute(&mut tx, msql::insert_inspection(i)).await?;
        }
        for op in &u.manage {
            apply_manage(&mut tx, op).await?;
        }
        match &u.receipt {
            ReceiptOp::Keep => {}
            ReceiptOp::Issue(d) => {
                let seq = next_receipt_no(&self.pool, &cur.street, &d.day).await?;
                let r = make_receipt(self.sealer.as_ref(), &cur.filing_no, &cur.street, seq, d);
                execute(&mut tx, sql::insert_receipt(&r)).await?;
            }
            ReceiptOp::Resign { valid_until } => {
                let r = resigned(self.sealer.as_ref(), &cur, valid_until)?;
                execute(&mut tx, sql::resign_receipt(&r)).await?;
            }
        }
        let rec = load(&mut tx, sql::filing_by_no(&u.filing_no))
            .await?
            .ok_or(StoreError::NotFound)?;
        // Last: the chain's lock is held only for the end of the transaction.
        append_audit(&mut tx, &u.audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(rec)
    }

    /// Runs `q` on a pooled connection.
    async fn fetch_pooled<T: Decode, const N: usize>(
        &self,
        q: Query<'_, N>,
    ) -> Result<Option<T>, StoreError> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        fetch(&mut c, q).await
    }

    /// Every row of `q`, decoded, on a pooled connection.
    async fn fetch_all_pooled<T: Decode, const N: usize>(
        &self,
        q: Query<'_, N>,
    ) -> Result<Vec<T>, StoreError> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        query(q)
            .fetch_all(&mut *c)
            .await
            .map_err(db)?
            .iter()
            .map(T::decode)
            .collect()
    }

    async fn execute_pooled<const N: usize>(&self, q: Query<'_, N>) -> Result<(), StoreError> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        execute(&mut c, q).await.map(|_| ())
    }
}

impl Store for PgStore {
    fn ping(&self) -> Fut<'_, ()> {
        Box::pin(self.execute_pooled(sql::ping()))
    }

    fn pool_stats(&self) -> Option<(u32, usize)> {
        Some((self.pool.size(), self.pool.num_idle()))
    }

    fn groups_in_flight(&self) -> Option<(usize, usize)> {
        Some((self.in_flight.live(), self.in_flight.limit()))
    }

    fn create_filing(&self, f: NewFiling) -> Fut<'_, Created> {
        Box::pin(self.batcher.create(f))
    }

    fn find_idempotent(&self, key: &str) -> Fut<'_, Option<(String, String)>> {
        let key = key.to_owned();
        Box::pin(async move { Ok(existing(&self.pool, &key).await?.map(Earlier::pair)) })
    }

    fn get_filing(&self, filing_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = filing_no.to_owned();
        Box::pin(async move { load_pooled(&self.pool, sql::filing_by_no(&k)).await })
    }

    fn get_by_receipt(&self, receipt_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = receipt_no.to_owned();
        Box::pin(async move { load_pooled(&self.pool, sql::filing_by_receipt(&k)).await })
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
            let after = after.unwrap_or_default();
            let (text, args) = sql::ledger_range(&filter, &after, limit);
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
            let rows = bind(&text, args).fetch_all(&mut *tx).await.map_err(db)?;
            tx.commit().await.map_err(db)?;
            let entries = rows
                .iter()
                .map(LedgerEntry::decode)
                .collect::<Result<Vec<_>, _>>()?;
            // The query reads on to the end of the index range: a page shorter than asked for is the end.
            Ok(LedgerPage::new(entries, limit, None))
        })
    }

    fn put_upload(&self, u: UploadMeta) -> Fut<'_, ()> {
        Box::pin(async move { self.execute_pooled(sql::insert_upload(&u)).await })
    }

    fn get_upload(&self, id: &str) -> Fut<'_, Option<UploadMeta>> {
        let id = id.to_owned();
        Box::pin(async move { self.fetch_pooled(sql::upload_by_id(&id)).await })
    }

    fn blobs(&self, dir: &std::path::Path) -> Arc<dyn super::blobs::BlobStore> {
        Arc::new(super::blobs::PgBlobs::new(self.pool.clone(), dir))
    }

    fn staff_write(&self, ops: Vec<StaffOp>, audit: Vec<AuditDraft>) -> Fut<'_, ()> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            for op in &ops {
                apply(&mut tx, op).await?;
            }
            append_audit(&mut tx, &audit).await?;
            tx.commit().await.map_err(db)
        })
    }

    fn get_account(&self, login: &str) -> Fut<'_, Option<AccountRow>> {
        let k = login.to_owned();
        Box::pin(async move { self.fetch_pooled(ssql::account_by_login(&k)).await })
    }

    fn list_accounts(&self) -> Fut<'_, Vec<AccountRow>> {
        Box::pin(async move { self.fetch_all_pooled(ssql::all_accounts()).await })
    }

    fn get_session(&self, id_hash: &str) -> Fut<'_, Option<SessionRow>> {
        let k = id_hash.to_owned();
        Box::pin(async move { self.fetch_pooled(ssql::session_by_hash(&k)).await })
    }

    fn token_by_hash(&self, hash: &str) -> Fut<'_, Option<TokenRow>> {
        let k = hash.to_owned();
        Box::pin(async move { self.fetch_pooled(ssql::token_by_hash(&k)).await })
    }

    fn tokens_of(&self, login: &str) -> Fut<'_, Vec<TokenRow>> {
        let k = login.to_owned();
        Box::pin(async move { self.fetch_all_pooled(ssql::tokens_of(&k)).await })
    }

    fn audit_page(&self, filter: AuditFilter, after: i64, limit: u32) -> Fut<'_, Vec<AuditRow>> {
        Box::pin(async move {
            self.fetch_all_pooled(ssql::audit_page(&filter, after, limit))
                .await
        })
    }

    fn status_counts(&self, cover: Coverage) -> Fut<'_, Vec<(String, i64)>> {
        Box::pin(async move {
            let (text, args) = ssql::status_counts(&cover);
            let mut c = self.pool.acquire().await.map_err(db)?;
            let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
            rows.iter()
                .map(|r| StatusCount::decode(r).map(|x| (x.status, x.n)))
                .collect()
        })
    }

    fn queue_page(&self, q: QueueFilter) -> Fut<'_, Vec<QueueEntry>> {
        Box::pin(async move {
            let (text, args) = ssql::queue_page(&q);
            let mut c = self.pool.acquire().await.map_err(db)?;
            let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
            rows.iter().map(QueueEntry::decode).collect()
        })
    }

    fn outbox_claim(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Fut<'_, Vec<OutboxRow>> {
        Box::pin(async move {
            self.fetch_all_pooled(osql::claim_postgres(now_ms, lease_until_ms, limit))
                .await
        })
    }

    fn outbox_finish(&self, outcomes: Vec<OutboxOutcome>) -> Fut<'_, ()> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            for o in &outcomes {
                match &o.then {
                    Some(n) => execute(&mut tx, osql::chain_outbox(o, n)).await?,
                    None => execute(&mut tx, osql::finish_outbox(o)).await?,
                };
            }
            tx.commit().await.map_err(db)
        })
    }

    fn outbox_list(&self, f: OutboxFilter) -> Fut<'_, Vec<OutboxRow>> {
        Box::pin(async move { self.fetch_all_pooled(osql::list_outbox(&f)).await })
    }

    fn outbox_retry(&self, id: Option<String>, now_ms: i64) -> Fut<'_, u64> {
        Box::pin(async move {
            let mut c = self.pool.acquire().await.map_err(db)?;
            execute(&mut c, osql::retry_outbox(id.as_deref(), now_ms)).await
        })
    }

    fn manage_write(
        &self,
        ops: Vec<ManageOp>,
        audit: Vec<AuditDraft>,
        outbox: Vec<(String, OutboxDraft)>,
    ) -> Fut<'_, ()> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            for op in &ops {
                apply_manage(&mut tx, op).await?;
            }
            for (no, d) in &outbox {
                execute(&mut tx, osql::insert_outbox(d, no)).await?;
            }
            // Last: the chain's lock is held only for the end of the transaction.
            append_audit(&mut tx, &audit).await?;
            tx.commit().await.map_err(db)
        })
    }

    fn manage_of(&self, filing_no: &str) -> Fut<'_, ManageRecord> {
        let no = filing_no.to_owned();
        Box::pin(async move {
            Ok(ManageRecord {
                inspections: self.fetch_all_pooled(msql::inspections_of(&no)).await?,
                findings: self.fetch_all_pooled(msql::findings_of(&no)).await?,
                rectifications: self.fetch_all_pooled(msql::rectifications_of(&no)).await?,
                referrals: self.fetch_all_pooled(msql::referrals_of(&no)).await?,
                site_records: self.fetch_all_pooled(msql::site_records_of(&no)).await?,
            })
        })
    }

    fn get_finding(&self, id: &str) -> Fut<'_, Option<FindingRow>> {
        let id = id.to_owned();
        Box::pin(async move { self.fetch_pooled(msql::finding_by_id(&id)).await })
    }

    fn keyring_list(&self) -> Fut<'_, Vec<KeyRow>> {
        Box::pin(async move { self.fetch_all_pooled(sql::all_keys()).await })
    }

    fn legacy_idempotency_keys(&self, limit: i64) -> Fut<'_, Vec<super::staff::LegacyKey>> {
        Box::pin(async move {
            self.fetch_all_pooled(ssql::legacy_idempotency_keys(limit))
                .await
        })
    }

    fn keyring_insert(&self, k: KeyRow) -> Fut<'_, ()> {
        Box::pin(async move { self.execute_pooled(sql::insert_key(&k)).await })
    }

    fn keyring_init(&self, rows: Vec<KeyRow>) -> Fut<'_, bool> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            // Instances starting together on a new database queue here; each statement of a READ
            // COMMITTED transaction sees what the one before it committed.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(KEYRING_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            for k in &rows {
                if exists(&mut tx, sql::any_key_of(&k.purpose)).await? {
                    return Ok(false);
                }
            }
            for k in &rows {
                execute(&mut tx, sql::insert_key(k)).await?;
            }
            tx.commit().await.map_err(db)?;
            Ok(true)
        })
    }

    fn keyring_retire(&self, kid: String, not_after: String) -> Fut<'_, ()> {
        Box::pin(async move { self.execute_pooled(sql::retire_key(&kid, &not_after)).await })
    }

    fn keyring_reseal(&self, rows: Vec<KeyRow>, audit: Vec<AuditDraft>) -> Fut<'_, ()> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(KEYRING_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            for k in &rows {
                if execute(&mut tx, sql::reseal_key(&k.kid, &k.sealed)).await? != 1 {
                    return Err(StoreError::Conflict);
                }
            }
            append_audit(&mut tx, &audit).await?;
            tx.commit().await.map_err(db)
        })
    }

    fn stored_requests(
        &self,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<super::fieldcrypt::StoredRequest>> {
        Box::pin(async move {
            self.fetch_all_pooled(sql::stored_requests(&after, limit))
                .await
        })
    }

    fn replace_request(&self, filing_no: String, old: String, new: String) -> Fut<'_, bool> {
        Box::pin(async move {
            let mut c = self.pool.acquire().await.map_err(db)?;
            Ok(execute(&mut c, sql::replace_request(&filing_no, &old, &new)).await? == 1)
        })
    }

    fn purge_candidates(
        &self,
        cutoff: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<PurgeCandidate>> {
        Box::pin(async move {
            self.fetch_all_pooled(rsql::purge_candidates(&after, &cutoff, i64::from(limit)))
                .await
        })
    }

    fn purge_apply(&self, rows: Vec<PurgeCandidate>, at: String) -> Fut<'_, u64> {
        // A batch in a handful of statements (arrays, as the group commit of new filings does), in one
        // short transaction that locks only these rows: filings go on beside it.
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            let done: Vec<String> = sqlx::query_scalar(
                "UPDATE filings f SET request = u.request, applicant_name = '', purged_at = $4,                  version = f.version + 1                  FROM UNNEST($1::text[], $2::bigint[], $3::text[]) AS u(no, ver, request)                  WHERE f.filing_no = u.no AND f.version = u.ver AND f.purged_at IS NULL                  RETURNING f.filing_no",
            )
            .bind(rows.iter().map(|r| r.filing_no.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.version).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.request.as_str()).collect::<Vec<_>>())
            .bind(&at)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
            if done.is_empty() {
                tx.commit().await.map_err(db)?;
                return Ok(0);
            }
            for text in [
                "UPDATE events SET reason = NULL, data = NULL WHERE filing_no = ANY($1)                  AND (reason IS NOT NULL OR data IS NOT NULL)",
                "UPDATE site_records SET note = NULL, documents = '[]' WHERE filing_no = ANY($1)",
                "UPDATE rectifications SET note = '', photos = '[]' WHERE filing_no = ANY($1)",
                "UPDATE outbox SET payload = '{}', last_error = NULL,                  state = CASE WHEN state = 'pending' THEN 'dropped' ELSE state END                  WHERE filing_no = ANY($1)",
                "DELETE FROM upload_refs WHERE owner IN (SELECT 'x:' || n FROM UNNEST($1::text[]) AS n)",
            ] {
                sqlx::query(text)
                    .bind(&done)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
            let e = crate::retention::purged_event(&at);
            sqlx::query(
                "INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data)                  SELECT n, $2, $3, NULL, $4, NULL, NULL FROM UNNEST($1::text[]) AS n",
            )
            .bind(&done)
            .bind(&e.at)
            .bind(e.actor.as_str())
            .bind(e.action.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            tx.commit().await.map_err(db)?;
            Ok(done.len() as u64)
        })
    }

    fn unreferenced_uploads(
        &self,
        before: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<UploadMeta>> {
        Box::pin(async move {
            self.fetch_all_pooled(rsql::unreferenced_uploads(
                &after,
                &before,
                i64::from(limit),
            ))
            .await
        })
    }

    fn delete_uploads(&self, ids: Vec<String>, before: String) -> Fut<'_, Vec<String>> {
        Box::pin(async move {
            sqlx::query_scalar(concat!(
                "DELETE FROM uploads u WHERE u.id = ANY($1) AND u.created_at < $2 AND ",
                upload_unnamed!("u"),
                " RETURNING u.id"
            ))
            .bind(&ids)
            .bind(&before)
            .fetch_all(&self.pool)
            .await
            .map_err(db)
        })
    }

    fn retention_lock(&self) -> Fut<'_, Option<RetentionLock>> {
        Box::pin(async move {
            // A session-level lock on a connection of its own, taken out of the pool: held until the
            // connection is dropped (closed) with the guard, or the process dies. The server ends the
            // previous holder's session only after its socket closes, a moment after the guard is
            // dropped: so a purge right after another one (dry run, then the real one) tries for up to
            // 2 s before it reports another purge running.
            let mut c = self.pool.acquire().await.map_err(db)?.detach();
            for attempt in 0..20 {
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                let got: bool = sqlx::query_scalar(
                    "SELECT pg_try_advisory_lock($1, hashtext(current_schema()))",
                )
                .bind(RETENTION_LOCK)
                .fetch_one(&mut c)
                .await
                .map_err(db)?;
                if got {
                    return Ok(Some(RetentionLock::new(std::sync::Mutex::new(c))));
                }
            }
            Ok(None)
        })
    }

    fn statistics(&self, f: super::stats::StatsFilter) -> Fut<'_, super::stats::StatsRows> {
        Box::pin(async move {
            let mut c = self.pool.acquire().await.map_err(db)?;
            let mut out = Vec::new();
            for (text, args) in sql::stats::statements(&f) {
                let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
                out.push(
                    rows.iter()
                        .map(super::stats::StatRow::decode)
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            Ok(super::stats::StatsRows::from_vec(out))
        })
    }

    fn inspection_list(&self, f: InspectionFilter) -> Fut<'_, Vec<InspectionRow>> {
        Box::pin(async move {
            let (text, args) = msql::inspection_list(&f);
            let mut c = self.pool.acquire().await.map_err(db)?;
            let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
            rows.iter().map(InspectionRow::decode).collect()
        })
    }

    fn inspection_findings(
        &self,
        ids: Vec<String>,
    ) -> Fut<'_, (Vec<FindingRow>, Vec<ReferralRow>)> {
        Box::pin(async move {
            if ids.is_empty() {
                return Ok((Vec::new(), Vec::new()));
            }
            let mut c = self.pool.acquire().await.map_err(db)?;
            let (text, args) = msql::findings_of_inspections(&ids);
            let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
            let findings = rows
                .iter()
                .map(FindingRow::decode)
                .collect::<Result<Vec<_>, _>>()?;
            let (text, args) = msql::referrals_of_inspections(&ids);
            let rows = bind(&text, args).fetch_all(&mut *c).await.map_err(db)?;
            let referrals = rows
                .iter()
                .map(ReferralRow::decode)
                .collect::<Result<Vec<_>, _>>()?;
            Ok((findings, referrals))
        })
    }
}
