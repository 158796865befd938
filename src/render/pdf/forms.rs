//! The dossier's forms: 案卷封面, 卷内文件目录, 卷内备考表 and the audio/video metadata
//! page, laid out like the paper forms (ruled grid, centred spaced title, labels in boxes).

use super::text::{self, Align, Style, A4_H, A4_W, MM};
use super::typeset::{DrawPage, Op};

/// Left edge of the forms' grid (binding side gets more room).
const LEFT: f32 = 25.0 * MM;
/// Right edge of the forms' grid.
const RIGHT: f32 = A4_W - 20.0 * MM;
/// Label size in the grids.
const LABEL: f32 = 12.0;

fn title(page: &mut DrawPage, y: f32, size: f32, s: &str) {
    let w = text::measure(s, size);
    page.ops.push(Op::Text {
        x: (A4_W - w) / 2.0,
        y,
        style: Style::new(size).bold(),
        text: s.to_string(),
    });
}

/// Spreads a short title with ideographic spaces (封面 style: 卷 内 文 件 目 录).
pub fn spaced(s: &str) -> String {
    let v: Vec<String> = s.chars().map(|c| c.to_string()).collect();
    v.join(" ")
}

/// The cover's fields (standards.md §4.3).
#[derive(Debug, Clone, Default)]
pub struct Cover {
    /// 全宗名称 / 立档单位.
    pub fonds_name: String,
    /// 全宗号.
    pub fonds: String,
    /// 目录号.
    pub catalog: String,
    /// 案卷号.
    pub volume_no: String,
    /// 档号.
    pub archive_code: String,
    /// 归档号.
    pub filing_no: String,
    /// 案卷题名.
    pub title: String,
    /// 类目.
    pub category: String,
    /// 决定书文号.
    pub decision_no: String,
    /// 当事人.
    pub party: String,
    /// 办案机构.
    pub agency: String,
    /// 起止日期.
    pub dates: String,
    /// 保管期限.
    pub retention: String,
    /// 密级.
    pub secrecy: String,
    /// 件数.
    pub items: usize,
    /// 页数.
    pub pages: u32,
    /// 1-based 册 number.
    pub part: usize,
    /// 册 count.
    pub parts: usize,
}

