//! The bound PDF dossier (issue #4): per 册 a cover, the 卷内文件目录, the materials in
//! binding order with their 页号 stamps, and the 卷内备考表.
//!
//! Pipeline per 册: (1) plan every page (typeset layouts are cached, imported PDFs are
//! opened once), which fixes the page numbers; (2) lay out the 目录 with the real numbers;
//! (3) draw everything with krilla (PDF/A-2b) — an imported PDF page is drawn as a
//! placeholder of its size carrying only the stamp; (4) if there are imports, lopdf swaps
//! each placeholder for the imported page and overlays the stamp as a Form XObject, so
//! links, annotations and rotation of the originals survive.
//!
//! Public drawing primitives for other PDF outputs (the ledger forms) live in [`font`] and
//! [`text`]; [`typeset`] gives display lists.

pub mod deflate;
pub mod font;
pub mod forms;
pub mod images;
pub mod import;
pub mod splice;
pub mod text;
pub mod typeset;

use super::{pdf_name, write_file, Context, RenderError, Rendered, Renderer};
use crate::finding::Finding;
use crate::model::{Archive, FileKind, Material, Volume, VolumeKind};
use crate::paging::Paging;
use crate::profile::{Numbering, StampPosition};
use crate::t;
use chrono::Datelike;
use font::Fonts;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::configure::{Configuration, ConfigurationBuilder, PdfVersion};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::{Document, SerializeSettings};
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use text::{Style, A4_H, A4_W, MM};
use typeset::{DrawPage, Typeset};

/// Renders the bound PDF dossier.
pub struct PdfRenderer;

impl Renderer for PdfRenderer {
    fn name(&self) -> &'static str {
        "pdf"
    }
    fn render_volume(&self, ctx: &Context, volume: &Volume, dir: &Path) -> Rendered {
        let paging = ctx.paging(volume);
        let parts = paging.parts.len();
        let mut findings = Vec::new();
        let keep = ctx.options.keep_numbers.is_some();
        for pi in 0..parts {
            let path = dir.join(pdf_name(volume, pi, parts));
            let (bytes, splices, mut f) = bind_part(ctx.archive, volume, &paging, pi, keep, true)?;
            if splices.is_empty() {
                write_file(&path, &bytes)?;
            } else {
                match splice::write(&path, &bytes, &splices) {
                    Ok(()) => {}
                    // Not the structure the splice expects: bind this 册 with whole files.
                    Err(splice::SpliceError::Structure) => {
                        let (bytes, _, again) =
                            bind_part(ctx.archive, volume, &paging, pi, keep, false)?;
                        f = again;
                        write_file(&path, &bytes)?;
                    }
                    Err(splice::SpliceError::Io(p, e)) => {
                        return Err(RenderError::io("复制扫描件", &p, e))
                    }
                    Err(splice::SpliceError::Changed(p)) => {
                        return Err(RenderError::msg(
                            format!(
                                "{} 在生成过程中被修改；请确认文件后重新运行 build",
                                p.display()
                            ),
                            format!(
                                "{} changed during the build; check it and run build again",
                                p.display()
                            ),
                        ))
                    }
                }
            }
            findings.append(&mut f);
        }
        Ok(findings)
    }
}

fn layout_of(f: &crate::model::MaterialFile) -> Arc<Typeset> {
    typeset::typeset_file(&f.sha256, f.kind == FileKind::Markdown, || {
        f.text().unwrap_or_default()
    })
}

/// What a planned page shows.
enum Content {
    /// A laid-out page (typeset material, AV metadata page, forms).
    Draw(DrawPage),
    /// A page of a typeset file (shared layout).
    Typeset(Arc<Typeset>, usize),
    /// A scan: its file, pixel size and size in bytes.
    Image {
        abs: std::path::PathBuf,
        kind: FileKind,
        rel: String,
        size: (u32, u32),
        bytes: u64,
    },
    /// An imported PDF page: import index and page index; drawn as a stamp placeholder.
    Import { import: usize, page: usize },
}

struct Planned {
    content: Content,
    size: (f32, f32),
    /// The 页号 stamped on the page.
    stamp: Option<u32>,
}

/// Where a material landed: first page index in the document and its 页号 range.
struct Landed {
    first_index: usize,
    first: Option<u32>,
    last: Option<u32>,
}

