//! Typesetting: Markdown and plain text laid out into A4 pages as display lists.
//!
//! Layout is separated from drawing so page counts are known before anything is written
//! (`check` reports them, the 目录 needs them) and so a material is laid out once per process
//! and content hash (see [`typeset_file`]) however often it is counted or rendered.

use super::font::Fonts;
use super::text::{
    self, line_height, wrap_metrics, wrap_spans, Align, Line, Span, Style, A4_H, A4_W, MM,
};
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Left margin (订口, the binding side) in points.
pub const MARGIN_LEFT: f32 = 28.0 * MM;
/// Right margin in points.
pub const MARGIN_RIGHT: f32 = 20.0 * MM;
/// Top margin (leaves room for the 页号 stamp) in points.
pub const MARGIN_TOP: f32 = 30.0 * MM;
/// Bottom margin in points.
pub const MARGIN_BOTTOM: f32 = 25.0 * MM;
/// Body text size (小四).
pub const BODY_SIZE: f32 = 12.0;

/// One drawing operation of a laid-out page (krilla coordinates: y down, points).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// A line of text with its baseline at `(x, y)`.
    Text {
        /// Left end.
        x: f32,
        /// Baseline.
        y: f32,
        /// Style.
        style: Style,
        /// Text.
        text: String,
    },
    /// A stroked rectangle.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Line width.
        width: f32,
    },
    /// A filled rectangle.
    Fill {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// sRGB colour.
        color: (u8, u8, u8),
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f32,
        /// Start y.
        y1: f32,
        /// End x.
        x2: f32,
        /// End y.
        y2: f32,
        /// Line width.
        width: f32,
    },
}

/// A laid-out page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawPage {
    /// Drawing operations in order.
    pub ops: Vec<Op>,
}

impl DrawPage {
    /// Draws the page onto a surface.
    pub fn replay(&self, surface: &mut krilla::surface::Surface) {
        for op in &self.ops {
            match op {
                Op::Text { x, y, style, text } => {
                    text::draw_styled(surface, *x, *y, style, text);
                }
                Op::Rect { x, y, w, h, width } => {
                    text::stroke_rect(surface, *x, *y, *w, *h, *width)
                }
                Op::Fill { x, y, w, h, color } => text::fill_rect(surface, *x, *y, *w, *h, *color),
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => text::line(surface, *x1, *y1, *x2, *y2, *width),
            }
        }
    }

    /// Adds a laid-out line at a position (baseline `y`).
    pub fn push_line(&mut self, x: f32, y: f32, line: &Line) {
        let mut cx = x;
        for (i, s) in line.spans.iter().enumerate() {
            let w = match line.span_widths.get(i) {
                Some(&w) => w,
                None => text::measure(&s.text, s.style.size),
            };
            self.ops.push(Op::Text {
                x: cx,
                y,
                style: s.style,
                text: s.text.clone(),
            });
            cx += w;
        }
    }

    /// Adds wrapped text inside a box (top-left `x`, `y`, width `w`), returning the height
    /// used. Lines are centred vertically in `min_h` when they need less.
    #[allow(clippy::too_many_arguments)]
    pub fn push_box(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        min_h: f32,
        pad: f32,
        style: Style,
        txt: &str,
        align: Align,
    ) -> f32 {
        let lines = wrap_spans(&[Span::new(txt, style)], (w - 2.0 * pad).max(style.size));
        let lh = line_height(style.size);
        let needed = lines.len().max(1) as f32 * lh + 2.0 * pad;
        let h = needed.max(min_h);
        let top = y + (h - needed) / 2.0 + pad;
        for (i, l) in lines.iter().enumerate() {
            let baseline =
                top + i as f32 * lh + (lh - style.size) / 2.0 + text::ascent(style.size) * 0.9;
            let lx = match align {
                Align::Left => x + pad,
                Align::Center => x + (w - l.width) / 2.0,
                Align::Right => x + w - pad - l.width,
            };
            self.push_line(lx, baseline, l);
        }
        h
    }
}

/// A typeset file: its pages and the characters no font could draw.
#[derive(Debug, Default)]
pub struct Typeset {
    /// Pages in order (at least one).
    pub pages: Vec<DrawPage>,
    /// Characters missing from every font, in order of appearance.
    pub missing: Vec<char>,
}

