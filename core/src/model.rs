//! The versioned data the engine is driven by: rule sets, wording, departments, streets and calendars.
//! Everything here is deserialized from the JSON files under `core/data/` (embedded at build time).

use crate::date::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A map from names to rule data, read once and then only looked up: keys sorted (so it serializes like a
/// `BTreeMap`, in key order), found by binary search. Keys and values are kept apart so the search is one
/// function for every value type — a `BTreeMap` per value type cost the browser bundle its tree code
/// each time.
#[derive(Clone, PartialEq)]
pub struct SortedMap<V> {
    keys: Vec<String>,
    values: Vec<V>,
}

fn search(keys: &[String], k: &str) -> Result<usize, usize> {
    keys.binary_search_by(|x| x.as_str().cmp(k))
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<V> SortedMap<V> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn get(&self, k: &str) -> Option<&V> {
        search(&self.keys, k).ok().map(|i| &self.values[i])
    }
    pub fn get_mut(&mut self, k: &str) -> Option<&mut V> {
        search(&self.keys, k).ok().map(|i| &mut self.values[i])
    }
    pub fn contains_key(&self, k: &str) -> bool {
        search(&self.keys, k).is_ok()
    }
    /// Inserts or replaces (as `BTreeMap::insert`: the later value wins), returning the old value.
    pub fn insert(&mut self, k: String, v: V) -> Option<V> {
        match search(&self.keys, &k) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], v)),
            Err(i) => {
                self.keys.insert(i, k);
                self.values.insert(i, v);
                None
            }
        }
    }
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.keys.iter()
    }
    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.keys.iter().zip(&self.values)
    }
    /// Entries in key order, values to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut V)> {
        self.keys.iter().zip(&mut self.values)
    }
}

impl<V> Extend<(String, V)> for SortedMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, it: I) {
        for (k, v) in it {
            self.insert(k, v);
        }
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(it: I) -> Self {
        let mut m = SortedMap::new();
        m.extend(it);
        m
    }
}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = std::iter::Zip<std::vec::IntoIter<String>, std::vec::IntoIter<V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for SortedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = SortedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<SortedMap<V>, A::Error> {
                let mut m = SortedMap::new();
                while let Some((k, v)) = a.next_entry::<String, V>()? {
                    m.insert(k, v);
                }
                Ok(m)
            }
        }
        d.deserialize_map(Visit(PhantomData))
    }
}

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
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub value_names: SortedMap<I18n>,
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
    pub parameters: SortedMap<Parameter>,
    #[serde(default)]
    pub facts: Vec<FactSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazards: Option<HazardLists>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub venues: Vec<Venue>,
}

/// Wording and citation of one code. The wording is data (codes.json); the article is the code's rule's
/// (src/rules/), filled in at load.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CodeText {
    #[serde(default)]
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
    pub codes: SortedMap<CodeText>,
    pub notes: SortedMap<I18n>,
    pub words: SortedMap<I18n>,
    pub fact_names: SortedMap<I18n>,
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
    /// The departments a referral (`REF_DEPARTMENT`) offers first when the work suggests none
    /// (*product policy*, e.g. work found unregistered): codes of `departments`.
    #[serde(default)]
    pub usual_referral: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::SortedMap;
    use std::collections::BTreeMap;

    #[test]
    fn sorted_map_reads_and_writes_like_a_btree_map() {
        let text = r#"{"b": 2, "a": 1, "c": 3, "a": 4, "": 0}"#;
        let m: SortedMap<u32> = serde_json::from_str(text).unwrap();
        let b: BTreeMap<String, u32> = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(format!("{m:?}"), format!("{b:?}"));
        assert_eq!(m.get("a"), Some(&4)); // the later duplicate wins, as in a BTreeMap
        assert_eq!((m.get("z"), m.contains_key(""), m.len()), (None, true, 4));
        let mut n = m.clone();
        n.extend([("d".to_string(), 5), ("b".to_string(), 9)]);
        assert_eq!(
            n.keys().map(String::as_str).collect::<Vec<_>>(),
            ["", "a", "b", "c", "d"]
        );
        assert_eq!(n.get("b"), Some(&9));
        assert!(serde_json::from_str::<SortedMap<u32>>("[1]").is_err());
    }
}