fn numbering_of(volume: &Volume) -> Numbering {
    volume
        .main_case()
        .map(|c| c.profile.numbering.clone())
        .unwrap_or_default()
}

fn ymd(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y%m%d").to_string())
        .unwrap_or_default()
}

fn human_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y年%m月%d日").to_string())
        .unwrap_or_default()
}

/// A bound 册: the PDF bytes, the scans to splice into them as they are written (see
/// [`splice`]), and warnings.
type Bound = (Vec<u8>, Vec<splice::Splice>, Vec<Finding>);

/// Binds one 册. With `splice_jpegs`, JPEG scans are laid out from placeholders whose
/// bytes [`splice::write`] replaces with the files'; otherwise they are embedded whole.
fn bind_part(
    archive: &Archive,
    volume: &Volume,
    paging: &Paging,
    pi: usize,
    keep_numbers: bool,
    splice_jpegs: bool,
) -> Result<Bound, RenderError> {
    let fonts = Fonts::get().ok_or_else(|| {
        RenderError::msg("内置字体无法解析", "the embedded font cannot be parsed")
    })?;
    let part = &paging.parts[pi];
    let parts = paging.parts.len();
    let numbering = numbering_of(volume);
    let mut findings: Vec<Finding> = Vec::new();
    let warn_glyphs = |findings: &mut Vec<Finding>, text: &str, file: &str, what: &str| {
        let missing = fonts.missing(text);
        if !missing.is_empty() {
            let list: String = missing
                .iter()
                .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
                .collect::<Vec<_>>()
                .join("、");
            findings.push(
                Finding::warning(
                    "font-glyph",
                    t!(format!("{what}中的字符 {list} 在内置字体和系统字体中都没有字形，PDF 中以“〓”代替"), format!("{what}: no font has a glyph for {list}; the PDF shows “〓” instead")),
                    t!("安装含该字符的字体（如 fonts-noto-cjk 或其他 CJK 字体）后重新生成", "install a font that has the character (e.g. fonts-noto-cjk) and build again"),
                )
                .in_file(file.to_string())
                .in_volume(volume.id.clone()),
            );
        }
    };

    // ---- Pass 1: plan material pages -------------------------------------------------
    let mut imports: Vec<import::Import> = Vec::new();
    let mut material_pages: Vec<Vec<Planned>> = Vec::new();
    for pl in &part.items {
        let (case, m) = crate::paging::resolve(volume, pl);
        warn_glyphs(
            &mut findings,
            &format!("{}{}{}{}", m.title, m.doc_no, m.author, m.note),
            &case.manifest_rel,
            &format!("材料“{}”的目录信息", m.title),
        );
        let mut pages = Vec::new();
        if m.is_av() {
            let page = av_page(m, &case.agency);
            pages.push(Planned {
                content: Content::Draw(page),
                size: (A4_W, A4_H),
                stamp: None,
            });
        } else {
            for f in &m.files {
                match f.kind {
                    FileKind::Markdown | FileKind::Text => {
                        let t = layout_of(f);
                        if !t.missing.is_empty() {
                            warn_glyphs(
                                &mut findings,
                                &f.text().unwrap_or_default(),
                                &f.rel,
                                &format!("文件 {}", f.rel_case),
                            );
                        }
                        for i in 0..t.pages.len() {
                            pages.push(Planned {
                                content: Content::Typeset(t.clone(), i),
                                size: (A4_W, A4_H),
                                stamp: None,
                            });
                        }
                    }
                    FileKind::Jpeg | FileKind::Png | FileKind::Tiff => {
                        let size = f.image_size.unwrap_or((1, 1));
                        pages.push(Planned {
                            content: Content::Image {
                                abs: f.abs.clone(),
                                kind: f.kind,
                                rel: f.rel.clone(),
                                size,
                                bytes: f.size,
                            },
                            size: images::page_size(size.0, size.1),
                            stamp: None,
                        });
                    }
                    FileKind::Pdf => {
                        let imp = import::Import::open(&f.abs, &f.rel)
                            .map_err(|e| RenderError::io("读取 PDF", &f.abs, e))?;
                        for w in &imp.warnings {
                            findings.push(
                                Finding::warning(w.rule, w.message.clone(), w.help.clone())
                                    .in_file(f.rel.clone())
                                    .in_volume(volume.id.clone()),
                            );
                        }
                        let idx = imports.len();
                        for (pi2, g) in imp.geometry.iter().enumerate() {
                            pages.push(Planned {
                                content: Content::Import {
                                    import: idx,
                                    page: pi2,
                                },
                                size: (g.width, g.height),
                                stamp: None,
                            });
                        }
                        imports.push(imp);
                    }
                    FileKind::Video | FileKind::Audio => {}
                }
            }
        }
        material_pages.push(pages);
    }

    // ---- The 目录 rows (their layout depends on texts only) ----------------------------
    let entries_for = |landed: &[Landed]| -> Vec<forms::TocEntry> {
        let mut out = Vec::new();
        let mut last_case = usize::MAX;
        let n = part.items.len();
        for (k, pl) in part.items.iter().enumerate() {
            let (case, m) = crate::paging::resolve(volume, pl);
            if volume.kind == VolumeKind::Combined && pl.case != last_case {
                let mut g = case.number.clone();
                if !case.title.is_empty() {
                    g = format!("{g}  {}", case.title);
                }
                out.push(forms::TocEntry::Group(g));
            }
            last_case = pl.case;
            let l = landed.get(k);
            let pages = l
                .map(|l| crate::paging::page_label(l.first, l.last, k + 1 == n))
                .unwrap_or_else(|| "0000-0000".into());
            out.push(forms::TocEntry::Row(forms::TocRow {
                seq: pl.seq,
                doc_no: m.doc_no.clone(),
                author: if m.author.is_empty() {
                    case.agency.clone()
                } else {
                    m.author.clone()
                },
                title: m.title.clone(),
                date: ymd(m.date),
                pages,
                note: toc_note(m),
                target: k,
            }));
        }
        out
    };
    let code = volume.archive_code(&archive.settings);
    let toc_count = forms::toc(&code, &entries_for(&[])).len();
    let front = 1 + toc_count;
    let offset = if numbering.count_front_matter {
        front as u32
    } else {
        0
    };

    // ---- Numbers: continuous from 1 on the first material page --------------------------
    let mut landed = Vec::new();
    let mut index = front;
    let mut number = offset;
    for (k, pages) in material_pages.iter_mut().enumerate() {
        // A partial export keeps the original volume's numbers, gaps and all.
        if keep_numbers {
            if let Some(f) = part.items.get(k).and_then(|pl| pl.first) {
                number = f - 1;
            }
        }
        let first_index = index;
        let first = if pages.is_empty() {
            None
        } else {
            Some(number + 1)
        };
        for p in pages.iter_mut() {
            number += 1;
            p.stamp = Some(number);
            index += 1;
        }
        let last = if pages.is_empty() { None } else { Some(number) };
        landed.push(Landed {
            first_index,
            first,
            last,
        });
    }
    let total_numbered = if keep_numbers {
        material_pages.iter().map(|p| p.len() as u32).sum()
    } else {
        number - offset
    };
    let toc_pages = forms::toc(&code, &entries_for(&landed));

    // ---- Cover and 备考表 ----------------------------------------------------------------
    let main = volume.main_case();
    let (start, end) = volume.date_range();
    let cover = forms::Cover {
        fonds_name: archive.settings.fonds_name.clone(),
        fonds: archive.settings.fonds.clone(),
        catalog: volume.archive.catalog.clone(),
        volume_no: volume.archive.volume_no.clone(),
        archive_code: code.clone(),
        filing_no: volume.archive.filing_no.clone(),
        title: volume.title.clone(),
        category: main
            .map(|c| {
                if c.procedure.is_empty() {
                    c.kind.clone()
                } else {
                    format!("{}（{}）", c.kind, c.procedure)
                }
            })
            .unwrap_or_default(),
        decision_no: volume
            .cases
            .iter()
            .map(|c| c.decision_no.clone())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("、"),
        party: volume
            .cases
            .iter()
            .map(|c| c.party.clone())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("、"),
        agency: main.map(|c| c.agency.clone()).unwrap_or_default(),
        dates: format!("{} 至 {}", human_date(start), human_date(end)),
        retention: volume.retention(),
        secrecy: if volume.archive.secrecy.is_empty() {
            "无".into()
        } else {
            volume.archive.secrecy.clone()
        },
        items: part.items.len(),
        pages: total_numbered,
        part: pi + 1,
        parts,
    };
    let cover_text = format!(
        "{}{}{}{}{}",
        cover.title, cover.party, cover.agency, cover.fonds_name, cover.decision_no
    );
    warn_glyphs(&mut findings, &cover_text, &volume.manifest_rel, "案卷封面");
    let backnote = forms::Backnote {
        archive_code: code.clone(),
        statement: statement(volume, part, &material_pages, total_numbered),
        filed_by: volume.archive.filed_by.clone(),
        checked_by: volume.archive.checked_by.clone(),
        filed_on: human_date(volume.archive.filed_on),
    };
    warn_glyphs(
        &mut findings,
        &backnote.statement,
        &volume.manifest_rel,
        "卷内备考表",
    );

    let doc_id = format!("anjuan:{}:{}", volume.id, pi + 1);
    // ---- Scans: read on every core, before the serial drawing. A JPEG is read only up to
    // its scan data when it is spliced in as the file is written.
    let mut splices = Vec::new();
    let scans: std::collections::HashMap<&Path, Result<krilla::image::Image, String>> = {
        use rayon::prelude::*;
        let mut wanted: Vec<(&Path, FileKind, u64)> = material_pages
            .iter()
            .flatten()
            .filter_map(|p| match &p.content {
                Content::Image {
                    abs, kind, bytes, ..
                } => Some((abs.as_path(), *kind, *bytes)),
                _ => None,
            })
            .collect();
        wanted.sort_unstable_by_key(|w| w.0);
        wanted.dedup_by_key(|w| w.0);
        let loaded: Vec<_> = wanted
            .into_par_iter()
            .enumerate()
            .map(|(i, (abs, kind, bytes))| {
                if splice_jpegs && kind == FileKind::Jpeg {
                    let tag = format!("{doc_id}#{i}");
                    if let Ok(Some(s)) = splice::placeholder(abs, bytes, &tag) {
                        if let Ok(img) =
                            krilla::image::Image::from_jpeg(s.placeholder.clone().into(), false)
                        {
                            return (abs, Ok(img), Some(s));
                        }
                    }
                }
                (abs, images::load(abs, kind), None)
            })
            .collect();
        loaded
            .into_iter()
            .map(|(abs, img, s)| {
                splices.extend(s);
                (abs, img)
            })
            .collect()
    };

    // ---- Pass 2: draw -----------------------------------------------------------------
    let title = if parts > 1 {
        format!("{}（第{}册）", volume.title, pi + 1)
    } else {
        volume.title.clone()
    };
    let draw = |validate: bool| -> Result<Vec<u8>, String> {
        let mut settings = SerializeSettings::default();
        if validate {
            settings.configuration = pdfa_configuration()?;
        }
        // With imports, most pages are placeholders whose (tiny) content becomes a stamp:
        // `import::merge` compresses the other generated streams, once each, instead of
        // krilla deflating every page.
        settings.compress_content_streams = imports.is_empty();
        let mut doc = Document::new_with(settings);
        // PDF/A needs a date: the 立卷 date (else the case's end), never the clock, so
        // the same input gives the same bytes.
        let date = volume
            .archive
            .filed_on
            .or(end)
            .or(start)
            .unwrap_or_default();
        let dt = krilla::metadata::DateTime::new(date.year() as u16)
            .month(date.month() as u8)
            .day(date.day() as u8)
            .utc_offset_hour(8);
        doc.set_metadata(
            Metadata::new()
                .title(title.clone())
                .language("zh-CN".into())
                .creator("anjuan".into())
                .document_id(doc_id.clone())
                .creation_date(dt),
        );

        // Cover.
        {
            let ps = PageSettings::from_wh(A4_W, A4_H)
                .ok_or("page size")?
                .with_page_label(PageLabel::new(None, Some("封面".into()), None));
            let mut page = doc.start_page_with(ps);
            let mut s = page.surface();
            forms::cover(&cover).replay(&mut s);
            s.finish();
            page.finish();
        }
        // 目录.
        for (i, (tp, links)) in toc_pages.iter().enumerate() {
            // krilla writes a label range for every page (an empty one when unset), so
            // every page gets its label explicitly.
            let label = if numbering.count_front_matter {
                Some(PageLabel::new(
                    Some(NumberingStyle::Arabic),
                    None,
                    NonZeroU32::new(2 + i as u32),
                ))
            } else if toc_pages.len() == 1 {
                Some(PageLabel::new(None, Some("目录".into()), None))
            } else {
                Some(PageLabel::new(
                    Some(NumberingStyle::Arabic),
                    Some("目录".into()),
                    NonZeroU32::new(1 + i as u32),
                ))
            };
            let mut ps = PageSettings::from_wh(A4_W, A4_H).ok_or("page size")?;
            if let Some(l) = label {
                ps = ps.with_page_label(l);
            }
            let mut page = doc.start_page_with(ps);
            {
                let mut s = page.surface();
                tp.replay(&mut s);
                if numbering.count_front_matter {
                    stamp(&mut s, (A4_W, A4_H), (2 + i) as u32, &numbering);
                }
                s.finish();
            }
            for (x, y, w, h, target) in links {
                let Some(l) = landed.get(*target) else {
                    continue;
                };
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    let dest = XyzDestination::new(l.first_index, Point::from_xy(0.0, 0.0));
                    page.add_annotation(Annotation::new_link(
                        LinkAnnotation::new(rect, Target::Destination(dest.into())),
                        Some("转到该件材料".into()),
                    ));
                }
            }
            page.finish();
        }
        // Materials.
        for pages in &material_pages {
            for p in pages {
                let ps = PageSettings::from_wh(p.size.0, p.size.1).ok_or("page size")?;
                let ps = ps.with_page_label(PageLabel::new(
                    Some(NumberingStyle::Arabic),
                    None,
                    NonZeroU32::new(p.stamp.unwrap_or(1)),
                ));
                let mut page = doc.start_page_with(ps);
                let mut s = page.surface();
                match &p.content {
                    Content::Draw(d) => d.replay(&mut s),
                    Content::Typeset(t, i) => {
                        if let Some(d) = t.pages.get(*i) {
                            d.replay(&mut s);
                        }
                    }
                    Content::Image {
                        abs,
                        kind,
                        rel,
                        size,
                        ..
                    } => {
                        let img = match scans.get(abs.as_path()) {
                            Some(Ok(img)) => img.clone(),
                            Some(Err(e)) => return Err(format!("{rel}: {e}")),
                            None => images::load(abs, *kind).map_err(|e| format!("{rel}: {e}"))?,
                        };
                        let (x, y, w, h) = images::fit(size.0, size.1);
                        if let Some(sz) = krilla::geom::Size::from_wh(w, h) {
                            s.push_transform(&krilla::geom::Transform::from_translate(x, y));
                            s.draw_image(img, sz);
                            s.pop();
                        }
                    }
                    Content::Import { .. } => {}
                }
                if let Some(n) = p.stamp {
                    stamp(&mut s, p.size, n, &numbering);
                }
                s.finish();
                page.finish();
            }
        }
        // 备考表.
        {
            let ps = PageSettings::from_wh(A4_W, A4_H)
                .ok_or("page size")?
                .with_page_label(PageLabel::new(None, Some("备考表".into()), None));
            let mut page = doc.start_page_with(ps);
            let mut s = page.surface();
            forms::backnote(&backnote).replay(&mut s);
            s.finish();
            page.finish();
        }
        doc.set_outline(outline(
            volume,
            part,
            &landed,
            &material_pages,
            &imports,
            front,
            toc_pages.len(),
        ));
        doc.finish().map_err(|e| format!("{e:?}"))
    };

    let bytes = match draw(true) {
        Ok(b) => b,
        Err(why) => {
            findings.push(
                Finding::warning(
                    "pdf-archival",
                    t!(
                        format!(
                            "第 {} 册生成的页面未通过 PDF/A-2b 校验（{why}），已输出普通 PDF",
                            pi + 1
                        ),
                        format!(
                            "part {} failed PDF/A-2b validation ({why}); wrote a plain PDF",
                            pi + 1
                        )
                    ),
                    t!(
                        "检查材料中的特殊图片或字符",
                        "check the materials for unusual images or characters"
                    ),
                )
                .in_file(volume.manifest_rel.clone())
                .in_volume(volume.id.clone()),
            );
            draw(false).map_err(|e| {
                RenderError::msg(
                    format!("生成 PDF 失败：{e}"),
                    format!("PDF generation failed: {e}"),
                )
            })?
        }
    };
    if imports.is_empty() {
        return Ok((bytes, splices, findings));
    }
    let mut placeholders = Vec::new();
    let mut idx = front;
    for pages in &material_pages {
        for p in pages {
            if let Content::Import { import, page } = p.content {
                placeholders.push(import::Placeholder {
                    index: idx,
                    import,
                    page,
                });
            }
            idx += 1;
        }
    }
    let (merged, warnings) =
        import::merge(&bytes, imports, &placeholders, &doc_id).map_err(|e| {
            RenderError::msg(
                format!("合并导入的 PDF 失败（{}）：{e}", volume.id),
                format!("merging imported PDFs failed ({}): {e}", volume.id),
            )
        })?;
    for w in warnings {
        findings.push(w.in_volume(volume.id.clone()));
    }
    Ok((merged, splices, findings))
}

