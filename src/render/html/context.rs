//! The template contexts: one serde struct per page type. Theme authors rely on these
//! names (documented in `themes/default/README.md`), so fields are only ever added.
//!
//! Every value is a ready-to-print string (dates formatted, hrefs relative and
//! percent-encoded), so templates need no logic beyond loops and conditions.

use serde::Serialize;

/// Fields every page gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Prefix from the page to the output root: `""` or `"../"`.
    pub root: String,
    /// Prefix from the page to its assets folder (`assets/` or `../assets/`), holding the
    /// theme's `css/…` and `js/…`.
    pub assets: String,
    /// The Content-Security-Policy put in a `<meta>` tag.
    pub csp: String,
    /// 全宗名称 (archive.yaml `fonds_name`).
    pub fonds_name: String,
    /// 全宗号.
    pub fonds: String,
    /// `anjuan <version>`.
    pub generator: String,
    /// href of the archive index (`index.html` at the output root).
    pub archive_href: String,
    /// href of the search page.
    pub search_href: String,
    /// href of the archive-wide 查阅登记簿 when the ledger is built.
    pub ledger_register_href: Option<String>,
}

/// A link with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Relative href.
    pub href: String,
    /// Label shown.
    pub label: String,
}

/// `templates/archive.html`: the output root's `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivePage {
    /// Common fields.
    pub site: Site,
    /// Every volume, in the archive's order.
    pub volumes: Vec<VolumeRow>,
    /// Distinct values for the filters.
    pub kinds: Vec<String>,
    /// Distinct years, ascending.
    pub years: Vec<String>,
    /// Distinct statuses.
    pub statuses: Vec<String>,
    /// Sums over the archive.
    pub totals: Totals,
}

/// Sums shown under the archive table.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Volumes.
    pub volumes: usize,
    /// Cases.
    pub cases: usize,
    /// Materials (件).
    pub items: usize,
    /// Numbered pages.
    pub pages: u32,
}

/// One row of the archive index.
#[derive(Debug, Clone, Serialize)]
pub struct VolumeRow {
    /// Volume id (output folder name).
    pub id: String,
    /// href of the volume's `index.html`.
    pub href: String,
    /// 档号.
    pub archive_code: String,
    /// 归档号.
    pub filing_no: String,
    /// 案卷题名.
    pub title: String,
    /// 案件编号 of its cases, joined with `、`.
    pub numbers: String,
    /// 当事人 of its cases, joined with `、`.
    pub parties: String,
    /// 行政处罚 | 行政许可 | 行政强制 | 行政检查 (filter value).
    pub kind: String,
    /// 类目名称: kind plus procedure, e.g. `行政处罚（普通程序）`.
    pub category: String,
    /// Year (of the end date, else the start date): filter value.
    pub year: String,
    /// 已结案 | 办理中 (办理中 if any case is open): filter value.
    pub status: String,
    /// 起 date (`2024-03-01`).
    pub start: String,
    /// 止 date.
    pub end: String,
    /// Number of cases.
    pub cases: usize,
    /// 件数.
    pub items: usize,
    /// 页数.
    pub pages: u32,
    /// 保管期限.
    pub retention: String,
    /// 密级 (`无` or empty when not secret).
    pub secrecy: String,
}

/// `templates/volume.html`: `<volume-id>/index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct VolumePage {
    /// Common fields.
    pub site: Site,
    /// Volume id.
    pub id: String,
    /// Whether this is a combined volume of several 简易程序 cases.
    pub combined: bool,
    /// 案卷封面.
    pub cover: Cover,
    /// 卷内文件目录, one entry per 册 (a single one unless the volume is split).
    pub toc: Vec<TocPart>,
    /// 卷内备考表.
    pub notes: Notes,
    /// Other outputs of the volume: the bound PDF (per 册) and the ledger, when built.
    pub outputs: Vec<Link>,
    /// The volume's 密级 when it is not 无 (shown as a marking on every page).
    pub secrecy_mark: Option<String>,
}

/// 案卷封面 fields (standards.md §4).
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    /// 全宗名称.
    pub fonds_name: String,
    /// 全宗号.
    pub fonds: String,
    /// 目录号.
    pub catalog: String,
    /// 案卷号.
    pub volume_no: String,
    /// 档号 (全宗号-目录号-案卷号).
    pub archive_code: String,
    /// 归档号.
    pub filing_no: String,
    /// 类目名称.
    pub category: String,
    /// 案卷题名 / 案件名称.
    pub title: String,
    /// 案件编号 (single volume; empty for a combined one).
    pub case_number: String,
    /// 决定书文号 (single volume).
    pub decision_no: String,
    /// 当事人 (single volume).
    pub party: String,
    /// 办案机构.
    pub agency: String,
    /// 承办人, joined with `、`.
    pub handlers: String,
    /// 办案日期 起.
    pub start: String,
    /// 办案日期 止.
    pub end: String,
    /// 保管期限.
    pub retention: String,
    /// 密级.
    pub secrecy: String,
    /// 件数.
    pub items: usize,
    /// 页数.
    pub pages: u32,
    /// Number of cases (combined volumes).
    pub cases: usize,
    /// `共 2 册` when split, else empty.
    pub parts: String,
    /// 立卷人.
    pub filed_by: String,
    /// 检查人.
    pub checked_by: String,
    /// 立卷时间.
    pub filed_on: String,
}

/// One 册 of the 目录.
#[derive(Debug, Clone, Serialize)]
pub struct TocPart {
    /// `第 1 册` when the volume is split, else empty.
    pub label: String,
    /// Numbered pages of the 册.
    pub pages: u32,
    /// Rows grouped by case (one group without a heading for a single volume).
    pub groups: Vec<TocGroup>,
}

