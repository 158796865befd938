//! `ledger.pdf`: the form drawn on A4 landscape sheets with the shared PDF primitives
//! (`render::pdf::text`, embedded CJK font), the same layout as `ledger.html`.
//!
//! Every cell is a ruled box; recorded entries are wrapped into their cells (shrinking the
//! type, never cutting text, when an entry is long); blank rows are left empty to be filled
//! in and signed by hand.

use super::form::{Form, CELL_PAD, COLUMNS, ROWS_PER_PAGE, ROW_MM};
use crate::render::pdf::font::Fonts;
use crate::render::pdf::text::{self, Align, Style, VAlign, A4_H, A4_W, MM};
use crate::render::RenderError;
use krilla::page::PageSettings;
use krilla::surface::Surface;

/// Sheet geometry in millimetres (A4 landscape, 10 mm margins).
mod geo {
    pub const MARGIN: f32 = 10.0;
    pub const WIDTH: f32 = 277.0;
    pub const QR: f32 = 22.0;
    pub const QR_BOX: f32 = 26.0;
    pub const TITLE_TOP: f32 = 10.0;
    pub const IDENT_TOP: f32 = 21.0;
    pub const IDENT_ROW: f32 = 6.0;
    pub const IDENT_LABEL: f32 = 17.0;
    /// Widths of the four value columns of the identity table (sum: 247 − 4·17 = 179).
    pub const IDENT_VALUES: [f32; 4] = [26.0, 45.0, 66.0, 42.0];
    pub const TABLE_TOP: f32 = 38.0;
    pub const HEAD_ROW: f32 = 10.0;
    pub const FOOT_TOP: f32 = 171.0;
    pub const PAGE_NO: f32 = 193.0;
}

const LINE: f32 = 0.6;
const THIN: f32 = 0.4;
const GREY: (u8, u8, u8) = (242, 242, 242);

fn mm(v: f32) -> f32 {
    v * MM
}

