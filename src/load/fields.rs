//! Typed access to manifest fields, turning every wrong value into a `schema` finding.
//!
//! Each accessor returns `None` (or an empty value) when a field is absent or wrong, and
//! records why, so one pass over a manifest reports all of its problems.

use crate::finding::Finding;
use crate::t;
use crate::yaml::{Node, Pos, Value};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// Collects `schema` findings for one manifest file.
pub struct Fields {
    /// The manifest, relative to the root.
    pub file: String,
    /// What was found wrong so far.
    pub findings: Vec<Finding>,
}

/// `+08:00`, the default offset of times written without one (spec §3).
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// Parses `YYYY-MM-DD` strictly (2024-02-30 is refused).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(plausible)
}

/// Enforcement files are from this world: a year outside 1950–2200 is a typo.
fn plausible(d: &NaiveDate) -> bool {
    use chrono::Datelike;
    (1950..=2200).contains(&d.year())
}

/// Parses RFC 3339, with `+08:00` when no offset is written; a bare date means midnight.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d).filter(|d| plausible(&d.date_naive()));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()
        .or_else(|| parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    china_offset()
        .from_local_datetime(&naive)
        .single()
        .filter(|d| plausible(&d.date_naive()))
}

impl Fields {
    /// Starts collecting for a manifest file.
    pub fn new(file: &str) -> Fields {
        Fields {
            file: file.to_string(),
            findings: Vec::new(),
        }
    }

    fn push(&mut self, f: Finding, pos: Pos) {
        self.findings.push(f.at(self.file.clone(), pos));
    }

    /// Records a wrong type.
    pub fn type_error(&mut self, pos: Pos, key: &str, zh: &str, en: &str, got: &Value) {
        let (gz, ge) = got.type_name();
        self.push(
            Finding::error(
                "schema",
                t!(
                    format!("`{key}` 的值应为{zh}，实际是{gz}"),
                    format!("`{key}` must be {en}, found {ge}")
                ),
                t!(
                    format!("请把 `{key}` 改为{zh}，格式见 spec（case-format.md）"),
                    format!("write `{key}` as {en}; see the case format")
                ),
            ),
            pos,
        );
    }

    /// Records a missing required key (at the mapping's position).
    pub fn missing_key(&mut self, map: &Node, key: &str, what_zh: &str) {
        self.push(
            Finding::error(
                "schema",
                t!(
                    format!("缺少必填项 `{key}`（{what_zh}）"),
                    format!("required key `{key}` is missing")
                ),
                t!(
                    format!("请在此处添加 `{key}: …`"),
                    format!("add `{key}: …` here")
                ),
            ),
            map.pos,
        );
    }

    /// Records a value outside its allowed set.
    pub fn bad_value(&mut self, pos: Pos, key: &str, value: &str, allowed: &[&str]) {
        self.push(
            Finding::error(
                "schema",
                t!(
                    format!("`{key}` 的值“{value}”无效"),
                    format!("`{key}` has an invalid value “{value}”")
                ),
                t!(
                    format!("可选值：{}", allowed.join(" | ")),
                    format!("allowed: {}", allowed.join(" | "))
                ),
            ),
            pos,
        );
    }

    /// Records an arbitrary schema problem.
    pub fn problem(
        &mut self,
        pos: Pos,
        error: bool,
        message: crate::finding::Text,
        help: crate::finding::Text,
    ) {
        let f = if error {
            Finding::error("schema", message, help)
        } else {
            Finding::warning("schema", message, help)
        };
        self.push(f, pos);
    }