/// Bumped whenever layout changes, so cached layouts are never mixed across versions.
const LAYOUT_VERSION: u32 = 1;

/// Layouts by (layout version + content hash, is Markdown).
type Cache = Mutex<HashMap<(String, bool), Arc<Typeset>>>;

static CACHE: OnceLock<Cache> = OnceLock::new();

/// Lays out a file's text (Markdown when `markdown`, else plain text), cached per content
/// hash within the process: `check`, the page count and the renderer share one layout.
///
/// `text` is asked for only when the layout is not cached.
pub fn typeset_file(sha256: &str, markdown: bool, text: impl FnOnce() -> String) -> Arc<Typeset> {
    let key = layout_key(sha256, markdown);
    if let Some(t) = cached(&key) {
        return t;
    }
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let text = text();
    let t = Arc::new(if markdown {
        typeset_markdown(&text)
    } else {
        typeset_plain(&text)
    });
    if let Ok(mut c) = cache.lock() {
        // Bounded, so memory does not grow with the archive: a full cache starts over (a
        // layout is a pure function of the text, so a recomputed one is identical).
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, t.clone());
    }
    t
}

/// At most this many layouts are kept (a typical 笔录 layout is some tens of KB).
const CACHE_ENTRIES: usize = 32;

/// A file's key in the layout cache.
fn layout_key(sha256: &str, markdown: bool) -> (String, bool) {
    (format!("{LAYOUT_VERSION}:{sha256}"), markdown)
}

/// The layout this process made of a file, if it is still cached.
fn cached(key: &(String, bool)) -> Option<Arc<Typeset>> {
    CACHE.get()?.lock().ok()?.get(key).cloned()
}

/// The number of pages [`typeset_file`] gives a file, found by paginating without drawing
/// (a layout this process already made is counted instead). Page numbers need every
/// material's count before anything is drawn, and an HTML-only build draws nothing.
///
/// `text` is asked for only when no layout is cached.
pub fn count_file(sha256: &str, markdown: bool, text: impl FnOnce() -> String) -> u32 {
    match cached(&layout_key(sha256, markdown)) {
        Some(t) => t.pages.len() as u32,
        None => count_pages(markdown, &text()),
    }
}

/// The number of pages `text` lays out to (Markdown when `markdown`, else plain text): always
/// `typeset_markdown(text).pages.len()` (or `typeset_plain`), for less work.
pub fn count_pages(markdown: bool, text: &str) -> u32 {
    if markdown {
        markdown_in(Flow::counting(), text)
    } else {
        plain_in(Flow::counting(), text)
    }
    .pages
    .len() as u32
}

/// Lays out plain text: every source line is kept as a line (wrapped when too long).
pub fn typeset_plain(src: &str) -> Typeset {
    plain_in(Flow::drawing(), src)
}

fn plain_in(mut f: Flow, src: &str) -> Typeset {
    for raw in src.lines() {
        let l = raw.trim_end();
        if l.is_empty() {
            f.space(line_height(BODY_SIZE) * 0.6);
            continue;
        }
        f.paragraph(
            &[Span::new(l, Style::new(BODY_SIZE))],
            0.0,
            0.0,
            None,
            Align::Left,
            0.0,
        );
    }
    f.finish(src)
}

/// Lays out Markdown (CommonMark + tables + strikethrough): headings, paragraphs with a
/// two-character first-line indent, lists, block quotes, code, rules and ruled tables.
pub fn typeset_markdown(src: &str) -> Typeset {
    markdown_in(Flow::drawing(), src)
}

