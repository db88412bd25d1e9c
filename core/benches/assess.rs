#![allow(clippy::unwrap_used)] // benchmark / development aid
//! `cargo bench -p anbei-core --bench assess`: native assessment of complete facts objects.
use anbei_core::{Date, Engine};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

const COMPLETE: &str = include_str!("complete_facts.json");

fn bench(c: &mut Criterion) {
    let engine = Engine::embedded().unwrap();
    let today = Date::parse("2026-06-18").unwrap();
    let facts = engine.parse_json(COMPLETE, today).unwrap();
    c.bench_function("assess (parsed facts, high-risk restaurant refit)", |b| {
        b.iter(|| black_box(engine.assess(black_box(&facts))))
    });
    c.bench_function("parse_json + assess + to_json", |b| {
        b.iter(|| {
            let f = engine.parse_json(black_box(COMPLETE), today).unwrap();
            engine.assess(&f).to_json()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
