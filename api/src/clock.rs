//! The service's only source of time. Injectable so tests can fix "today" (Asia/Shanghai) without sleeping.

use anbei_core::Date;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds east of UTC for Asia/Shanghai (no daylight saving since 1991).
const SHANGHAI_OFFSET: i64 = 8 * 3600;

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// The system clock moved by a whole number of days: `anbei serve --clock-offset-days N`, for browser
/// tests and demonstrations that need a registration near its end (the extension window, §3.7) without
/// editing stored data. Never set in production (the server logs a warning when it is).
pub struct OffsetClock(pub i64);

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.0 * 86_400_000
    }
}

/// A clock the tests set by hand.
#[derive(Clone, Default)]
pub struct FixedClock(Arc<AtomicI64>);

impl FixedClock {
    /// A clock at 10:00 Asia/Shanghai on `date`.
    pub fn at(date: Date) -> FixedClock {
        let c = FixedClock::default();
        c.set_date(date);
        c
    }
    pub fn set_date(&self, date: Date) {
        let days = i64::from(date.days_since(epoch()));
        self.0
            .store((days * 86_400 + 2 * 3600) * 1000, Ordering::SeqCst);
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn epoch() -> Date {
    Date::from_ymd(1970, 1, 1).unwrap_or_else(|| Date::parse("1970-01-01").unwrap_or_else(epoch))
}

/// The Asia/Shanghai civil date at `ms`.
pub fn shanghai_date(ms: i64) -> Date {
    let days = (ms / 1000 + SHANGHAI_OFFSET).div_euclid(86_400);
    epoch().add_days(days as i32)
}

/// RFC 3339 timestamp in Asia/Shanghai: `2026-11-23T10:15:00.123+08:00`.
pub fn rfc3339(ms: i64) -> String {
    let local = ms + SHANGHAI_OFFSET * 1000;
    let secs = local.div_euclid(1000);
    let milli = local.rem_euclid(1000);
    let date = epoch().add_days(secs.div_euclid(86_400) as i32);
    let sod = secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}.{milli:03}+08:00",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// Minutes from `a` to `b`, two timestamps as [`rfc3339`] writes them (Asia/Shanghai, `+08:00`).
pub fn minutes_between(a: &str, b: &str) -> Option<i64> {
    fn minutes(t: &str) -> Option<i64> {
        let date = Date::parse(t.get(..10)?)?;
        let h: i64 = t.get(11..13)?.parse().ok()?;
        let m: i64 = t.get(14..16)?.parse().ok()?;
        Some(i64::from(date.days_since(epoch())) * 1440 + h * 60 + m)
    }
    Some(minutes(b)? - minutes(a)?)
}

/// `yyyymmdd` of a date.
pub fn compact(d: Date) -> String {
    let (y, m, dd) = d.ymd();
    format!("{y:04}{m:02}{dd:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_midnight() {
        // 2026-11-22T16:00:00Z is midnight in Shanghai.
        let ms = 1_795_363_200_000;
        assert_eq!(shanghai_date(ms).to_string(), "2026-11-23");
        assert_eq!(shanghai_date(ms - 1).to_string(), "2026-11-22");
        assert_eq!(rfc3339(ms), "2026-11-23T00:00:00.000+08:00");
        let c = FixedClock::at(Date::parse("2026-11-23").unwrap());
        assert_eq!(rfc3339(c.now_ms()), "2026-11-23T10:00:00.000+08:00");
        assert_eq!(
            minutes_between(
                "2026-11-23T10:00:00.000+08:00",
                &rfc3339(ms + 86_400_000 * 2 + 90_000)
            ),
            Some(2 * 1440 - 600 + 1)
        );
    }

    #[test]
    fn offset_clock_moves_whole_days() {
        let (a, b) = (SystemClock.now_ms(), OffsetClock(170).now_ms());
        let days = (b - a) as f64 / 86_400_000.0;
        assert!((days - 170.0).abs() < 0.01, "{days}");
    }
}
