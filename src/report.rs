//! Prints a check report: rustc-style text (file:line, the offending line with a caret, a
//! help line, a one-line summary) or the JSON shape of spec §6.

use crate::check::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// The spec §6 JSON document.
pub fn to_json(report: &Report, lang: Lang) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity,
                "volume": f.volume,
                "file": f.file,
                "line": if f.line == 0 { serde_json::Value::Null } else { f.line.into() },
                "column": if f.column == 0 { serde_json::Value::Null } else { f.column.into() },
                "message": f.message.get(lang),
                "help": f.help.get(lang),
            })
        })
        .collect();
    json!({ "findings": findings, "summary": report.summary })
}

/// One finding in rustc style.
pub fn finding_text(
    f: &Finding,
    sources: &BTreeMap<String, Arc<str>>,
    lang: Lang,
    color: bool,
) -> String {
    let mut s = String::new();
    let (label, code) = match f.severity {
        // rustc-style keywords stay English in both languages, so scripts can grep them.
        Severity::Error => ("error", "\x1b[1;31m"),
        Severity::Warning => ("warning", "\x1b[1;33m"),
    };
    let (on, bold, off) = if color {
        (code, "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let _ = writeln!(
        s,
        "{on}{label}[{}]{off}{bold}: {}{off}",
        f.rule,
        f.message.get(lang)
    );
    if let Some(file) = &f.file {
        let loc = match (f.line, f.column) {
            (0, _) => file.clone(),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        };
        let width = if f.line > 0 {
            f.line.to_string().len()
        } else {
            1
        };
        let pad = " ".repeat(width);
        let _ = writeln!(s, "{pad}--> {loc}");
        if f.line > 0 {
            if let Some(line) = sources
                .get(file)
                .and_then(|src| src.lines().nth(f.line as usize - 1))
            {
                let _ = writeln!(s, "{pad} |");
                // Never echo control characters (a hostile file must not drive the terminal).
                let line: String = line
                    .chars()
                    .map(|c| {
                        if c.is_control() && c != '\t' {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect();
                let _ = writeln!(s, "{} | {}", f.line, line);
                let col = f.column.max(1) as usize;
                // Columns count characters; wide (CJK) characters take two cells.
                let lead: usize = line
                    .chars()
                    .take(col - 1)
                    .map(|c| {
                        if c == '\t' {
                            4
                        } else if is_wide(c) {
                            2
                        } else {
                            1
                        }
                    })
                    .sum();
                let _ = writeln!(s, "{pad} | {}{on}^{off}", " ".repeat(lead));
            }
        }
        let _ = writeln!(s, "{pad} = help: {}", f.help.get(lang));
    } else {
        let _ = writeln!(s, "  = help: {}", f.help.get(lang));
    }
    s
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The one-line summary: `3 卷 · 5 案 · 61 件 · 214 页 · 1 个错误 · 2 个警告`.
pub fn summary_line(report: &Report, lang: Lang) -> String {
    let s = &report.summary;
    match lang {
        Lang::Zh => format!(
            "{} 卷 · {} 案 · {} 件 · {} 页 · {} 个错误 · {} 个警告",
            s.volumes, s.cases, s.materials, s.pages, s.errors, s.warnings
        ),
        Lang::En => {
            let n = |count: u64, one: &str| {
                format!("{count} {one}{}", if count == 1 { "" } else { "s" })
            };
            [
                n(s.volumes as u64, "volume"),
                n(s.cases as u64, "case"),
                n(s.materials as u64, "material"),
                n(s.pages, "page"),
                n(s.errors as u64, "error"),
                n(s.warnings as u64, "warning"),
            ]
            .join(" · ")
        }
    }
}

/// The whole text report.
pub fn to_text(
    report: &Report,
    sources: &BTreeMap<String, Arc<str>>,
    lang: Lang,
    color: bool,
) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&finding_text(f, sources, lang, color));
        out.push('\n');
    }
    out.push_str(&summary_line(report, lang));
    out.push('\n');
    out
}