fn pdfa_configuration() -> Result<Configuration, String> {
    ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_archival_validator(krilla::configure::Archival::A2_B)
        .finish()
        .map_err(|e| format!("{e:?}"))
}

/// Draws a 页号 stamp: digits only, at the profile's corner; in duplex, even (back) pages
/// mirror left/right.
fn stamp(s: &mut krilla::surface::Surface, size: (f32, f32), n: u32, numbering: &Numbering) {
    let (w, h) = size;
    let txt = n.to_string();
    let fs = 12.0;
    let tw = text::measure(&txt, fs);
    let margin = 12.0 * MM;
    let top_y = 12.0 * MM;
    let bottom_y = h - 10.0 * MM;
    let mut pos = numbering.position;
    if numbering.duplex && n.is_multiple_of(2) {
        pos = match pos {
            StampPosition::TopRight => StampPosition::TopLeft,
            StampPosition::TopLeft => StampPosition::TopRight,
            other => other,
        };
    }
    let (x, y) = match pos {
        StampPosition::TopRight => (w - margin - tw, top_y),
        StampPosition::TopLeft => (margin, top_y),
        StampPosition::BottomRight => (w - margin - tw, bottom_y),
        StampPosition::BottomCenter => ((w - tw) / 2.0, bottom_y),
    };
    text::draw_styled(s, x, y, &Style::new(fs), &txt);
}

