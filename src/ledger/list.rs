//! `anjuan ledger list DIR`: the volume's ledger entries as an aligned table (CJK characters
//! count two columns), every ledger of the volume in file order.

use super::LedgerEntry;
use crate::cli::{fatal, resolve_lang};
use std::path::{Path, PathBuf};

/// Arguments of `anjuan ledger list`.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {
    /// The case or combined-volume folder.
    #[arg(value_name = "目录", help = "案件文件夹或合订卷文件夹")]
    pub dir: PathBuf,
    #[arg(
        long,
        value_name = "根目录",
        help = "案卷根目录（默认：向上查找含 archive.yaml 的文件夹）"
    )]
    pub root: Option<PathBuf>,
}

/// Display width of a text in a terminal: wide (CJK, full-width) characters take two cells.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Cuts a text to at most `max` cells, ending with `…` when cut; newlines become spaces.
fn fit(s: &str, max: usize) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&s) <= max {
        return s;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = if is_wide(c) { 2 } else { 1 };
        if w + cw > max.saturating_sub(1) {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Formats rows as an aligned table with a header and a rule line. Long cells are cut to
/// keep the table readable, except in the last column (the entry's file and line).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    const MAX: usize = 28;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let last = r.len().saturating_sub(1);
            r.iter()
                .enumerate()
                .map(|(i, c)| fit(c, if i == last { usize::MAX } else { MAX }))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(c));
            }
        }
    }
    let line = |r: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in r.iter().enumerate() {
            s.push_str(c);
            if i + 1 < r.len() {
                s.push_str(&" ".repeat(widths[i].saturating_sub(width(c)) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(&"─".repeat(total));
    out.push('\n');
    for r in &cells {
        out.push_str(&line(r));
    }
    out
}

/// `2024-06-03 09:00–10:10` (end time only when on the same day).
pub fn period(e: &LedgerEntry) -> String {
    let Some(a) = e.at else { return String::new() };
    let start = a.format("%Y-%m-%d %H:%M").to_string();
    match e.until {
        Some(u) if u.date_naive() == a.date_naive() => format!("{start}–{}", u.format("%H:%M")),
        Some(u) => format!("{start}–{}", u.format("%Y-%m-%d %H:%M")),
        None => start,
    }
}

/// Runs `ledger list`; returns the exit status.
pub fn run(a: &ListArgs, flag: Option<&str>) -> i32 {
    let located = match super::locate::locate(&a.dir, a.root.as_deref()) {
        Ok(l) => l,
        Err(msg) => return fatal(resolve_lang(flag, None), &msg),
    };
    let lang = resolve_lang(flag, Some(&located.loaded));
    let v = located.volume();
    // Problems reading the ledgers themselves (yaml, schema) are shown; the rules are `check`'s.
    for f in located.loaded.findings.iter().filter(|f| {
        f.file
            .as_deref()
            .is_some_and(|p| v.ledgers.iter().any(|l| l.rel == p))
    }) {
        eprint!(
            "{}",
            crate::report::finding_text(f, &located.loaded.sources, lang, crate::cli::use_color())
        );
    }
    print!(
        "{}",
        render(v, lang, Path::new(&located.loaded.archive.root))
    );
    0
}

/// The whole listing of a volume's ledgers.
pub fn render(v: &crate::model::Volume, lang: crate::i18n::Lang, _root: &Path) -> String {
    let mut out = format!("{} {}\n", lang.pick("案卷", "volume"), v.id);
    let header = [
        "序号",
        "查阅时间",
        "查阅人",
        "身份类别",
        "单位",
        "证件及凭证",
        "事由",
        "查阅范围",
        "复印内容",
        "份数",
        "批准人",
        "陪同人",
        "位置",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for (l, e) in crate::render::ledger::form::entries(v) {
        {
            n += 1;
            let creds = std::iter::once(e.id_document.clone())
                .chain(e.credentials.iter().cloned())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("、");
            let (content, copies, by) = match &e.copy {
                Some(c) => (
                    c.content.clone(),
                    c.copies.map(|n| n.to_string()).unwrap_or_default(),
                    c.approved_by.clone(),
                ),
                None => ("—".into(), String::new(), String::new()),
            };
            rows.push(vec![
                n.to_string(),
                period(e),
                e.reader.clone(),
                e.category.clone(),
                e.organization.clone(),
                creds,
                e.purpose.clone(),
                e.scope.clone(),
                content,
                copies,
                by,
                e.escort.clone(),
                // The file relative to the volume folder keeps the column short.
                format!(
                    "{}:{}",
                    l.rel
                        .strip_prefix(&v.dir_rel)
                        .map(|r| r.trim_start_matches('/'))
                        .unwrap_or(&l.rel),
                    e.pos.line
                ),
            ]);
        }
    }
    if rows.is_empty() {
        out.push_str(lang.pick("（暂无查阅记录）\n", "(no entries)\n"));
        return out;
    }
    out.push_str(&table(&header, &rows));
    out.push_str(&match lang {
        crate::i18n::Lang::Zh => format!("共 {n} 条查阅记录\n"),
        crate::i18n::Lang::En => format!("{n} entries\n"),
    });
    out
}
