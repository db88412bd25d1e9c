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
    /// Sets member `k` of an object (replacing it if present); a no-op on anything else.
    pub fn set(&mut self, k: &str, v: Json) {
        if let Json::Obj(m) = self {
            match m.iter_mut().find(|(x, _)| x == k) {
                Some(e) => e.1 = v,
                None => m.push((k.to_string(), v)),
            }
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
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
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

/// A number as JSON: whole numbers without a fraction, others in Rust's shortest form; not finite → null.
pub fn num_text(n: f64) -> String {
    if !n.is_finite() {
        "null".into()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_string()
    } else {
        n.to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json_like_serde_json() {
        let v = obj(vec![
            ("a", Json::Num(420000.0)),
            ("b", Json::Num(3.2)),
            ("c", Json::Arr(vec![Json::Bool(true), Json::Null, s("x\"y\\z\n\u{1}中")])),
            ("d", Json::Obj(vec![])),
        ]);
        assert_eq!(v.text(), r#"{"a":420000,"b":3.2,"c":[true,null,"x\"y\\z\n\u0001中"],"d":{}}"#);
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
    fn str_map_keeps_one_entry_per_key() {
        let mut m: StrMap<u32> = [("a".to_string(), 1), ("b".to_string(), 2), ("a".to_string(), 3)].into_iter().collect();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("a"), Some(&3));
        assert_eq!(m.remove("a"), Some(3));
        assert!(!m.contains_key("a"));
    }
}
