//! The ledger form of one volume as data: header, columns, rows laid out on pages. The PDF
//! and the HTML are drawn from this one model, so they show the same rows on the same pages.

use super::qr;
use crate::ledger::{Ledger, LedgerEntry};
use crate::model::{Archive, Volume};
use crate::render::Context;
use serde::Serialize;

/// Title printed on every sheet.
pub const TITLE: &str = "案卷查阅（复印）台账";

/// Rows on one sheet: with the header and the footer notice this leaves each row 15 mm high,
/// enough for a handwritten signature.
pub const ROWS_PER_PAGE: usize = 8;

/// A column: label and width in millimetres (the widths add up to 277 mm, A4 landscape less
/// 10 mm margins).
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Column heading (standards.md §9).
    pub label: &'static str,
    /// Width in mm.
    pub width_mm: f32,
}

/// The columns, in order (standards.md §9, as the issue lists them).
pub const COLUMNS: &[(&str, f32)] = &[
    ("序号", 8.0),
    ("查阅时间", 22.0),
    ("查阅人", 15.0),
    ("单位 / 身份类别", 24.0),
    ("证件及凭证", 26.0),
    ("事由", 18.0),
    ("查阅范围", 16.0),
    ("是否复印", 9.0),
    ("复印内容", 22.0),
    ("份数", 8.0),
    ("批准人", 14.0),
    ("陪同查阅人", 14.0),
    ("归还 / 检查情况", 18.0),
    ("查阅人签字", 20.0),
    ("陪同人签字", 20.0),
    ("备注", 23.0),
];

/// The 第八条 notice printed in every sheet's footer.
pub const NOTICE: &[&str] = &[
    "依据《沧州市行政执法案卷管理办法》第八条：",
    "1. 每次查阅均须登记查阅人、查阅时间、陪同查阅人，查阅完毕由查阅人、陪同查阅人一并签字；未经许可不得将案卷带离档案室。",
    "2. 复印须报部门负责人批准，按批准的内容、份数在档案管理机构工作人员陪同下复印，并如实登记。",
    "3. 有关机关凭有关文件、单位介绍信、有效证件查阅；申请人及其代理律师只可查阅、复印结论性文件，代理律师须提供法院立案通知书、授权委托书、律师执业证。",
    "4. 决定作出前，仅承办人、承办机构负责人、分管领导、主要领导可查阅。任何人不得拆解、涂改、勾画、增加或抽取案卷材料，并应遵守保密制度。",
];

/// One labelled header value.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Label (全宗号 …).
    pub label: &'static str,
    /// Value (may be empty: the archivist fills it in by hand).
    pub value: String,
}

/// One table row: 16 cells, lines separated by `\n`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Cell texts, one per column.
    pub cells: Vec<String>,
    /// True for a blank row (to be filled in by hand).
    pub blank: bool,
    /// Height in row units of [`ROW_MM`]: 1, or more for an entry too long for one row.
    pub units: usize,
    /// `units × ROW_MM`, for the templates.
    pub height_mm: f32,
}

/// Height of one row unit in millimetres (room for a handwritten signature).
pub const ROW_MM: f32 = 15.0;

/// Padding inside a cell, in points (shared by the PDF drawing and the row measuring).
pub const CELL_PAD: f32 = 1.2;

/// Smallest type (points) an entry is set in before its row grows to two units or more.
pub const MIN_TEXT_PT: f32 = 5.5;

impl Row {
    /// A blank row of one unit.
    pub fn blank() -> Row {
        Row {
            cells: vec![String::new(); COLUMNS.len()],
            blank: true,
            units: 1,
            height_mm: ROW_MM,
        }
    }

    /// A recorded entry's row, as many units high as its longest cell needs at
    /// [`MIN_TEXT_PT`] (measured with the PDF's font and line breaker, so the PDF and the
    /// HTML agree), at most a whole sheet.
    pub fn entry(cells: Vec<String>) -> Row {
        use crate::render::pdf::text::{text_box_height, Style, MM};
        let fits = |units: usize| {
            cells.iter().zip(COLUMNS).all(|(t, (_, w))| {
                t.is_empty()
                    || text_box_height(w * MM, CELL_PAD, &Style::new(MIN_TEXT_PT), t)
                        <= units as f32 * ROW_MM * MM
            })
        };
        let units = (1..ROWS_PER_PAGE)
            .find(|u| fits(*u))
            .unwrap_or(ROWS_PER_PAGE);
        Row {
            cells,
            blank: false,
            units,
            height_mm: units as f32 * ROW_MM,
        }
    }
}