/// A box on the sheet, in millimetres from the top-left corner.
#[derive(Clone, Copy)]
struct Cell {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

fn cell(x: f32, y: f32, w: f32, h: f32) -> Cell {
    Cell { x, y, w, h }
}

impl Cell {
    fn stroke(self, s: &mut Surface, width: f32) {
        text::stroke_rect(s, mm(self.x), mm(self.y), mm(self.w), mm(self.h), width);
    }
    fn fill(self, s: &mut Surface, color: (u8, u8, u8)) {
        text::fill_rect(s, mm(self.x), mm(self.y), mm(self.w), mm(self.h), color);
    }
    /// Draws text in the box, shrinking the type until it fits the box height (down to
    /// 4 pt), so a long entry stays whole inside its ruled box.
    fn text(self, s: &mut Surface, size: f32, t: &str, align: Align) {
        if t.is_empty() {
            return;
        }
        let (w, h) = (mm(self.w), mm(self.h));
        let mut sz = size;
        while sz > 4.0 && text::text_box_height(w, CELL_PAD, &Style::new(sz), t) > h {
            sz -= 0.5;
        }
        text::draw_text_box(
            s,
            mm(self.x),
            mm(self.y),
            w,
            h,
            CELL_PAD,
            &Style::new(sz),
            t,
            align,
            VAlign::Middle,
        );
    }
}

fn draw_header(s: &mut Surface, f: &Form) {
    use geo::*;
    let head_w = WIDTH - QR_BOX - 4.0;
    let title = Style::new(16.0).bold();
    let tw = text::measure(f.title, 16.0);
    text::draw_styled(
        s,
        mm(MARGIN) + (mm(head_w) - tw) / 2.0,
        mm(TITLE_TOP) + text::ascent(16.0) + 2.0,
        &title,
        f.title,
    );
    // Identity table: two rows of four label/value pairs.
    for (i, field) in f.header.iter().enumerate() {
        let row = i / 4;
        let col = i % 4;
        let x = MARGIN
            + IDENT_VALUES[..col]
                .iter()
                .map(|v| IDENT_LABEL + v)
                .sum::<f32>();
        let y = IDENT_TOP + row as f32 * IDENT_ROW;
        let label = cell(x, y, IDENT_LABEL, IDENT_ROW);
        label.fill(s, GREY);
        label.stroke(s, THIN);
        label.text(s, 8.0, field.label, Align::Center);
        let value = cell(x + IDENT_LABEL, y, IDENT_VALUES[col], IDENT_ROW);
        value.stroke(s, THIN);
        value.text(s, 8.0, &field.value, Align::Left);
    }
    // QR code, with the volume id under it.
    let qx = MARGIN + WIDTH - QR_BOX + (QR_BOX - QR) / 2.0;
    if let Some(m) = &f.qr {
        let module = mm(QR) / m.width as f32;
        for y in 0..m.width {
            let mut x = 0;
            while x < m.width {
                if m.is_dark(x, y) {
                    let start = x;
                    while x < m.width && m.is_dark(x, y) {
                        x += 1;
                    }
                    // A hair of overlap keeps viewers from showing seams between modules.
                    text::fill_rect(
                        s,
                        mm(qx) + start as f32 * module,
                        mm(TITLE_TOP) + y as f32 * module,
                        (x - start) as f32 * module + 0.05,
                        module + 0.05,
                        (0, 0, 0),
                    );
                } else {
                    x += 1;
                }
            }
        }
    }
    let cap = format!("卷号 {}", f.volume_id);
    cell(MARGIN + WIDTH - QR_BOX, TITLE_TOP + QR, QR_BOX, 5.0).text(s, 6.0, &cap, Align::Center);
}

/// Column headings with the line breaks a 7.5 pt heading needs in narrow columns (so they
/// break between words, not inside them).
fn heading(label: &str) -> &str {
    match label {
        "是否复印" => "是否\n复印",
        "陪同查阅人" => "陪同\n查阅人",
        "归还 / 检查情况" => "归还 /\n检查情况",
        "单位 / 身份类别" => "单位 /\n身份类别",
        other => other,
    }
}

fn draw_table(s: &mut Surface, page: &super::form::Page) {
    use geo::*;
    let mut x = MARGIN;
    for (label, w) in COLUMNS {
        let head = cell(x, TABLE_TOP, *w, HEAD_ROW);
        head.fill(s, GREY);
        head.stroke(s, LINE);
        head.text(s, 7.5, heading(label), Align::Center);
        x += w;
    }
    let mut y = TABLE_TOP + HEAD_ROW;
    for row in &page.rows {
        let h = row.units as f32 * ROW_MM;
        let mut x = MARGIN;
        for (c, (_, w)) in COLUMNS.iter().enumerate() {
            let b = cell(x, y, *w, h);
            b.stroke(s, LINE);
            if let Some(t) = row.cells.get(c) {
                // 序号, 是否复印 and 份数 are short: centred.
                let align = if c == 0 || c == 7 || c == 9 {
                    Align::Center
                } else {
                    Align::Left
                };
                b.text(s, 7.0, t, align);
            }
            x += w;
        }
        y += h;
    }
}

fn draw_footer(s: &mut Surface, f: &Form, number: usize) {
    use geo::*;
    let size = 6.5;
    let lh = size * 1.35;
    let mut y = mm(FOOT_TOP);
    for line in &f.notice {
        for l in text::wrap(line, size, mm(WIDTH)) {
            text::draw_text(s, mm(MARGIN), y + text::ascent(size), size, &l);
            y += lh;
        }
    }
    let no = format!("第 {number} 页 共 {} 页", f.total_pages);
    let w = text::measure(&no, 8.0);
    text::draw_text(
        s,
        mm(MARGIN) + (mm(WIDTH) - w) / 2.0,
        mm(PAGE_NO) + text::ascent(8.0),
        8.0,
        &no,
    );
}

/// Renders the form as PDF bytes.
pub fn render(f: &Form) -> Result<Vec<u8>, RenderError> {
    if Fonts::get().is_none() {
        return Err(RenderError::msg(
            "内置字体无法读取",
            "the embedded font cannot be read",
        ));
    }
    debug_assert!(f
        .pages
        .iter()
        .all(|p| p.rows.iter().map(|r| r.units).sum::<usize>() == ROWS_PER_PAGE));
    let mut doc = krilla::Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(format!("{} · {}", f.title, f.volume_id))
            .creator("anjuan".into())
            .language("zh-CN".into()),
    );
    let settings = PageSettings::from_wh(A4_H, A4_W)
        .ok_or_else(|| RenderError::msg("页面尺寸无效", "invalid page size"))?;
    for page in &f.pages {
        let mut p = doc.start_page_with(settings.clone());
        let mut s = p.surface();
        draw_header(&mut s, f);
        draw_table(&mut s, page);
        draw_footer(&mut s, f, page.number);
        s.finish();
        p.finish();
    }
    doc.finish().map_err(|e| {
        RenderError::msg(
            format!("生成台账 PDF 失败：{e:?}"),
            format!("writing the ledger PDF failed: {e:?}"),
        )
    })
}
