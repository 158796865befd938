//! The archive-wide register of lookups (`ledger-register.html` / `.csv`): who saw which
//! volume, when, and what was copied — every entry of every volume, in time order.

use crate::ledger::LedgerEntry;
use crate::model::{Archive, Volume};
use serde::Serialize;

/// Register columns.
pub const COLUMNS: &[&str] = &[
    "卷号",
    "档号",
    "案卷题名",
    "序号",
    "查阅时间",
    "归还时间",
    "查阅人",
    "身份类别",
    "单位",
    "证件",
    "凭证材料",
    "事由",
    "查阅范围",
    "是否复印",
    "复印内容",
    "份数",
    "批准人",
    "批准日期",
    "陪同查阅人",
    "归还 / 检查情况",
    "备注",
    "登记位置",
];

/// One register row: the display cells and a sort key per cell.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Cell texts, one per column.
    pub cells: Vec<String>,
    /// Sort keys (ISO times, zero-padded numbers), one per column.
    pub keys: Vec<String>,
}

fn time(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> (String, String) {
    match t {
        Some(t) => (t.format("%Y-%m-%d %H:%M").to_string(), t.to_rfc3339()),
        None => (String::new(), String::new()),
    }
}

fn row(a: &Archive, v: &Volume, n: usize, e: &LedgerEntry, file: &str) -> Row {
    let (at, at_key) = time(e.at);
    let (until, until_key) = time(e.until);
    let c = e.copy.as_ref();
    let cells = vec![
        v.id.clone(),
        v.archive_code(&a.settings),
        v.title.clone(),
        n.to_string(),
        at,
        until,
        e.reader.clone(),
        e.category.clone(),
        e.organization.clone(),
        e.id_document.clone(),
        e.credentials.join("、"),
        e.purpose.clone(),
        e.scope.clone(),
        if c.is_some() { "是" } else { "否" }.to_string(),
        c.map(|c| c.content.clone()).unwrap_or_default(),
        c.and_then(|c| c.copies)
            .map(|n| n.to_string())
            .unwrap_or_default(),
        c.map(|c| c.approved_by.clone()).unwrap_or_default(),
        c.and_then(|c| c.approved_on)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        e.escort.clone(),
        e.returned.clone(),
        e.remarks.clone(),
        format!("{file}:{}", e.pos.line),
    ];
    let mut keys = cells.clone();
    keys[3] = format!("{n:08}");
    keys[4] = at_key;
    keys[5] = until_key;
    keys[15] = c
        .and_then(|c| c.copies)
        .map(|n| format!("{n:08}"))
        .unwrap_or_default();
    Row { cells, keys }
}

/// Every entry of the archive, by 查阅时间 (then volume and order).
pub fn rows(a: &Archive, volumes: &dyn crate::render::Volumes) -> std::io::Result<Vec<Row>> {
    let mut out: Vec<(Option<chrono::DateTime<chrono::FixedOffset>>, Row)> = Vec::new();
    volumes.each(&mut |v| {
        // 序号 as on the volume's form.
        for (n, (l, e)) in super::form::entries(v).into_iter().enumerate() {
            out.push((e.at, row(a, v, n + 1, e, &l.rel)));
        }
    })?;
    // Stable: equal times keep volume order and file order.
    out.sort_by_key(|(t, _)| *t);
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

/// One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (`=`, `+`, `@`,
/// tab, CR) gets a leading `'`, so opening the register cannot execute anything.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The CSV: UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        cells.map(csv_field).collect::<Vec<_>>().join(",") + "\r\n"
    };
    out.push_str(&line(&mut COLUMNS.iter().copied()));
    for r in rows {
        out.push_str(&line(&mut r.cells.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("张三"), "张三");
    }
}
