//! The offline HTML dossier: an archive index, a search page and, per volume, the cover,
//! 卷内文件目录 and 备考表, one page per material and byte-identical copies of the files.
//!
//! Everything works from `file://` with no network: links are relative and end in a file
//! name, scripts are classic external files (the search index is a JS literal, not fetched),
//! and a Content-Security-Policy forbids any load from elsewhere. Templates, CSS and JS come
//! from the theme (`themes/default/`, overridable per file).

pub mod context;
pub mod export;
pub mod markdown;
pub mod search;

use super::{pdf_name, write_file, write_file_into, Context, RenderError, Rendered, Renderer};
use crate::model::{Case, FileKind, Material, MaterialFile, Volume, VolumeKind};
use crate::paging::{page_label, Paging, Placement};
use crate::theme::Theme;
use chrono::{DateTime, FixedOffset, NaiveDate};
use context::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The Content-Security-Policy of every page. Only files next to the page may load: `'self'`
/// for browsers that give `file://` pages an origin, `file:` for those that treat each file
/// as opaque (Chromium, Firefox). No inline script or style, no network.
pub const CSP: &str = "default-src 'none'; script-src 'self' file:; style-src 'self' file:; img-src 'self' file:; media-src 'self' file:; object-src 'self' file:; frame-src 'self' file:; form-action 'self' file:; base-uri 'none'";

/// Renders the HTML dossier.
pub struct HtmlRenderer;

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render_volume(&self, ctx: &Context, volume: &Volume, dir: &Path) -> Rendered {
        let tera = templates(ctx.theme)?;
        let layout = Layout::of(ctx, volume);
        write_assets(ctx.theme, &dir.join("assets"))?;
        copy_files(volume, &layout, dir)?;
        let site = site(ctx, "../");
        // `dir` exists now (the assets were written below it).
        for (i, entry) in layout.entries.iter().enumerate() {
            let page = material_page(ctx, volume, &layout, i, site.clone());
            let html = render(&tera, "material.html", &page)?;
            write_file_into(&dir.join(&entry.page), html.as_bytes())?;
        }
        let page = volume_page(ctx, volume, &layout, site);
        write_file_into(
            &dir.join("index.html"),
            render(&tera, "volume.html", &page)?.as_bytes(),
        )?;
        Ok(Vec::new())
    }

    fn render_archive(&self, ctx: &Context, out: &Path) -> Rendered {
        let tera = templates(ctx.theme)?;
        write_assets(ctx.theme, &out.join("assets"))?;
        let site = site(ctx, "");
        // One pass over the volumes for both the archive index and the search script: in a
        // streaming build each pass loads every volume again.
        let path = out.join("assets").join("search-index.js");
        let write_err = |e| crate::render::RenderError::io("写入文件", &path, e);
        let mut script = std::fs::File::create(&path)
            .map(std::io::BufWriter::new)
            .and_then(search::Script::begin)
            .map_err(write_err)?;
        let mut rows: Vec<VolumeRow> = Vec::with_capacity(ctx.volumes.count());
        let mut failed = None;
        ctx.volumes
            .each(&mut |v| {
                rows.push(volume_row(ctx, v));
                if failed.is_none() {
                    failed = script.add(v, &Layout::of(ctx, v)).err();
                }
            })
            .map_err(|e| crate::render::RenderError::io("读取案卷", &ctx.archive.root, e))?;
        if let Some(e) = failed {
            return Err(write_err(e));
        }
        let entries = script
            .finish()
            .and_then(|(n, mut w)| std::io::Write::flush(&mut w).map(|_| n))
            .map_err(write_err)?;
        let page = archive_page(rows, site.clone());
        write_file(
            &out.join("index.html"),
            render(&tera, "archive.html", &page)?.as_bytes(),
        )?;
        let page = SearchPage {
            site,
            entries,
            volumes: ctx.volumes.count(),
        };
        write_file(
            &out.join("search.html"),
            render(&tera, "search.html", &page)?.as_bytes(),
        )?;
        Ok(Vec::new())
    }
}

/// Where each material of a volume goes: its page name and its files' places under `files/`.
pub struct Layout {
    /// The shared page numbering.
    pub paging: Paging,
    /// Materials in binding order.
    pub entries: Vec<Entry>,
    /// Per case: the folder under `files/` (`""` for a single volume).
    pub prefixes: Vec<String>,
}

