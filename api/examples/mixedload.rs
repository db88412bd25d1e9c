//! Mixed-traffic load generator for `bench/mixed-load.sh` (loopback only: never point it elsewhere).
//!
//! ```text
//! mixedload --url http://127.0.0.1:18085 --officer anb_o_… --prefill 100000 --seconds 60 --concurrency 32
//! ```
//! 1. prefill: files `--prefill` registrations (so the officer's CSV export has that many rows);
//! 2. for `--seconds`: `--concurrency` clients run a weighted mix — 35 % assessments, 10 % uploads (unique
//!    PDFs), 35 % filings (unique Idempotency-Keys), 15 % receipt verifications, 5 % officer ledger
//!    pages — while one more client streams the whole ledger as CSV again and again (every row counted).
//!
//! Prints one JSON object: per kind count, rate, p50/p99/max, errors (any unexpected status or transport
//! error), and the exports (count, rows, seconds each). Exit status 1 if any error.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark tool: failing loudly is the point

mod common;

use common::{arg, facts, filing_body};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Kind {
    lat_us: Vec<u32>,
    errors: u64,
}

const KINDS: [&str; 5] = ["assessment", "upload", "filing", "verify", "ledger_page"];

fn pick(r: u64) -> usize {
    match r % 100 {
        0..35 => 0,
        35..45 => 1,
        45..80 => 2,
        80..95 => 3,
        _ => 4,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = arg(&args, "--url", "http://127.0.0.1:18085");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "loopback only: --url http://127.0.0.1:PORT"
    );
    let officer = arg(&args, "--officer", "");
    let prefill: u64 = arg(&args, "--prefill", "100000").parse().unwrap();
    let secs: f64 = arg(&args, "--seconds", "60").parse().unwrap();
    let conc: usize = arg(&args, "--concurrency", "32").parse().unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(conc * 2)
        .build()
        .unwrap();
    let body = Arc::new(filing_body(&http, &url, "mixedload").await);
    let run = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let seq = Arc::new(AtomicU64::new(0));
    let receipts: Arc<Mutex<Vec<String>>> = Arc::default();

    // 1. Prefill.
    let t = Instant::now();
    let mut tasks = vec![];
    for _ in 0..64 {
        let (http, url, body, seq, run, receipts) = (
            http.clone(),
            url.clone(),
            body.clone(),
            seq.clone(),
            run.clone(),
            receipts.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let n = seq.fetch_add(1, Ordering::Relaxed);
                if n >= prefill {
                    return;
                }
                let r = http
                    .post(format!("{url}/api/v1/registrations"))
                    .header("Idempotency-Key", format!("{run}-p-{n}"))
                    .header("Content-Type", "application/json")
                    .body(body.to_vec())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 201, "prefill");
                if n % 100 == 0 {
                    let v: Value = r.json().await.unwrap();
                    receipts
                        .lock()
                        .unwrap()
                        .push(v["receipt"]["receipt_no"].as_str().unwrap().to_owned());
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let prefill_s = t.elapsed().as_secs_f64();
    eprintln!("prefilled {prefill} filings in {prefill_s:.1}s");

    // 2. Mixed traffic plus a continuous CSV export.
    let stop = Arc::new(AtomicBool::new(false));
    let stats: Arc<Mutex<Vec<Kind>>> = Arc::new(Mutex::new(
        (0..KINDS.len()).map(|_| Kind::default()).collect(),
    ));
    let exports: Arc<Mutex<Vec<(u64, f64, bool)>>> = Arc::default();
    let start = Instant::now();
    let mut tasks = vec![];
    let export_rows = Arc::new(AtomicU64::new(0));
    let export_task = {
        let (http, url, officer, stop, exports) = (
            http.clone(),
            url.clone(),
            officer.clone(),
            stop.clone(),
            exports.clone(),
        );
        let export_rows = export_rows.clone();
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                export_rows.store(0, Ordering::Relaxed);
                let t = Instant::now();
                let r = http
                    .get(format!("{url}/api/v1/registrations"))
                    .bearer_auth(&officer)
                    .header("Accept", "text/csv")
                    .send()
                    .await;
                let (rows, ok) = match r {
                    Ok(mut r) if r.status().as_u16() == 200 => {
                        let mut rows = 0u64;
                        let mut ok = true;
                        loop {
                            match r.chunk().await {
                                Ok(Some(c)) => {
                                    let n = c.iter().filter(|b| **b == b'\n').count() as u64;
                                    rows += n;
                                    export_rows.fetch_add(n, Ordering::Relaxed);
                                }
                                Ok(None) => break,
                                Err(_) => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        (rows.saturating_sub(1), ok)
                    }
                    _ => (0, false),
                };
                exports
                    .lock()
                    .unwrap()
                    .push((rows, t.elapsed().as_secs_f64(), ok));
            }
        })
    };
    for w in 0..conc {
        let (http, url, officer, stop, stats, body, run, receipts) = (
            http.clone(),
            url.clone(),
            officer.clone(),
            stop.clone(),
            stats.clone(),
            body.clone(),
            run.clone(),
            receipts.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = (w as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let k = pick(rng);
                n += 1;
                let t = Instant::now();
                let req = match k {
                    0 => http
                        .post(format!("{url}/api/v1/assessments"))
                        .header("Content-Type", "application/json")
                        .body(serde_json::to_vec(&facts()).unwrap()),
                    1 => http
                        .post(format!("{url}/api/v1/uploads"))
                        .header("Content-Type", "application/pdf")
                        .body(format!("%PDF-1.4\n% {run} {w} {n}\n%%EOF\n").into_bytes()),
                    2 => http
                        .post(format!("{url}/api/v1/registrations"))
                        .header("Idempotency-Key", format!("{run}-m-{w}-{n}"))
                        .header("Content-Type", "application/json")
                        .body(body.to_vec()),
                    3 => {
                        let rno = {
                            let r = receipts.lock().unwrap();
                            r[(rng as usize) % r.len()].clone()
                        };
                        http.get(format!("{url}/api/v1/receipts/{rno}/verify"))
                    }
                    _ => http
                        .get(format!("{url}/api/v1/registrations?limit=100"))
                        .bearer_auth(&officer),
                };
                let want = if k == 1 || k == 2 { 201 } else { 200 };
                let ok = match req.send().await {
                    Ok(r) => r.status().as_u16() == want && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let us = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                let mut s = stats.lock().unwrap();
                s[k].lat_us.push(us);
                if !ok {
                    s[k].errors += 1;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    // An export still streaming when the time is up is stopped and reported as unfinished.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let unfinished = !export_task.is_finished();
    export_task.abort();
    let partial_rows = export_rows.load(Ordering::Relaxed);
    let mut out = serde_json::Map::new();
    let mut errors = 0;
    let mut total = 0usize;
    for (i, k) in stats.lock().unwrap().iter_mut().enumerate() {
        k.lat_us.sort_unstable();
        let q = |p: f64| {
            k.lat_us
                .get(((k.lat_us.len() as f64 * p) as usize).min(k.lat_us.len().saturating_sub(1)))
                .map_or(0.0, |v| f64::from(*v) / 1000.0)
        };
        errors += k.errors;
        total += k.lat_us.len();
        out.insert(
            KINDS[i].into(),
            json!({ "count": k.lat_us.len(), "per_s": (k.lat_us.len() as f64 / elapsed).round(),
                    "p50_ms": q(0.5), "p99_ms": q(0.99), "max_ms": q(1.0), "errors": k.errors }),
        );
    }
    let ex = exports.lock().unwrap();
    let export_errors = ex.iter().filter(|e| !e.2).count();
    out.insert(
        "csv_exports".into(),
        json!({ "count": ex.len(), "rows": ex.iter().map(|e| e.0).collect::<Vec<_>>(),
                "seconds": ex.iter().map(|e| (e.1 * 10.0).round() / 10.0).collect::<Vec<_>>(), "errors": export_errors,
                "unfinished_at_end": unfinished.then_some(partial_rows) }),
    );
    out.insert(
        "prefill".into(),
        json!({ "filings": prefill, "seconds": (prefill_s * 10.0).round() / 10.0 }),
    );
    out.insert("seconds".into(), json!((elapsed * 10.0).round() / 10.0));
    out.insert(
        "requests_per_s".into(),
        json!((total as f64 / elapsed).round()),
    );
    out.insert("errors".into(), json!(errors + export_errors as u64));
    println!("{}", Value::Object(out));
    if errors + export_errors as u64 > 0 {
        std::process::exit(1);
    }
}
