//! The versioned data the engine is driven by: rule sets, wording, departments, streets and calendars.
//! Everything here is deserialized from the JSON files under `core/data/` (embedded at build time).

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text in both languages the product speaks.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Default)]
pub struct I18n {
    pub zh: String,
    pub en: String,
}

/// One rule parameter with its unit and legal reference.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Parameter {
    pub value: f64,
    pub unit: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub product_policy: bool,
}

/// One question of the interview (a key of the facts contract).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FactSpec {
    pub key: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub group: String,
    pub question: I18n,
    pub help: I18n,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub value_names: BTreeMap<String, I18n>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable_for_flag: Option<String>,
    /// Given by the caller, never asked (dates).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub input_only: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Engineering,
    OddJob,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Activity {
    pub code: String,
    pub kind: Kind,
    /// The 第二条 (or 第五条) item that brings it in below the limit.
    pub art2: String,
    /// The 第四条 item that brings it in above the limit, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub art4: Option<String>,
    /// Primary department first, then co-departments.
    pub dept: Vec<String>,
    /// `D` decoration, `L` may have no building area, `P` asked `public_safety_structure`.
    #[serde(default)]
    pub flags: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<String>,
    pub name: I18n,
    pub detail: I18n,
}

impl Activity {
    pub fn has_flag(&self, f: char) -> bool {
        self.flags.contains(f)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Venue {
    pub code: String,
    pub crowded: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_article: Option<String>,
    pub name: I18n,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Implication {
    #[serde(rename = "if")]
    pub if_: String,
    pub then: String,
    pub article: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HazardLists {
    pub engineering: Vec<String>,
    pub odd_job: Vec<String>,
    pub special_operations: Vec<String>,
    pub dangerous_work: Vec<String>,
    pub implications: Vec<Implication>,
}

/// A rule-set file (`data/rulesets/*.json`). A file with `amends` may omit the tables and override
/// only some parameters of the rule set it amends.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RulesetFile {
    pub id: String,
    pub version: String,
    pub status: String,
    pub effective_from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<I18n>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<I18n>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    pub facts: Vec<FactSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazards: Option<HazardLists>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub venues: Vec<Venue>,
}

/// Wording and citation of one code.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CodeText {
    pub article: String,
    pub title: I18n,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<I18n>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because_elevator: Option<I18n>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<I18n>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CodesFile {
    #[serde(default, skip_serializing)]
    pub about: String,
    pub codes: BTreeMap<String, CodeText>,
    pub notes: BTreeMap<String, I18n>,
    pub words: BTreeMap<String, I18n>,
    pub fact_names: BTreeMap<String, I18n>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Department {
    pub code: String,
    pub name: I18n,
    pub duty: I18n,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DepartmentsFile {
    pub departments: Vec<Department>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Street {
    pub code: String,
    pub name: I18n,
    pub office: I18n,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StreetsFile {
    pub streets: Vec<Street>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HolidaySpan {
    pub name: I18n,
    pub from: Date,
    pub to: Date,
}

/// One year's State Council holiday notice.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub published: Date,
    pub holidays: Vec<HolidaySpan>,
    pub working_weekend_days: Vec<Date>,
}