/// 备注 of a 目录 row: the manifest's note, confidentiality and "另存" for AV records.
fn toc_note(m: &Material) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !m.note.is_empty() {
        parts.push(m.note.clone());
    }
    for c in &m.confidential {
        parts.push(c.label().to_string());
    }
    if m.is_av() {
        parts.push("原件另存".into());
    }
    parts.join("；")
}

/// The metadata page of an audio/video material (办法 第六条 label, files, fixity).
fn av_page(m: &Material, agency: &str) -> DrawPage {
    let mut rows: Vec<(String, String)> = vec![("题名".into(), m.title.clone())];
    if let Some(av) = &m.av {
        let fmt = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
            t.map(|t| t.format("%Y年%m月%d日 %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        rows.push(("记录事项".into(), av.matter.clone()));
        rows.push(("开始时间".into(), fmt(av.start)));
        rows.push(("结束时间".into(), fmt(av.end)));
        rows.push(("地点".into(), av.place.clone()));
        rows.push(("方式".into(), av.method.clone()));
        rows.push(("执法人员".into(), av.officers.join("、")));
        rows.push(("存储期限".into(), av.retention.clone()));
    }
    rows.push((
        "责任者".into(),
        if m.author.is_empty() {
            agency.to_string()
        } else {
            m.author.clone()
        },
    ));
    rows.push(("形成日期".into(), human_date(m.date)));
    for (i, f) in m.files.iter().enumerate() {
        let n = if m.files.len() > 1 {
            format!("{}", i + 1)
        } else {
            String::new()
        };
        rows.push((format!("文件名{n}"), f.rel_case.clone()));
        rows.push((
            format!("文件大小{n}"),
            format!("{} 字节（{}）", f.size, human_size(f.size)),
        ));
        rows.push((format!("SHA-256{n}"), f.sha256.clone()));
    }
    if !m.note.is_empty() {
        rows.push(("备注".into(), m.note.clone()));
    }
    let heading = if m.files.iter().all(|f| f.kind == FileKind::Audio) {
        "录音资料说明"
    } else {
        "音像资料说明"
    };
    forms::av_page(
        heading,
        &rows,
        "本件为音像资料，原始文件不装订入卷，另存于随卷移交的存储介质（光盘/硬盘）中，按上列文件名和 SHA-256 校验值核对；本页代替原件装订并编入页号。",
    )
}

fn human_size(n: u64) -> String {
    let n = n as f64;
    if n >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", n / 1024.0 / 1024.0 / 1024.0)
    } else if n >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", n / 1024.0 / 1024.0)
    } else {
        format!("{:.1} KiB", n / 1024.0)
    }
}

