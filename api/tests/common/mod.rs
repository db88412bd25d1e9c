//! Test harness: a real server on a random port, a fresh database per test (a temporary SQLite data
//! directory, or a fresh PostgreSQL schema dropped afterwards), and a fixed clock.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test support code panics by design

use anbei_api::clock::FixedClock;
use anbei_api::config::{Config, Database};
use anbei_api::validate::{credit_check_char, id_check_char};
use anbei_api::{AppState, Application};
use anbei_core::{Code, Date};
use anbei_filing::documents::needs_upload;
use anbei_filing::fixtures;
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn pg_url() -> String {
    std::env::var("ANBEI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub const TODAY: &str = fixtures::TODAY;

/// The value of the Prometheus series `name{labels}` (exact line prefix) in `GET /metrics`'s `text`,
/// 0 when absent.
pub fn series(text: &str, line_prefix: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(line_prefix)
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0.0)
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: FixedClock,
    pub state: AppState,
    dir: std::path::PathBuf,
    schema: Option<String>,
    /// Whether dropping this instance drops its schema (not an instance beside another: `spawn_pair`).
    owns_schema: bool,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if !self.owns_schema {
            return;
        }
        if let Some(schema) = self.schema.take() {
            // Drop the schema from a separate runtime: Drop cannot await.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(async move {
                        if let Ok(pool) = sqlx::PgPool::connect(&pg_url()).await {
                            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                                .execute(&pool)
                                .await;
                            pool.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn random_hex() -> String {
    anbei_api::signing::hex(&anbei_api::signing::random_bytes::<8>().unwrap())
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, |_| {}).await
}

/// Two instances on one PostgreSQL database (one schema) sharing a key-encryption key file
/// (`ANBEI_KEK_FILE`), each with its own data directory and nothing else in common — what two machines
/// behind a load balancer are (issue 17). The first owns the schema; the KEK file is removed with it.
pub async fn spawn_pair() -> (TestApp, TestApp) {
    let kek_dir = std::env::temp_dir().join(format!("anbei-kek-{}", random_hex()));
    std::fs::create_dir_all(&kek_dir).unwrap();
    let kek = kek_dir.join("anbei.kek");
    std::fs::write(
        &kek,
        format!(
            "anbei-kek-v1:{}{}{}{}\n",
            random_hex(),
            random_hex(),
            random_hex(),
            random_hex()
        ),
    )
    .unwrap();
    let k = kek.clone();
    let a = spawn_with(Backend::Postgres, move |c| c.kek_file = Some(k)).await;
    let database = a.state.cfg.database.clone();
    let k = kek.clone();
    let mut b = spawn_with(Backend::Sqlite, move |c| {
        c.database = database;
        c.kek_file = Some(k);
    })
    .await;
    b.schema = a.schema.clone();
    b.owns_schema = false;
    let _ = std::fs::remove_dir_all(&kek_dir);
    (a, b)
}

pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = std::env::temp_dir().join(format!("anbei-api-test-{}", random_hex()));
    let mut cfg = Config::new(&dir);
    cfg.listen = "127.0.0.1:0".into();
    cfg.public_url = "https://anbei.test".into();
    cfg.www_dir = dir.join("www");
    let mut schema = None;
    if backend == Backend::Postgres {
        let name = format!("anbei_t_{}", random_hex());
        let pool = sqlx::PgPool::connect(&pg_url()).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is required for the API tests ({}): {e}\nstart it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
                pg_url()
            )
        });
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&pool)
            .await
            .expect("create test schema");
        pool.close().await;
        cfg.database = Database::Postgres {
            url: pg_url(),
            schema: Some(name.clone()),
        };
        schema = Some(name);
    }
    tweak(&mut cfg);
    let clock = FixedClock::at(Date::parse(TODAY).unwrap());
    let app = Application::build_with_clock(cfg, Arc::new(clock.clone()))
        .await
        .expect("application builds");
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        base,
        http: reqwest::Client::new(),
        clock,
        state,
        dir,
        schema,
        owns_schema: true,
    }
}

impl TestApp {
    /// The data directory (SQLite file, uploads, signing key).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// The PostgreSQL schema of this test, if any.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// Runs one SQL statement directly on this test's database (tamper tests, storage checks) and
    /// returns the first column of every row as text.
    pub async fn sql(&self, sql: &str) -> Vec<String> {
        match &self.schema {
            None => {
                let c = rusqlite::Connection::open(self.dir.join("anbei.sqlite3")).unwrap();
                c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
                let mut st = c.prepare(sql).unwrap();
                let n = st.column_count();
                let mut out = Vec::new();
                let mut rows = st.query([]).unwrap();
                while let Some(r) = rows.next().unwrap() {
                    if n > 0 {
                        let v: rusqlite::types::Value = r.get(0).unwrap();
                        out.push(match v {
                            rusqlite::types::Value::Null => String::new(),
                            rusqlite::types::Value::Integer(i) => i.to_string(),
                            rusqlite::types::Value::Real(f) => f.to_string(),
                            rusqlite::types::Value::Text(t) => t,
                            rusqlite::types::Value::Blob(b) => {
                                String::from_utf8_lossy(&b).into_owned()
                            }
                        });
                    }
                }
                out
            }
            Some(schema) => {
                use sqlx::Row;
                let pool = sqlx::PgPool::connect(&pg_url()).await.unwrap();
                let mut conn = pool.acquire().await.unwrap();
                sqlx::query(&format!("SET search_path TO {schema}"))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                let rows = sqlx::query(sql).fetch_all(&mut *conn).await.unwrap();
                drop(conn);
                pool.close().await;
                rows.iter()
                    .map(|r| {
                        r.try_get::<Option<String>, _>(0)
                            .map(|o| o.unwrap_or_default())
                            .or_else(|_| r.try_get::<i64, _>(0).map(|i| i.to_string()))
                            .or_else(|_| r.try_get::<bool, _>(0).map(|b| b.to_string()))
                            .unwrap_or_default()
                    })
                    .collect()
            }
        }
    }

