//! Text measurement, CJK line breaking and drawing primitives over a krilla `Surface`.
//!
//! Shared by the dossier (cover, 目录, typeset materials, 备考表) and the ledger forms, so
//! every generated page uses one font set, one line breaker and one look.
//!
//! Coordinates are krilla's: points, origin at the top-left corner of the page, y pointing
//! down. A4 portrait is [`A4_W`] × [`A4_H`].
//!
//! Line breaking follows UAX #14 (via `unicode-linebreak`) plus the Chinese 标点禁则
//! (GB/T 15834 practice): no closing punctuation such as 、。，）」》 at the start of a line,
//! no opening punctuation such as （「《 at the end of one. Where no legal break exists in a
//! line's width (a long URL), the line is broken between characters, still avoiding a
//! forbidden character at the line start where possible.

use super::font::{Fonts, GlyphRef};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

/// A4 width in points.
pub const A4_W: f32 = 595.276;
/// A4 height in points.
pub const A4_H: f32 = 841.89;
/// One millimetre in points.
pub const MM: f32 = 72.0 / 25.4;

/// Characters that may not begin a line (closing punctuation, pauses, small kana marks).
pub const NO_LINE_START: &str =
    "、。，．,.；;：:？?！!）)］]｝}」』》〉】〕〗〙〛’”…‥·・ー～—%％‰℃°′″々〃ゝゞヽヾ";
/// Characters that may not end a line (opening brackets and quotes).
pub const NO_LINE_END: &str = "（(［[｛{「『《〈【〔〖〘〚‘“￥$£";

/// Letters, digits and CJK ideographs: in neither list. Most characters of a 笔录 are,
/// and testing them first spares a scan of both lists per character (4 % of an HTML build,
/// which typesets every Markdown material for its page numbers).
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Whether `c` may not begin a line.
fn no_line_start(c: char) -> bool {
    !plain(c) && NO_LINE_START.contains(c)
}

/// Whether `c` may not end a line.
fn no_line_end(c: char) -> bool {
    !plain(c) && NO_LINE_END.contains(c)
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Font size in points.
    pub size: f32,
    /// Faux bold (fill plus a thin stroke: the embedded face has one weight).
    pub bold: bool,
    /// Oblique (a skew: CJK faces have no italic).
    pub italic: bool,
    /// Text colour (sRGB).
    pub color: (u8, u8, u8),
}

impl Style {
    /// Regular black text of a size.
    pub fn new(size: f32) -> Style {
        Style {
            size,
            bold: false,
            italic: false,
            color: (0, 0, 0),
        }
    }
    /// The same style in bold.
    pub fn bold(mut self) -> Style {
        self.bold = true;
        self
    }
    /// The same style in oblique.
    pub fn italic(mut self) -> Style {
        self.italic = true;
        self
    }
    /// The same style in a colour.
    pub fn color(mut self, r: u8, g: u8, b: u8) -> Style {
        self.color = (r, g, b);
        self
    }
}

/// A piece of text in one style (the unit of mixed-style paragraphs).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Its style.
    pub style: Style,
}

impl Span {
    /// A span.
    pub fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
        }
    }
}

/// Horizontal alignment inside a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// Vertical alignment inside a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    /// At the top.
    Top,
    /// Centred.
    Middle,
    /// At the bottom.
    Bottom,
}

/// Advance of one character at a size, in points (missing characters measure as 1 em, the
/// width of the placeholder drawn for them).
pub fn char_width(ch: char, size: f32) -> f32 {
    if Fonts::is_invisible(ch) {
        return 0.0;
    }
    let Some(fonts) = Fonts::get() else {
        return size;
    };
    match fonts.lookup(ch) {
        Some(g) => fonts.face(g.face).advance(g.glyph) * size,
        None => size,
    }
}

/// Width of a single-line string at a font size, in points.
pub fn measure(text: &str, size: f32) -> f32 {
    text.chars().map(|c| char_width(c, size)).sum()
}

/// Recommended distance between baselines for a font size (1.5 em, the usual 公文 leading).
pub fn line_height(size: f32) -> f32 {
    size * 1.5
}

