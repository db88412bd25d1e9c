//! The facts contract (rules.md §1): one flat JSON object in, checked key by key. An absent key is
//! *unknown*, which is not `false`. Every rejection names the key and the rule, in Chinese and English.

use crate::date::Date;
use crate::model::I18n;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! facts {
    ($($name:ident),* $(,)?) => {
        /// A key of the facts contract.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[repr(u8)]
        pub enum Fact { $($name),* }
        impl Fact {
            /// Every fact, in declaration order.
            pub const ALL: &'static [Fact] = &[$(Fact::$name),*];
            /// The JSON key.
            pub const fn key(self) -> &'static str {
                match self { $(Fact::$name => stringify!($name)),* }
            }
            pub fn from_key(s: &str) -> Option<Fact> {
                match s { $(stringify!($name) => Some(Fact::$name),)* _ => None }
            }
        }
    };
}

facts! {
    activity, public_area, emergency_rescue, temporary_building, illegal_addition, repair_is_complex,
    public_safety_structure, contract_amount_yuan, construction_area_m2, permit_not_applicable,
    elevator_work, elevator_multi_owner_residential, structural_change, load_increase, use_change,
    excavation_depth_m, earthwork, underground_pipelines, scaffold_height_m, lifting,
    other_dangerous_subproject, welding, hot_work, confined_space, work_at_height, electrical_work,
    other_special_operation, temporary_electricity, suspended_work, demolition, other_dangerous_work,
    gas_pipeline_alteration, hazardous_chemicals, venue, investment_yuan, property_managed,
    closed_managed_site, applicant_is_owner, via_agent, street, registration_date, registered_date,
    completion_date,
}

/// Number of facts.
pub const N_FACTS: usize = Fact::ALL.len();

impl Fact {
    pub const fn bit(self) -> u64 {
        1u64 << (self as u8)
    }
}

impl Serialize for Fact {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// A checked fact value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Num(f64),
    /// `construction_area_m2: null` — the work has no building area.
    NoArea,
    /// Index into the rule set's table for that fact (activities, venues, streets, enum values).
    Code(u16),
    Date(Date),
}

/// Checked facts, ready to assess. Built by [`crate::Engine::parse_facts`].
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub(crate) values: [Option<Value>; N_FACTS],
    /// Index of the rule set in force on the filing date.
    pub(crate) ruleset: usize,
    /// The filing date: `registration_date`, or the caller's today.
    pub(crate) filing_date: Date,
}

impl Facts {
    pub fn get(&self, f: Fact) -> Option<Value> {
        self.values[f as usize]
    }
    pub fn is_known(&self, f: Fact) -> bool {
        self.values[f as usize].is_some()
    }
    pub fn filing_date(&self) -> Date {
        self.filing_date
    }
}

/// A raw JSON value as received, before checking. Objects and arrays are kept only as their kind,
/// so a 10 MB array costs nothing to reject.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Object,
    Array,
}

impl Raw {
    pub fn kind(&self) -> I18n {
        let (zh, en) = match self {
            Raw::Null => ("null", "null"),
            Raw::Bool(_) => ("布尔值", "a boolean"),
            Raw::Num(_) => ("数字", "a number"),
            Raw::Str(_) => ("文本", "a string"),
            Raw::Object => ("对象", "an object"),
            Raw::Array => ("数组", "an array"),
        };
        I18n {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Num(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Raw::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Object)
            }
        }
        d.deserialize_any(V)
    }
}

/// A key of the facts object as received: a fact of the contract, or something else (kept for the error).
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Fact(Fact),
    Unknown(String),
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        match Fact::from_key(s) {
            Some(f) => Key::Fact(f),
            None => Key::Unknown(s.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            // Known keys are recognised without allocating.
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key::from(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// The facts object as received: its entries in order (duplicates kept, so they can be refused),
/// or what it was instead of an object.
#[derive(Clone, Debug, PartialEq)]
pub enum RawFacts {
    Object(Vec<(Key, Raw)>),
    NotAnObject(Raw),
}

impl<'de> Deserialize<'de> for RawFacts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFacts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a facts object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawFacts, A::Error> {
                let mut v = Vec::with_capacity(a.size_hint().unwrap_or(48).min(64));
                while let Some((k, val)) = a.next_entry::<Key, Raw>()? {
                    if v.len() > 256 {
                        return Err(de::Error::custom("more than 256 keys"));
                    }
                    v.push((k, val));
                }
                Ok(RawFacts::Object(v))
            }
            fn visit_unit<E>(self) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Null))
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Num(v as f64)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Num(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Num(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawFacts, E> {
                Ok(RawFacts::NotAnObject(Raw::Str(v.to_owned())))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<RawFacts, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawFacts::NotAnObject(Raw::Array))
            }
        }
        d.deserialize_any(V)
    }
}

/// One problem with one key of the facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The offending key (`""` for the object as a whole).
    pub field: String,
    /// Which rule it broke: `unknown_key`, `duplicate_key`, `type`, `range`, `code`, `date`,
    /// `null_area`, `date_order`, `not_an_object`, `json`.
    pub rule: &'static str,
    pub message: I18n,
}

/// Facts that cannot be assessed, with every problem found (not just the first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactsError {
    pub code: &'static str,
    pub message: I18n,
    pub fields: Vec<FieldError>,
}

impl FactsError {
    pub(crate) fn new(fields: Vec<FieldError>) -> FactsError {
        let n = fields.len();
        FactsError {
            code: "INVALID_FACTS",
            message: I18n {
                zh: format!("事实数据有 {n} 处错误，未作判断"),
                en: format!(
                    "the facts have {n} problem{}; nothing was assessed",
                    if n == 1 { "" } else { "s" }
                ),
            },
            fields,
        }
    }

    /// The input was not JSON at all.
    pub fn json(detail: &str) -> FactsError {
        FactsError::new(vec![FieldError {
            field: String::new(),
            rule: "json",
            message: I18n {
                zh: format!("不是有效的 JSON：{detail}"),
                en: format!("not valid JSON: {detail}"),
            },
        }])
    }
}

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message.en)?;
        for e in &self.fields {
            write!(f, "; {}", e.message.en)?;
        }
        Ok(())
    }
}

impl std::error::Error for FactsError {}