/// The 本卷情况说明 of the 备考表.
fn statement(
    volume: &Volume,
    part: &crate::paging::Part,
    pages: &[Vec<Planned>],
    total: u32,
) -> String {
    let (mut text_p, mut photo_p, mut drawing_p, mut av) = (0u32, 0u32, 0u32, 0usize);
    for (pl, planned) in part.items.iter().zip(pages) {
        let (_, m) = crate::paging::resolve(volume, pl);
        let n = planned.len() as u32;
        let ty = m.type_name.as_deref().unwrap_or(&m.type_written);
        if m.is_av() {
            av += m.files.len();
            text_p += n;
        } else if m.is_image()
            && (ty.contains("照片") || ty.contains("图片") || ty.contains("影像"))
        {
            photo_p += n;
        } else if m.is_image() && ty.contains('图') {
            drawing_p += n;
        } else {
            text_p += n;
        }
    }
    let mut s = format!(
        "本卷共有文件材料 {} 件，共 {} 页。其中：文字材料 {} 页，照片 {} 页，图样 {} 页",
        part.items.len(),
        total,
        text_p,
        photo_p,
        drawing_p
    );
    if av > 0 {
        s.push_str(&format!("；音像资料 {av} 件，原件另存，卷内以说明页代替"));
    }
    s.push('。');
    if !volume.archive.remarks.trim().is_empty() {
        s.push('\n');
        s.push_str(volume.archive.remarks.trim());
    }
    s
}