/// Wraps plain text in one style to lines no wider than `width` points, with CJK
/// punctuation rules. `\n` forces a line break; an empty input gives no lines.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let spans = [Span::new(text, Style::new(size))];
    wrap_spans(&spans, width)
        .into_iter()
        .map(|l| l.spans.into_iter().map(|s| s.text).collect())
        .collect()
}

/// One laid-out line of mixed-style text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The spans on the line (trailing spaces removed); empty in a [`wrap_metrics`] line.
    pub spans: Vec<Span>,
    /// Its width in points.
    pub width: f32,
    /// Its largest font size (for the line height).
    pub size: f32,
    /// Each span's width, as measured while breaking (so drawing does not measure again).
    pub span_widths: Vec<f32>,
    /// Whether the line has any character to draw (a line of only a forced break has none).
    pub inked: bool,
}

/// One character of a paragraph being broken: (byte offset, char, span index, advance).
type Ch = (usize, char, usize, f32);

/// Buffers of the breaker, kept per thread: typesetting breaks hundreds of thousands of
/// paragraphs in a build, and fresh vectors for each were a sizeable share of its time.
#[derive(Default)]
struct Scratch {
    text: String,
    chars: Vec<Ch>,
    allowed: Vec<bool>,
    mandatory: Vec<bool>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Wraps mixed-style text to lines no wider than `width`.
pub fn wrap_spans(spans: &[Span], width: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    break_lines(spans, width, |chars, from, to| {
        lines.push(make_line(spans, chars, from, to))
    });
    lines
}

/// The lines [`wrap_spans`] would give, with their width, size and ink but without their
/// text: enough to paginate, for a fraction of the work (page counts are needed for every
/// material of every build; the text only when a page is drawn).
pub fn wrap_metrics(spans: &[Span], width: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    break_lines(spans, width, |chars, from, to| {
        lines.push(line_metrics(spans, chars, from, to))
    });
    lines
}

/// The line breaker: calls `line(chars, from, to)` for each line, in order, where
/// `chars[from..to]` are the line's characters (trailing spaces and breaks included).
fn break_lines(spans: &[Span], width: f32, line: impl FnMut(&[Ch], usize, usize)) {
    // The buffers are taken out of the thread's slot (not borrowed) so that nothing the
    // callback does can observe them half-filled; a nested call just starts empty ones.
    let mut s = SCRATCH.with(|c| std::mem::take(&mut *c.borrow_mut()));
    break_lines_in(&mut s, spans, width, line);
    // Buffers grown for an unusually long paragraph are let go rather than kept for the
    // life of the thread (a text material may be one paragraph of megabytes).
    if s.chars.capacity() <= SCRATCH_KEEP_CHARS {
        SCRATCH.with(|c| *c.borrow_mut() = s);
    }
}

/// The longest paragraph (in characters) whose breaking buffers a thread keeps: 16,384
/// characters (about 600 KB of buffers), far more than any paragraph of a 笔录.
const SCRATCH_KEEP_CHARS: usize = 16 * 1024;

fn break_lines_in(
    s: &mut Scratch,
    spans: &[Span],
    width: f32,
    mut line: impl FnMut(&[Ch], usize, usize),
) {
    // Flatten to characters with their style and advance.
    let Scratch {
        text,
        chars,
        allowed,
        mandatory,
    } = s;
    text.clear();
    chars.clear();
    for (si, s) in spans.iter().enumerate() {
        for ch in s.text.chars() {
            let ch = if ch == '\t' { ' ' } else { ch };
            chars.push((text.len(), ch, si, char_width(ch, s.style.size)));
            text.push(ch);
        }
    }
    if chars.is_empty() {
        return;
    }
    // Break opportunities before each character index.
    allowed.clear();
    allowed.resize(chars.len() + 1, false);
    mandatory.clear();
    mandatory.resize(chars.len() + 1, false);
    {
        let mut ci = 0usize;
        for (byte, op) in unicode_linebreak::linebreaks(text) {
            while ci < chars.len() && chars[ci].0 < byte {
                ci += 1;
            }
            match op {
                unicode_linebreak::BreakOpportunity::Mandatory => mandatory[ci] = true,
                unicode_linebreak::BreakOpportunity::Allowed => allowed[ci] = true,
            }
        }
    }
    for i in 1..chars.len() {
        let (prev, next) = (chars[i - 1].1, chars[i].1);
        if no_line_start(next) || no_line_end(prev) {
            allowed[i] = false;
        }
    }

    let mut start = 0usize;
    while start < chars.len() {
        let mut w = 0.0f32;
        let mut last_ok: Option<usize> = None;
        let mut end = chars.len();
        let mut i = start;
        while i < chars.len() {
            if i > start && mandatory[i] {
                end = i;
                break;
            }
            let (_, ch, _, cw) = chars[i];
            if ch == '\n' || ch == '\r' {
                i += 1;
                continue;
            }
            if i > start && allowed[i] {
                last_ok = Some(i);
            }
            // Trailing spaces may hang past the edge (they are trimmed).
            if w + cw > width + 0.01 && i > start && ch != ' ' {
                end = match last_ok {
                    Some(b) if b > start => b,
                    _ => forced_break(chars, start, i),
                };
                break;
            }
            w += cw;
            i += 1;
        }
        let next = if end == chars.len() {
            end
        } else {
            end.max(start + 1)
        };
        line(chars, start, next);
        start = next;
        // Spaces at the start of a continuation line are dropped (they were the break).
        while start < chars.len() && chars[start].1 == ' ' && !mandatory[start] {
            start += 1;
        }
    }
}

/// A break inside a run with no legal opportunity (a long word or URL): break before `at`,
/// moving back a character while that would start the line with forbidden punctuation.
fn forced_break(chars: &[Ch], start: usize, at: usize) -> usize {
    let mut b = at;
    while b > start + 1 && (no_line_start(chars[b].1) || no_line_end(chars[b - 1].1)) {
        b -= 1;
    }
    b.max(start + 1)
}

/// The characters of `chars[from..to]` that are drawn: trailing spaces and line breaks are
/// trimmed, breaks inside are skipped.
fn drawn(chars: &[Ch], from: usize, to: usize) -> impl Iterator<Item = &Ch> {
    let mut end = to;
    while end > from && matches!(chars[end - 1].1, ' ' | '\n' | '\r') {
        end -= 1;
    }
    chars[from..end]
        .iter()
        .filter(|c| !matches!(c.1, '\n' | '\r'))
}

/// A line's width, size and ink, without its text (what pagination needs).
fn line_metrics(spans: &[Span], chars: &[Ch], from: usize, to: usize) -> Line {
    let mut size = 0.0f32;
    let mut width = 0.0f32;
    let mut inked = false;
    for &(_, _, si, cw) in drawn(chars, from, to) {
        size = size.max(spans[si].style.size);
        width += cw;
        inked = true;
    }
    if size == 0.0 {
        // A line without characters has the size of the span it starts in.
        size = chars
            .get(from)
            .map(|c| spans[c.2].style.size)
            .unwrap_or(10.0);
    }
    Line {
        spans: Vec::new(),
        width,
        size,
        span_widths: Vec::new(),
        inked,
    }
}

/// A line with its text: [`line_metrics`] (so width, size and ink are the same numbers, bit
/// for bit, whether a text is drawn or only counted) plus its spans.
fn make_line(spans: &[Span], chars: &[Ch], from: usize, to: usize) -> Line {
    let mut line = line_metrics(spans, chars, from, to);
    for &(_, ch, si, cw) in drawn(chars, from, to) {
        let style = spans[si].style;
        // Summed per span in the same order as `measure` would: the same widths, bit for bit.
        match line.spans.last_mut() {
            Some(last) if last.style == style => {
                last.text.push(ch);
                if let Some(w) = line.span_widths.last_mut() {
                    *w += cw;
                }
            }
            _ => {
                line.spans.push(Span::new(ch.to_string(), style));
                line.span_widths.push(0.0 + cw);
            }
        }
    }
    line
}

/// Draws one line of text in black at `size`, with its baseline at `(x, y)`. Returns the
/// advance width.
pub fn draw_text(surface: &mut Surface, x: f32, y: f32, size: f32, text: &str) -> f32 {
    draw_styled(surface, x, y, &Style::new(size), text)
}

/// Draws one line of text in a style, baseline at `(x, y)`; characters the embedded face
/// lacks come from a fallback face; a character no font has is drawn as 〓 (the
/// conventional missing-character mark) while the text layer keeps the real character.
/// Returns the advance width.
pub fn draw_styled(surface: &mut Surface, x: f32, y: f32, style: &Style, text: &str) -> f32 {
    let Some(fonts) = Fonts::get() else {
        return 0.0;
    };
    let geta = fonts.lookup('〓');
    // Runs of one face: (face, glyphs, run text).
    let mut runs: Vec<(usize, Vec<KrillaGlyph>, String)> = Vec::new();
    for ch in text.chars() {
        if Fonts::is_invisible(ch) {
            continue;
        }
        let g: GlyphRef = match fonts.lookup(ch).or(geta) {
            Some(g) => g,
            None => continue,
        };
        let adv = fonts.face(g.face).advance(g.glyph);
        if runs.last().map(|r| r.0) != Some(g.face) {
            runs.push((g.face, Vec::new(), String::new()));
        }
        if let Some(run) = runs.last_mut() {
            let start = run.2.len();
            run.2.push(ch);
            run.1.push(KrillaGlyph::new(
                GlyphId::new(g.glyph as u32),
                adv,
                0.0,
                0.0,
                0.0,
                start..run.2.len(),
                None,
            ));
        }
    }
    let (r, g, b) = style.color;
    let color = rgb::Color::new(r, g, b);
    surface.set_fill(Some(Fill {
        paint: color.into(),
        ..Fill::default()
    }));
    if style.bold {
        surface.set_stroke(Some(Stroke {
            paint: color.into(),
            width: style.size * 0.035,
            ..Stroke::default()
        }));
    } else {
        surface.set_stroke(None);
    }
    let mut cx = x;
    for (face, glyphs, run_text) in &runs {
        let font = fonts.face(*face).krilla.clone();
        let w: f32 = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * style.size;
        if style.italic {
            // Skew around the baseline point so the run stays in place.
            surface.push_transform(&krilla::geom::Transform::from_row(
                1.0,
                0.0,
                -0.2,
                1.0,
                0.2 * y,
                0.0,
            ));
        }
        surface.draw_glyphs(
            Point::from_xy(cx, y),
            glyphs,
            font,
            run_text,
            style.size,
            false,
        );
        if style.italic {
            surface.pop();
        }
        cx += w;
    }
    surface.set_stroke(None);
    surface.set_fill(Some(Fill::default()));
    cx - x
}

/// Draws a laid-out line with its left end at `x` and baseline at `y`.
pub fn draw_line_spans(surface: &mut Surface, x: f32, y: f32, line: &Line) -> f32 {
    let mut cx = x;
    for s in &line.spans {
        cx += draw_styled(surface, cx, y, &s.style, &s.text);
    }
    cx - x
}

/// Ascender of the embedded face for a font size (baseline offset of a line's top).
pub fn ascent(size: f32) -> f32 {
    Fonts::get().map(|f| f.primary().ascender()).unwrap_or(0.88) * size
}

/// Wraps `text` inside a box (top-left `x`, `y`, size `w` × `h`, with `pad` points of
/// padding on every side) and draws it aligned. Text that does not fit the box's height is
/// still drawn (overflowing downwards) rather than silently cut. Returns the height the text
/// needed, padding included.
#[allow(clippy::too_many_arguments)]
pub fn draw_text_box(
    surface: &mut Surface,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    pad: f32,
    style: &Style,
    text: &str,
    align: Align,
    valign: VAlign,
) -> f32 {
    let lines = wrap_spans(&[Span::new(text, *style)], (w - 2.0 * pad).max(style.size));
    let lh = line_height(style.size);
    let needed = lines.len() as f32 * lh;
    let top = match valign {
        VAlign::Top => y + pad,
        VAlign::Middle => y + ((h - needed) / 2.0).max(pad),
        VAlign::Bottom => y + (h - pad - needed).max(pad),
    };
    for (i, line) in lines.iter().enumerate() {
        // Centre the glyphs vertically in their line box.
        let baseline = top + i as f32 * lh + (lh - style.size) / 2.0 + ascent(style.size) * 0.9;
        let lx = match align {
            Align::Left => x + pad,
            Align::Center => x + (w - line.width) / 2.0,
            Align::Right => x + w - pad - line.width,
        };
        draw_line_spans(surface, lx, baseline, line);
    }
    needed + 2.0 * pad
}

/// Height a wrapped text box needs for `text` in width `w` with padding `pad`.
pub fn text_box_height(w: f32, pad: f32, style: &Style, text: &str) -> f32 {
    let lines = wrap_spans(&[Span::new(text, *style)], (w - 2.0 * pad).max(style.size));
    lines.len().max(1) as f32 * line_height(style.size) + 2.0 * pad
}

/// Strokes the outline of a rectangle (top-left `x`, `y`, size `w` × `h`) in black.
pub fn stroke_rect(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, width: f32) {
    let Some(rect) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Fills a rectangle (top-left `x`, `y`, size `w` × `h`) with an sRGB colour.
pub fn fill_rect(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
    let Some(rect) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    if let Some(path) = pb.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: rgb::Color::new(color.0, color.1, color.2).into(),
            ..Fill::default()
        }));
        surface.draw_path(&path);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Draws a straight black line from `(x1, y1)` to `(x2, y2)`.
