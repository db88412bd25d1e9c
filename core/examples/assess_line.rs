#![allow(clippy::unwrap_used)] // benchmark / development aid
//! Prints the assessment of one facts object given as the first argument (a development aid).
fn main() {
    let engine = anbei_core::Engine::embedded().unwrap();
    let today = anbei_core::Date::parse("2026-11-23").unwrap();
    let arg = std::env::args().nth(1).unwrap_or_else(|| "{}".into());
    match engine.parse_json(&arg, today) {
        Ok(f) => println!(
            "{}",
            serde_json::to_string_pretty(&engine.assess(&f)).unwrap()
        ),
        Err(e) => println!("{}", serde_json::to_string_pretty(&e).unwrap()),
    }
}
