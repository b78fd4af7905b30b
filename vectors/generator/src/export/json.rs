//! A JSON value that keeps its keys in the order they were given, so the
//! exported files read like the bolts repository's (`description`, `valid`,
//! the string, then its `fields`) and are byte-stable.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// An ordered JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    /// A string.
    Str(String),
    /// An unsigned number.
    Num(u64),
    /// A boolean.
    Bool(bool),
    /// An array.
    Arr(Vec<J>),
    /// An object, keys in the order given.
    Obj(Vec<(String, J)>),
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Str(x) => s.serialize_str(x),
            J::Num(x) => s.serialize_u64(*x),
            J::Bool(x) => s.serialize_bool(*x),
            J::Arr(xs) => {
                let mut seq = s.serialize_seq(Some(xs.len()))?;
                for x in xs {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            J::Obj(kv) => {
                let mut m = s.serialize_map(Some(kv.len()))?;
                for (k, v) in kv {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// A string value.
pub fn s(x: impl Into<String>) -> J {
    J::Str(x.into())
}

/// An object from `(key, value)` pairs, in order.
pub fn obj(kv: Vec<(&str, J)>) -> J {
    J::Obj(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

impl J {
    /// Add a key at the end of an object (no-op on other values).
    pub fn push(&mut self, k: &str, v: J) {
        if let J::Obj(kv) = self {
            kv.push((k.to_string(), v));
        }
    }

    /// The file text: pretty-printed with two spaces, and a final newline.
    pub fn text(&self) -> String {
        let mut t = serde_json::to_string_pretty(self).unwrap_or_default();
        t.push('\n');
        t
    }
}
