//! Renderers: independent outputs over the checked model (HTML dossier, bound PDF, ledger
//! forms). Each writes into a staging folder; `build` makes the result appear atomically.

pub mod html;
pub mod ledger;
pub mod pdf;

use crate::finding::Finding;
use crate::model::{Archive, Volume};
use crate::paging::Paging;
use crate::profile::ProfileSet;
use crate::theme::Theme;
use std::path::{Path, PathBuf};

/// Options shared by renderers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Extra pages of blank rows in the ledger form.
    pub ledger_blank_pages: u32,
    /// Which renderers run (names), for links between outputs (the HTML links the PDF only
    /// when the PDF is built).
    pub enabled: Vec<&'static str>,
    /// Page numbers to keep (by case id and manifest index of the material), for exports of
    /// part of a volume: references to the original volume's 页号 must stay valid.
    pub keep_numbers: Option<
        std::sync::Arc<std::collections::BTreeMap<(String, usize), crate::paging::Placement>>,
    >,
    /// Set for exports: who the export is for (shown on generated pages).
    pub export_for: Option<String>,
}

impl Options {
    /// Whether a renderer is enabled.
    pub fn has(&self, name: &str) -> bool {
        self.enabled.contains(&name)
    }
}

/// Everything a renderer may read.
pub struct Context<'a> {
    /// The checked archive: its root and settings, and its volumes when it is loaded whole
    /// (a streaming build renders each volume with an archive of that volume alone).
    pub archive: &'a Archive,
    /// Every volume, for the archive pages.
    pub volumes: &'a dyn Volumes,
    /// Profiles in force.
    pub profiles: &'a ProfileSet,
    /// Theme files after overrides.
    pub theme: &'a Theme,
    /// Options.
    pub options: &'a Options,
    /// SHA-256 of each sealed volume's package manifest (`manifest-sha256.txt`), by volume
    /// id, filled as packages are written (before the ledger forms are drawn).
    pub seals: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

/// The archive's volumes as the archive pages see them: one at a time, in id order. A
/// loaded archive lends its list; a streaming build loads each volume again when its turn
/// comes, so the whole model is never in memory at once.
pub trait Volumes: Sync {
    /// How many volumes there are.
    fn count(&self) -> usize;
    /// Calls `f` with each volume, in id order; fails when a volume cannot be loaded again.
    fn each(&self, f: &mut dyn FnMut(&Volume)) -> std::io::Result<()>;
}

impl Volumes for Vec<Volume> {
    fn count(&self) -> usize {
        self.len()
    }
    fn each(&self, f: &mut dyn FnMut(&Volume)) -> std::io::Result<()> {
        self.iter().for_each(f);
        Ok(())
    }
}

impl Context<'_> {
    /// What identifies a volume on paper (the ledger's QR code): the SHA-256 of its package
    /// manifest when sealed, else of its manifest files (see `ledger::qr`).
    pub fn seal_digest(&self, v: &Volume) -> std::io::Result<String> {
        if let Some(d) = self.seals.lock().ok().and_then(|m| m.get(&v.id).cloned()) {
            return Ok(d);
        }
        crate::render::ledger::qr::manifest_digest(self.archive, v)
    }

    /// The numbering of a volume (front pages not counted unless the profile says so). In an
    /// export the original volume's numbers are kept.
    pub fn paging(&self, v: &Volume) -> Paging {
        match &self.options.keep_numbers {
            Some(map) => Paging::kept(v, map),
            None => Paging::of(v, self.archive.settings.max_volume_pages, 0),
        }
    }
}

/// A renderer failure that stops the build (I/O, template errors), with context.
#[derive(Debug)]
pub struct RenderError {
    /// What failed, in both languages.
    pub message: crate::finding::Text,
}

impl RenderError {
    /// An error with context about a path.
    pub fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> RenderError {
        RenderError {
            message: crate::t!(
                format!("{what}失败：{}：{e}", path.display()),
                format!("{what} failed: {}: {e}", path.display())
            ),
        }
    }
    /// An error with a free message.
    pub fn msg(zh: impl Into<String>, en: impl Into<String>) -> RenderError {
        RenderError {
            message: crate::t!(zh, en),
        }
    }
}

/// Result of a renderer.
pub type Rendered = Result<Vec<Finding>, RenderError>;

/// One output format.
pub trait Renderer: Sync {
    /// Name used by `--only` (`html`, `pdf`, `ledger`).
    fn name(&self) -> &'static str;
    /// Writes one volume's files into `dir` (the volume's staging folder).
    fn render_volume(&self, ctx: &Context, volume: &Volume, dir: &Path) -> Rendered;
    /// Writes archive-wide files into `out` (the staging root), after every volume.
    fn render_archive(&self, _ctx: &Context, _out: &Path) -> Rendered {
        Ok(Vec::new())
    }
}

/// Writes bytes to a file, creating parent folders, with context on failure.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| RenderError::io("创建文件夹", parent, e))?;
    }
    write_file_into(path, bytes)
}

/// Writes a file into a folder that already exists (no `mkdir` and `stat` per file, which
/// for a volume of small pages cost as much as writing them).
pub fn write_file_into(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    std::fs::write(path, bytes).map_err(|e| RenderError::io("写入文件", path, e))
}

/// The renderers `options` enables, in the order they run.
pub fn enabled(options: &Options) -> Vec<Box<dyn Renderer>> {
    all()
        .into_iter()
        .filter(|r| options.has(r.name()))
        .collect()
}

/// The renderers available, in the order they run.
pub fn all() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(pdf::PdfRenderer),
        Box::new(html::HtmlRenderer),
        Box::new(ledger::LedgerRenderer),
    ]
}

/// Path of a volume's bound PDF (or first 册) relative to the volume folder.
pub fn pdf_name(volume: &Volume, part: usize, parts: usize) -> PathBuf {
    if parts <= 1 {
        PathBuf::from(format!("{}.pdf", volume.id))
    } else {
        PathBuf::from(format!("{}-{}.pdf", volume.id, part + 1))
    }
}

/// Escapes text for HTML element content and quoted attributes. Besides `& < > " '` it
/// writes `` ` `` and a `=` or `:` right after an ASCII letter as character references, so
/// hostile text such as `onerror=…` or `javascript:…` never appears literally in a page,
/// even to naive scanners (times like 09:30 stay as they are).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev = ' ';
    for ch in s.chars() {
        let after_letter = prev.is_ascii_alphabetic();
        prev = ch;
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' if after_letter => out.push_str("&#61;"),
            ':' if after_letter => out.push_str("&#58;"),
            '`' => out.push_str("&#96;"),
            c => out.push(c),
        }
    }
    out
}

/// [`escape_html`] as Tera's escape function.
pub fn tera_escape(input: &str, output: &mut dyn std::io::Write) -> std::io::Result<()> {
    output.write_all(escape_html(input).as_bytes())
}
