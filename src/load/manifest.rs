//! Reads `archive.yaml`, `case.yaml`, `volume.yaml` and `ledger.yaml` into the model (spec §2–4).

use super::fields::Fields;
use super::{
    join_rel, read_manifest, resolve, sniff, yaml_finding, ARCHIVE_FILE, CASE_FILE, LEDGER_FILE,
    VOLUME_FILE,
};
use crate::finding::Finding;
use crate::ledger::Ledger;
use crate::model::{
    ArchiveBlock, ArchiveSettings, AvLabel, Case, CaseStatus, FileKind, Material, MaterialFile,
    Secret, Volume, VolumeKind,
};
use crate::profile::ProfileSet;
use crate::t;
use crate::yaml::{Node, Pos, Value};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Case kinds (spec §3).
pub const KINDS: &[&str] = &["行政处罚", "行政许可", "行政强制", "行政检查"];
/// Procedures of 行政处罚.
pub const PENALTY_PROCEDURES: &[&str] = &["普通程序", "简易程序"];
/// Case statuses.
pub const STATUSES: &[&str] = &["已结案", "办理中"];
/// Retention periods.
pub const RETENTIONS: &[&str] = &["永久", "30年", "10年"];
/// AV retention periods.
pub const AV_RETENTIONS: &[&str] = &["永久", "30年", "10年", "同案卷"];
/// Secrecy levels.
pub const SECRECY: &[&str] = &["无", "秘密", "机密", "绝密"];
/// Confidentiality markings of materials.
pub const CONFIDENTIAL: &[&str] = &["国家秘密", "商业秘密", "个人隐私"];

const ARCHIVE_KEYS: &[&str] = &[
    "fonds",
    "fonds_name",
    "agency",
    "max_volume_pages",
    "language",
];
const CASE_TOP_KEYS: &[&str] = &["case", "archive", "materials"];
const CASE_KEYS: &[&str] = &[
    "id",
    "number",
    "title",
    "kind",
    "procedure",
    "profile",
    "party",
    "agency",
    "handlers",
    "decision_no",
    "opened",
    "decided",
    "closed",
    "status",
    "facts",
];
const BLOCK_KEYS: &[&str] = &[
    "catalog",
    "volume_no",
    "filing_no",
    "retention",
    "secrecy",
    "filed_by",
    "checked_by",
    "filed_on",
    "remarks",
];
const MATERIAL_KEYS: &[&str] = &[
    "type",
    "file",
    "files",
    "date",
    "title",
    "doc_no",
    "author",
    "pages",
    "confidential",
    "note",
    "av",
];
const AV_KEYS: &[&str] = &[
    "matter",
    "start",
    "end",
    "place",
    "method",
    "officers",
    "retention",
];

/// Reads `archive.yaml` (all keys optional).
pub fn load_settings(
    root: &Path,
    findings: &mut Vec<Finding>,
    sources: &mut BTreeMap<String, Arc<str>>,
) -> ArchiveSettings {
    let abs = root.join(ARCHIVE_FILE);
    let mut s = ArchiveSettings::default();
    if !abs.is_file() {
        return s;
    }
    let text = match read_manifest(&abs, ARCHIVE_FILE) {
        Ok(t) => t,
        Err(f) => {
            findings.push(f);
            return s;
        }
    };
    sources.insert(ARCHIVE_FILE.into(), Arc::from(text.as_str()));
    let node = match crate::yaml::parse(&text) {
        Ok(n) => n,
        Err(e) => {
            findings.push(yaml_finding(ARCHIVE_FILE, &e));
            return s;
        }
    };
    let mut f = Fields::new(ARCHIVE_FILE);
    match &node.value {
        Value::Map(_) => {
            f.unknown_keys(&node, ARCHIVE_KEYS, "archive.yaml");
            s.fonds = f.string(&node, "fonds").unwrap_or_default();
            s.fonds_name = f.string(&node, "fonds_name").unwrap_or_default();
            s.agency = f.string(&node, "agency").unwrap_or_default();
            s.max_volume_pages = match f.count(&node, "max_volume_pages") {
                Some(0) => {
                    f.problem(
                        node.get("max_volume_pages")
                            .map(|n| n.pos)
                            .unwrap_or(node.pos),
                        true,
                        t!(
                            "`max_volume_pages` 不能为 0",
                            "`max_volume_pages` cannot be 0"
                        ),
                        t!(
                            "通常每卷不超过 200 页",
                            "a volume usually holds at most 200 pages"
                        ),
                    );
                    0
                }
                Some(n) => n,
                None => 0,
            };
            s.language = f.one_of(&node, "language", &["zh-CN", "en"]);
        }
        Value::Null => {}
        other => f.type_error(
            node.pos,
            "archive.yaml",
            "映射（键: 值）",
            "a mapping",
            other,
        ),
    }
    findings.extend(f.findings);
    s
}