pub fn line(surface: &mut Surface, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_the_widths_measure_would_give() {
        let spans = [
            Span::new("当事人张某\t于2024年3月1日到场，", Style::new(12.0)),
            Span::new("bold part (with Latin) ", Style::new(14.0).bold()),
            Span::new(
                "继续陈述：经查，该店销售的食品已过保质期。".repeat(4),
                Style::new(12.0),
            ),
        ];
        let lines = wrap_spans(&spans, 180.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert_eq!(l.span_widths.len(), l.spans.len());
            for (s, w) in l.spans.iter().zip(&l.span_widths) {
                assert_eq!(
                    w.to_bits(),
                    measure(&s.text, s.style.size).to_bits(),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn buffers_of_a_long_paragraph_are_not_kept() {
        let long = "字".repeat(SCRATCH_KEEP_CHARS + 1);
        assert!(wrap(&long, 12.0, 400.0).len() > 100);
        SCRATCH.with(|c| assert!(c.borrow().chars.capacity() <= SCRATCH_KEEP_CHARS));
        // An ordinary paragraph's buffers are kept for the next one.
        assert_eq!(wrap("短段落", 12.0, 400.0).len(), 1);
        SCRATCH.with(|c| assert!(c.borrow().chars.capacity() >= 3));
    }

    fn starts_ok(lines: &[String]) {
        for l in lines.iter().skip(1) {
            let first = l.chars().next().unwrap();
            assert!(
                !NO_LINE_START.contains(first),
                "line starts with {first}: {lines:?}"
            );
        }
        for l in lines {
            let last = l.chars().last().unwrap();
            assert!(
                !NO_LINE_END.contains(last),
                "line ends with {last}: {lines:?}"
            );
        }
    }

    #[test]
    fn cjk_kinsoku() {
        let t = "当事人于二〇二四年三月一日（星期五）在本店销售过期食品，违反了《中华人民共和国食品安全法》第三十四条的规定。执法人员当场制作了「现场检查笔录」、询问笔录。";
        for width in [60.0, 71.0, 80.0, 95.0, 100.0, 120.0, 133.0, 150.0] {
            let lines = wrap(t, 10.0, width);
            assert_eq!(lines.concat(), t);
            starts_ok(&lines);
            for l in &lines {
                assert!(measure(l, 10.0) <= width + 0.01, "{l} too wide for {width}");
            }
        }
    }

    #[test]
    fn latin_words_and_newlines() {
        let lines = wrap("hello world foo\nbar", 10.0, 60.0);
        assert_eq!(lines.first().map(String::as_str), Some("hello world"));
        assert_eq!(lines.last().map(String::as_str), Some("bar"));
        assert!(wrap("", 10.0, 50.0).is_empty());
    }
}