    pub fn url(&self, p: &str) -> String {
        format!("{}{p}", self.base)
    }

    /// The injected clock, in milliseconds since the epoch.
    pub fn clock_ms(&self) -> i64 {
        use anbei_api::clock::Clock;
        self.clock.now_ms()
    }

    pub fn set_today(&self, d: &str) {
        self.clock.set_date(Date::parse(d).unwrap());
    }

    /// A token of a new account of `role` on `street` (`*`: every street).
    pub async fn officer(&self, street: &str, role: &str) -> String {
        self.account(anbei_api::accounts::NewAccount {
            login: String::new(),
            name: "王五".into(),
            role: role.into(),
            street: Some(street.into()),
            ..Default::default()
        })
        .await
    }

    /// A token of a new account as `n` describes it (an empty login: a fresh one).
    pub async fn account(&self, mut n: anbei_api::accounts::NewAccount) -> String {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        if n.login.is_empty() {
            n.login = format!("{}-{}", n.role, NEXT.fetch_add(1, Ordering::Relaxed));
        }
        let (a, _) = anbei_api::accounts::cli::add(&self.state, &n, None)
            .await
            .expect("account added");
        anbei_api::accounts::cli::issue_token(&self.state, &a.login, "test", None)
            .await
            .expect("token issued")
            .1
    }

    /// GET `p` as CSV with an officer's token: (status, content type, body).
    pub async fn get_csv(&self, p: &str, token: &str) -> (u16, String, String) {
        let r = self
            .http
            .get(self.url(p))
            .header("Accept", "text/csv")
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let (st, ct) = (r.status().as_u16(), content_type(&r));
        (st, ct, r.text().await.unwrap())
    }

    /// The verification code of receipt `rno`, as its printed receipt carries it (issue 16, item 2).
    pub async fn code_of(&self, rno: &str) -> String {
        let rec = self
            .state
            .store
            .get_by_receipt(rno)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no receipt {rno}"));
        self.state.signer.verification_code(&rec.created_at, rno)
    }