/// The outline: 封面, 卷内文件目录 → each material (grouped by case in a combined volume)
/// → an imported PDF's own outline, then 卷内备考表.
fn outline(
    volume: &Volume,
    part: &crate::paging::Part,
    landed: &[Landed],
    pages: &[Vec<Planned>],
    imports: &[import::Import],
    front: usize,
    toc_len: usize,
) -> Outline {
    let dest = |i: usize| XyzDestination::new(i, Point::from_xy(0.0, 0.0));
    let mut o = Outline::new();
    o.push_child(OutlineNode::new("案卷封面".into(), dest(0)));
    let mut toc = OutlineNode::new("卷内文件目录".into(), dest(1)).with_open(true);
    let mut group: Option<(usize, OutlineNode)> = None;
    for (k, pl) in part.items.iter().enumerate() {
        let (case, m) = crate::paging::resolve(volume, pl);
        let Some(l) = landed.get(k) else { continue };
        let label = crate::paging::page_label(l.first, l.last, true);
        let mut node = OutlineNode::new(
            format!("{} {}（{}）", pl.seq, m.title, label),
            dest(l.first_index),
        );
        // The imports' own outlines, nested under the material.
        for (idx, p) in (l.first_index..).zip(pages[k].iter()) {
            if let Content::Import { import, page: 0 } = p.content {
                if let Some(imp) = imports.get(import) {
                    for child in imp.outline_nodes(idx) {
                        node.push_child(child);
                    }
                }
            }
        }
        if volume.kind == VolumeKind::Combined {
            if group.as_ref().map(|g| g.0) != Some(pl.case) {
                if let Some((_, g)) = group.take() {
                    toc.push_child(g);
                }
                group = Some((
                    pl.case,
                    OutlineNode::new(
                        format!("{} {}", case.number, case.title),
                        dest(l.first_index),
                    ),
                ));
            }
            if let Some((_, g)) = group.as_mut() {
                g.push_child(node);
            }
        } else {
            toc.push_child(node);
        }
    }
    if let Some((_, g)) = group.take() {
        toc.push_child(g);
    }
    o.push_child(toc);
    let last = front + pages.iter().map(|p| p.len()).sum::<usize>();
    let _ = toc_len;
    o.push_child(OutlineNode::new("卷内备考表".into(), dest(last)));
    o
}
