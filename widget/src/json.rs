//! The little JSON the widget handles itself — answers, saved state, request bodies, API answers — as one
//! small value type instead of serde_json's (its `Value`, map, number and formatting code weighed more in
//! the bundle than everything here). Text comes in through the browser's `JSON.parse` (`ui::web`), so no
//! parser is compiled in; [`Json::text`] writes compact JSON. Objects keep their keys in insertion order.

/// A JSON value. Objects are key/value lists in insertion order (keys unique when built with
/// [`Json::set`] or [`obj`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// An object from `(key, value)` pairs.
pub fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A string value.
pub fn s(v: &str) -> Json {
    Json::Str(v.to_string())
}

impl Json {
    /// The member `k` of an object.
    pub fn get(&self, k: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(x, _)| x == k).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The member `k` of an object as a string ("" when it is not one).
    pub fn str_at(&self, k: &str) -> &str {
        self.get(k).and_then(Json::as_str).unwrap_or("")
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
    /// The member `k` of an object, added as null when absent (`None` for anything but an object).
    pub fn entry(&mut self, k: &str) -> Option<&mut Json> {
        let Json::Obj(m) = self else { return None };
        let i = match m.iter().position(|(x, _)| x == k) {
            Some(i) => i,
            None => {
                m.push((k.to_string(), Json::Null));
                m.len() - 1
            }
        };
        Some(&mut m[i].1)
    }
    /// Sets member `k` of an object (replacing it if present); a no-op on anything else.
    pub fn set(&mut self, k: &str, v: Json) {
        if let Some(e) = self.entry(k) {
            *e = v;
        }
    }
    /// Compact JSON text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(&num_text(*n)),
            Json::Str(s) => write_str(out, s),
            Json::Arr(a) => anbei_core::json::list(out, a, |out, v| v.write(out)),
            Json::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A number as JSON: whole numbers without a fraction, others in their shortest form; not finite → null.
pub fn num_text(n: f64) -> String {
    if !n.is_finite() {
        "null".into()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_string()
    } else {
        shortest(n)
    }
}

/// The shortest decimal that reads back as `n`: the browser's (`Number.prototype.toString`, the same
/// digits as Rust's), so the bundle carries no float formatter.
#[cfg(target_arch = "wasm32")]
fn shortest(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
fn shortest(n: f64) -> String {
    n.to_string()
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A small string-keyed map in insertion order (a handful of entries: a list beats a B-tree in the bundle).
#[derive(Clone, Debug, PartialEq)]
pub struct StrMap<V>(pub Vec<(String, V)>);

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap(Vec::new())
    }
}

impl<V> StrMap<V> {
    pub fn new() -> Self {
        StrMap(Vec::new())
    }
    pub fn get(&self, k: &str) -> Option<&V> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v)
    }
    pub fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }
    pub fn insert(&mut self, k: String, v: V) {
        match self.0.iter_mut().find(|(x, _)| *x == k) {
            Some(e) => e.1 = v,
            None => self.0.push((k, v)),
        }
    }
    pub fn remove(&mut self, k: &str) -> Option<V> {
        let i = self.0.iter().position(|(x, _)| x == k)?;
        Some(self.0.remove(i).1)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn clear(&mut self) {
        self.0.clear();
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V> FromIterator<(String, V)> for StrMap<V> {
    /// Later entries win, as when collecting into a map.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(it: I) -> Self {
        let mut m = StrMap::new();
        for (k, v) in it {
            m.insert(k, v);
        }
        m
    }
}

/// Reads the rule data through [`Json`]: the text into a value by the function it holds (the browser's
/// `JSON.parse` in the widget, so no JSON parser is compiled in), then serde over the value.
pub struct ViaJson(pub fn(&str) -> Option<Json>);

impl anbei_core::DataParser for ViaJson {
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        text: &str,
    ) -> Result<T, anbei_core::DataError> {
        let v = (self.0)(text).ok_or_else(|| anbei_core::DataError(format!("{what}: not JSON")))?;
        T::deserialize(v).map_err(|e| anbei_core::DataError(format!("{what}: {e}")))
    }
}

/// Rule data into the core's types: serde reads a [`Json`] (from `JSON.parse`) directly. One small
/// `deserialize_any` per type instead of serde-wasm-bindgen's per-type struct readers and its JS calls.
mod de {
    use super::Json;
    use serde::de::value::{MapDeserializer, SeqDeserializer};
    use serde::de::{Deserializer, Error as _, Expected, IntoDeserializer, Unexpected, Visitor};
    use std::fmt::{self, Display};