/// One material in the layout.
pub struct Entry {
    /// Its placement in the numbering.
    pub place: Placement,
    /// Page file name, `m01.html`, …
    pub page: String,
}

impl Layout {
    /// Lays out a volume.
    pub fn of(ctx: &Context, volume: &Volume) -> Layout {
        let paging = ctx.paging(volume);
        let width = 2.max(paging.all().count().to_string().len());
        let entries = paging
            .all()
            .enumerate()
            .map(|(i, p)| Entry {
                place: p.clone(),
                page: format!("m{:0width$}.html", i + 1),
            })
            .collect();
        Layout {
            paging,
            entries,
            prefixes: case_prefixes(volume),
        }
    }

    /// The path of a file's copy relative to the volume folder (`files/…`), unencoded.
    pub fn file_path(&self, case: usize, file: &MaterialFile) -> String {
        let rel = safe_rel(&file.rel_case, &file.rel);
        match self.prefixes.get(case).filter(|p| !p.is_empty()) {
            Some(p) => format!("files/{p}/{rel}"),
            None => format!("files/{rel}"),
        }
    }

    /// The page of a material.
    pub fn page_of(&self, case: usize, material: usize) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.place.case == case && e.place.material == material)
            .map(|e| e.page.as_str())
    }
}

/// Folders under `files/` per case: none for a single volume; the case id for a combined one
/// (so two cases' `photos/01.jpg` do not collide), made safe and unique.
fn case_prefixes(volume: &Volume) -> Vec<String> {
    if volume.kind == VolumeKind::Single && volume.cases.len() <= 1 {
        return vec![String::new(); volume.cases.len()];
    }
    let mut seen = BTreeSet::new();
    volume
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut p: String =
                c.id.chars()
                    .map(|ch| {
                        if ch == '/' || ch == '\\' || ch.is_control() || ch == ':' {
                            '_'
                        } else {
                            ch
                        }
                    })
                    .collect();
            if p.is_empty() || p.starts_with('.') {
                p = format!("case-{}", i + 1);
            }
            while !seen.insert(p.clone()) {
                p = format!("{p}-{}", i + 1);
            }
            p
        })
        .collect()
}

/// A case-relative path with only normal segments; a path that has anything else (which
/// `load` does not let through) falls back to its root-relative form flattened.
fn safe_rel(rel_case: &str, rel: &str) -> String {
    let ok =
        |s: &str| !s.is_empty() && s != "." && s != ".." && !s.contains('\\') && !s.contains(':');
    if rel_case.split('/').all(ok) {
        return rel_case.to_string();
    }
    let flat: String = rel
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("_/{}", flat.trim_start_matches('.'))
}

/// Percent-encodes a `/`-separated relative path for an href: every byte outside the
/// unreserved set is escaped, so CJK names and spaces resolve from `file://` everywhere.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Builds the template engine over the theme's `templates/*.html`.
fn templates(theme: &Theme) -> Result<tera::Tera, RenderError> {
    let mut tera = tera::Tera::default();
    tera.set_escape_fn(crate::render::tera_escape);
    let mut list = Vec::new();
    for name in theme.files.keys() {
        if let Some(short) = name.strip_prefix("templates/") {
            let text = theme.text(name).ok_or_else(|| {
                RenderError::msg(
                    format!("主题模板 {name} 不是 UTF-8 文本"),
                    format!("theme template {name} is not UTF-8"),
                )
            })?;
            list.push((short.to_string(), text.to_string()));
        }
    }
    tera.add_raw_templates(list).map_err(|e| {
        RenderError::msg(
            format!("主题模板有错误：{}", error_chain(&e)),
            format!("theme template error: {}", error_chain(&e)),
        )
    })?;
    Ok(tera)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn render<T: Serialize>(tera: &tera::Tera, name: &str, page: &T) -> Result<String, RenderError> {
    let ctx = tera::Context::from_serialize(page).map_err(|e| {
        RenderError::msg(
            format!("模板数据错误：{e}"),
            format!("template context error: {e}"),
        )
    })?;
    tera.render(name, &ctx).map_err(|e| {
        RenderError::msg(
            format!("渲染模板 {name} 失败：{}", error_chain(&e)),
            format!("rendering template {name} failed: {}", error_chain(&e)),
        )
    })
}

/// Copies the theme's static files (everything but templates and its README) to `dir`.
fn write_assets(theme: &Theme, dir: &Path) -> Result<(), RenderError> {
    for (rel, bytes) in &theme.files {
        // Only static assets: templates (the dossier's and the ledger's) stay inside the tool.
        let is_static = ["css/", "js/", "img/", "images/", "fonts/"]
            .iter()
            .any(|d| rel.starts_with(d));
        if !is_static {
            continue;
        }
        if rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            continue;
        }
        write_file(&dir.join(rel), bytes)?;
    }
    Ok(())
}

