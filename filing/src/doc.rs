//! The JSON a filing arrives as, read through one small trait: the server reads serde_json's `Value`
//! (feature `serde_json`), the browser its own small `Json` (the widget has no serde_json). The checks
//! are written once against [`Doc`].

/// A JSON value, as the checks read it.
pub trait Doc: Sized {
    /// The member `key` of an object (`None` for anything else).
    fn member(&self, key: &str) -> Option<&Self>;
    /// The members of an object, in the document's order (`None` for anything else).
    fn members(&self) -> Option<impl Iterator<Item = (&str, &Self)>>;
    /// The items of an array.
    fn items(&self) -> Option<&[Self]>;
    fn as_str(&self) -> Option<&str>;
    fn as_bool(&self) -> Option<bool>;
    fn is_null(&self) -> bool;
}

#[cfg(any(feature = "serde_json", test))]
impl Doc for serde_json::Value {
    fn member(&self, key: &str) -> Option<&Self> {
        self.as_object()?.get(key)
    }
    fn members(&self) -> Option<impl Iterator<Item = (&str, &Self)>> {
        Some(self.as_object()?.iter().map(|(k, v)| (k.as_str(), v)))
    }
    fn items(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
    fn as_str(&self) -> Option<&str> {
        serde_json::Value::as_str(self)
    }
    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }
    fn is_null(&self) -> bool {
        serde_json::Value::is_null(self)
    }
}
