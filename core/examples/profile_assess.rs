#![allow(clippy::unwrap_used)] // benchmark / development aid
//! Runs the benchmark case many times (for callgrind / perf profiling): `cargo run --release --example profile_assess -- N`.
fn main() {
    let engine = anbei_core::Engine::embedded().unwrap();
    let today = anbei_core::Date::parse("2026-06-18").unwrap();
    let line = include_str!("../benches/complete_facts.json").trim();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut total = 0usize;
    let only_assess = std::env::args().nth(2).as_deref() == Some("assess");
    let parsed = engine.parse_json(line, today).unwrap();
    for _ in 0..n {
        if only_assess {
            total += engine.assess(std::hint::black_box(&parsed)).documents.len();
            continue;
        }
        let f = engine.parse_json(line, today).unwrap();
        let r = engine.assess(&f);
        let mut out = String::new();
        r.write_json(&mut out);
        total += out.len();
    }
    println!("{total}");
}
