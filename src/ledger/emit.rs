//! A small, safe YAML emitter for one ledger entry, used by `ledger add` to append to
//! `ledger.yaml` without ever rewriting what is already there.
//!
//! Every string is double-quoted with `\`, `"` and control characters escaped, so no value a
//! reader types (a name with `: `, a leading `-`, `#`, `yes`, a date-looking text) can change
//! the structure or the type of what is written.

use super::LedgerEntry;
use std::fmt::Write;

/// A YAML double-quoted scalar.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Other C0/C1 controls, DEL, and the Unicode line/paragraph separators (which
            // YAML treats as line breaks) are written as escapes.
            c if (c as u32) < 0x20 || c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The RFC 3339 text of a time, seconds precision.
pub fn time_text(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Writes one entry as a YAML list item, each line prefixed by `indent` spaces and ended by
/// `eol` (`"\n"` or `"\r\n"`, matching the file it is appended to). Empty optional fields are
/// left out; required ones (reader, time, category, escort) are always written.
pub fn entry(e: &LedgerEntry, indent: usize, eol: &str) -> String {
    let pad = " ".repeat(indent);
    let mut lines: Vec<String> = Vec::new();
    let mut field = |depth: usize, key: &str, value: String| {
        lines.push(format!("{}{key}: {value}", "  ".repeat(depth)));
    };
    field(
        0,
        "at",
        e.at.as_ref()
            .map(|t| quote(&time_text(t)))
            .unwrap_or_else(|| "\"\"".into()),
    );
    if let Some(u) = &e.until {
        field(0, "until", quote(&time_text(u)));
    }
    field(0, "reader", quote(&e.reader));
    field(0, "category", quote(&e.category));
    let optional = [
        ("role", &e.role),
        ("organization", &e.organization),
        ("id_document", &e.id_document),
    ];
    for (k, v) in optional {
        if !v.is_empty() {
            field(0, k, quote(v));
        }
    }
    if !e.credentials.is_empty() {
        let items: Vec<String> = e.credentials.iter().map(|c| quote(c)).collect();
        field(0, "credentials", format!("[{}]", items.join(", ")));
    }
    for (k, v) in [("purpose", &e.purpose), ("scope", &e.scope)] {
        if !v.is_empty() {
            field(0, k, quote(v));
        }
    }
    field(0, "escort", quote(&e.escort));
    if let Some(c) = &e.copy {
        lines.push("copy:".into());
        let mut sub = |key: &str, value: String| lines.push(format!("  {key}: {value}"));
        sub("content", quote(&c.content));
        if let Some(n) = c.copies {
            sub("copies", n.to_string());
        }
        sub("approved_by", quote(&c.approved_by));
        if let Some(d) = c.approved_on {
            sub("approved_on", quote(&d.format("%Y-%m-%d").to_string()));
        }
    }
    if !e.returned.is_empty() {
        lines.push(format!("returned: {}", quote(&e.returned)));
    }
    lines.push(format!("remarks: {}", quote(&e.remarks)));
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&pad);
        out.push_str(lead);
        out.push_str(l);
        out.push_str(eol);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_everything_dangerous() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\u{1}"), r#""x\ny\x01""#);
        assert_eq!(quote("- yes: #no"), r#""- yes: #no""#);
    }

    #[test]
    fn round_trips_through_the_parser() {
        let e = LedgerEntry {
            at: crate::load::fields::parse_datetime("2024-06-03T09:00:00+08:00"),
            reader: "张\"三\": #1\n二行".into(),
            category: "本机关工作人员".into(),
            credentials: vec!["工作证".into(), "a, b]".into()],
            escort: "王某".into(),
            copy: Some(super::super::CopyRecord {
                content: "决定书".into(),
                copies: Some(2),
                approved_by: "孙七".into(),
                approved_on: crate::load::fields::parse_date("2024-06-02"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let text = format!("# header\n{}", entry(&e, 0, "\n"));
        let mut findings = Vec::new();
        let l = crate::ledger::parse("ledger.yaml", &text, &mut findings).expect("parses");
        assert!(findings.is_empty(), "{findings:?}");
        let got = &l.entries[0];
        assert_eq!(got.reader, e.reader);
        assert_eq!(got.credentials, e.credentials);
        assert_eq!(got.at, e.at);
        let c = got.copy.as_ref().expect("copy");
        assert_eq!(c.copies, Some(2));
        assert_eq!(c.approved_on, e.copy.as_ref().and_then(|c| c.approved_on));
    }
}
