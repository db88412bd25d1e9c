//! What the targets that assess share: the embedded rule data, loaded once, and the day they run on.

use anbei_core::{Date, Engine};
use std::sync::OnceLock;

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().expect("embedded rule data"))
}

pub fn today() -> Date {
    Date::parse("2026-11-23").expect("date")
}
