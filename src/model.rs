//! The archive model: what `load` builds, `check` inspects and every renderer reads.
//!
//! One immutable model feeds all renderers (HTML, PDF, ledger, package), so they cannot
//! disagree about order, titles or page numbers. Paths are kept twice: `rel` (relative to the
//! archive root, `/`-separated, used in messages and outputs) and `abs` (for reading).

use crate::ledger::Ledger;
use crate::profile::Profile;
use crate::yaml::Pos;
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A whole archive root (全宗 / 档案室) as loaded.
#[derive(Debug, Clone, Hash)]
pub struct Archive {
    /// The root folder as given.
    pub root: PathBuf,
    /// `archive.yaml` settings (all optional).
    pub settings: ArchiveSettings,
    /// Volumes in a stable order (by output id).
    pub volumes: Vec<Volume>,
}

/// Archive-wide defaults from `archive.yaml` (spec §2).
#[derive(Debug, Clone, Default, Hash)]
pub struct ArchiveSettings {
    /// 全宗号.
    pub fonds: String,
    /// 全宗名称 / 立档单位.
    pub fonds_name: String,
    /// Default 办案机构 and 责任者.
    pub agency: String,
    /// A volume above this many numbered pages is split into 册.
    pub max_volume_pages: u32,
    /// Message language requested by the archive (the CLI flag wins).
    pub language: Option<String>,
}

/// Default for `max_volume_pages` (standards.md §7: about 200 pages a volume).
pub const DEFAULT_MAX_VOLUME_PAGES: u32 = 200;

/// How a volume was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VolumeKind {
    /// 一案一卷: a case folder on its own.
    Single,
    /// A `volume.yaml` gathering 简易程序 cases in time order.
    Combined,
}

/// One volume (案卷): the unit that is bound, numbered, archived and looked up.
#[derive(Debug, Clone, Hash)]
pub struct Volume {
    /// Output id: `case.id`, else the case / volume folder name.
    pub id: String,
    /// Single case or combined volume.
    pub kind: VolumeKind,
    /// The volume's folder, relative to the root (`""` for the root itself).
    pub dir_rel: String,
    /// Absolute folder.
    pub dir_abs: PathBuf,
    /// The manifest holding the archive block: `case.yaml` or `volume.yaml` (relative path).
    pub manifest_rel: String,
    /// 案卷题名.
    pub title: String,
    /// The archive block (目录号, 案卷号, 保管期限, 立卷人, …).
    pub archive: ArchiveBlock,
    /// Cases in binding order (for a combined volume: decision time, then number).
    pub cases: Vec<Case>,
    /// `ledger.yaml` files of the volume (beside volume.yaml / case.yaml, and beside the
    /// gathered cases' case.yaml), entries in file order.
    pub ledgers: Vec<Ledger>,
    /// Every file in the volume folder outside its case folders (relative paths), for
    /// `unlisted-file`.
    pub loose_files: Vec<String>,
}

impl Volume {
    /// All materials of the volume in binding order, with their case.
    pub fn materials(&self) -> impl Iterator<Item = (&Case, &Material)> {
        self.cases
            .iter()
            .flat_map(|c| c.materials.iter().map(move |m| (c, m)))
    }

    /// The first case (a single volume has exactly one).
    pub fn main_case(&self) -> Option<&Case> {
        self.cases.first()
    }

    /// 档号 = 全宗号-目录号-案卷号 (GB/T 9705), omitting empty parts.
    pub fn archive_code(&self, settings: &ArchiveSettings) -> String {
        [
            settings.fonds.as_str(),
            self.archive.catalog.as_str(),
            self.archive.volume_no.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("-")
    }

    /// 保管期限: the archive block's, else the first case profile's default.
    pub fn retention(&self) -> String {
        if !self.archive.retention.is_empty() {
            return self.archive.retention.clone();
        }
        self.cases
            .first()
            .map(|c| c.profile.retention.clone())
            .unwrap_or_default()
    }

    /// 起止日期: earliest `opened` and latest `closed` (or `decided`) of its cases.
    pub fn date_range(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let start = self.cases.iter().filter_map(|c| c.opened).min();
        let end = self
            .cases
            .iter()
            .filter_map(|c| c.closed.or(c.decided))
            .max();
        (start, end)
    }

    /// Number of materials (件数).
    pub fn item_count(&self) -> usize {
        self.cases.iter().map(|c| c.materials.len()).sum()
    }

    /// Numbered pages known from the files (typeset materials count once laid out).
    pub fn known_pages(&self) -> u32 {
        self.materials().filter_map(|(_, m)| m.pages()).sum()
    }
}

/// The `archive:` block of case.yaml / volume.yaml (spec §3).
#[derive(Debug, Clone, Default, Hash)]
pub struct ArchiveBlock {
    /// 目录号.
    pub catalog: String,
    /// 案卷号.
    pub volume_no: String,
    /// 归档号.
    pub filing_no: String,
    /// 保管期限 (empty: the profile default).
    pub retention: String,
    /// 密级.
    pub secrecy: String,
    /// 立卷人.
    pub filed_by: String,
    /// 检查人.
    pub checked_by: String,
    /// 立卷归档 date.
    pub filed_on: Option<NaiveDate>,
    /// Where `filed_on` is written (for the `deadline` rule).
    pub filed_on_pos: Pos,
    /// 本卷情况说明.
    pub remarks: String,
}

/// Status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    /// 已结案.
    Closed,
    /// 办理中.
    Open,
}

