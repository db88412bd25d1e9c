//! A civil calendar date (no time, no zone) — enough for deadlines, with no dependency.
//!
//! Dates in Anbei are always Asia/Shanghai civil dates; the engine never reads a clock, so the caller
//! passes "today" in.

use std::fmt;

/// A proleptic-Gregorian calendar date between year 1 and 9999.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32, // days since 1970-01-01
}

/// Day of week, Monday first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in month `m` (1-12) of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// The date `y-m-d`, or `None` if there is no such day.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe as u32 * 365 + yoe as u32 / 4 - yoe as u32 / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe as i32 - 719_468,
        })
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = (z - era * 146_097) as u32;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe as i32 + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Parses exactly `YYYY-MM-DD`.
    /// The date as people read it in Chinese: `2026年12月2日` (one writer for the widget, the console,
    /// the API's pages and notifications).
    pub fn words_zh(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y}年{m}月{d}日")
    }

    /// The date as people read it in English: `2 December 2026`.
    pub fn words_en(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", month_en(m))
    }

    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Some(v)
        };
        Date::from_ymd(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }

    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Sat | Weekday::Sun)
    }

    pub fn add_days(self, n: i32) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// Days from `other` to `self`.
    pub fn days_since(self, other: Date) -> i32 {
        self.days - other.days
    }

    /// The day numbered like `self`, `n` calendar months later; the month's last day when there is
    /// no such day (Aug 31 + 6 months = Feb 28/29).
    pub fn add_months_clamped(self, n: u32) -> Date {
        let (y, m, d) = self.ymd();
        let total = (m - 1) + n;
        let ny = y + (total / 12) as i32;
        let nm = total % 12 + 1;
        let nd = d.min(days_in_month(ny, nm));
        Date::from_ymd(ny, nm, nd).unwrap_or(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM-DD date: {s}")))
    }
}

/// A month's English name (1 = January); "" outside 1..=12. The one table behind every date in words
/// (`Date::words_en`, the statistics' month labels).
pub fn month_en(m: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    m.checked_sub(1)
        .and_then(|i| MONTHS.get(i as usize))
        .copied()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let mut d = Date::from_ymd(1900, 1, 1).unwrap();
        let mut prev = d;
        for _ in 0..146_097 {
            d = d.add_days(1);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            assert_eq!(d.days_since(prev), 1);
            prev = d;
        }
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(
            Date::parse("2026-02-28").map(|d| d.to_string()),
            Some("2026-02-28".into())
        );
        assert_eq!(
            Date::parse("2028-02-29").map(|d| d.to_string()),
            Some("2028-02-29".into())
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-32",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(Date::parse("2026-11-23").unwrap().weekday(), Weekday::Mon);
        assert_eq!(Date::parse("2026-05-09").unwrap().weekday(), Weekday::Sat);
        assert_eq!(Date::parse("1970-01-01").unwrap().weekday(), Weekday::Thu);
    }

    /// 依据：第二十五条 — six calendar months, clamped to the month's last day.
    #[test]
    fn month_end_clamp() {
        let cases = [
            ("2026-08-31", "2027-02-28"),
            ("2027-08-31", "2028-02-29"),
            ("2026-05-06", "2026-11-06"),
            ("2026-12-31", "2027-06-30"),
            ("2026-07-15", "2027-01-15"),
        ];
        for (from, to) in cases {
            assert_eq!(
                Date::parse(from).unwrap().add_months_clamped(6).to_string(),
                to,
                "{from}"
            );
        }
    }
}