/// Lays out the 案卷封面.
pub fn cover(c: &Cover) -> DrawPage {
    let mut p = DrawPage::default();
    let w = RIGHT - LEFT;
    // The 档号 box at the top right: 全宗号 | 目录号 | 案卷号, as on the printed cover.
    let bw = 26.0 * MM;
    let bx = RIGHT - 3.0 * bw;
    let by = 22.0 * MM;
    let bh = 8.0 * MM;
    for (i, (label, value)) in [
        ("全宗号", &c.fonds),
        ("目录号", &c.catalog),
        ("案卷号", &c.volume_no),
    ]
    .iter()
    .enumerate()
    {
        let x = bx + i as f32 * bw;
        p.ops.push(Op::Rect {
            x,
            y: by,
            w: bw,
            h: bh,
            width: 0.6,
        });
        p.ops.push(Op::Rect {
            x,
            y: by + bh,
            w: bw,
            h: bh,
            width: 0.6,
        });
        p.push_box(x, by, bw, bh, 2.0, Style::new(10.0), label, Align::Center);
        p.push_box(
            x,
            by + bh,
            bw,
            bh,
            2.0,
            Style::new(10.0),
            value,
            Align::Center,
        );
    }
    let mut y = 75.0 * MM;
    if !c.fonds_name.is_empty() {
        title(&mut p, y, 18.0, &c.fonds_name);
        y += 16.0 * MM;
    }
    title(&mut p, y, 26.0, &spaced("行政执法案卷"));
    y += 10.0 * MM;
    if c.parts > 1 {
        title(
            &mut p,
            y,
            14.0,
            &format!("第 {} 册  共 {} 册", c.part, c.parts),
        );
    }
    y += 14.0 * MM;

    // The field grid: label cells of fixed width, values wrapping inside their cells.
    let lw = 30.0 * MM;
    let half = w / 2.0;
    let rows: Vec<Vec<(&str, String)>> = vec![
        vec![("案卷题名", c.title.clone())],
        vec![("类　　目", c.category.clone())],
        vec![("决定书文号", c.decision_no.clone())],
        vec![("当 事 人", c.party.clone())],
        vec![("办案机构", c.agency.clone())],
        vec![("起止日期", c.dates.clone())],
        vec![
            ("保管期限", c.retention.clone()),
            ("密　　级", c.secrecy.clone()),
        ],
        vec![
            ("件　　数", format!("{} 件", c.items)),
            ("页　　数", format!("{} 页", c.pages)),
        ],
        vec![
            ("档　　号", c.archive_code.clone()),
            ("归 档 号", c.filing_no.clone()),
        ],
        vec![("册　　次", format!("第 {} 册  共 {} 册", c.part, c.parts))],
    ];
    let min_h = 12.0 * MM;
    let style = Style::new(LABEL);
    let value_style = Style::new(LABEL);
    for row in rows {
        let cell_w = if row.len() == 1 { w } else { half };
        let vw = cell_w - lw;
        let h = row
            .iter()
            .map(|(_, v)| text::text_box_height(vw, 4.0, &value_style, v))
            .fold(min_h, f32::max);
        for (i, (label, value)) in row.iter().enumerate() {
            let x = LEFT + i as f32 * half;
            p.ops.push(Op::Rect {
                x,
                y,
                w: lw,
                h,
                width: 0.6,
            });
            p.ops.push(Op::Rect {
                x: x + lw,
                y,
                w: vw,
                h,
                width: 0.6,
            });
            p.push_box(x, y, lw, h, 4.0, style.bold(), label, Align::Center);
            p.push_box(x + lw, y, vw, h, 4.0, value_style, value, Align::Left);
        }
        y += h;
    }
    // Heavier outer frame, as on the printed form.
    let top = 75.0 * MM
        + if c.fonds_name.is_empty() {
            0.0
        } else {
            16.0 * MM
        }
        + 24.0 * MM;
    p.ops.push(Op::Rect {
        x: LEFT,
        y: top,
        w,
        h: y - top,
        width: 1.5,
    });
    p
}

/// One line of the 卷内文件目录.
#[derive(Debug, Clone)]
pub enum TocEntry {
    /// A group heading (a case of a combined volume).
    Group(String),
    /// A material row.
    Row(TocRow),
}

/// A material row of the 目录.
#[derive(Debug, Clone, Default)]
pub struct TocRow {
    /// 序号.
    pub seq: usize,
    /// 文号.
    pub doc_no: String,
    /// 责任者.
    pub author: String,
    /// 题名.
    pub title: String,
    /// 日期, YYYYMMDD.
    pub date: String,
    /// 页号 (start; the last row start–end).
    pub pages: String,
    /// 备注.
    pub note: String,
    /// Index of the material in the 册's binding order (link target).
    pub target: usize,
}

/// Column titles and widths (mm) of the 目录 (standards.md §5).
const TOC_COLS: [(&str, f32); 7] = [
    ("序号", 11.0),
    ("文号", 30.0),
    ("责任者", 28.0),
    ("题名", 53.0),
    ("日期", 19.0),
    ("页号", 15.0),
    ("备注", 14.0),
];

/// A laid-out 目录 page: the page and its link rectangles (x, y, w, h, target).
pub type TocPage = (DrawPage, Vec<(f32, f32, f32, f32, usize)>);