/// What loading one case folder produced.
pub struct CaseLoad {
    /// The case, when its manifest could be read at all.
    pub case: Option<Case>,
    /// Its archive block (for a volume of its own).
    pub archive: Option<ArchiveBlock>,
    /// Problems found.
    pub findings: Vec<Finding>,
    /// The manifest text.
    pub source: Arc<str>,
}

/// Reads an `archive:` block (or the top level of volume.yaml).
fn archive_block(node: &Node, f: &mut Fields, extra_keys: &[&str]) -> ArchiveBlock {
    let allowed: Vec<&str> = BLOCK_KEYS
        .iter()
        .chain(extra_keys.iter())
        .copied()
        .collect();
    f.unknown_keys(node, &allowed, "archive");
    ArchiveBlock {
        catalog: f.string(node, "catalog").unwrap_or_default(),
        volume_no: f.string(node, "volume_no").unwrap_or_default(),
        filing_no: f.string(node, "filing_no").unwrap_or_default(),
        retention: f.one_of(node, "retention", RETENTIONS).unwrap_or_default(),
        secrecy: f.one_of(node, "secrecy", SECRECY).unwrap_or_default(),
        filed_by: f.string(node, "filed_by").unwrap_or_default(),
        checked_by: f.string(node, "checked_by").unwrap_or_default(),
        filed_on: f.date(node, "filed_on"),
        filed_on_pos: node.get("filed_on").map(|n| n.pos).unwrap_or(node.pos),
        remarks: f.string(node, "remarks").unwrap_or_default(),
    }
}