fn markdown_in(mut f: Flow, src: &str) -> Typeset {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut spans: Vec<Span> = Vec::new();
    let mut bold = 0u32;
    let mut italic = 0u32;
    let mut heading: Option<HeadingLevel> = None;
    // List stack: next number (None = bullet).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_prefix: Option<String> = None;
    let mut quote = 0u32;
    let mut code: Option<String> = None;
    let mut table: Option<TableBuild> = None;

    let style_now = |bold: u32, italic: u32, heading: Option<HeadingLevel>| {
        let mut s = Style::new(heading.map(heading_size).unwrap_or(BODY_SIZE));
        if bold > 0 || heading.is_some() {
            s = s.bold();
        }
        if italic > 0 {
            s = s.italic();
        }
        s
    };
    let indent_of = |lists: &Vec<Option<u64>>, quote: u32| {
        lists.len() as f32 * 2.0 * BODY_SIZE + quote as f32 * 2.0 * BODY_SIZE
    };

    for ev in Parser::new_ext(src, opts) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(level);
            }
            Event::End(TagEnd::Heading(level)) => {
                let size = heading_size(level);
                let align = if level == HeadingLevel::H1 {
                    Align::Center
                } else {
                    Align::Left
                };
                f.space(size * 0.6);
                f.keep_with_next(size * 3.5);
                f.paragraph(
                    &std::mem::take(&mut spans),
                    indent_of(&lists, quote),
                    0.0,
                    None,
                    align,
                    0.0,
                );
                f.space(size * 0.3);
                heading = None;
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                if let Some(t) = table.as_mut() {
                    t.cell.append(&mut spans);
                    continue;
                }
                let in_list = !lists.is_empty();
                let starts_with_ideographic_space = spans
                    .first()
                    .map(|s| s.text.starts_with('\u{3000}'))
                    .unwrap_or(false);
                let first = if in_list || quote > 0 || starts_with_ideographic_space {
                    0.0
                } else {
                    2.0 * BODY_SIZE
                };
                let prefix = item_prefix.take();
                f.paragraph(
                    &std::mem::take(&mut spans),
                    indent_of(&lists, quote),
                    first,
                    prefix,
                    Align::Left,
                    0.0,
                );
                f.space(BODY_SIZE * 0.3);
            }
            Event::Start(Tag::List(start)) => {
                flush_item(
                    &mut f,
                    &mut spans,
                    &mut item_prefix,
                    indent_of(&lists, quote),
                );
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    f.space(BODY_SIZE * 0.3);
                }
            }
            Event::Start(Tag::Item) => {
                flush_item(
                    &mut f,
                    &mut spans,
                    &mut item_prefix,
                    indent_of(&lists, quote),
                );
                let p = match lists.last_mut() {
                    Some(Some(n)) => {
                        let s = format!("{n}. ");
                        *n += 1;
                        s
                    }
                    _ => "• ".to_string(),
                };
                item_prefix = Some(p);
            }
            Event::End(TagEnd::Item) => {
                flush_item(
                    &mut f,
                    &mut spans,
                    &mut item_prefix,
                    indent_of(&lists, quote),
                );
            }
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = code.take() {
                    f.code_block(&c, indent_of(&lists, quote));
                }
            }
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::Table(aligns)) => {
                table = Some(TableBuild {
                    aligns,
                    ..TableBuild::default()
                })
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    f.table(&t, indent_of(&lists, quote));
                }
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {}
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                    t.header = true;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => {}
            Event::End(TagEnd::TableCell) => {
                if let Some(t) = table.as_mut() {
                    t.cell.append(&mut spans);
                    let cell = std::mem::take(&mut t.cell);
                    t.row.push(cell);
                }
            }
            Event::Text(t) => {
                if let Some(c) = code.as_mut() {
                    c.push_str(&t);
                } else {
                    let mut st = style_now(bold, italic, heading);
                    if table
                        .as_ref()
                        .map(|t| t.header && t.rows.is_empty())
                        .unwrap_or(false)
                    {
                        st = st.bold();
                    }
                    spans.push(Span::new(t.to_string(), st));
                }
            }
            Event::Code(t) => spans.push(Span::new(
                t.to_string(),
                style_now(bold, italic, heading).color(0x33, 0x33, 0x88),
            )),
            Event::SoftBreak => {
                // CJK text is not separated by spaces when a source line breaks inside it.
                let prev_cjk = spans
                    .last()
                    .and_then(|s| s.text.chars().last())
                    .map(is_cjk)
                    .unwrap_or(false);
                if !prev_cjk {
                    spans.push(Span::new(" ", style_now(bold, italic, heading)));
                }
            }
            Event::HardBreak => spans.push(Span::new("\n", style_now(bold, italic, heading))),
            Event::Rule => f.rule(),
            Event::Html(h) | Event::InlineHtml(h) => {
                // Raw HTML is shown as written: a court copy must not hide text.
                spans.push(Span::new(
                    h.trim_end().to_string(),
                    style_now(bold, italic, heading),
                ));
            }
            Event::FootnoteReference(r) => spans.push(Span::new(
                format!("[{r}]"),
                style_now(bold, italic, heading),
            )),
            Event::TaskListMarker(done) => spans.push(Span::new(
                if done { "☑ " } else { "☐ " },
                style_now(bold, italic, heading),
            )),
            _ => {}
        }
    }
    flush_item(
        &mut f,
        &mut spans,
        &mut item_prefix,
        indent_of(&lists, quote),
    );
    f.finish(src)
}

