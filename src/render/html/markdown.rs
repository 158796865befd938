//! Markdown materials as safe HTML: CommonMark + tables, with raw HTML shown as text and
//! every link or image that does not point at a file of the same case dropped.
//!
//! The dossier is opened by courts and clerks from USB sticks, and the Markdown comes from
//! case folders anyone may have edited, so nothing in it may run script, load from the network
//! or point outside the dossier.

use super::escape_html;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// Where a file of the case can be reached from a material page.
#[derive(Debug, Clone)]
pub struct Target {
    /// Relative href from the material page (already percent-encoded).
    pub href: String,
    /// Whether a browser can show it in `<img>` (JPEG / PNG).
    pub image: bool,
}

/// The files a Markdown material may link to: case-relative path → target.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Folder of the Markdown file inside the case (`""` or `sub/dir`), for resolving relative
    /// links the way the author wrote them.
    pub base_dir: String,
    /// Case-relative path (`photos/1.jpg`) → where it is in the dossier.
    pub targets: BTreeMap<String, Target>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to HTML that is safe to embed in a dossier page.
pub fn render(text: &str, links: &Links) -> String {
    let mut events: Vec<Event> = Vec::new();
    // For each open link / image: whether it was kept (its End must match).
    let mut open: Vec<bool> = Vec::new();
    // Inside an image, text becomes the alt attribute, which pulldown-cmark escapes itself.
    let mut image_depth = 0usize;
    for ev in Parser::new_ext(text, parser_options()) {
        match ev {
            Event::Start(Tag::HtmlBlock) => {
                // Raw HTML is shown as what it is (source text), never interpreted.
                events.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(
                    CowStr::Borrowed(""),
                ))));
            }
            Event::End(TagEnd::HtmlBlock) => {
                events.push(Event::End(TagEnd::CodeBlock));
            }
            // Text is escaped here, quotes included, so not even a naive scanner can read
            // `src="…"` written in a document as an attribute.
            Event::Html(s) | Event::InlineHtml(s) | Event::Text(s) if image_depth == 0 => {
                events.push(Event::Html(CowStr::from(escape_html(&s))));
            }
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Code(s) if image_depth == 0 => {
                events.push(Event::Html(CowStr::from(format!(
                    "<code>{}</code>",
                    escape_html(&s)
                ))));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match resolve(&dest_url, links) {
                Some(t) => {
                    open.push(true);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(t.href.clone()),
                        title,
                        id,
                    }));
                }
                None => open.push(false),
            },
            Event::End(TagEnd::Link) => {
                if open.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match resolve(&dest_url, links) {
                Some(t) if t.image => {
                    image_depth += 1;
                    open.push(true);
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(t.href.clone()),
                        title,
                        id,
                    }));
                }
                _ => {
                    // The alt text stays readable, marked as a picture that is not shown.
                    open.push(false);
                    events.push(Event::Text(CowStr::Borrowed("［图片：")));
                }
            },
            Event::End(TagEnd::Image) => {
                if open.pop().unwrap_or(false) {
                    image_depth = image_depth.saturating_sub(1);
                    events.push(Event::End(TagEnd::Image));
                } else {
                    events.push(Event::Text(CowStr::Borrowed("］")));
                }
            }
            Event::InlineMath(s) | Event::DisplayMath(s) => events.push(Event::Code(s)),
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// The plain text of a Markdown document (for the search index): text and code, one space
/// between blocks, no markup.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ev in Parser::new_ext(text, parser_options()) {
        match ev {
            Event::Text(s) | Event::Code(s) | Event::Html(s) | Event::InlineHtml(s) => {
                out.push_str(&s)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => {
                out.push(' ')
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Resolves a link destination written in a Markdown file to a file of the same case.
/// Anything with a scheme (`javascript:`, `data:`, `https:`), absolute or protocol-relative
/// paths, fragment-only links and paths leaving the case folder resolve to nothing.
fn resolve<'a>(dest: &str, links: &'a Links) -> Option<&'a Target> {
    let dest = dest.trim();
    // Query and fragment do not name a different file.
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || path.starts_with('/') || path.starts_with('\\') || path.contains('\\') {
        return None;
    }
    // A scheme is letters/digits/+-. before the first ':' (checked before decoding, so an
    // encoded colon cannot smuggle one in; after decoding any ':' is refused too).
    if path.contains(':') {
        return None;
    }
    let decoded = percent_decode(path)?;
    if decoded.contains(':') || decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return None;
    }
    let mut parts: Vec<&str> = links
        .base_dir
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    links.targets.get(&parts.join("/"))
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8 or an escape is malformed.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        let mut targets = BTreeMap::new();
        targets.insert(
            "photos/1.jpg".into(),
            Target {
                href: "files/photos/1.jpg".into(),
                image: true,
            },
        );
        targets.insert(
            "02-笔录.md".into(),
            Target {
                href: "m02.html".into(),
                image: false,
            },
        );
        Links {
            base_dir: String::new(),
            targets,
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let h = render(
            "<script>alert(1)</script>\n\nhi <b onclick=x>b</b>",
            &links(),
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<b "), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        let h = render(
            "<img src=\"https://x/y.png\">\n\ntext src=\"https://x\" `href=\"q\"`",
            &links(),
        );
        assert!(!h.contains("src=\"") && !h.contains("href=\""), "{h}");
    }

    #[test]
    fn hostile_links_are_dropped() {
        for d in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "data:text/html,x",
            "https://example.com/a.jpg",
            "//evil/x",
            "/etc/passwd",
            "../../x",
            "#top",
            "java%73cript:x",
            "photos%2F..%2F..%2Fx",
        ] {
            let h = render(&format!("[a]({d}) ![b]({d})"), &links());
            assert!(!h.contains("href"), "{d}: {h}");
            assert!(!h.contains("src"), "{d}: {h}");
            assert!(h.contains("［图片：b］"), "{d}: {h}");
        }
    }

    #[test]
    fn case_links_are_rewritten() {
        let h = render(
            "[笔录](02-笔录.md) ![照片](photos/1.jpg) ![照片](./photos/%31.jpg)",
            &links(),
        );
        assert!(h.contains("href=\"m02.html\""), "{h}");
        assert_eq!(h.matches("src=\"files/photos/1.jpg\"").count(), 2, "{h}");
    }

    #[test]
    fn tables_and_lists_render() {
        let h = render(
            "# 标题\n\n- 一\n- 二\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            &links(),
        );
        assert!(
            h.contains("<h1>标题</h1>") && h.contains("<li>一</li>") && h.contains("<table>"),
            "{h}"
        );
    }

    #[test]
    fn plain_text_keeps_words() {
        assert_eq!(
            plain_text("# 监测报告\n\n正文 **加粗**"),
            "监测报告 正文 加粗"
        );
    }
}