/// Loads one case folder: manifest, materials, files.
pub fn load_case(
    root: &Path,
    dir: &str,
    gathered: bool,
    profiles: &ProfileSet,
    settings: &ArchiveSettings,
    case_dirs: &BTreeSet<String>,
    cache: &crate::cache::Cache,
) -> CaseLoad {
    let rel = join_rel(dir, CASE_FILE);
    let abs_dir = super::abs_dir(root, dir);
    let mut out = CaseLoad {
        case: None,
        archive: None,
        findings: Vec::new(),
        source: Arc::from(""),
    };
    let text = match read_manifest(&abs_dir.join(CASE_FILE), &rel) {
        Ok(t) => t,
        Err(f) => {
            out.findings.push(f);
            return out;
        }
    };
    out.source = Arc::from(text.as_str());
    let node = match crate::yaml::parse(&text) {
        Ok(n) => n,
        Err(e) => {
            out.findings.push(yaml_finding(&rel, &e));
            return out;
        }
    };
    let mut f = Fields::new(&rel);
    if node.as_map().is_none() {
        f.type_error(
            node.pos,
            "case.yaml",
            "映射（包含 case、archive、materials 三部分）",
            "a mapping with case, archive and materials",
            &node.value,
        );
        out.findings.extend(f.findings);
        return out;
    }
    f.unknown_keys(&node, CASE_TOP_KEYS, "case.yaml");
    let empty = Node {
        pos: node.pos,
        value: Value::Map(Vec::new()),
    };
    let c = match node.get("case") {
        Some(c) if c.as_map().is_some() => c,
        Some(c) => {
            f.type_error(c.pos, "case", "映射", "a mapping", &c.value);
            &empty
        }
        None => {
            f.missing_key(&node, "case", "案件信息");
            &empty
        }
    };
    f.unknown_keys(c, CASE_KEYS, "case");

    let folder = dir
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            root.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "case".into())
        });
    let id = f
        .string(c, "id")
        .filter(|s| !s.is_empty())
        .unwrap_or(folder);
    let id = sanitize_id(&id, c, &mut f);
    let number = f
        .required_string(c, "number", "案件编号")
        .unwrap_or_default();
    let title = f
        .required_string(c, "title", "案件名称")
        .unwrap_or_default();
    let kind = f.required_string(c, "kind", "案件类别").unwrap_or_default();
    if !kind.is_empty() && !KINDS.contains(&kind.as_str()) {
        f.bad_value(
            c.get("kind").map(|n| n.pos).unwrap_or(c.pos),
            "kind",
            &kind,
            KINDS,
        );
    }
    let procedure = f.string(c, "procedure").unwrap_or_default();
    if kind == "行政处罚"
        && !procedure.is_empty()
        && !PENALTY_PROCEDURES.contains(&procedure.as_str())
    {
        f.bad_value(
            c.get("procedure").map(|n| n.pos).unwrap_or(c.pos),
            "procedure",
            &procedure,
            PENALTY_PROCEDURES,
        );
    }
    let explicit = f.string(c, "profile").filter(|s| !s.is_empty());
    let profile = match &explicit {
        Some(pid) => match profiles.get(pid) {
            Some(p) => Some(p),
            None => {
                let ids: Vec<&str> = profiles.profiles.keys().map(String::as_str).collect();
                f.bad_value(
                    c.get("profile").map(|n| n.pos).unwrap_or(c.pos),
                    "profile",
                    pid,
                    &ids,
                );
                None
            }
        },
        None if KINDS.contains(&kind.as_str()) => {
            match profiles.default_for(&kind, &procedure) {
                Some(p) => Some(p),
                None => {
                    // An unlisted procedure: fall back to the kind's first profile, and say so.
                    let p = profiles.default_for(&kind, "");
                    if let Some(p) = &p {
                        f.problem(
                        c.get("procedure").map(|n| n.pos).unwrap_or(c.pos),
                        false,
                        t!(
                            format!("程序“{procedure}”没有对应的规则配置，按“{}”检查", p.name),
                            format!("no profile lists procedure “{procedure}”; checking against “{}”", p.id)
                        ),
                        t!("如需其他配置，请用 `profile:` 指定（`anjuan profiles` 列出全部）", "name one with `profile:` (`anjuan profiles` lists them)"),
                    );
                    }
                    p
                }
            }
        }
        None => None,
    };
    let party = f.string(c, "party").unwrap_or_default();
    let agency = f
        .string(c, "agency")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| settings.agency.clone());
    let handlers = f.string_list(c, "handlers");
    let decision_no = f.string(c, "decision_no").unwrap_or_default();
    let opened = f.required_date(c, "opened", "立案/受理日期");
    let decided = f.date(c, "decided");
    let status_text = f.one_of(c, "status", STATUSES);
    let status = match status_text.as_deref() {
        Some("办理中") => CaseStatus::Open,
        Some(_) => CaseStatus::Closed,
        None if c.get("closed").is_some_and(|n| !n.is_null()) => CaseStatus::Closed,
        None => CaseStatus::Open,
    };
    let closed = if status == CaseStatus::Closed && status_text.is_some() {
        f.required_date(c, "closed", "结案日期（已结案时必填）")
    } else {
        f.date(c, "closed")
    };
    let closed_pos = c.get("closed").map(|n| n.pos).unwrap_or(c.pos);
    let mut facts = BTreeMap::new();
    if let Some(fnode) = c.get("facts") {
        match &fnode.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if let Some(b) = f.boolean(v, &format!("facts.{}", k.name)) {
                        facts.insert(k.name.clone(), b);
                    }
                }
            }
            Value::Null => {}
            other => f.type_error(
                fnode.pos,
                "facts",
                "映射（如 hearing: true）",
                "a mapping such as hearing: true",
                other,
            ),
        }
    }
    let mut key_pos = BTreeMap::new();
    if let Some(m) = c.as_map() {
        for (k, v) in m {
            key_pos.insert(k.name.clone(), v.pos);
        }
    }

    // The archive block.
    let archive = match node.get("archive") {
        Some(a) if a.as_map().is_some() => {
            if gathered {
                f.problem(
                    node.key_pos("archive").unwrap_or(a.pos),
                    false,
                    t!(
                        "合订卷中的案件不应有自己的 archive 部分，已忽略",
                        "a gathered case carries no archive block; it is ignored"
                    ),
                    t!(
                        "归档信息写在合订卷的 volume.yaml 中",
                        "put the archive data in the combined volume's volume.yaml"
                    ),
                );
                None
            } else {
                Some(archive_block(a, &mut f, &[]))
            }
        }
        Some(a) if a.is_null() => None,
        Some(a) => {
            f.type_error(a.pos, "archive", "映射", "a mapping", &a.value);
            None
        }
        None => {
            if !gathered {
                f.problem(
                    node.pos,
                    false,
                    t!("缺少 archive 部分（目录号、案卷号、保管期限、立卷人、立卷日期等）", "no archive block (catalog, volume number, retention, filer, filing date …)"),
                    t!("归档前请补充 archive 部分，否则封面和备考表相应栏目为空，也无法检查 30 日归档期限", "add the archive block before filing; otherwise the cover and 备考表 stay blank and the 30-day rule cannot be checked"),
                );
            }
            None
        }
    };

    // Materials.
    let folder_files = super::resolve::list_folder(root, dir, case_dirs);
    let mut materials = Vec::new();
    match node.get("materials") {
        Some(m) => match &m.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(mat) = load_material(
                        root,
                        dir,
                        &rel,
                        i,
                        item,
                        &folder_files,
                        profile.as_deref(),
                        &agency,
                        &mut f,
                        cache,
                    ) {
                        materials.push(mat);
                    }
                }
            }
            Value::Null => {}
            other => f.type_error(
                m.pos,
                "materials",
                "列表（按装订顺序，每件一项）",
                "a list in binding order",
                other,
            ),
        },
        None => f.missing_key(&node, "materials", "材料列表"),
    }

    out.findings.extend(f.findings);
    let Some(profile) = profile else {
        // Without a kind we cannot know the rules; the schema findings say what to fix.
        return out;
    };
    out.archive = archive;
    out.case = Some(Case {
        id,
        dir_rel: dir.to_string(),
        dir_abs: abs_dir,
        manifest_rel: rel.clone(),
        source: out.source.clone(),
        number,
        title,
        kind,
        procedure,
        profile,
        party,
        agency,
        handlers,
        decision_no,
        opened,
        decided,
        closed,
        closed_pos,
        status,
        facts,
        materials,
        pos: node.key_pos("case").unwrap_or(node.pos),
        materials_pos: node.key_pos("materials").unwrap_or(node.pos),
        key_pos,
        folder_files: folder_files.iter().map(|p| join_rel(dir, p)).collect(),
    });
    out
}