/// Lays out the 卷内文件目录 over as many pages as needed, the header repeated on each.
/// Row heights depend on the texts only, never on the 页号 values (a single line), so the
/// page count found in the first pass holds in the second.
pub fn toc(archive_code: &str, entries: &[TocEntry]) -> Vec<TocPage> {
    let size = 10.5;
    let pad = 3.0;
    let widths: Vec<f32> = TOC_COLS.iter().map(|c| c.1 * MM).collect();
    let total: f32 = widths.iter().sum();
    let x0 = (A4_W - total) / 2.0 + 2.5 * MM;
    let bottom = A4_H - 20.0 * MM;
    let head_h = 10.0 * MM;
    let min_row = 9.0 * MM;
    let mut pages: Vec<TocPage> = Vec::new();

    let start_page = |pages: &mut Vec<TocPage>| -> f32 {
        let mut p = DrawPage::default();
        title(&mut p, 28.0 * MM, 20.0, &spaced("卷内文件目录"));
        if !archive_code.is_empty() {
            let s = format!("档号：{archive_code}");
            p.ops.push(Op::Text {
                x: x0,
                y: 38.0 * MM,
                style: Style::new(10.5),
                text: s,
            });
        }
        let y = 41.0 * MM;
        let mut x = x0;
        for (i, (name, _)) in TOC_COLS.iter().enumerate() {
            p.ops.push(Op::Rect {
                x,
                y,
                w: widths[i],
                h: head_h,
                width: 0.8,
            });
            p.push_box(
                x,
                y,
                widths[i],
                head_h,
                2.0,
                Style::new(11.0).bold(),
                name,
                Align::Center,
            );
            x += widths[i];
        }
        pages.push((p, Vec::new()));
        y + head_h
    };
    let mut y = start_page(&mut pages);
    let style = Style::new(size);
    for e in entries {
        match e {
            TocEntry::Group(g) => {
                let h = text::text_box_height(total, pad, &style.bold(), g).max(min_row);
                if y + h > bottom {
                    y = start_page(&mut pages);
                }
                if let Some((p, _)) = pages.last_mut() {
                    p.ops.push(Op::Fill {
                        x: x0,
                        y,
                        w: total,
                        h,
                        color: (0xF0, 0xF0, 0xF0),
                    });
                    p.ops.push(Op::Rect {
                        x: x0,
                        y,
                        w: total,
                        h,
                        width: 0.5,
                    });
                    p.push_box(x0, y, total, h, pad, style.bold(), g, Align::Left);
                }
                y += h;
            }
            TocEntry::Row(r) => {
                let cells = [
                    r.seq.to_string(),
                    r.doc_no.clone(),
                    r.author.clone(),
                    r.title.clone(),
                    r.date.clone(),
                    String::new(),
                    r.note.clone(),
                ];
                let h = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| text::text_box_height(widths[i], pad, &style, c))
                    .fold(min_row, f32::max);
                if y + h > bottom {
                    y = start_page(&mut pages);
                }
                if let Some((p, links)) = pages.last_mut() {
                    let mut x = x0;
                    for (i, c) in cells.iter().enumerate() {
                        p.ops.push(Op::Rect {
                            x,
                            y,
                            w: widths[i],
                            h,
                            width: 0.5,
                        });
                        let align = if matches!(i, 0 | 4 | 5) {
                            Align::Center
                        } else {
                            Align::Left
                        };
                        if i == 5 {
                            // 页号: one line, shrunk if a wide range would not fit.
                            let mut s = size;
                            while s > 6.0 && text::measure(&r.pages, s) > widths[i] - 2.0 {
                                s -= 0.5;
                            }
                            let tw = text::measure(&r.pages, s);
                            let baseline = y + h / 2.0 + s * 0.35;
                            p.ops.push(Op::Text {
                                x: x + (widths[i] - tw) / 2.0,
                                y: baseline,
                                style: Style::new(s),
                                text: r.pages.clone(),
                            });
                        } else {
                            p.push_box(x, y, widths[i], h, pad, style, c, align);
                        }
                        x += widths[i];
                    }
                    links.push((x0, y, total, h, r.target));
                }
                y += h;
            }
        }
    }
    pages
}