/// Copies every material file byte for byte (streamed: AV files may be gigabytes).
fn copy_files(volume: &Volume, layout: &Layout, dir: &Path) -> Result<(), RenderError> {
    // Each folder is made once, not once per file (a failed mkdir and a stat each time).
    let mut made = std::collections::HashSet::new();
    for (ci, c) in volume.cases.iter().enumerate() {
        for m in &c.materials {
            for f in &m.files {
                let dest = dir.join(layout.file_path(ci, f));
                if let Some(parent) = dest.parent() {
                    if !made.contains(parent) {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| RenderError::io("创建文件夹", parent, e))?;
                        made.insert(parent.to_path_buf());
                    }
                }
                std::fs::copy(&f.abs, &dest)
                    .map_err(|e| RenderError::io("复制材料文件", &f.abs, e))?;
            }
        }
    }
    Ok(())
}

fn site(ctx: &Context, root: &str) -> Site {
    let s = &ctx.archive.settings;
    Site {
        root: root.to_string(),
        assets: "assets/".to_string(),
        csp: CSP.to_string(),
        fonds_name: s.fonds_name.clone(),
        fonds: s.fonds.clone(),
        generator: format!("anjuan {}", env!("CARGO_PKG_VERSION")),
        archive_href: format!("{root}index.html"),
        search_href: format!("{root}search.html"),
        ledger_register_href: ctx
            .options
            .has("ledger")
            .then(|| format!("{root}ledger-register.html")),
    }
}

/// `2024-03-01`.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `20240301` (卷内文件目录 practice, DA/T 22).
fn date8(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y%m%d").to_string())
        .unwrap_or_default()
}

/// `2024-03-02 09:30`, with the offset when it is not Beijing time.
fn datetime(t: Option<DateTime<FixedOffset>>) -> String {
    match t {
        Some(t) if t.offset().local_minus_utc() == 8 * 3600 => {
            t.format("%Y-%m-%d %H:%M").to_string()
        }
        Some(t) => t.format("%Y-%m-%d %H:%M (UTC%:z)").to_string(),
        None => String::new(),
    }
}

/// `1.2 MB`.
fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} 字节");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn category(c: &Case) -> String {
    if c.procedure.is_empty() {
        c.kind.clone()
    } else {
        format!("{}（{}）", c.kind, c.procedure)
    }
}

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let mut seen = Vec::new();
    for s in it.filter(|s| !s.is_empty()) {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.join("、")
}

fn secrecy_mark(volume: &Volume) -> Option<String> {
    let s = volume.archive.secrecy.trim();
    (!s.is_empty() && s != "无" && s != "公开").then(|| s.to_string())
}

fn material_kind(m: &Material) -> &'static str {
    if m.is_av() {
        "av"
    } else if m.is_image() {
        "image"
    } else if m.files.iter().all(|f| f.kind == FileKind::Pdf) && !m.files.is_empty() {
        "pdf"
    } else if m.files.iter().all(|f| f.kind.is_typeset()) {
        "text"
    } else {
        "mixed"
    }
}

fn is_photo(m: &Material) -> bool {
    let t = m.type_name.as_deref().unwrap_or(&m.type_written);
    t.contains("照片") || t.contains("图片")
}

fn volume_status(v: &Volume) -> &'static str {
    if v.cases
        .iter()
        .any(|c| c.status == crate::model::CaseStatus::Open)
    {
        crate::model::CaseStatus::Open.label()
    } else {
        crate::model::CaseStatus::Closed.label()
    }
}

fn volume_category(v: &Volume) -> String {
    join(v.cases.iter().map(|c| c.kind.as_str()))
        .split('、')
        .next()
        .unwrap_or_default()
        .to_string()
        + &v.main_case()
            .filter(|c| !c.procedure.is_empty())
            .map(|c| format!("（{}）", c.procedure))
            .unwrap_or_default()
}

