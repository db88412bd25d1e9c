//! `cargo bench -p anbei-core --bench assess`: native assessment of complete facts objects.
use anbei_core::{Date, Engine};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

const COMPLETE: &str = r#"{"activity":"nonresidential_decoration","venue":"hotel_restaurant","property_managed":true,"street":"longcheng","temporary_building":false,"emergency_rescue":false,"illegal_addition":false,"closed_managed_site":false,"structural_change":false,"load_increase":false,"use_change":false,"hot_work":false,"confined_space":false,"excavation_depth_m":0,"scaffold_height_m":0,"lifting":false,"other_dangerous_subproject":false,"work_at_height":false,"electrical_work":false,"welding":true,"other_special_operation":false,"temporary_electricity":false,"suspended_work":false,"demolition":false,"other_dangerous_work":false,"earthwork":false,"gas_pipeline_alteration":false,"hazardous_chemicals":false,"applicant_is_owner":true,"via_agent":false,"contract_amount_yuan":380000,"construction_area_m2":150,"investment_yuan":380000,"registration_date":"2026-06-18"}"#;

fn bench(c: &mut Criterion) {
    let engine = Engine::embedded().unwrap();
    let today = Date::parse("2026-06-18").unwrap();
    let facts = engine.parse_json(COMPLETE, today).unwrap();
    c.bench_function("assess (parsed facts, high-risk restaurant refit)", |b| b.iter(|| black_box(engine.assess(black_box(&facts)))));
    c.bench_function("parse_json + assess + to_json", |b| {
        b.iter(|| {
            let f = engine.parse_json(black_box(COMPLETE), today).unwrap();
            serde_json::to_string(&engine.assess(&f)).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