/// An id names an output folder: keep it to one safe path segment.
fn sanitize_id(id: &str, c: &Node, f: &mut Fields) -> String {
    let bad = id.is_empty()
        || id == "."
        || id == ".."
        || id.starts_with('.')
        || id
            .chars()
            .any(|ch| ch == '/' || ch == '\\' || ch.is_control() || ":*?\"<>|".contains(ch));
    if !bad {
        return id.to_string();
    }
    let clean: String = id
        .chars()
        .map(|ch| {
            if ch == '/' || ch == '\\' || ch.is_control() || ":*?\"<>|".contains(ch) {
                '-'
            } else {
                ch
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string();
    let clean = if clean.is_empty() {
        "case".to_string()
    } else {
        clean
    };
    f.problem(
        c.get("id").map(|n| n.pos).unwrap_or(c.pos),
        false,
        t!(
            format!("案卷编号“{id}”含有不能用作文件夹名的字符，输出时改用“{clean}”"),
            format!("id “{id}” has characters unusable in a folder name; “{clean}” is used")
        ),
        t!(
            "编号只用字母、数字、汉字和 - _",
            "use letters, digits, hanzi, - and _ in ids"
        ),
    );
    clean
}

#[allow(clippy::too_many_arguments)]
fn load_material(
    root: &Path,
    dir: &str,
    rel: &str,
    index: usize,
    item: &Node,
    folder_files: &[String],
    profile: Option<&crate::profile::Profile>,
    agency: &str,
    f: &mut Fields,
    cache: &crate::cache::Cache,
) -> Option<Material> {
    if item.as_map().is_none() {
        f.type_error(
            item.pos,
            &format!("materials[{}]", index + 1),
            "映射（type、file、date 等）",
            "a mapping (type, file, date …)",
            &item.value,
        );
        return None;
    }
    f.unknown_keys(item, MATERIAL_KEYS, "material");
    let type_written = f
        .required_string(item, "type", "材料类型")
        .unwrap_or_default();
    let (type_index, type_name) = match profile.and_then(|p| p.find_type(&type_written)) {
        Some((i, t)) => (Some(i), Some(t.name.clone())),
        None => (None, None),
    };
    let date = f.required_date(item, "date", "形成日期");
    let title = f
        .string(item, "title")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| type_name.clone().unwrap_or_else(|| type_written.clone()));
    let doc_no = f.string(item, "doc_no").unwrap_or_default();
    let author = f
        .string(item, "author")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| agency.to_string());
    let declared_pages = f.count(item, "pages");
    let declared_pages_pos = item.get("pages").map(|n| n.pos).unwrap_or(item.pos);
    let mut confidential = Vec::new();
    for s in f.string_list(item, "confidential") {
        match Secret::parse(&s) {
            Some(x) if !confidential.contains(&x) => confidential.push(x),
            Some(_) => {}
            None => f.bad_value(
                item.get("confidential").map(|n| n.pos).unwrap_or(item.pos),
                "confidential",
                &s,
                CONFIDENTIAL,
            ),
        }
    }
    let note = f.string(item, "note").unwrap_or_default();

    // Exactly one of file / files.
    let file_node = item.get("file");
    let files_node = item.get("files");
    let file_pos = file_node.or(files_node).map(|n| n.pos).unwrap_or(item.pos);
    let mut patterns: Vec<(String, Pos)> = Vec::new();
    match (file_node, files_node) {
        (Some(_), Some(_)) => f.problem(
            item.key_pos("files").unwrap_or(item.pos),
            true,
            t!(
                "同时写了 `file` 和 `files`",
                "both `file` and `files` are given"
            ),
            t!(
                "一件材料只用一个：单个文件用 `file`，多个文件用 `files`",
                "use `file` for one file or `files` for several, not both"
            ),
        ),
        (None, None) => f.missing_key(item, "file", "材料文件（单个文件用 file，多个用 files）"),
        _ => {}
    }
    if let Some(n) = file_node.filter(|_| files_node.is_none()) {
        match n.value.scalar_text() {
            Some(s) => patterns.push((s, n.pos)),
            None => f.type_error(
                n.pos,
                "file",
                "一个文件路径（多个文件请用 files）",
                "one path (use files for several)",
                &n.value,
            ),
        }
    }
    if let Some(n) = files_node.filter(|_| file_node.is_none()) {
        match &n.value {
            Value::Seq(items) => {
                for it in items {
                    match it.value.scalar_text() {
                        Some(s) => patterns.push((s, it.pos)),
                        None => f.type_error(it.pos, "files", "文件路径", "a path", &it.value),
                    }
                }
                if items.is_empty() {
                    f.missing_key(item, "files", "至少一个文件");
                }
            }
            Value::Str(s) => patterns.push((s.clone(), n.pos)),
            other => f.type_error(n.pos, "files", "文件路径列表", "a list of paths", other),
        }
    }
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for (pat, pos) in patterns {
        let r = resolve::resolve(root, dir, folder_files, rel, pos, &pat);
        f.findings.extend(r.findings);
        listed.extend(r.refused.iter().map(|p| join_rel(dir, p)));
        listed.extend(r.files.iter().map(|case_rel| join_rel(dir, case_rel)));
        // Hashing and examining dominate loading; a material of hundreds of scans uses every
        // core. Findings keep the files' order.
        let examined: Vec<(Option<MaterialFile>, Vec<Finding>)> = r
            .files
            .par_iter()
            .map(|case_rel| {
                let mut local = Fields::new(rel);
                let mf = examine_file(root, dir, rel, pos, case_rel, &mut local, cache);
                (mf, local.findings)
            })
            .collect();
        for (mf, findings) in examined {
            f.findings.extend(findings);
            files.extend(mf);
        }
    }

    // AV label.
    let av = match item.get("av") {
        Some(a) if a.as_map().is_some() => {
            f.unknown_keys(a, AV_KEYS, "av");
            Some(AvLabel {
                matter: f.string(a, "matter").unwrap_or_default(),
                start: f.datetime(a, "start"),
                end: f.datetime(a, "end"),
                place: f.string(a, "place").unwrap_or_default(),
                method: f.string(a, "method").unwrap_or_default(),
                officers: f.string_list(a, "officers"),
                retention: f.one_of(a, "retention", AV_RETENTIONS).unwrap_or_default(),
            })
        }
        Some(a) if a.is_null() => None,
        Some(a) => {
            f.type_error(
                a.pos,
                "av",
                "映射（matter、start、place、method、officers …）",
                "a mapping (matter, start, place, method, officers …)",
                &a.value,
            );
            None
        }
        None => None,
    };
    Some(Material {
        index,
        type_written,
        type_name,
        type_index,
        title,
        doc_no,
        author,
        date,
        declared_pages,
        declared_pages_pos,
        confidential,
        note,
        av,
        files,
        pos: item.pos,
        file_pos,
        key_pos: material_key_pos(item),
        typeset_pages: None,
        listed,
    })
}

/// Where each key of a material entry (and of its `av:` block, as `av.<key>`) is written.
fn material_key_pos(item: &Node) -> BTreeMap<String, Pos> {
    let mut out = BTreeMap::new();
    for (k, v) in item.as_map().into_iter().flatten() {
        out.insert(k.name.clone(), k.pos);
        if k.name == "av" {
            for (ak, _) in v.as_map().into_iter().flatten() {
                out.insert(format!("av.{}", ak.name), ak.pos);
            }
        }
    }
    out
}

fn examine_file(
    root: &Path,
    dir: &str,
    manifest_rel: &str,
    pos: Pos,
    case_rel: &str,
    f: &mut Fields,
    cache: &crate::cache::Cache,
) -> Option<MaterialFile> {
    let abs = super::abs_dir(root, dir).join(case_rel);
    let file_rel = join_rel(dir, case_rel);
    let file_type = |zh: String, en: String, help: crate::finding::Text| {
        Finding::error("file-type", t!(zh, en), help).at(manifest_rel, pos)
    };
    if case_rel.chars().any(|c| c.is_control() || c == '\u{FFFD}' || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')) {
        f.findings.push(file_type(
            format!("文件名“{}”含有换行、控制字符、方向控制符或无法识别的编码", case_rel.escape_debug()),
            format!("the file name “{}” has newlines, control or direction characters, or an invalid encoding", case_rel.escape_debug()),
            t!("请重命名为普通的中文或英文文件名", "rename it to a plain name"),
        ));
        return None;
    }
    let Some(kind) = sniff::kind_from_extension(case_rel) else {
        f.findings.push(file_type(
            format!("不支持的文件类型：{case_rel}"),
            format!("unsupported file type: {case_rel}"),
            t!(
                "支持 .md .txt .pdf .jpg .jpeg .png .tif .tiff .mp4 .mov .webm .mp3 .wav .m4a；Word/Excel 文档请先另存为 PDF",
                "supported: .md .txt .pdf .jpg .jpeg .png .tif .tiff .mp4 .mov .webm .mp3 .wav .m4a; save Word/Excel files as PDF first"
            ),
        ));
        return None;
    };
    // A text is examined from the bytes read to hash it (read once, not three times).
    let keep = match kind {
        FileKind::Markdown | FileKind::Text => sniff::MAX_TEXT_BYTES,
        _ => 0,
    };
    let (sha256, size, read) = match super::hash::sha256_file_cached_keeping(&abs, cache, keep) {
        Ok(x) => x,
        Err(e) => {
            f.findings.push(file_type(
                format!("无法读取文件 {case_rel}：{e}"),
                format!("cannot read {case_rel}: {e}"),
                t!("请检查文件权限", "check the file's permissions"),
            ));
            return None;
        }
    };
    let mut ex = match sniff::examine_cached(&abs, case_rel, kind, size, &sha256, cache, read) {
        Ok(x) => x,
        Err((m, h)) => {
            f.findings.push(
                Finding::error(
                    "file-type",
                    t!(
                        format!("{case_rel}：{}", m.zh),
                        format!("{case_rel}: {}", m.en)
                    ),
                    h,
                )
                .at(manifest_rel, pos),
            );
            return None;
        }
    };
    if let Some(text) = ex.text.take() {
        crate::count_pages_ahead(cache, kind, &sha256, &text);
    }
    if let Some((rule, m, h)) = ex.warning {
        f.findings.push(
            Finding::warning(
                rule,
                t!(
                    format!("{case_rel}：{}", m.zh),
                    format!("{case_rel}: {}", m.en)
                ),
                h,
            )
            .at(manifest_rel, pos),
        );
    }
    Some(MaterialFile {
        rel: file_rel,
        rel_case: case_rel.to_string(),
        abs,
        kind,
        size,
        sha256,
        pages: if kind.is_av() || kind.is_typeset() {
            None
        } else {
            ex.pages
        },
        image_size: ex.image_size,
        mime: sniff::mime(case_rel),
    })
}

/// Reads `ledger.yaml` in a folder, if present.
pub fn load_ledger(
    root: &Path,
    dir: &str,
    findings: &mut Vec<Finding>,
    sources: &mut BTreeMap<String, Arc<str>>,
) -> Option<Ledger> {
    let abs = super::abs_dir(root, dir).join(LEDGER_FILE);
    if !abs.is_file() {
        return None;
    }
    let rel = join_rel(dir, LEDGER_FILE);
    let text = match read_manifest(&abs, &rel) {
        Ok(t) => t,
        Err(f) => {
            findings.push(f);
            return None;
        }
    };
    sources.insert(rel.clone(), Arc::from(text.as_str()));
    crate::ledger::parse(&rel, &text, findings)
}

/// Builds a combined volume from its `volume.yaml` and the cases gathered below it.
pub fn load_volume(
    root: &Path,
    dir: &str,
    mut cases: Vec<(Case, Option<Ledger>)>,
    case_dirs: &BTreeSet<String>,
    findings: &mut Vec<Finding>,
    sources: &mut BTreeMap<String, Arc<str>>,
) -> Option<Volume> {
    let rel = join_rel(dir, VOLUME_FILE);
    let abs_dir = super::abs_dir(root, dir);
    let text = match read_manifest(&abs_dir.join(VOLUME_FILE), &rel) {
        Ok(t) => t,
        Err(f) => {
            findings.push(f);
            return None;
        }
    };
    sources.insert(rel.clone(), Arc::from(text.as_str()));
    let node = match crate::yaml::parse(&text) {
        Ok(n) => n,
        Err(e) => {
            findings.push(yaml_finding(&rel, &e));
            return None;
        }
    };
    let mut f = Fields::new(&rel);
    let empty = Node {
        pos: node.pos,
        value: Value::Map(Vec::new()),
    };
    let top = match &node.value {
        Value::Map(_) => &node,
        Value::Null => &empty,
        other => {
            f.type_error(
                node.pos,
                "volume.yaml",
                "映射（title 及归档信息）",
                "a mapping (title and archive data)",
                other,
            );
            &empty
        }
    };
    // The archive keys sit at the top level; an `archive:` block is accepted too.
    let mut block = archive_block(top, &mut f, &["title", "id", "archive"]);
    if let Some(a) = top.get("archive").filter(|a| a.as_map().is_some()) {
        let inner = archive_block(a, &mut f, &[]);
        block = merge_blocks(block, inner);
    }
    let title = f
        .required_string(top, "title", "案卷题名")
        .unwrap_or_default();
    let folder = dir
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("volume")
        .to_string();
    let id = f
        .string(top, "id")
        .filter(|s| !s.is_empty())
        .unwrap_or(folder);
    let id = sanitize_id(&id, top, &mut f);
    if cases.is_empty() {
        f.problem(
            top.pos,
            true,
            t!(
                "合订卷中没有任何案件文件夹",
                "the combined volume holds no case folder"
            ),
            t!(
                "在此文件夹下为每个简易程序案件建一个含 case.yaml 的子文件夹",
                "add a sub-folder with a case.yaml for each simple-procedure case"
            ),
        );
    }
    findings.extend(f.findings);
    // 办法 第三条: simple-procedure cases in time order, whatever the folder names.
    cases.sort_by(|(a, _), (b, _)| {
        a.decided
            .or(a.opened)
            .cmp(&b.decided.or(b.opened))
            .then_with(|| natural_cmp(&a.number, &b.number))
            .then_with(|| a.dir_rel.cmp(&b.dir_rel))
    });
    let mut ledgers = Vec::new();
    if let Some(l) = load_ledger(root, dir, findings, sources) {
        ledgers.push(l);
    }
    let mut list = Vec::new();
    for (c, l) in cases {
        if let Some(l) = l {
            ledgers.push(l);
        }
        list.push(c);
    }
    let loose = super::resolve::list_folder(root, dir, case_dirs)
        .into_iter()
        .filter(|p| {
            !case_dirs.iter().any(|c| {
                let full = join_rel(dir, p);
                full.starts_with(&format!("{c}/"))
            })
        })
        .map(|p| join_rel(dir, &p))
        .collect();
    Some(Volume {
        id,
        kind: VolumeKind::Combined,
        dir_rel: dir.to_string(),
        dir_abs: abs_dir,
        manifest_rel: rel,
        title,
        archive: block,
        cases: list,
        ledgers,
        loose_files: loose,
    })
}

fn merge_blocks(a: ArchiveBlock, b: ArchiveBlock) -> ArchiveBlock {
    let pick = |x: String, y: String| if x.is_empty() { y } else { x };
    ArchiveBlock {
        catalog: pick(a.catalog, b.catalog),
        volume_no: pick(a.volume_no, b.volume_no),
        filing_no: pick(a.filing_no, b.filing_no),
        retention: pick(a.retention, b.retention),
        secrecy: pick(a.secrecy, b.secrecy),
        filed_by: pick(a.filed_by, b.filed_by),
        checked_by: pick(a.checked_by, b.checked_by),
        filed_on_pos: if a.filed_on.is_some() {
            a.filed_on_pos
        } else {
            b.filed_on_pos
        },
        filed_on: a.filed_on.or(b.filed_on),
        remarks: pick(a.remarks, b.remarks),
    }
}

/// Compares texts with embedded numbers numerically (`第2号` < `第10号`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<(u8, u64, String)> {
        let mut out = Vec::new();
        let mut num = String::new();
        let mut txt = String::new();
        for ch in s.chars() {
            if ch.is_ascii_digit() {
                if !txt.is_empty() {
                    out.push((1, 0, std::mem::take(&mut txt)));
                }
                num.push(ch);
            } else {
                if !num.is_empty() {
                    out.push((0, num.parse().unwrap_or(u64::MAX), std::mem::take(&mut num)));
                }
                txt.push(ch);
            }
        }
        if !num.is_empty() {
            out.push((0, num.parse().unwrap_or(u64::MAX), num));
        }
        if !txt.is_empty() {
            out.push((1, 0, txt));
        }
        out
    };
    key(a).cmp(&key(b))
}

/// Whether a material is typeset from text (helper for renderers).
pub fn is_typeset(kind: FileKind) -> bool {
    kind.is_typeset()
}