fn volume_row(ctx: &Context, v: &Volume) -> VolumeRow {
    let (start, end) = v.date_range();
    let paging = ctx.paging(v);
    VolumeRow {
        id: v.id.clone(),
        href: encode_path(&format!("{}/index.html", v.id)),
        archive_code: v.archive_code(&ctx.archive.settings),
        filing_no: v.archive.filing_no.clone(),
        title: v.title.clone(),
        numbers: join(v.cases.iter().map(|c| c.number.as_str())),
        parties: join(v.cases.iter().map(|c| c.party.as_str())),
        kind: v.main_case().map(|c| c.kind.clone()).unwrap_or_default(),
        category: volume_category(v),
        year: end
            .or(start)
            .map(|d| d.format("%Y").to_string())
            .unwrap_or_default(),
        status: volume_status(v).to_string(),
        start: date(start),
        end: date(end),
        cases: v.cases.len(),
        items: v.item_count(),
        pages: paging.total_pages(),
        retention: v.retention(),
        secrecy: v.archive.secrecy.clone(),
    }
}

fn archive_page(volumes: Vec<VolumeRow>, site: Site) -> ArchivePage {
    let distinct = |f: fn(&VolumeRow) -> &String| -> Vec<String> {
        volumes
            .iter()
            .map(f)
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let totals = Totals {
        volumes: volumes.len(),
        cases: volumes.iter().map(|v| v.cases).sum(),
        items: volumes.iter().map(|v| v.items).sum(),
        pages: volumes.iter().map(|v| v.pages).sum(),
    };
    ArchivePage {
        kinds: distinct(|v| &v.kind),
        years: distinct(|v| &v.year),
        statuses: distinct(|v| &v.status),
        volumes,
        totals,
        site,
    }
}

fn volume_page(ctx: &Context, v: &Volume, layout: &Layout, site: Site) -> VolumePage {
    let settings = &ctx.archive.settings;
    let combined = v.kind == VolumeKind::Combined;
    let main = v.main_case();
    let (start, end) = v.date_range();
    let parts = layout.paging.parts.len();
    let total_pages = layout.paging.total_pages();
    let pick = |f: fn(&Case) -> &str| {
        if combined {
            String::new()
        } else {
            main.map(|c| f(c).to_string()).unwrap_or_default()
        }
    };
    let cover = Cover {
        fonds_name: settings.fonds_name.clone(),
        fonds: settings.fonds.clone(),
        catalog: v.archive.catalog.clone(),
        volume_no: v.archive.volume_no.clone(),
        archive_code: v.archive_code(settings),
        filing_no: v.archive.filing_no.clone(),
        category: volume_category(v),
        title: v.title.clone(),
        case_number: pick(|c| &c.number),
        decision_no: pick(|c| &c.decision_no),
        party: pick(|c| &c.party),
        agency: join(v.cases.iter().map(|c| c.agency.as_str())),
        handlers: join(
            v.cases
                .iter()
                .flat_map(|c| c.handlers.iter().map(String::as_str)),
        ),
        start: date(start),
        end: date(end),
        retention: v.retention(),
        secrecy: v.archive.secrecy.clone(),
        items: v.item_count(),
        pages: total_pages,
        cases: v.cases.len(),
        parts: if parts > 1 {
            format!("共 {parts} 册")
        } else {
            String::new()
        },
        filed_by: v.archive.filed_by.clone(),
        checked_by: v.archive.checked_by.clone(),
        filed_on: date(v.archive.filed_on),
    };

    let mut toc = Vec::new();
    for part in &layout.paging.parts {
        let mut groups: Vec<TocGroup> = Vec::new();
        let last = part.items.len().saturating_sub(1);
        for (i, p) in part.items.iter().enumerate() {
            let c = &v.cases[p.case];
            let m = &c.materials[p.material];
            // A new group starts wherever the case changes (cases are bound one after another).
            if i == 0 || part.items[i - 1].case != p.case {
                let head =
                    combined.then(|| case_head(c, part.items.iter().filter(|q| q.case == p.case)));
                groups.push(TocGroup {
                    case: head,
                    rows: Vec::new(),
                });
            }
            let page = layout.page_of(p.case, p.material).unwrap_or_default();
            if let Some(g) = groups.last_mut() {
                g.rows.push(toc_row(m, p, i == last, page));
            }
        }
        toc.push(TocPart {
            label: if parts > 1 {
                format!("第 {} 册", part.index + 1)
            } else {
                String::new()
            },
            pages: part.pages,
            groups,
        });
    }

    let mut notes = Notes {
        summary: String::new(),
        remarks: v.archive.remarks.clone(),
        items: v.item_count(),
        pages: total_pages,
        text_pages: 0,
        scan_pages: 0,
        photos: 0,
        av_items: 0,
        filed_by: v.archive.filed_by.clone(),
        checked_by: v.archive.checked_by.clone(),
        filed_on: date(v.archive.filed_on),
    };
    let mut av_pages = 0u32;
    for (_, m) in v.materials() {
        if m.is_av() {
            notes.av_items += 1;
            av_pages += m.pages().unwrap_or(1);
            continue;
        }
        let images = m.files.iter().filter(|f| f.kind.is_image()).count() as u32;
        if is_photo(m) {
            notes.photos += images;
        } else {
            notes.scan_pages += images;
        }
    }
    notes.text_pages = total_pages.saturating_sub(notes.photos + av_pages);
    notes.summary = notes_summary(&notes, av_pages);

    let mut outputs = Vec::new();
    if ctx.options.has("pdf") {
        for i in 0..parts.max(1) {
            let name = pdf_name(v, i, parts).to_string_lossy().into_owned();
            let label = if parts > 1 {
                format!("装订 PDF（第 {} 册）", i + 1)
            } else {
                "装订 PDF".to_string()
            };
            outputs.push(Link {
                href: encode_path(&name),
                label,
            });
        }
    }
    if ctx.options.has("ledger") {
        outputs.push(Link {
            href: "ledger.html".into(),
            label: "查阅（复印）台账".into(),
        });
    }
    VolumePage {
        site,
        id: v.id.clone(),
        combined,
        cover,
        toc,
        notes,
        outputs,
        secrecy_mark: secrecy_mark(v),
    }
}

fn case_head<'a>(c: &Case, items: impl Iterator<Item = &'a Placement>) -> CaseHead {
    let items: Vec<&Placement> = items.collect();
    let first = items.iter().find_map(|p| p.first);
    let last = items.iter().rev().find_map(|p| p.last);
    CaseHead {
        number: c.number.clone(),
        title: c.title.clone(),
        party: c.party.clone(),
        decision_no: c.decision_no.clone(),
        date: date(c.decided.or(c.opened)),
        pages: page_label(first, last, true),
    }
}