/// The rows of one case inside a 册.
#[derive(Debug, Clone, Serialize)]
pub struct TocGroup {
    /// The case heading, for combined volumes only.
    pub case: Option<CaseHead>,
    /// The rows.
    pub rows: Vec<TocRow>,
}

/// A case heading in the 目录 of a combined volume.
#[derive(Debug, Clone, Serialize)]
pub struct CaseHead {
    /// 案件编号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// 当事人.
    pub party: String,
    /// 决定书文号.
    pub decision_no: String,
    /// Decision date.
    pub date: String,
    /// 页号 range of the case's materials.
    pub pages: String,
}

/// One row of 卷内文件目录 (standards.md §5).
#[derive(Debug, Clone, Serialize)]
pub struct TocRow {
    /// 序号 (within the 册).
    pub seq: usize,
    /// 文号.
    pub doc_no: String,
    /// 责任者.
    pub author: String,
    /// 题名.
    pub title: String,
    /// 日期, `YYYYMMDD` as archive practice writes it.
    pub date: String,
    /// 页号: start page, start–end on the last row (as in the bound PDF).
    pub pages: String,
    /// 备注 (the manifest note plus markings such as 另存).
    pub note: String,
    /// Confidentiality markings (国家秘密 / 商业秘密 / 个人隐私).
    pub confidential: Vec<String>,
    /// href of the material page.
    pub href: String,
    /// `text` | `pdf` | `image` | `av` | `mixed`.
    pub kind: String,
}

/// 卷内备考表 (standards.md §6).
#[derive(Debug, Clone, Serialize)]
pub struct Notes {
    /// 本卷情况说明, composed from the counts (one sentence).
    pub summary: String,
    /// The manifest's `remarks`.
    pub remarks: String,
    /// 件数.
    pub items: usize,
    /// Total numbered pages.
    pub pages: u32,
    /// Pages of documents (typeset, PDF, scans).
    pub text_pages: u32,
    /// Of which scanned images.
    pub scan_pages: u32,
    /// Photos (images of 照片 materials).
    pub photos: u32,
    /// Audio/video records (件).
    pub av_items: usize,
    /// 立卷人.
    pub filed_by: String,
    /// 检查人.
    pub checked_by: String,
    /// 立卷时间.
    pub filed_on: String,
}

/// `templates/material.html`: `<volume-id>/mNN.html`.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialPage {
    /// Common fields.
    pub site: Site,
    /// The volume it belongs to.
    pub volume: VolumeRef,
    /// The case it belongs to.
    pub case: CaseRef,
    /// The material.
    pub material: MaterialInfo,
    /// Its files, in order.
    pub files: Vec<FileView>,
    /// The 第六条 label of an audio/video record.
    pub av: Option<AvView>,
    /// Previous material in binding order.
    pub prev: Option<Link>,
    /// Next material in binding order.
    pub next: Option<Link>,
}

/// The volume, as seen from a material page.
#[derive(Debug, Clone, Serialize)]
pub struct VolumeRef {
    /// Volume id.
    pub id: String,
    /// 案卷题名.
    pub title: String,
    /// 档号.
    pub archive_code: String,
    /// href of the volume's `index.html`.
    pub href: String,
    /// The volume's 密级 when it is not 无.
    pub secrecy_mark: Option<String>,
}

/// The case, as seen from a material page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRef {
    /// Case id.
    pub id: String,
    /// 案件编号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// 当事人.
    pub party: String,
}

/// The material's catalogue data.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialInfo {
    /// 序号 in the 目录.
    pub seq: usize,
    /// Page file name (`m03.html`).
    pub page: String,
    /// Material type (canonical name when known).
    pub kind: String,
    /// 题名.
    pub title: String,
    /// 文号.
    pub doc_no: String,
    /// 责任者.
    pub author: String,
    /// 形成日期 (`2024-03-01`).
    pub date: String,
    /// 页号 range as printed (`3-5`), empty when it has no pages.
    pub pages: String,
    /// `第 1 册` when the volume is split, else empty.
    pub part: String,
    /// 备注.
    pub note: String,
    /// Confidentiality markings.
    pub confidential: Vec<String>,
}

/// One file of a material, with how to show it.
#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    /// `markdown` | `text` | `image` | `tiff` | `pdf` | `video` | `audio`.
    pub kind: String,
    /// File name (last path segment).
    pub name: String,
    /// Case-relative path, as in the manifest.
    pub path: String,
    /// href of the byte-identical copy under `files/`.
    pub href: String,
    /// MIME type.
    pub mime: String,
    /// Human-readable size (`1.2 MB`).
    pub size: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Rendered, sanitised HTML of Markdown / text files (print with `| safe`).
    pub html: Option<String>,
    /// Caption for images (`第 2 张`).
    pub caption: String,
}

/// The 第六条 label of an audio/video record.
#[derive(Debug, Clone, Serialize)]
pub struct AvView {
    /// 记录事项.
    pub matter: String,
    /// Start time (`2024-03-02 09:30`).
    pub start: String,
    /// End time.
    pub end: String,
    /// 地点.
    pub place: String,
    /// 方式.
    pub method: String,
    /// 执法人员, joined with `、`.
    pub officers: String,
    /// 存储期限.
    pub retention: String,
}

/// `templates/search.html`: the output root's `search.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    /// Common fields.
    pub site: Site,
    /// Entries in the index.
    pub entries: usize,
    /// Volumes covered.
    pub volumes: usize,
}
