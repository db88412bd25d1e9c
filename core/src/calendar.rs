//! Working days in mainland China: Monday–Friday, minus the State Council's statutory holidays, plus its
//! adjusted working weekend days (调休上班). The holiday table is data (one file per year); a year with no
//! data is counted Monday–Friday and the answer is marked provisional — never silently.

use crate::date::Date;
use crate::model::CalendarYear;

#[derive(Debug, Clone)]
struct YearTable {
    year: i32,
    /// Jan 1 of the year: day index = date − jan1.
    jan1: Date,
    days: i32,
    /// Bit per day-of-year (0-based): a statutory day off.
    off: [u64; 6],
    /// Bit per day-of-year: a weekend day that is a working day.
    work: [u64; 6],
}

/// The holiday calendars the engine knows.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: Vec<YearTable>,
}

/// A date computed by counting working days, and whether any counted day fell in a year without data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub date: Date,
    pub provisional: bool,
}

fn day_of_year(d: Date) -> usize {
    let (y, _, _) = d.ymd();
    match Date::from_ymd(y, 1, 1) {
        Some(jan1) => d.days_since(jan1) as usize,
        None => 0,
    }
}

fn set(bits: &mut [u64; 6], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn get(bits: &[u64; 6], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// A calendar file that contradicts itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError(pub String);

impl Calendar {
    /// Builds the calendar from per-year tables, checking each is internally consistent.
    pub fn new(years: &[CalendarYear]) -> Result<Calendar, CalendarError> {
        let mut out = Vec::with_capacity(years.len());
        for y in years {
            let (jan1, next) = match (
                Date::from_ymd(y.year, 1, 1),
                Date::from_ymd(y.year + 1, 1, 1),
            ) {
                (Some(a), Some(b)) => (a, b),
                _ => return Err(CalendarError(format!("{}: not a calendar year", y.year))),
            };
            let mut t = YearTable {
                year: y.year,
                jan1,
                days: next.days_since(jan1),
                off: [0; 6],
                work: [0; 6],
            };
            for h in &y.holidays {
                if h.from.year() != y.year || h.to.year() != y.year || h.to < h.from {
                    return Err(CalendarError(format!(
                        "{}: holiday {}..{} is not inside the year",
                        y.year, h.from, h.to
                    )));
                }
                let mut d = h.from;
                while d <= h.to {
                    set(&mut t.off, day_of_year(d));
                    d = d.add_days(1);
                }
            }
            for &d in &y.working_weekend_days {
                if d.year() != y.year || !d.is_weekend() {
                    return Err(CalendarError(format!(
                        "{}: {} is not a weekend day of that year",
                        y.year, d
                    )));
                }
                if get(&t.off, day_of_year(d)) {
                    return Err(CalendarError(format!(
                        "{}: {} is both a holiday and a working day",
                        y.year, d
                    )));
                }
                set(&mut t.work, day_of_year(d));
            }
            if out.iter().any(|o: &YearTable| o.year == y.year) {
                return Err(CalendarError(format!(
                    "{}: two calendars for the same year",
                    y.year
                )));
            }
            out.push(t);
        }
        Ok(Calendar { years: out })
    }

    /// Years with holiday data.
    pub fn years(&self) -> Vec<i32> {
        let mut v: Vec<i32> = self.years.iter().map(|y| y.year).collect();
        v.sort_unstable();
        v
    }

    /// Whether `d` is a working day, and whether that answer is provisional (no data for its year).
    pub fn is_working_day(&self, d: Date) -> (bool, bool) {
        let found = self.years.iter().find_map(|t| {
            let i = d.days_since(t.jan1);
            (0..t.days).contains(&i).then_some((t, i as usize))
        });
        match found {
            Some((t, i)) => {
                if get(&t.work, i) {
                    (true, false)
                } else {
                    (!d.is_weekend() && !get(&t.off, i), false)
                }
            }
            None => (!d.is_weekend(), true),
        }
    }

    /// The `n`th working day after `d` (the day itself is not counted).
    pub fn add_working_days(&self, d: Date, n: u32) -> Counted {
        let mut date = d;
        let mut left = n;
        let mut provisional = false;
        // Bounded: every 7 consecutive days contain a working day even in the longest holiday (9 days
        // off still leaves ≥ 1 in any 14), so 14 × n + 14 iterations always suffice.
        let mut guard = 14 * n as usize + 14;
        while left > 0 && guard > 0 {
            date = date.add_days(1);
            let (working, prov) = self.is_working_day(date);
            provisional |= prov;
            if working {
                left -= 1;
            }
            guard -= 1;
        }
        Counted { date, provisional }
    }

    /// How many working days lie after `from` up to and including `to` (0 when `to` is not after
    /// `from`): the working days an answer took — a filing answered on the day its 3 working days
    /// run out took 3, the same day 0 — and whether any of them was counted provisionally.
    pub fn working_days_between(&self, from: Date, to: Date) -> (u32, bool) {
        let mut n = 0;
        let mut provisional = false;
        let mut d = from;
        while d < to {
            d = d.add_days(1);
            let (working, prov) = self.is_working_day(d);
            provisional |= prov;
            n += u32::from(working);
        }
        (n, provisional)
    }
}