fn toc_row(m: &Material, p: &Placement, last: bool, page: &str) -> TocRow {
    let mut note = m.note.clone();
    if m.is_av() && !note.contains("另存") {
        note = if note.is_empty() {
            "另存".to_string()
        } else {
            format!("{note}；另存")
        };
    }
    TocRow {
        seq: p.seq,
        doc_no: m.doc_no.clone(),
        author: m.author.clone(),
        title: m.title.clone(),
        date: date8(m.date),
        pages: page_label(p.first, p.last, last),
        note,
        confidential: m
            .confidential
            .iter()
            .map(|s| s.label().to_string())
            .collect(),
        href: encode_path(page),
        kind: material_kind(m).to_string(),
    }
}

fn notes_summary(n: &Notes, av_pages: u32) -> String {
    let mut s = format!("本卷共 {} 件，{} 页", n.items, n.pages);
    let mut parts = Vec::new();
    if n.text_pages > 0 {
        if n.scan_pages > 0 {
            parts.push(format!(
                "文字材料 {} 页（含扫描件 {} 页）",
                n.text_pages, n.scan_pages
            ));
        } else {
            parts.push(format!("文字材料 {} 页", n.text_pages));
        }
    }
    if n.photos > 0 {
        parts.push(format!("照片 {} 张", n.photos));
    }
    if n.av_items > 0 {
        parts.push(format!(
            "音像资料 {} 件（不装订，以说明页 {} 页代替）",
            n.av_items, av_pages
        ));
    }
    if !parts.is_empty() {
        s.push_str("，其中");
        s.push_str(&parts.join("，"));
    }
    s.push('。');
    s
}