/// One sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    /// Exactly [`ROWS_PER_PAGE`] rows.
    pub rows: Vec<Row>,
}

/// The whole form of a volume.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// [`TITLE`].
    pub title: &'static str,
    /// Volume id.
    pub volume_id: String,
    /// Header fields, in print order.
    pub header: Vec<Field>,
    /// Columns.
    pub columns: Vec<Column>,
    /// Sheets.
    pub pages: Vec<Page>,
    /// Number of sheets.
    pub total_pages: usize,
    /// Footer notice lines.
    pub notice: Vec<&'static str>,
    /// QR payload text (also printed small under the code).
    pub qr_payload: String,
    /// The QR code as an inline SVG.
    pub qr_svg: String,
    /// How many entries were recorded.
    pub entry_count: usize,
    /// The QR modules (for the PDF).
    #[serde(skip)]
    pub qr: Option<qr::Matrix>,
}

/// `2024-06-03 09:00\n至 10:10` — the 查阅时间 cell (the end on its own line).
pub fn period(e: &LedgerEntry) -> String {
    let Some(a) = e.at else { return String::new() };
    let start = a.format("%Y-%m-%d %H:%M").to_string();
    match e.until {
        Some(u) if u.date_naive() == a.date_naive() => format!("{start}\n至 {}", u.format("%H:%M")),
        Some(u) => format!("{start}\n至 {}", u.format("%Y-%m-%d %H:%M")),
        None => start,
    }
}