/// The 卷内备考表's contents.
#[derive(Debug, Clone, Default)]
pub struct Backnote {
    /// 档号.
    pub archive_code: String,
    /// 本卷情况说明 (already composed).
    pub statement: String,
    /// 立卷人.
    pub filed_by: String,
    /// 检查人.
    pub checked_by: String,
    /// 立卷时间.
    pub filed_on: String,
}

/// Lays out the 卷内备考表 (GB/T 9705 Annex J style: one large box for the statement, the
/// signatures at its foot).
pub fn backnote(b: &Backnote) -> DrawPage {
    let mut p = DrawPage::default();
    title(&mut p, 30.0 * MM, 20.0, &spaced("卷内备考表"));
    let w = RIGHT - LEFT;
    let top = 42.0 * MM;
    if !b.archive_code.is_empty() {
        p.ops.push(Op::Text {
            x: LEFT,
            y: top - 3.0 * MM,
            style: Style::new(10.5),
            text: format!("档号：{}", b.archive_code),
        });
    }
    let h = 220.0 * MM;
    p.ops.push(Op::Rect {
        x: LEFT,
        y: top,
        w,
        h,
        width: 1.2,
    });
    p.ops.push(Op::Text {
        x: LEFT + 6.0 * MM,
        y: top + 10.0 * MM,
        style: Style::new(13.0).bold(),
        text: "本卷情况说明：".into(),
    });
    let mut y = top + 15.0 * MM;
    for para in b.statement.split('\n') {
        let used = p.push_box(
            LEFT + 6.0 * MM,
            y,
            w - 12.0 * MM,
            0.0,
            0.0,
            Style::new(12.0),
            &format!("\u{3000}\u{3000}{para}"),
            Align::Left,
        );
        y += used + 2.0;
    }
    let sig_y = top + h - 40.0 * MM;
    let x = LEFT + w * 0.52;
    for (i, (label, value)) in [
        ("立卷人：", &b.filed_by),
        ("检查人：", &b.checked_by),
        ("立卷时间：", &b.filed_on),
    ]
    .iter()
    .enumerate()
    {
        let yy = sig_y + i as f32 * 11.0 * MM;
        p.ops.push(Op::Text {
            x,
            y: yy,
            style: Style::new(12.0),
            text: (*label).to_string(),
        });
        let lx = x + 24.0 * MM;
        p.ops.push(Op::Text {
            x: lx + 2.0,
            y: yy,
            style: Style::new(12.0),
            text: value.to_string(),
        });
        p.ops.push(Op::Line {
            x1: lx,
            y1: yy + 3.0,
            x2: RIGHT - 8.0 * MM,
            y2: yy + 3.0,
            width: 0.5,
        });
    }
    p
}

/// Lays out the metadata page standing in for an audio/video material: a two-column grid
/// of label and value.
pub fn av_page(heading: &str, rows: &[(String, String)], storage_note: &str) -> DrawPage {
    let mut p = DrawPage::default();
    title(&mut p, 36.0 * MM, 18.0, heading);
    let w = RIGHT - LEFT;
    let lw = 32.0 * MM;
    let mut y = 46.0 * MM;
    let style = Style::new(11.0);
    for (label, value) in rows {
        let h = text::text_box_height(w - lw, 4.0, &style, value).max(10.0 * MM);
        p.ops.push(Op::Rect {
            x: LEFT,
            y,
            w: lw,
            h,
            width: 0.6,
        });
        p.ops.push(Op::Rect {
            x: LEFT + lw,
            y,
            w: w - lw,
            h,
            width: 0.6,
        });
        p.push_box(LEFT, y, lw, h, 4.0, style.bold(), label, Align::Center);
        p.push_box(LEFT + lw, y, w - lw, h, 4.0, style, value, Align::Left);
        y += h;
    }
    y += 8.0 * MM;
    p.push_box(
        LEFT,
        y,
        w,
        0.0,
        0.0,
        Style::new(11.0),
        storage_note,
        Align::Left,
    );
    p
}