fn flush_item(f: &mut Flow, spans: &mut Vec<Span>, prefix: &mut Option<String>, indent: f32) {
    if spans.is_empty() && prefix.is_none() {
        return;
    }
    if spans.is_empty() {
        return;
    }
    let p = prefix.take();
    f.paragraph(&std::mem::take(spans), indent, 0.0, p, Align::Left, 0.0);
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn heading_size(level: HeadingLevel) -> f32 {
    match level {
        HeadingLevel::H1 => 18.0,
        HeadingLevel::H2 => 15.0,
        HeadingLevel::H3 => 13.5,
        _ => 12.0,
    }
}

#[derive(Default)]
struct TableBuild {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
    cell: Vec<Span>,
    header: bool,
}

/// The page flow: a cursor moving down the text area, starting new pages as needed.
///
/// A counting flow makes the same decisions as a drawing one (the same breaks, heights and
/// page turns, through the same code) but records no drawing operations: its pages stay
/// empty and only `inked` says which of them would have something on them.
struct Flow {
    pages: Vec<DrawPage>,
    /// Per page: whether anything was (or would have been) drawn on it.
    inked: Vec<bool>,
    y: f32,
    draw: bool,
}

impl Flow {
    fn drawing() -> Flow {
        Flow {
            pages: vec![DrawPage::default()],
            inked: vec![false],
            y: MARGIN_TOP,
            draw: true,
        }
    }
    fn counting() -> Flow {
        Flow {
            draw: false,
            ..Flow::drawing()
        }
    }
    /// Lines of text as this flow needs them: with their text when drawing.
    fn wrap(draw: bool, spans: &[Span], width: f32) -> Vec<Line> {
        if draw {
            wrap_spans(spans, width)
        } else {
            wrap_metrics(spans, width)
        }
    }
    /// Puts an operation on the current page (made only when drawing).
    fn ink(&mut self, op: impl FnOnce() -> Op) {
        self.mark();
        if self.draw {
            let op = op();
            self.page().ops.push(op);
        }
    }
    /// Puts a line on the current page, baseline at `y`.
    fn ink_line(&mut self, x: f32, y: f32, l: &Line) {
        if l.inked {
            self.mark();
        }
        if self.draw {
            self.page().push_line(x, y, l);
        }
    }
    fn mark(&mut self) {
        if let Some(last) = self.inked.last_mut() {
            *last = true;
        }
    }
    fn bottom() -> f32 {
        A4_H - MARGIN_BOTTOM
    }
    fn width() -> f32 {
        A4_W - MARGIN_LEFT - MARGIN_RIGHT
    }
    fn page(&mut self) -> &mut DrawPage {
        if self.pages.is_empty() {
            self.pages.push(DrawPage::default());
            self.inked.push(false);
        }
        let n = self.pages.len();
        &mut self.pages[n - 1]
    }
    fn new_page(&mut self) {
        self.pages.push(DrawPage::default());
        self.inked.push(false);
        self.y = MARGIN_TOP;
    }
    fn at_top(&self) -> bool {
        self.y <= MARGIN_TOP + 0.01
    }
    fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }
    /// Starts a new page unless `h` points fit (keeps a heading with its first lines).
    fn keep_with_next(&mut self, h: f32) {
        if !self.at_top() && self.y + h > Self::bottom() {
            self.new_page();
        }
    }

    fn paragraph(
        &mut self,
        spans: &[Span],
        indent: f32,
        first: f32,
        prefix: Option<String>,
        align: Align,
        _after: f32,
    ) {
        let mut all: Vec<Span> = Vec::new();
        let prefix_w = prefix
            .as_ref()
            .map(|p| text::measure(p, BODY_SIZE))
            .unwrap_or(0.0);
        if first > 0.0 {
            // A first-line indent as ideographic spaces keeps the breaker simple and exact.
            let n = (first / BODY_SIZE).round() as usize;
            all.push(Span::new(
                "\u{3000}".repeat(n),
                spans
                    .first()
                    .map(|s| s.style)
                    .unwrap_or(Style::new(BODY_SIZE)),
            ));
        }
        all.extend(spans.iter().cloned());
        let width = Self::width() - indent - prefix_w;
        let lines = Self::wrap(self.draw, &all, width.max(BODY_SIZE * 2.0));
        for (i, l) in lines.iter().enumerate() {
            let lh = line_height(l.size);
            if self.y + lh > Self::bottom() && !self.at_top() {
                self.new_page();
            }
            let baseline = self.y + (lh - l.size) / 2.0 + text::ascent(l.size) * 0.9;
            let x0 = MARGIN_LEFT + indent + prefix_w;
            let x = match align {
                Align::Left => x0,
                Align::Center => x0 + (width - l.width) / 2.0,
                Align::Right => x0 + width - l.width,
            };
            if i == 0 {
                if let Some(p) = &prefix {
                    self.ink(|| Op::Text {
                        x: MARGIN_LEFT + indent,
                        y: baseline,
                        style: Style::new(BODY_SIZE),
                        text: p.clone(),
                    });
                }
            }
            self.ink_line(x, baseline, l);
            self.y += lh;
        }
    }

    fn code_block(&mut self, code: &str, indent: f32) {
        let size = BODY_SIZE * 0.9;
        let style = Style::new(size).color(0x22, 0x22, 0x22);
        let lh = line_height(size);
        let x = MARGIN_LEFT + indent + 6.0;
        let width = Self::width() - indent - 12.0;
        self.space(4.0);
        for raw in code.trim_end_matches('\n').split('\n') {
            let lines = Self::wrap(self.draw, &[Span::new(raw, style)], width);
            let lines = if lines.is_empty() {
                vec![Line {
                    spans: vec![],
                    width: 0.0,
                    size,
                    span_widths: vec![],
                    inked: false,
                }]
            } else {
                lines
            };
            for l in lines {
                if self.y + lh > Self::bottom() && !self.at_top() {
                    self.new_page();
                }
                let y = self.y;
                self.ink(|| Op::Fill {
                    x: MARGIN_LEFT + indent,
                    y,
                    w: Self::width() - indent,
                    h: lh,
                    color: (0xF2, 0xF2, 0xF2),
                });
                let baseline = y + (lh - size) / 2.0 + text::ascent(size) * 0.9;
                self.ink_line(x, baseline, &l);
                self.y += lh;
            }
        }
        self.space(6.0);
    }

    fn rule(&mut self) {
        self.space(6.0);
        if self.y + 6.0 > Self::bottom() {
            self.new_page();
        }
        let y = self.y;
        self.ink(|| Op::Line {
            x1: MARGIN_LEFT,
            y1: y,
            x2: A4_W - MARGIN_RIGHT,
            y2: y,
            width: 0.6,
        });
        self.y += 8.0;
    }

    /// A ruled table; rows never split, the header row repeats on each new page.
    fn table(&mut self, t: &TableBuild, indent: f32) {
        let ncols = t.rows.iter().map(|r| r.len()).max().unwrap_or(0);
        if ncols == 0 {
            return;
        }
        let size = BODY_SIZE * 0.9;
        let pad = 4.0;
        let total = Self::width() - indent;
        // Column widths: proportional to each column's widest single-line content, with a
        // floor so short columns stay readable.
        let mut natural = vec![0.0f32; ncols];
        for row in &t.rows {
            for (ci, cell) in row.iter().enumerate() {
                let w: f32 = cell.iter().map(|s| text::measure(&s.text, size)).sum();
                natural[ci] = natural[ci].max(w + 2.0 * pad);
            }
        }
        let sum: f32 = natural.iter().sum();
        let widths: Vec<f32> = if sum <= total {
            let extra = (total - sum) / ncols as f32;
            natural.iter().map(|w| w + extra).collect()
        } else {
            let floor = (3.0 * size + 2.0 * pad).min(total / ncols as f32);
            let flex: f32 = natural.iter().map(|w| (w - floor).max(0.0)).sum();
            let room = total - floor * ncols as f32;
            natural
                .iter()
                .map(|w| {
                    floor
                        + if flex > 0.0 {
                            (w - floor).max(0.0) / flex * room
                        } else {
                            0.0
                        }
                })
                .collect()
        };
        let draw = self.draw;
        let layout_row = |row: &Vec<Vec<Span>>| -> (Vec<Vec<Line>>, f32) {
            let mut h = size * 1.5 + 2.0 * pad;
            let mut cells = Vec::new();
            #[allow(clippy::needless_range_loop)]
            for ci in 0..ncols {
                let spans: Vec<Span> = row
                    .get(ci)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|mut s| {
                        s.style.size = size;
                        s
                    })
                    .collect();
                let lines = Self::wrap(draw, &spans, (widths[ci] - 2.0 * pad).max(size));
                let lh: f32 = lines.iter().map(|l| line_height(l.size)).sum();
                h = h.max(lh + 2.0 * pad);
                cells.push(lines);
            }
            (cells, h)
        };
        let x0 = MARGIN_LEFT + indent;
        let header = if t.header {
            t.rows.first().map(&layout_row)
        } else {
            None
        };
        self.space(4.0);
        for (ri, row) in t.rows.iter().enumerate() {
            let (cells, h) = layout_row(row);
            if self.y + h > Self::bottom() && !self.at_top() {
                self.new_page();
                if let (Some((hc, hh)), true) = (&header, ri > 0) {
                    self.table_row(x0, &widths, hc, *hh, pad, &t.aligns, true);
                }
            }
            self.table_row(x0, &widths, &cells, h, pad, &t.aligns, t.header && ri == 0);
        }
        self.space(6.0);
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        x0: f32,
        widths: &[f32],
        cells: &[Vec<Line>],
        h: f32,
        pad: f32,
        aligns: &[Alignment],
        shade: bool,
    ) {
        let y = self.y;
        let mut x = x0;
        for (ci, lines) in cells.iter().enumerate() {
            let w = widths[ci];
            if shade {
                self.ink(|| Op::Fill {
                    x,
                    y,
                    w,
                    h,
                    color: (0xEE, 0xEE, 0xEE),
                });
            }
            self.ink(|| Op::Rect {
                x,
                y,
                w,
                h,
                width: 0.5,
            });
            let mut ly = y + pad;
            for l in lines {
                let lh = line_height(l.size);
                let baseline = ly + (lh - l.size) / 2.0 + text::ascent(l.size) * 0.9;
                let lx = match aligns.get(ci) {
                    Some(Alignment::Center) => x + (w - l.width) / 2.0,
                    Some(Alignment::Right) => x + w - pad - l.width,
                    _ => x + pad,
                };
                self.ink_line(lx, baseline, l);
                ly += lh;
            }
            x += w;
        }
        self.y += h;
    }

    fn finish(mut self, src: &str) -> Typeset {
        // `inked` is what a counting flow goes by, so when drawing it must agree with the
        // operations actually drawn.
        debug_assert!(
            !self.draw
                || self
                    .pages
                    .iter()
                    .zip(&self.inked)
                    .all(|(p, inked)| p.ops.is_empty() != *inked),
            "inked pages disagree with drawn operations"
        );
        // A trailing empty page (content ended exactly at a page break) is not a page.
        while self.pages.len() > 1 && self.inked.last() == Some(&false) {
            self.pages.pop();
            self.inked.pop();
        }
        // Missing characters are reported from drawn layouts; a count needs none.
        let missing = if self.draw {
            Fonts::get().map(|f| f.missing(src)).unwrap_or_default()
        } else {
            Vec::new()
        };
        Typeset {
            pages: self.pages,
            missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_layout_is_deterministic_and_paginates() {
        let mut md = String::from("# 询问笔录\n\n");
        for i in 0..80 {
            md.push_str(&format!(
                "问：第{i}个问题，请如实回答。\n\n答：好的，我如实回答（无异议）。\n\n"
            ));
        }
        md.push_str("| 序号 | 物品 | 数量 |\n|---|---|---:|\n| 1 | 过期牛奶 | 12 |\n");
        let a = typeset_markdown(&md);
        let b = typeset_markdown(&md);
        assert_eq!(a.pages, b.pages);
        assert!(a.pages.len() >= 4, "{}", a.pages.len());
        assert!(a.missing.is_empty());
    }

    #[test]
    fn plain_text_one_page() {
        let t = typeset_plain("第一行\n第二行\n");
        assert_eq!(t.pages.len(), 1);
    }
}
