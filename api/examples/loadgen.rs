//! Loopback load generator for `bench/api-load.sh` (never point it anywhere but 127.0.0.1).
//!
//! ```text
//! loadgen receipts --url http://127.0.0.1:18080 --seconds 10 --concurrency 64   # max receipts/s
//! loadgen receipts --url … --seconds 10 --rate 1000                             # open loop, p99
//! loadgen receipts --url … --seconds 10 --rate 1000 --latencies FILE             # also append each latency (µs)
//! loadgen assess   --url … --seconds 10 --concurrency 64                        # assessments/s
//! loadgen sqlite-raw --dir /tmp/x --seconds 5                                   # SQLite baselines
//! ```
//! Every filing carries a unique Idempotency-Key, so each 201 is a new receipt. Latency in the
//! open-loop mode is measured from the request's scheduled time (no coordinated omission).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark tool: failing loudly is the point

mod common;

use common::{arg, facts, filing_body};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Stats {
    ok: AtomicU64,
    err: AtomicU64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// What every request of a run looks like: the bytes before the Idempotency-Key value, and the bytes
/// after it (rest of the headers and the body), serialised once. Only the key changes per request.
struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
    keyed: bool,
    want: u16,
}

impl Template {
    fn new(mode: &str, host: &str, body: &[u8], run: &str) -> Template {
        let (path, keyed, want) = if mode == "receipts" {
            ("/api/v1/registrations", true, 201)
        } else {
            ("/api/v1/assessments", false, 200)
        };
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
        .into_bytes();
        if keyed {
            head.extend_from_slice(format!("Idempotency-Key: {run}-").as_bytes());
        }
        let mut tail = if keyed { b"\r\n".to_vec() } else { Vec::new() };
        tail.extend_from_slice(b"\r\n");
        tail.extend_from_slice(body);
        Template {
            head,
            tail,
            keyed,
            want,
        }
    }
}

/// One keep-alive HTTP/1.1 connection: a request written with one `write_all`, the answer read just far
/// enough to know its status and skip its body (Content-Length). Far cheaper than a general client, so
/// the load generator leaves the shared CPUs to the server.
struct Conn {
    addr: String,
    stream: Option<tokio::net::TcpStream>,
    out: Vec<u8>,
    buf: Vec<u8>,
}

impl Conn {
    fn new(addr: &str) -> Conn {
        Conn {
            addr: addr.to_owned(),
            stream: None,
            out: Vec::with_capacity(8192),
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    async fn send(&mut self, t: &Template, key: u64) -> bool {
        match self.try_send(t, key).await {
            Ok(status) => status == t.want,
            Err(_) => {
                self.stream = None;
                false
            }
        }
    }

    async fn try_send(&mut self, t: &Template, key: u64) -> std::io::Result<u16> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        if self.stream.is_none() {
            let s = tokio::net::TcpStream::connect(&self.addr).await?;
            s.set_nodelay(true)?;
            self.stream = Some(s);
            self.buf.clear();
        }
        let s = self.stream.as_mut().unwrap();
        self.out.clear();
        self.out.extend_from_slice(&t.head);
        if t.keyed {
            use std::io::Write;
            write!(self.out, "{key}")?;
        }
        self.out.extend_from_slice(&t.tail);
        s.write_all(&self.out).await?;
        // Headers.
        let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed");
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() == self.buf.capacity() {
                self.buf.reserve(self.buf.len());
            }
            if s.read_buf(&mut self.buf).await? == 0 {
                return Err(eof());
            }
        };
        let head = std::str::from_utf8(&self.buf[..head_end])
            .map_err(|_| std::io::Error::other("bad head"))?;
        let status: u16 = head
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| std::io::Error::other("bad status"))?;
        let mut len = 0usize;
        let mut close = false;
        for line in head.split("\r\n") {
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("connection")
                    && v.trim().eq_ignore_ascii_case("close")
                {
                    close = true;
                }
            }
        }
        // Body.
        let total = head_end + len;
        while self.buf.len() < total {
            self.buf.reserve(total - self.buf.len());
            if s.read_buf(&mut self.buf).await? == 0 {
                return Err(eof());
            }
        }
        self.buf.drain(..total);
        if close {
            self.stream = None;
        }
        Ok(status)
    }
}