    /// Why rule data did not read. serde's own error writes an unexpected number out, which brings the
    /// float formatter (~4 KB gzip) into the bundle; this one says what kind of value it was.
    #[derive(Debug)]
    pub struct Error(String);

    impl Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    /// An unexpected value, numbers by their kind only.
    fn what(u: &Unexpected<'_>) -> String {
        match u {
            Unexpected::Bool(b) => b.to_string(),
            Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => {
                "a number".into()
            }
            Unexpected::Str(s) => format!("\"{s}\""),
            Unexpected::Unit => "null".into(),
            Unexpected::Seq => "an array".into(),
            Unexpected::Map => "an object".into(),
            _ => "a value".into(),
        }
    }

    impl serde::de::Error for Error {
        fn custom<T: Display>(msg: T) -> Error {
            Error(msg.to_string())
        }
        fn invalid_type(u: Unexpected<'_>, exp: &dyn Expected) -> Error {
            Error(format!("invalid type: {}, expected {exp}", what(&u)))
        }
        fn invalid_value(u: Unexpected<'_>, exp: &dyn Expected) -> Error {
            Error(format!("invalid value: {}, expected {exp}", what(&u)))
        }
    }

    impl IntoDeserializer<'_, Error> for Json {
        type Deserializer = Json;
        fn into_deserializer(self) -> Json {
            self
        }
    }

    /// "expected …, got …" — one function for every type read.
    fn mismatch(j: &Json, exp: &dyn Expected) -> Error {
        let u = match j {
            Json::Null => Unexpected::Unit,
            Json::Bool(b) => Unexpected::Bool(*b),
            Json::Num(n) => Unexpected::Float(*n),
            Json::Str(s) => Unexpected::Str(s),
            Json::Arr(_) => Unexpected::Seq,
            Json::Obj(_) => Unexpected::Map,
        };
        Error::invalid_type(u, exp)
    }

    /// A number: whole numbers as integers, so that integer fields (a calendar's year) read them.
    fn number<'de, V: Visitor<'de>>(n: f64, v: V) -> Result<V::Value, Error> {
        match n.fract() == 0.0 && n.abs() < 9e15 {
            true if n >= 0.0 => v.visit_u64(n as u64),
            true => v.visit_i64(n as i64),
            false => v.visit_f64(n),
        }
    }

    // Each reader asks only for the shape its type wants (a struct: an object; a string: a string), so a
    // type's reader carries one visit call, not all six: `readers! { v; methods: shape => visit; … }`.
    macro_rules! readers {
        ($v:ident; $($($m:ident)*: $shape:pat => $visit:expr;)*) => {$($(
            fn $m<V: Visitor<'de>>(self, $v: V) -> Result<V::Value, Error> {
                match self {
                    $shape => $visit,
                    other => Err(mismatch(&other, &$v)),
                }
            }
        )*)*};
    }

    impl<'de> Deserializer<'de> for Json {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            match self {
                Json::Null => v.visit_unit(),
                Json::Bool(b) => v.visit_bool(b),
                Json::Num(_) => self.deserialize_f64(v),
                Json::Str(s) => v.visit_string(s),
                Json::Arr(a) => v.visit_seq(SeqDeserializer::new(a.into_iter())),
                Json::Obj(m) => v.visit_map(MapDeserializer::new(m.into_iter())),
            }
        }

        readers! { v;
            deserialize_bool: Json::Bool(b) => v.visit_bool(b);
            deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16
            deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64: Json::Num(n) => number(n, v);
            deserialize_char deserialize_str deserialize_string deserialize_identifier:
                Json::Str(s) => v.visit_string(s);
            deserialize_seq deserialize_bytes deserialize_byte_buf:
                Json::Arr(a) => v.visit_seq(SeqDeserializer::new(a.into_iter()));
            deserialize_map: Json::Obj(m) => v.visit_map(MapDeserializer::new(m.into_iter()));
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
            self.deserialize_seq(v)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _len: usize,
            v: V,
        ) -> Result<V::Value, Error> {
            self.deserialize_seq(v)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Error> {
            self.deserialize_map(v)
        }

        fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            match self {
                Json::Null => v.visit_none(),
                other => v.visit_some(other),
            }
        }

        /// Unit variants are strings (`"odd_job"`).
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Error> {
            match self {
                Json::Str(s) => v.visit_enum(s.into_deserializer()),
                other => Err(mismatch(&other, &v)),
            }
        }

        /// Unknown members are skipped without looking at them.
        fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_unit()
        }

        serde::forward_to_deserialize_any! { i128 u128 unit unit_struct newtype_struct }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json_like_serde_json() {
        let v = obj(vec![
            ("a", Json::Num(420000.0)),
            ("b", Json::Num(3.2)),
            (
                "c",
                Json::Arr(vec![Json::Bool(true), Json::Null, s("x\"y\\z\n\u{1}中")]),
            ),
            ("d", Json::Obj(vec![])),
        ]);
        assert_eq!(
            v.text(),
            r#"{"a":420000,"b":3.2,"c":[true,null,"x\"y\\z\n\u0001中"],"d":{}}"#
        );
        assert_eq!(Json::Num(f64::NAN).text(), "null");
        assert_eq!(Json::Num(-2.5).text(), "-2.5");
    }

    #[test]
    fn objects_get_and_set_members() {
        let mut v = obj(vec![("a", Json::Num(1.0))]);
        v.set("a", s("x"));
        v.set("b", Json::Bool(false));
        assert_eq!(v.get("a").and_then(Json::as_str), Some("x"));
        assert_eq!(v.get("b").and_then(Json::as_bool), Some(false));
        assert_eq!(v.text(), r#"{"a":"x","b":false}"#);
    }

    #[test]
    fn rule_data_reads_from_a_json_value() {
        use anbei_core::model::{CalendarYear, Kind, Parameter};
        let year = obj(vec![
            ("year", Json::Num(2026.0)),
            ("source", s("notice")),
            ("published", s("2025-11-04")),
            (
                "holidays",
                Json::Arr(vec![obj(vec![
                    ("name", obj(vec![("zh", s("元旦")), ("en", s("New Year"))])),
                    ("from", s("2026-01-01")),
                    ("to", s("2026-01-03")),
                ])]),
            ),
            ("working_weekend_days", Json::Arr(vec![s("2026-01-04")])),
            ("unknown", Json::Null),
        ]);
        let y: CalendarYear =
            serde::Deserialize::deserialize(year).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                y.year,
                y.holidays[0].name.en.as_str(),
                y.working_weekend_days.len()
            ),
            (2026, "New Year", 1)
        );
        let p: Parameter = serde::Deserialize::deserialize(obj(vec![
            ("value", Json::Num(0.15)),
            ("unit", s("")),
            ("article", s("x")),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.value, p.product_policy), (0.15, false));
        let k: Kind =
            serde::Deserialize::deserialize(s("odd_job")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k, Kind::OddJob);
        let bad: Result<CalendarYear, _> =
            serde::Deserialize::deserialize(obj(vec![("year", s("x"))]));
        assert!(bad.is_err());
    }

    /// The widget's path for the rule data (JSON → [`Json`] → serde) builds the same engine as the core's.
    #[test]
    fn the_embedded_rule_data_reads_as_natively() {
        fn conv(v: serde_json::Value) -> Json {
            use serde_json::Value as V;
            match v {
                V::Null => Json::Null,
                V::Bool(b) => Json::Bool(b),
                V::Number(n) => Json::Num(n.as_f64().unwrap_or(f64::NAN)),
                V::String(s) => Json::Str(s),
                V::Array(a) => Json::Arr(a.into_iter().map(conv).collect()),
                V::Object(m) => Json::Obj(m.into_iter().map(|(k, v)| (k, conv(v))).collect()),
            }
        }
        let parse = |t: &str| serde_json::from_str(t).ok().map(conv);
        let via =
            anbei_core::Engine::from_sources_with(&anbei_core::embedded_sources(), &ViaJson(parse))
                .unwrap_or_else(|e| panic!("{e}"));
        let native = anbei_core::Engine::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{via:?}"), format!("{native:?}"));
    }

    #[test]
    fn str_map_keeps_one_entry_per_key() {
        let mut m: StrMap<u32> = [
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("a".to_string(), 3),
        ]
        .into_iter()
        .collect();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("a"), Some(&3));
        assert_eq!(m.remove("a"), Some(3));
        assert!(!m.contains_key("a"));
    }
}
