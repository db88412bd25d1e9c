//! What the store answers the statistics with (`store/sql/stats.rs` has the statements): grouped counts
//! as rows, read by `crate::statistics`.

use super::staff::Coverage;

/// What the statistics group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Month,
    Community,
    Activity,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s {
            "month" => GroupBy::Month,
            "community" => GroupBy::Community,
            "activity" => GroupBy::Activity,
            _ => return None,
        })
    }
    pub const fn as_str(self) -> &'static str {
        match self {
            GroupBy::Month => "month",
            GroupBy::Community => "community",
            GroupBy::Activity => "activity",
        }
    }
}

/// One period's statistics for an account's coverage.
#[derive(Clone, Debug)]
pub struct StatsFilter {
    pub cover: Coverage,
    /// Inclusive `YYYY-MM-DD` bounds.
    pub from: String,
    pub to: String,
    /// Today (`YYYY-MM-DD`, Asia/Shanghai): what is overdue is measured against it.
    pub today: String,
    pub group_by: GroupBy,
}

/// One grouped count: `street`, the group `g`, two keys `k`, `j`, two numbers `x`, `y` (what they mean
/// depends on the statement) and how many rows `n` have them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatRow {
    pub street: String,
    pub g: String,
    pub k: Option<String>,
    pub j: Option<String>,
    pub x: Option<i64>,
    pub y: Option<i64>,
    pub n: i64,
}

/// The six statements' rows, in order.
#[derive(Clone, Debug, Default)]
pub struct StatsRows {
    pub registrations: Vec<StatRow>,
    pub answers: Vec<StatRow>,
    pub inspections: Vec<StatRow>,
    pub findings: Vec<StatRow>,
    pub rectifications: Vec<StatRow>,
    pub referrals: Vec<StatRow>,
}

impl StatsRows {
    /// The rows of the statements in order.
    pub fn from_vec(mut v: Vec<Vec<StatRow>>) -> StatsRows {
        let mut next = || {
            if v.is_empty() {
                Vec::new()
            } else {
                v.remove(0)
            }
        };
        StatsRows {
            registrations: next(),
            answers: next(),
            inspections: next(),
            findings: next(),
            rectifications: next(),
            referrals: next(),
        }
    }
}