impl CaseStatus {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Closed => "已结案",
            CaseStatus::Open => "办理中",
        }
    }
}

/// One case (案件) and its materials.
#[derive(Debug, Clone, Hash)]
pub struct Case {
    /// Stable id (`case.id` or the folder name).
    pub id: String,
    /// Folder relative to the root.
    pub dir_rel: String,
    /// Absolute folder.
    pub dir_abs: PathBuf,
    /// `…/case.yaml`, relative.
    pub manifest_rel: String,
    /// The manifest text, kept for rustc-style snippets.
    pub source: Arc<str>,
    /// 案件编号 / 立案号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// 行政处罚 | 行政许可 | 行政强制 | 行政检查.
    pub kind: String,
    /// 普通程序 | 简易程序 | … (may be empty).
    pub procedure: String,
    /// The profile the case is checked and bound against.
    pub profile: Arc<Profile>,
    /// 当事人.
    pub party: String,
    /// 办案机构.
    pub agency: String,
    /// 承办人.
    pub handlers: Vec<String>,
    /// 决定书文号.
    pub decision_no: String,
    /// 立案 / 受理 date.
    pub opened: Option<NaiveDate>,
    /// Decision date.
    pub decided: Option<NaiveDate>,
    /// 执法行为终结之日.
    pub closed: Option<NaiveDate>,
    /// Where `closed` is written.
    pub closed_pos: Pos,
    /// 已结案 / 办理中.
    pub status: CaseStatus,
    /// Switches for conditional requirements.
    pub facts: BTreeMap<String, bool>,
    /// Materials in binding order.
    pub materials: Vec<Material>,
    /// Where the `case:` block starts (for findings about the whole case).
    pub pos: Pos,
    /// Where `materials:` is written (for `missing`).
    pub materials_pos: Pos,
    /// Where a key of the `case:` block is written, by key.
    pub key_pos: BTreeMap<String, Pos>,
    /// Every file in the case folder (relative to the root), manifests excluded, for
    /// `unlisted-file`.
    pub folder_files: Vec<String>,
}

/// A confidentiality marking (办法 第七条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Secret {
    /// 国家秘密.
    State,
    /// 商业秘密.
    Commercial,
    /// 个人隐私.
    Personal,
}

impl Secret {
    /// Parses the Chinese label.
    pub fn parse(s: &str) -> Option<Secret> {
        match s.trim() {
            "国家秘密" => Some(Secret::State),
            "商业秘密" => Some(Secret::Commercial),
            "个人隐私" => Some(Secret::Personal),
            _ => None,
        }
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Secret::State => "国家秘密",
            Secret::Commercial => "商业秘密",
            Secret::Personal => "个人隐私",
        }
    }
}