async fn http_mode(mode: &str, args: &[String]) {
    let url = arg(args, "--url", "http://127.0.0.1:18080");
    assert!(
        url.starts_with("http://127.") || url.starts_with("http://localhost"),
        "loopback only"
    );
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let secs: u64 = arg(args, "--seconds", "10").parse().unwrap();
    let conc: usize = arg(args, "--concurrency", "256").parse().unwrap();
    let rate: u64 = arg(args, "--rate", "0").parse().unwrap();
    let http = reqwest::Client::builder().build().unwrap();
    let body = if mode == "receipts" {
        filing_body(&http, &url, "loadgen").await
    } else {
        serde_json::to_vec(&facts()).unwrap()
    };
    drop(http);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let run = format!("{}-{nanos}", std::process::id());
    let t = Arc::new(Template::new(mode, &host, &body, &run));
    let stats = Arc::new(Stats {
        ok: AtomicU64::new(0),
        err: AtomicU64::new(0),
    });
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut lat: Vec<Duration> = Vec::new();
    if rate == 0 {
        // Closed loop: `conc` connections back to back.
        let mut tasks = Vec::new();
        for _ in 0..conc {
            let (t, stats, counter, host) =
                (t.clone(), stats.clone(), counter.clone(), host.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = Conn::new(&host);
                let mut l = Vec::with_capacity(4096);
                while Instant::now() < deadline {
                    let k = counter.fetch_add(1, Ordering::Relaxed);
                    let t0 = Instant::now();
                    if c.send(&t, k).await {
                        stats.ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        stats.err.fetch_add(1, Ordering::Relaxed);
                    }
                    l.push(t0.elapsed());
                }
                l
            }));
        }
        for task in tasks {
            lat.extend(task.await.unwrap());
        }
    } else {
        // Open loop at a fixed rate over up to `conc` connections; latency from the scheduled send time
        // (a request waiting for a free connection is counted as waiting).
        let period = Duration::from_nanos(1_000_000_000u64.checked_div(rate).unwrap_or(1));
        let total = rate * secs;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Instant)>();
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let mut tasks = Vec::new();
        for _ in 0..conc {
            let (t, stats, rx, host) = (t.clone(), stats.clone(), rx.clone(), host.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = Conn::new(&host);
                let mut l = Vec::new();
                loop {
                    let next = rx.lock().await.recv().await;
                    let Some((i, due)) = next else { break };
                    if c.send(&t, i).await {
                        stats.ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        stats.err.fetch_add(1, Ordering::Relaxed);
                    }
                    l.push(due.elapsed());
                }
                l
            }));
        }
        for i in 0..total {
            let due = start + period * i as u32;
            tokio::time::sleep_until(due.into()).await;
            tx.send((i, due)).unwrap();
        }
        drop(tx);
        for task in tasks {
            lat.extend(task.await.unwrap());
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    lat.sort();
    // `--latencies FILE`: every request's latency in µs appended, one a line, so a caller running
    // several windows can take the percentiles of them all (bench/purge.sh)
    let file = arg(args, "--latencies", "");
    if !file.is_empty() {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file)
                .unwrap(),
        );
        for l in &lat {
            writeln!(f, "{}", l.as_micros()).unwrap();
        }
        f.flush().unwrap();
    }
    let ok = stats.ok.load(Ordering::Relaxed);
    println!(
        "{{\"mode\":\"{mode}\",\"rate_target\":{rate},\"concurrency\":{conc},\"seconds\":{elapsed:.2},\"ok\":{ok},\"errors\":{},\"per_s\":{:.0},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2}}}",
        stats.err.load(Ordering::Relaxed),
        ok as f64 / elapsed,
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
}

/// SQLite baselines on the same disk: single-row transactions with `synchronous=FULL` (one fsync each),
/// and the service's own store (group commit) driven directly without HTTP.
async fn sqlite_raw(args: &[String]) {
    let dir = std::path::PathBuf::from(arg(args, "--dir", "/tmp/anbei-bench-raw"));
    let secs: u64 = arg(args, "--seconds", "5").parse().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("raw.sqlite3");
    let _ = std::fs::remove_file(&path);
    let c = rusqlite::Connection::open(&path).unwrap();
    c.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        .unwrap();
    let payload = "x".repeat(3000);
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed() < Duration::from_secs(secs) {
        c.execute(
            "INSERT INTO t (k, v) VALUES (?1, ?2)",
            rusqlite::params![n.to_string(), payload],
        )
        .unwrap();
        n += 1;
    }
    let single = n as f64 / t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let mut m = 0u64;
    while t0.elapsed() < Duration::from_secs(secs) {
        let tx = c.unchecked_transaction().unwrap();
        for _ in 0..256 {
            tx.execute(
                "INSERT INTO t (k, v) VALUES (?1, ?2)",
                rusqlite::params![format!("b{m}"), payload],
            )
            .unwrap();
            m += 1;
        }
        tx.commit().unwrap();
    }
    let batched = m as f64 / t0.elapsed().as_secs_f64();
    println!(
        "{{\"mode\":\"sqlite-raw\",\"single_row_txn_per_s\":{single:.0},\"batched_256_rows_per_s\":{batched:.0}}}"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match mode.as_str() {
        "receipts" | "assess" => rt.block_on(http_mode(&mode, &args[2..])),
        "sqlite-raw" => rt.block_on(sqlite_raw(&args[2..])),
        _ => {
            eprintln!(
                "usage: loadgen receipts|assess [--url U] [--seconds N] [--concurrency C] [--rate R] | sqlite-raw [--dir D] [--seconds N]"
            );
            std::process::exit(2);
        }
    }
}