    /// A public receipt path (`/api/v1/receipts/R/verify`, `/receipts/R`, `/receipts/R/notice`,
    /// `/v/R`) with its receipt's verification code, as the printed QR code and links carry it; an
    /// unknown receipt's path as it is.
    pub async fn with_code(&self, path: &str) -> String {
        let rest = path
            .split_once("/receipts/")
            .or_else(|| path.split_once("/v/"))
            .map(|(_, r)| r)
            .unwrap_or_default();
        let rno = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // (a store that cannot read the row — the fault tests — leaves the path as it is)
        match self.state.store.get_by_receipt(rno).await.ok().flatten() {
            Some(rec) => {
                let code = self.state.signer.verification_code(&rec.created_at, rno);
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}c={code}")
            }
            None => path.to_owned(),
        }
    }

    /// GET `p` without credentials, as text (the printable pages): (status, body).
    pub async fn page(&self, p: &str) -> (u16, String) {
        let r = self.http.get(self.url(p)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn get(&self, p: &str, token: Option<&str>) -> (u16, Value) {
        let mut r = self.http.get(self.url(p));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let resp = r.send().await.unwrap();
        let st = resp.status().as_u16();
        (st, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, p: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut r = self.http.post(self.url(p)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let resp = r.send().await.unwrap();
        let st = resp.status().as_u16();
        (st, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn file(&self, key: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.url("/api/v1/registrations"))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap();
        let st = resp.status().as_u16();
        (st, resp.json().await.unwrap_or(Value::Null))
    }

    /// Uploads a tiny PDF and returns its id.
    pub async fn upload_pdf(&self, tag: &str) -> String {
        let bytes = format!("%PDF-1.4\n% {tag}\n%%EOF\n").into_bytes();
        let resp = self
            .http
            .post(self.url("/api/v1/uploads"))
            .header("Content-Type", "application/pdf")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
        let v: Value = resp.json().await.unwrap();
        v["upload_id"].as_str().unwrap().to_owned()
    }

    /// The complete filing of `tests/fixtures/` for `facts`: every required upload (one PDF for all).
    pub async fn filing(&self, facts: Value) -> Value {
        let (st, a) = self.post("/api/v1/assessments", None, &facts).await;
        assert_eq!(st, 200, "{a}");
        let doc = self.upload_pdf("doc").await;
        let mut docs = serde_json::Map::new();
        for d in a["documents"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            if Code::from_str(code).is_some_and(needs_upload) {
                docs.insert(code.into(), Value::String(doc.clone()));
            }
        }
        let mut body = base_filing(facts);
        body["documents"] = Value::Object(docs);
        body
    }

    /// Files the complete filing for `facts` under the idempotency key `key`; returns the registration
    /// created (201).
    pub async fn file_complete(&self, key: &str, facts: Value) -> Value {
        let body = self.filing(facts).await;
        let (st, v) = self.file(key, &body).await;
        assert_eq!(st, 201, "{v}");
        v
    }

    /// A high-risk registration in force in Bantian (`high_risk_facts`, filed under `key` and accepted
    /// by a new Bantian officer), with its `INSPECTION_HIGH_RISK` due: what most management tests start
    /// from.
    pub async fn registered_high_risk(&self, key: &str) -> Registered {
        let officer = self.officer("bantian", "officer").await;
        let v = self.file_complete(key, high_risk_facts()).await;
        assert_eq!(v["status"], "filed", "{v}");
        let no = v["filing_no"].as_str().unwrap().to_owned();
        let (st, a) = self
            .post(
                &format!("/api/v1/registrations/{no}/acceptance"),
                Some(&officer),
                &json!({}),
            )
            .await;
        assert_eq!(st, 200, "{a}");
        Registered {
            token: v["access_token"].as_str().unwrap().to_owned(),
            contractor: v["contractor_access_token"].as_str().unwrap().to_owned(),
            view: a,
            no,
            officer,
        }
    }
}

/// A registration in force ([`TestApp::registered_high_risk`]).
pub struct Registered {
    pub no: String,
    /// The applicant's access token.
    pub token: String,
    /// The contractor's access code (rules.md §10).
    pub contractor: String,
    /// The Bantian officer who accepted it.
    pub officer: String,
    /// The registration as the acceptance answered it.
    pub view: Value,
}

/// A well-formed 1×1 PNG (signature, IHDR, a `tEXt` chunk carrying `tag` so that each is its own
/// upload, IDAT, IEND — every CRC right): what the upload's structure check accepts.
/// Uploads [`png`]`(tag)` anonymously (a whole PNG: the service checks its structure) and gives its
/// `upload_id`.
pub async fn upload_png(app: &TestApp, tag: &str) -> String {
    let resp = app
        .http
        .post(app.url("/api/v1/uploads"))
        .header("Content-Type", "image/png")
        .body(png(tag))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let v: serde_json::Value = resp.json().await.unwrap();
    v["upload_id"].as_str().unwrap().to_owned()
}

pub fn png(tag: &str) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&anbei_api::routes::uploads::crc32(&[kind, data]).to_be_bytes());
    }
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    chunk(&mut out, b"tEXt", format!("Comment\0{tag}").as_bytes());
    // zlib stream of one scanline: filter byte 0 and one grey pixel
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A response's Content-Type ("" when it has none).
pub fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub fn id_number(seq: u32) -> String {
    let first = format!("44030719900101{:03}", seq % 1000);
    format!("{first}{}", id_check_char(&first).unwrap())
}

pub fn credit_code() -> String {
    let first = "91440300MA5F12345";
    format!("{first}{}", credit_check_char(first).unwrap())
}

/// An ordinary office fit-out in Bantian: below both limits, no hazard → not high risk
/// (`tests/fixtures/facts/ordinary.json`).
pub fn ordinary_facts() -> Value {
    fixtures::facts("ordinary").unwrap()
}

/// The same work with crane lifting (第三条第（八）项) → high risk (`tests/fixtures/facts/high_risk.json`).
pub fn high_risk_facts() -> Value {
    fixtures::facts("high_risk").unwrap()
}

/// The complete filing of `tests/fixtures/filings/complete.json` for `facts`, without its uploads.
pub fn base_filing(facts: Value) -> Value {
    let mut body = fixtures::complete_filing().unwrap();
    body["facts"] = facts;
    // an odd job's 作业内容 is required (S_WORK_CONTENT, 第二十八条); optional for engineering work
    if body["facts"]["activity"]
        .as_str()
        .is_some_and(|a| a.starts_with("odd_"))
    {
        body["work_description"] = Value::from("临街商铺空调外机更换");
    }
    body.as_object_mut().unwrap().remove("documents");
    body
}

/// Fields named in a problem document.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs each named async test `fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[allow(unused_macros)]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await })*
        }
    };
}

/// The checklist items an inspection record left unanswered, as its 422 names them (each error's English
/// message cites the item's `IC_*` code).
pub fn unanswered_items(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let m = e["message"]["en"].as_str().unwrap();
            let code = m.split_whitespace().find(|w| w.starts_with("IC_")).unwrap();
            code.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .to_owned()
        })
        .collect()
}