/// One material (件): a document made of one or more files.
#[derive(Debug, Clone, Hash)]
pub struct Material {
    /// 0-based position in the case's `materials:` list.
    pub index: usize,
    /// The type as written in the manifest.
    pub type_written: String,
    /// The profile's canonical type name, when known.
    pub type_name: Option<String>,
    /// Index of the type in the profile's binding order, when known.
    pub type_index: Option<usize>,
    /// 题名 (default: the type).
    pub title: String,
    /// 文号.
    pub doc_no: String,
    /// 责任者.
    pub author: String,
    /// 形成日期.
    pub date: Option<NaiveDate>,
    /// Declared page count.
    pub declared_pages: Option<u32>,
    /// Where `pages` is written.
    pub declared_pages_pos: Pos,
    /// Confidentiality markings.
    pub confidential: Vec<Secret>,
    /// 备注.
    pub note: String,
    /// Audio/video label (办法 第六条).
    pub av: Option<AvLabel>,
    /// The files, in order (globs sorted by name).
    pub files: Vec<MaterialFile>,
    /// Where the list entry starts (`- type: …`).
    pub pos: Pos,
    /// Where `file`/`files` is written.
    pub file_pos: Pos,
    /// Where each key of the entry is written (`date`, `av`, and `av.<key>` inside `av:`),
    /// so findings point at the line to change.
    pub key_pos: std::collections::BTreeMap<String, Pos>,
    /// Exact pages of typeset files (Markdown / text), filled once laid out.
    pub typeset_pages: Option<u32>,
    /// Every file the entry named (root-relative), including ones that failed to load, so a
    /// broken file is not also reported as unlisted.
    pub listed: Vec<String>,
}

impl Material {
    /// Where `key` is written, else where the entry starts.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.key_pos.get(key).copied().unwrap_or(self.pos)
    }

    /// True when every file is audio or video.
    pub fn is_av(&self) -> bool {
        !self.files.is_empty() && self.files.iter().all(|f| f.kind.is_av())
    }

    /// True when some file is a photo/scan image.
    pub fn is_image(&self) -> bool {
        !self.files.is_empty() && self.files.iter().all(|f| f.kind.is_image())
    }

    /// Numbered pages in the bound volume, when known: PDF and image pages from the files,
    /// one metadata page per AV file, typeset pages once laid out.
    pub fn pages(&self) -> Option<u32> {
        if self.is_av() {
            // Not bound: one metadata page stands in for the record (spec §3).
            return Some(1);
        }
        let mut total = 0u32;
        for f in &self.files {
            match f.kind {
                FileKind::Markdown | FileKind::Text => {
                    // Typeset files are laid out together; the count is for the whole material.
                    return self.typeset_pages.map(|t| {
                        t + self
                            .files
                            .iter()
                            .filter(|f| !f.kind.is_typeset())
                            .filter_map(|f| f.pages)
                            .sum::<u32>()
                    });
                }
                _ => total = total.saturating_add(f.pages?),
            }
        }
        Some(total)
    }
}

/// The 第六条 label of an audio/video record.
#[derive(Debug, Clone, Default, Hash)]
pub struct AvLabel {
    /// 记录事项.
    pub matter: String,
    /// Start time.
    pub start: Option<DateTime<FixedOffset>>,
    /// End time.
    pub end: Option<DateTime<FixedOffset>>,
    /// 地点.
    pub place: String,
    /// 方式.
    pub method: String,
    /// 执法人员.
    pub officers: Vec<String>,
    /// 存储期限.
    pub retention: String,
}

/// What a file is, by its content (magic bytes), checked against its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Markdown text.
    Markdown,
    /// Plain text.
    Text,
    /// PDF.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// TIFF image.
    Tiff,
    /// Video (mp4, mov, webm).
    Video,
    /// Audio (mp3, wav, m4a).
    Audio,
}

impl FileKind {
    /// Audio or video.
    pub fn is_av(self) -> bool {
        matches!(self, FileKind::Video | FileKind::Audio)
    }
    /// A scan or photo.
    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Tiff)
    }
    /// Typeset by anjuan (Markdown / text).
    pub fn is_typeset(self) -> bool {
        matches!(self, FileKind::Markdown | FileKind::Text)
    }
}

/// One file of a material.
#[derive(Debug, Clone, Hash)]
pub struct MaterialFile {
    /// Path relative to the archive root, `/`-separated.
    pub rel: String,
    /// Path relative to the case folder (as a name inside the dossier).
    pub rel_case: String,
    /// Absolute path for reading.
    pub abs: PathBuf,
    /// Kind by content.
    pub kind: FileKind,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Exact page count for PDFs and images (1); `None` for typeset and AV files before layout.
    pub pages: Option<u32>,
    /// Pixel size of images.
    pub image_size: Option<(u32, u32)>,
    /// The MIME type, for HTML players.
    pub mime: &'static str,
}

impl MaterialFile {
    /// The decoded text (GB18030 converted) of a Markdown / text file, read from disk when
    /// asked: texts are not kept in the model, so its memory does not grow with the archive.
    /// `None` for other kinds, or when the file can no longer be read.
    pub fn text(&self) -> Option<String> {
        if !matches!(self.kind, FileKind::Markdown | FileKind::Text) {
            return None;
        }
        crate::load::sniff::read_text(&self.abs, self.size)
    }
}