    /// Warns about keys outside `allowed` (never silently ignored, spec §2).
    pub fn unknown_keys(&mut self, map: &Node, allowed: &[&str], context: &str) {
        let Some(entries) = map.as_map() else { return };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let near = closest(&k.name, allowed);
                let help = match near {
                    Some(n) => t!(
                        format!("是否想写 `{n}`？不认识的项会被忽略"),
                        format!("did you mean `{n}`? Unknown keys are ignored")
                    ),
                    None => t!(
                        format!("{context} 可用的项：{}", allowed.join(", ")),
                        format!("keys of {context}: {}", allowed.join(", "))
                    ),
                };
                self.push(
                    Finding::warning(
                        "schema",
                        t!(
                            format!("不认识的项 `{}`", k.name),
                            format!("unknown key `{}`", k.name)
                        ),
                        help,
                    ),
                    k.pos,
                );
            }
        }
    }

    /// A text field; numbers and booleans are accepted as their text.
    pub fn string(&mut self, map: &Node, key: &str) -> Option<String> {
        let v = map.get(key)?;
        match &v.value {
            Value::Null => None,
            Value::Seq(_) | Value::Map(_) => {
                self.type_error(v.pos, key, "文字", "text", &v.value);
                None
            }
            other => other.scalar_text().map(|s| s.trim().to_string()),
        }
    }

    /// A required text field.
    pub fn required_string(&mut self, map: &Node, key: &str, what_zh: &str) -> Option<String> {
        match self.string(map, key) {
            Some(s) if !s.is_empty() => Some(s),
            Some(_) => {
                self.missing_key(map, key, what_zh);
                None
            }
            None => {
                if map.get(key).is_none_or(|n| n.is_null()) {
                    self.missing_key(map, key, what_zh);
                }
                None
            }
        }
    }

    /// A text field that must be one of `allowed`.
    pub fn one_of(&mut self, map: &Node, key: &str, allowed: &[&str]) -> Option<String> {
        let s = self.string(map, key)?;
        if s.is_empty() {
            return None;
        }
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            let pos = map.get(key).map(|n| n.pos).unwrap_or(map.pos);
            self.bad_value(pos, key, &s, allowed);
            None
        }
    }

    /// A non-negative count (`pages`, `copies`).
    pub fn count(&mut self, map: &Node, key: &str) -> Option<u32> {
        let v = map.get(key)?;
        match &v.value {
            Value::Null => None,
            Value::Int(i) if *i >= 0 && *i <= 1_000_000 => Some(*i as u32),
            Value::Int(i) => {
                self.push(
                    Finding::error(
                        "schema",
                        t!(
                            format!("`{key}` 的值 {i} 不合理"),
                            format!("`{key}` = {i} is out of range")
                        ),
                        t!(
                            "请填写 0 至 1000000 之间的整数",
                            "write a whole number from 0 to 1000000"
                        ),
                    ),
                    v.pos,
                );
                None
            }
            Value::Str(s) if s.trim().parse::<u32>().is_ok() => s.trim().parse().ok(),
            other => {
                self.type_error(v.pos, key, "整数", "a whole number", other);
                None
            }
        }
    }

    /// A boolean.
    pub fn boolean(&mut self, node: &Node, key: &str) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            other => {
                self.type_error(node.pos, key, "true 或 false", "true or false", other);
                None
            }
        }
    }

    fn scalar_for_time(&mut self, map: &Node, key: &str) -> Option<(String, Pos)> {
        let v = map.get(key)?;
        match &v.value {
            Value::Null => None,
            Value::Str(s) => Some((s.clone(), v.pos)),
            other => {
                self.type_error(
                    v.pos,
                    key,
                    "日期（YYYY-MM-DD）",
                    "a date (YYYY-MM-DD)",
                    other,
                );
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date; impossible dates are schema errors.
    pub fn date(&mut self, map: &Node, key: &str) -> Option<NaiveDate> {
        let (s, pos) = self.scalar_for_time(map, key)?;
        if let Some(d) = parse_date(&s) {
            return Some(d);
        }
        // A date-time where a date is expected: keep its date.
        if s.len() > 10 {
            if let Some(dt) = parse_datetime(&s) {
                return Some(dt.date_naive());
            }
        }
        self.push(
            Finding::error(
                "schema",
                t!(
                    format!("`{key}` 的日期“{s}”无效"),
                    format!("`{key}`: “{s}” is not a valid date")
                ),
                t!(
                    "日期格式为 YYYY-MM-DD，且须是真实存在的日期（如 2024-03-01）",
                    "write a real date as YYYY-MM-DD, e.g. 2024-03-01"
                ),
            ),
            pos,
        );
        None
    }

    /// A required date.
    pub fn required_date(&mut self, map: &Node, key: &str, what_zh: &str) -> Option<NaiveDate> {
        if map.get(key).is_none_or(|n| n.is_null()) {
            self.missing_key(map, key, what_zh);
            return None;
        }
        self.date(map, key)
    }

    /// An RFC 3339 time (offset `+08:00` when omitted).
    pub fn datetime(&mut self, map: &Node, key: &str) -> Option<DateTime<FixedOffset>> {
        let (s, pos) = self.scalar_for_time(map, key)?;
        if let Some(d) = parse_datetime(&s) {
            return Some(d);
        }
        self.push(
            Finding::error(
                "schema",
                t!(
                    format!("`{key}` 的时间“{s}”无效"),
                    format!("`{key}`: “{s}” is not a valid time")
                ),
                t!(
                    "时间格式如 2024-03-02T09:30:00+08:00（省略时区按 +08:00）",
                    "write a time like 2024-03-02T09:30:00+08:00 (offset defaults to +08:00)"
                ),
            ),
            pos,
        );
        None
    }

    /// A list of texts; a single text is accepted as a list of one.
    pub fn string_list(&mut self, map: &Node, key: &str) -> Vec<String> {
        let Some(v) = map.get(key) else {
            return Vec::new();
        };
        match &v.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for it in items {
                    match it.value.scalar_text() {
                        Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        Some(_) => {}
                        None => self.type_error(it.pos, key, "文字", "text", &it.value),
                    }
                }
                out
            }
            Value::Map(_) => {
                self.type_error(v.pos, key, "列表", "a list", &v.value);
                Vec::new()
            }
            other => other
                .scalar_text()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .into_iter()
                .collect(),
        }
    }
}

/// The allowed key nearest to a misspelt one (edit distance ≤ 2).
fn closest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    fn dist(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    allowed
        .iter()
        .map(|a| (dist(name, a), *a))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2024-2-9").is_none());
    }

    #[test]
    fn times_default_to_china_offset() {
        let t = parse_datetime("2024-03-02T09:30:00").unwrap();
        assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
        let t = parse_datetime("2024-03-02T09:30:00+00:00").unwrap();
        assert_eq!(t.offset().local_minus_utc(), 0);
    }

    #[test]
    fn suggests_close_keys() {
        assert_eq!(closest("tittle", &["title", "type"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title"]), None);
    }
}