fn material_page(ctx: &Context, v: &Volume, layout: &Layout, i: usize, site: Site) -> MaterialPage {
    let entry = &layout.entries[i];
    let p = &entry.place;
    let c = &v.cases[p.case];
    let m = &c.materials[p.material];
    let links = markdown_links(c, p.case, layout);
    let mut files = Vec::new();
    let mut image_no = 0;
    for f in &m.files {
        let path = layout.file_path(p.case, f);
        let kind = match f.kind {
            FileKind::Markdown => "markdown",
            FileKind::Text => "text",
            FileKind::Pdf => "pdf",
            FileKind::Jpeg | FileKind::Png => "image",
            FileKind::Tiff => "tiff",
            FileKind::Video => "video",
            FileKind::Audio => "audio",
        };
        let text = f.text();
        let html = match (f.kind, text.as_deref()) {
            (FileKind::Markdown, Some(t)) => {
                let base = f
                    .rel_case
                    .rsplit_once('/')
                    .map(|(d, _)| d.to_string())
                    .unwrap_or_default();
                Some(markdown::render(
                    t,
                    &markdown::Links {
                        base_dir: base,
                        targets: links.clone(),
                    },
                ))
            }
            (FileKind::Text, Some(t)) => Some(format!(
                "<pre class=\"plain-text\">{}</pre>",
                escape_html(t)
            )),
            _ => None,
        };
        let caption = if f.kind.is_image() {
            image_no += 1;
            format!("第 {image_no} 张")
        } else {
            String::new()
        };
        files.push(FileView {
            kind: kind.to_string(),
            name: f
                .rel_case
                .rsplit('/')
                .next()
                .unwrap_or(&f.rel_case)
                .to_string(),
            path: f.rel_case.clone(),
            href: encode_path(&path),
            mime: f.mime.to_string(),
            size: human_size(f.size),
            bytes: f.size,
            sha256: f.sha256.clone(),
            html,
            caption,
        });
    }
    let nav = |j: usize| {
        layout.entries.get(j).map(|e| {
            let (_, mm) = crate::paging::resolve(v, &e.place);
            Link {
                href: encode_path(&e.page),
                label: mm.title.clone(),
            }
        })
    };
    let parts = layout.paging.parts.len();
    MaterialPage {
        site,
        volume: VolumeRef {
            id: v.id.clone(),
            title: v.title.clone(),
            archive_code: v.archive_code(&ctx.archive.settings),
            href: "index.html".into(),
            secrecy_mark: secrecy_mark(v),
        },
        case: CaseRef {
            id: c.id.clone(),
            number: c.number.clone(),
            title: c.title.clone(),
            party: c.party.clone(),
        },
        material: MaterialInfo {
            seq: p.seq,
            page: entry.page.clone(),
            kind: m
                .type_name
                .clone()
                .unwrap_or_else(|| m.type_written.clone()),
            title: m.title.clone(),
            doc_no: m.doc_no.clone(),
            author: m.author.clone(),
            date: date(m.date),
            pages: page_label(p.first, p.last, true),
            part: if parts > 1 {
                format!("第 {} 册", p.part + 1)
            } else {
                String::new()
            },
            note: m.note.clone(),
            confidential: m
                .confidential
                .iter()
                .map(|s| s.label().to_string())
                .collect(),
        },
        files,
        av: m.av.as_ref().map(|a| AvView {
            matter: a.matter.clone(),
            start: datetime(a.start),
            end: datetime(a.end),
            place: a.place.clone(),
            method: a.method.clone(),
            officers: a.officers.join("、"),
            retention: a.retention.clone(),
        }),
        prev: i.checked_sub(1).and_then(nav),
        next: nav(i + 1),
    }
}

/// The files of a case a Markdown material may link to: Markdown/text materials go to their
/// page, other files to their copy (images are the only ones shown inline).
fn markdown_links(c: &Case, ci: usize, layout: &Layout) -> BTreeMap<String, markdown::Target> {
    let mut t = BTreeMap::new();
    for (mi, m) in c.materials.iter().enumerate() {
        let page = layout.page_of(ci, mi);
        for f in &m.files {
            let href = match page {
                Some(pg) if f.kind.is_typeset() => encode_path(pg),
                _ => encode_path(&layout.file_path(ci, f)),
            };
            t.insert(
                f.rel_case.clone(),
                markdown::Target {
                    href,
                    image: matches!(f.kind, FileKind::Jpeg | FileKind::Png),
                },
            );
        }
    }
    t
}

pub use crate::render::escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            encode_path("files/照片 1.jpg"),
            "files/%E7%85%A7%E7%89%87%201.jpg"
        );
        assert_eq!(encode_path("m01.html"), "m01.html");
        assert_eq!(encode_path("a\"b<c>#?%"), "a%22b%3Cc%3E%23%3F%25");
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(12), "12 字节");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn unsafe_relative_paths_are_flattened() {
        assert_eq!(safe_rel("photos/1.jpg", "x/photos/1.jpg"), "photos/1.jpg");
        assert_eq!(safe_rel("../x", "a/../x"), "_/a_.._x");
    }
}
