//! A YAML document as a tree of nodes that remember where they were written.
//!
//! Manifests are not deserialized straight into typed structs: a typed parse stops at the
//! first wrong value, and we want every problem of a manifest reported at once, each with
//! its line. So we parse into this generic tree (with serde-saphyr's spans) and validate it
//! ourselves in `load::manifest`.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A position in a source file, 1-based. `line == 0` means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One YAML node with its position.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the node's value starts.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

/// The value of a node.
#[derive(Debug, Clone)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in document order, each key with its own position.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key text (non-string keys are written as their YAML text).
    pub name: String,
    /// Where the key is written.
    pub pos: Pos,
}

impl Value {
    /// A short Chinese / English name of the value's type, for messages.
    pub fn type_name(&self) -> (&'static str, &'static str) {
        match self {
            Value::Null => ("空值", "null"),
            Value::Bool(_) => ("布尔值", "boolean"),
            Value::Int(_) => ("整数", "integer"),
            Value::Float(_) => ("小数", "number"),
            Value::Str(_) => ("字符串", "string"),
            Value::Seq(_) => ("列表", "list"),
            Value::Map(_) => ("映射", "mapping"),
        }
    }

    /// The scalar as text, when it is a scalar (numbers and booleans are written back as text,
    /// so `volume_no: 12` still works where text is expected).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl Node {
    /// Entries of a mapping node, or `None`.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Looks up a key in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The position of a key in a mapping node.
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k.pos)
    }

    /// True for `~` / empty.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    Pos {
        line: loc.line() as u32,
        column: loc.column() as u32,
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            out.push(n);
        }
        Ok(Value::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out: Vec<(Key, Node)> = Vec::new();
        while let Some(k) = map.next_key::<Spanned<Value>>()? {
            let name = match &k.value {
                Value::Str(s) => s.clone(),
                other => other.scalar_text().unwrap_or_else(|| "?".into()),
            };
            let v = map.next_value::<Node>()?;
            if out.iter().any(|(e, _)| e.name == name) {
                return Err(de::Error::custom(format!(
                    "duplicate mapping key `{name}` at line {}",
                    k.referenced.line()
                )));
            }
            out.push((
                Key {
                    name,
                    pos: pos_of(&k.referenced),
                },
                v,
            ));
        }
        Ok(Value::Map(out))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            pos: pos_of(&s.referenced),
            value: s.value,
        })
    }
}

/// A YAML syntax error with its position and a short message.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Where the parser stopped (line 0 when unknown).
    pub pos: Pos,
    /// The parser's message, first line only.
    pub message: String,
}

/// Largest manifest we read: manifests are small; anything bigger is a mistake or an attack.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// Parses a YAML document into a [`Node`] tree. An empty document gives a `Null` node.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Node {
            pos: Pos { line: 1, column: 1 },
            value: Value::Null,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = serde_saphyr::options! { emit_comments: false };
    match serde_saphyr::from_str_with_options::<Node>(text, options) {
        Ok(n) => Ok(n),
        Err(e) => {
            let pos = e.location().map(|l| pos_of(&l)).unwrap_or_default();
            let full = e.to_string();
            // serde-saphyr's Display carries a rendered snippet; we print our own, so keep
            // only the first meaningful line.
            let first = full
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("invalid YAML");
            let message = strip_location_prefix(first).to_string();
            // The parser often notices a tab one token late; point at the tab itself.
            if message.contains("tab") {
                if let Some(tab) = find_indent_tab(text, pos.line) {
                    return Err(SyntaxError { pos: tab, message });
                }
            }
            Err(SyntaxError { pos, message })
        }
    }
}

/// `error: line 4 column 10: found a tab` → `found a tab` (we print the location ourselves).
fn strip_location_prefix(msg: &str) -> &str {
    let m = msg
        .strip_prefix("error:")
        .map(str::trim_start)
        .unwrap_or(msg);
    if m.starts_with("line ") {
        if let Some(i) = m.find(": ") {
            return &m[i + 2..];
        }
    }
    m
}

/// The first tab used for indentation at or after the line before `line`.
fn find_indent_tab(text: &str, line: u32) -> Option<Pos> {
    let from = line.saturating_sub(1).max(1) as usize;
    text.lines().enumerate().skip(from - 1).find_map(|(i, l)| {
        let lead: String = l.chars().take_while(|c| c.is_whitespace()).collect();
        lead.find('\t').map(|col| Pos {
            line: i as u32 + 1,
            column: lead[..col].chars().count() as u32 + 1,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("a: 1\nlist:\n  - type: x\n    file: y.pdf\n").unwrap();
        let list = n.get("list").unwrap();
        let Value::Seq(items) = &list.value else {
            panic!("seq")
        };
        assert_eq!(items[0].pos.line, 3);
        assert_eq!(items[0].key_pos("file").unwrap().line, 4);
        assert_eq!(n.key_pos("list").unwrap(), Pos { line: 2, column: 1 });
    }

    #[test]
    fn rejects_duplicate_keys_with_line() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(
            e.message.contains("duplicate") || e.message.contains("Duplicate"),
            "{e:?}"
        );
        assert_eq!(e.pos.line, 3, "{e:?}");
    }

    #[test]
    fn dates_stay_strings() {
        let n = parse("d: 2024-03-01\nv: \"0012\"\n").unwrap();
        assert!(matches!(&n.get("d").unwrap().value, Value::Str(s) if s == "2024-03-01"));
        assert!(matches!(&n.get("v").unwrap().value, Value::Str(s) if s == "0012"));
    }

    #[test]
    fn syntax_error_has_line() {
        let e = parse("a: 1\n b: [\n").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
    }
}