fn join_lines(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells of a recorded entry (signature cells stay empty: they are signed on paper).
pub fn entry_cells(n: usize, e: &LedgerEntry) -> Vec<String> {
    let creds = e.credentials.join("、");
    let reader = if e.role.is_empty() {
        e.reader.clone()
    } else {
        format!("{}\n（{}）", e.reader, e.role)
    };
    let (copied, content, copies, approver) = match &e.copy {
        Some(c) => (
            "是".to_string(),
            c.content.clone(),
            c.copies.map(|n| n.to_string()).unwrap_or_default(),
            join_lines(&[
                &c.approved_by,
                &c.approved_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ]),
        ),
        None => (
            "否".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ),
    };
    vec![
        n.to_string(),
        period(e),
        reader,
        join_lines(&[&e.organization, &e.category]),
        join_lines(&[&e.id_document, &creds]),
        e.purpose.clone(),
        e.scope.clone(),
        copied,
        content,
        copies,
        approver,
        e.escort.clone(),
        e.returned.clone(),
        String::new(),
        String::new(),
        e.remarks.clone(),
    ]
}

/// Every entry of a volume with its ledger file, in time order; entries of equal (or
/// unknown) time keep file order, the volume's own ledger before its cases'. A combined
/// volume's cases may each have a ledger, and the form is one chronological record.
pub fn entries(v: &Volume) -> Vec<(&Ledger, &LedgerEntry)> {
    let mut all: Vec<(&Ledger, &LedgerEntry)> = v
        .ledgers
        .iter()
        .flat_map(|l| l.entries.iter().map(move |e| (l, e)))
        .collect();
    all.sort_by_key(|(_, e)| e.at.map(|t| t.timestamp()).unwrap_or(i64::MAX));
    all
}

/// Lays out rows on sheets: the entries, then blank rows to the end of the sheet, then
/// `blank_pages` sheets of blank rows. At least one sheet.
pub fn paginate(rows: Vec<Row>, blank_pages: u32) -> Vec<Page> {
    let mut pages: Vec<Vec<Row>> = vec![Vec::new()];
    let used = |p: &Vec<Row>| p.iter().map(|r| r.units).sum::<usize>();
    for r in rows {
        let cur = pages.last_mut().expect("at least one page");
        if used(cur) + r.units > ROWS_PER_PAGE {
            // The entry does not fit: blank rows close this sheet, it starts the next.
            while used(cur) < ROWS_PER_PAGE {
                cur.push(Row::blank());
            }
            pages.push(Vec::new());
        }
        pages.last_mut().expect("at least one page").push(r);
    }
    for _ in 0..blank_pages {
        pages.push(Vec::new());
    }
    pages
        .into_iter()
        .enumerate()
        .map(|(i, mut rows)| {
            while used(&rows) < ROWS_PER_PAGE {
                rows.push(Row::blank());
            }
            Page {
                number: i + 1,
                rows,
            }
        })
        .collect()
}

fn header(a: &Archive, v: &Volume, total_pages: u32) -> Vec<Field> {
    let decisions: Vec<&str> = v
        .cases
        .iter()
        .map(|c| c.decision_no.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    vec![
        Field {
            label: "全宗号",
            value: a.settings.fonds.clone(),
        },
        Field {
            label: "档号",
            value: v.archive_code(&a.settings),
        },
        Field {
            label: "案卷题名",
            value: v.title.clone(),
        },
        Field {
            label: "决定书文号",
            value: decisions.join("、"),
        },
        Field {
            label: "保管期限",
            value: v.retention(),
        },
        Field {
            label: "密级",
            value: v.archive.secrecy.clone(),
        },
        Field {
            label: "总页数",
            value: if total_pages > 0 {
                total_pages.to_string()
            } else {
                String::new()
            },
        },
        Field {
            label: "归档日期",
            value: v
                .archive
                .filed_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        },
    ]
}

/// Builds the form of a volume.
pub fn build(ctx: &Context, v: &Volume) -> std::io::Result<Form> {
    let a = ctx.archive;
    let rows: Vec<Row> = entries(v)
        .into_iter()
        .enumerate()
        .map(|(i, (_, e))| Row::entry(entry_cells(i + 1, e)))
        .collect();
    let entry_count = rows.len();
    let pages = paginate(rows, ctx.options.ledger_blank_pages);
    let digest = ctx.seal_digest(v)?;
    let qr_payload = qr::payload(&v.id, &digest);
    let qr = qr::Matrix::encode(&qr_payload);
    let qr_svg = qr.as_ref().map(|m| m.svg(&qr_payload)).unwrap_or_default();
    Ok(Form {
        title: TITLE,
        volume_id: v.id.clone(),
        header: header(a, v, ctx.paging(v).total_pages()),
        columns: COLUMNS
            .iter()
            .map(|(label, width_mm)| Column {
                label,
                width_mm: *width_mm,
            })
            .collect(),
        total_pages: pages.len(),
        pages,
        notice: NOTICE.to_vec(),
        qr_payload,
        qr_svg,
        entry_count,
        qr,
    })
}

/// HTML-escapes text (for the few strings built outside templates).
pub use crate::render::escape_html as escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_the_landscape_width() {
        let w: f32 = COLUMNS.iter().map(|c| c.1).sum();
        assert!((w - 277.0).abs() < 0.01, "{w}");
        assert_eq!(COLUMNS.len(), 16);
    }

    #[test]
    fn pages_hold_entries_then_blanks() {
        let units = |p: &Page| p.rows.iter().map(|r| r.units).sum::<usize>();
        let entry = Row::entry(vec!["1".into(); COLUMNS.len()]);
        assert_eq!(entry.units, 1);
        assert_eq!(paginate(vec![], 0).len(), 1);
        let p = paginate(vec![entry.clone(); ROWS_PER_PAGE + 1], 2);
        assert_eq!(p.len(), 4);
        assert!(!p[1].rows[0].blank && p[1].rows[1].blank);
        assert!(p.iter().all(|p| units(p) == ROWS_PER_PAGE));
    }

    #[test]
    fn long_entries_take_taller_rows_and_never_split() {
        let mut cells = vec![String::new(); COLUMNS.len()];
        cells[15] = "很长的备注".repeat(40);
        let long = Row::entry(cells);
        assert!(
            long.units > 1 && long.units < ROWS_PER_PAGE,
            "{}",
            long.units
        );
        let short = Row::entry(vec!["1".into(); COLUMNS.len()]);
        let mut rows = vec![short.clone(); ROWS_PER_PAGE - 1];
        rows.push(long.clone());
        let p = paginate(rows, 0);
        assert_eq!(p.len(), 2, "the long entry moves to the next sheet whole");
        assert!(p[0].rows.last().is_some_and(|r| r.blank));
        assert!(!p[1].rows[0].blank && p[1].rows[0].units == long.units);
    }
}
