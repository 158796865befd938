//! The offline search index: one entry per case and per material, written as a classic
//! script (`window.ANJUAN_INDEX = …;`) so `search.html` works from `file://` without fetch,
//! modules or WASM.

use super::{date, encode_path, markdown, Layout};
use crate::model::{FileKind, Volume};
use rayon::prelude::*;
use serde::Serialize;

/// One searchable thing. Short keys keep the script small on large archives.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// `case` or `material`.
    pub kind: &'static str,
    /// href from the output root (`2024-0012/m03.html`).
    pub href: String,
    /// 题名 (material) or 案件名称 (case).
    pub title: String,
    /// 案卷题名.
    pub volume: String,
    /// 案件编号 (and 决定书文号 for a case).
    pub number: String,
    /// Material type, or the case's kind and procedure.
    pub r#type: String,
    /// 形成日期, or the case's 立案–结案 dates.
    pub date: String,
    /// 当事人.
    pub party: String,
    /// 文号 and 责任者 of a material.
    pub meta: String,
    /// Text of Markdown / text files (plain, no markup).
    pub text: String,
}

/// The index being written as the search script, `{"entries":[…]}` in archive order (each
/// volume's cases, then its materials in binding order), volume by volume, so a large
/// archive's index is never held whole in memory.
pub struct Script<W: std::io::Write> {
    w: W,
    entries: usize,
}

impl<W: std::io::Write> Script<W> {
    /// Starts the script.
    pub fn begin(mut w: W) -> std::io::Result<Script<W>> {
        w.write_all(SCRIPT_HEAD.as_bytes())?;
        Ok(Script { w, entries: 0 })
    }

    /// Adds one volume's entries.
    pub fn add(&mut self, v: &Volume, layout: &Layout) -> std::io::Result<()> {
        for e in volume_entries(v, layout) {
            if self.entries > 0 {
                self.w.write_all(b",")?;
            }
            self.w.write_all(safe_json(&e).as_bytes())?;
            self.entries += 1;
        }
        Ok(())
    }

    /// Ends the script; returns the number of entries and the writer.
    pub fn finish(mut self) -> std::io::Result<(usize, W)> {
        self.w.write_all(SCRIPT_TAIL.as_bytes())?;
        Ok((self.entries, self.w))
    }
}

/// What comes before the entries (the script assigns an object `{"entries":[…]}`).
const SCRIPT_HEAD: &str =
    "// anjuan 检索索引（自动生成，请勿手工修改）\nwindow.ANJUAN_INDEX = {\"entries\":[";
const SCRIPT_TAIL: &str = "]};\n";

/// One volume's entries: its cases, then its materials in binding order.
fn volume_entries(v: &Volume, layout: &Layout) -> Vec<Entry> {
    let mut entries = Vec::new();
    for c in &v.cases {
        entries.push(Entry {
            kind: "case",
            href: encode_path(&format!("{}/index.html", v.id)),
            title: c.title.clone(),
            volume: v.title.clone(),
            number: [c.number.as_str(), c.decision_no.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            r#type: super::category(c),
            date: [date(c.opened), date(c.closed.or(c.decided))]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" 至 "),
            party: c.party.clone(),
            meta: c.handlers.join("、"),
            text: String::new(),
        });
    }
    // Materials in parallel (each text is read and reduced to plain text), kept in order:
    // the archive pages otherwise did this on one core while the other waited.
    let materials: Vec<Entry> = layout
        .entries
        .par_iter()
        .map(|e| material_entry(v, e))
        .collect();
    entries.extend(materials);
    entries
}

/// The entry of one material of `v`.
fn material_entry(v: &Volume, e: &super::Entry) -> Entry {
    let c = &v.cases[e.place.case];
    let m = &c.materials[e.place.material];
    let mut text = String::new();
    for f in &m.files {
        if let Some(t) = f.text().as_deref() {
            if !text.is_empty() {
                text.push(' ');
            }
            match f.kind {
                FileKind::Markdown => text.push_str(&markdown::plain_text(t)),
                _ => text.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" ")),
            }
        }
    }
    if let Some(av) = &m.av {
        text.push_str(&format!(
            " {} {} {} {}",
            av.matter,
            av.place,
            av.method,
            av.officers.join("、")
        ));
    }
    Entry {
        kind: "material",
        href: encode_path(&format!("{}/{}", v.id, e.page)),
        title: m.title.clone(),
        volume: v.title.clone(),
        number: c.number.clone(),
        // The type as written too: an alias (监测报告) must find its canonical type.
        r#type: match &m.type_name {
            Some(t) if *t != m.type_written => format!("{t} {}", m.type_written),
            Some(t) => t.clone(),
            None => m.type_written.clone(),
        },
        date: date(m.date),
        party: c.party.clone(),
        meta: [m.doc_no.as_str(), m.author.as_str(), m.note.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        text: text.trim().to_string(),
    }
}

/// JSON that is safe inside a `<script>` or a `.js` file: `<`, `>`, `&` and the JS line
/// separators are written as `\u` escapes (they can only occur inside JSON strings).
pub fn safe_json<T: Serialize>(v: &T) -> String {
    let json = serde_json::to_string(v).unwrap_or_else(|_| "null".to_string());
    let mut out = String::with_capacity(json.len());
    // Inside strings, `:` and `=` are escaped too, so hostile text like `javascript:` or
    // `onerror=` never appears literally in a script (JSON's own `:` stays outside strings).
    let mut in_string = false;
    let mut escaped = false;
    let mut prev = ' ';
    for ch in json.chars() {
        let after_letter = prev.is_ascii_alphabetic();
        prev = ch;
        if in_string && !escaped && after_letter && (ch == ':' || ch == '=') {
            out.push_str(if ch == ':' { "\\u003a" } else { "\\u003d" });
            continue;
        }
        if ch == '"' && !escaped {
            in_string = !in_string;
        }
        escaped = in_string && ch == '\\' && !escaped;
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_a_script() {
        let s = safe_json(&vec!["</script><b>&\u{2028}"]);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><b>&\u{2028}");
    }
}
