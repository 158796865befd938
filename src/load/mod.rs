//! Load: walk an archive root, parse its manifests, resolve and examine every material file.
//!
//! Loading never stops at the first problem: every manifest is read, and each problem becomes
//! a finding (with file and line) next to the model. Nothing under the root is ever written.

pub mod fields;
pub mod hash;
pub mod manifest;
pub mod resolve;
pub mod sniff;

use crate::finding::Finding;
use crate::model::{Archive, ArchiveSettings, Volume, VolumeKind, DEFAULT_MAX_VOLUME_PAGES};
use crate::profile::ProfileSet;
use crate::t;
use crate::yaml::{Pos, SyntaxError};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Manifest file names.
pub const CASE_FILE: &str = "case.yaml";
/// Combined-volume manifest.
pub const VOLUME_FILE: &str = "volume.yaml";
/// Ledger records.
pub const LEDGER_FILE: &str = "ledger.yaml";
/// Archive-wide defaults.
pub const ARCHIVE_FILE: &str = "archive.yaml";

/// The result of loading: the model, the findings so far, and the manifest texts (for
/// snippets in messages).
#[derive(Debug)]
pub struct Loaded {
    /// The archive model.
    pub archive: Archive,
    /// Profiles in force.
    pub profiles: ProfileSet,
    /// Load-stage findings.
    pub findings: Vec<Finding>,
    /// Manifest texts by relative path.
    pub sources: BTreeMap<String, Arc<str>>,
    /// Every discovered case / volume folder and the volume id it belongs to, including
    /// folders whose manifest could not be read (so their findings still name a volume).
    pub folders: Vec<(String, String)>,
}

/// Why the tool could not run at all (exit status 2).
#[derive(Debug)]
pub struct FatalError {
    /// What went wrong.
    pub message: crate::finding::Text,
}

/// A folder or file name we skip: `.hidden` and `_site`-style names (spec §1).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// A path relative to `root`, with `/` separators (`""` for the root itself).
pub fn rel_path(root: &Path, path: &Path) -> String {
    let r = path.strip_prefix(root).unwrap_or(path);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Joins a folder's relative path and a name.
pub fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A `yaml` finding from a syntax error.
pub fn yaml_finding(rel: &str, e: &SyntaxError) -> Finding {
    let m = e.message.as_str();
    let zh = if m.contains("budget") || m.contains("recursion") {
        "YAML 过于庞大或嵌套过深（可能是恶意构造的别名展开），已拒绝读取".to_string()
    } else if m.contains("multiple YAML documents") {
        "一个清单只能包含一个 YAML 文档（请删除 --- 之后的部分）".to_string()
    } else if m.contains("duplicate") || m.contains("Duplicate") {
        format!("同一层级出现了重复的键（{m}）")
    } else {
        format!("YAML 格式错误：{m}")
    };
    Finding::error(
        "yaml",
        t!(zh, format!("invalid YAML: {m}")),
        t!(
            "检查该行附近的缩进（只能用空格，不能用 Tab）、冒号后的空格和引号是否成对",
            "check indentation (spaces, no tabs), the space after each colon, and paired quotes near this line"
        ),
    )
    .at(rel, e.pos)
}

/// Reads a manifest as UTF-8 text, or returns the finding explaining why not.
#[allow(clippy::result_large_err)] // a finding is the natural error here; manifests are few
pub fn read_manifest(abs: &Path, rel: &str) -> Result<String, Finding> {
    let meta = std::fs::metadata(abs).map_err(|e| io_finding(rel, &e))?;
    if meta.len() as usize > crate::yaml::MAX_MANIFEST_BYTES {
        return Err(Finding::error(
            "yaml",
            t!(
                format!("清单文件过大（{} 字节）", meta.len()),
                format!("the manifest is too large ({} bytes)", meta.len())
            ),
            t!(
                "清单只应包含案件信息和材料列表；请检查文件是否正确",
                "a manifest holds case data and a material list; check the file"
            ),
        )
        .in_file(rel));
    }
    let bytes = std::fs::read(abs).map_err(|e| io_finding(rel, &e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.into_bytes();
            let (_, _, gb_errors) = encoding_rs::GB18030.decode(&bytes);
            let line = 1 + bytes[..std::str::from_utf8(&bytes)
                .map(|s| s.len())
                .unwrap_or_else(|e| e.valid_up_to())]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32;
            let (zh, en) = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                (
                    "清单文件是 UTF-16 编码，不是 UTF-8",
                    "the manifest is UTF-16, not UTF-8",
                )
            } else if gb_errors {
                ("清单文件不是 UTF-8 编码", "the manifest is not UTF-8")
            } else {
                (
                    "清单文件不是 UTF-8 编码（看起来是 GBK/GB18030）",
                    "the manifest is not UTF-8 (it looks like GBK/GB18030)",
                )
            };
            Err(Finding::error(
                "yaml",
                t!(zh, en),
                t!(
                    "请用文本编辑器把文件另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）",
                    "save the file as UTF-8 in a text editor"
                ),
            )
            .at(rel, Pos { line, column: 1 }))
        }
    }
}

fn io_finding(rel: &str, e: &std::io::Error) -> Finding {
    Finding::error(
        "file-missing",
        t!(format!("无法读取：{e}"), format!("cannot read: {e}")),
        t!(
            "请检查文件是否存在、是否有读取权限",
            "check that the file exists and is readable"
        ),
    )
    .in_file(rel)
}

struct Discovery {
    case_dirs: BTreeSet<String>,
    volume_dirs: BTreeSet<String>,
    findings: Vec<Finding>,
}

fn discover(root: &Path) -> Discovery {
    let mut d = Discovery {
        case_dirs: BTreeSet::new(),
        volume_dirs: BTreeSet::new(),
        findings: Vec::new(),
    };
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                d.findings.push(
                    Finding::warning(
                        "file-missing",
                        t!(
                            format!("无法读取文件夹：{e}"),
                            format!("cannot read a folder: {e}")
                        ),
                        t!("请检查该文件夹的读取权限", "check the folder's permissions"),
                    )
                    .in_file(rel),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        let parent_rel = entry
            .path()
            .parent()
            .map(|p| rel_path(root, p))
            .unwrap_or_default();
        if entry.file_type().is_file() {
            if name == CASE_FILE {
                d.case_dirs.insert(parent_rel);
            } else if name == VOLUME_FILE {
                d.volume_dirs.insert(parent_rel);
            }
        } else if entry.file_type().is_symlink() && entry.depth() > 0 {
            // A symlinked folder is never followed: it could lead anywhere.
            if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
                d.findings.push(
                    Finding::warning(
                        "path-escape",
                        t!(
                            "符号链接的文件夹不会被读取",
                            "a symlinked folder is not followed"
                        ),
                        t!(
                            "请把材料实际复制到案卷文件夹中，而不是链接到别处",
                            "copy the materials into the case folder instead of linking to them"
                        ),
                    )
                    .in_file(rel_path(root, entry.path())),
                );
            }
        }
    }
    d
}

/// Proper ancestors of a relative folder, nearest first (`a/b/c` → `a/b`, `a`, ``).
fn ancestors(rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = rel.to_string();
    while !cur.is_empty() {
        cur = match cur.rfind('/') {
            Some(i) => cur[..i].to_string(),
            None => String::new(),
        };
        out.push(cur.clone());
    }
    out
}

/// Loads an archive root: discovery, manifests, files, ledgers.
pub fn load(root: &Path) -> Result<Loaded, FatalError> {
    load_cached(root, &crate::cache::Cache::none())
}

/// [`load`] with an incremental-build cache: files whose stamps it knows are not hashed
/// again, PDFs whose bytes it knows are not parsed again.
pub fn load_cached(root: &Path, cache: &crate::cache::Cache) -> Result<Loaded, FatalError> {
    let prepared = prepare(root)?;
    let loads: Vec<UnitLoad> = prepared
        .units
        .par_iter()
        .map(|u| load_unit(&prepared, u, cache))
        .collect();
    Ok(assemble(prepared, loads))
}

/// What loading knows before reading any case: profiles, archive settings, and the units
/// (volumes) the case and volume folders form. A streaming build loads the units one at a
/// time from this (see [`load_unit`]), so the whole model never has to be in memory.
#[derive(Debug)]
pub struct Prepared {
    /// The root folder as given.
    pub root: PathBuf,
    /// Profiles in force.
    pub profiles: ProfileSet,
    /// `archive.yaml` as written (cases read their defaults from it).
    raw_settings: ArchiveSettings,
    /// `archive.yaml` with defaults filled in, as the model carries it.
    pub settings: ArchiveSettings,
    /// The volumes to load, in folder order.
    pub units: Vec<Unit>,
    case_dir_set: BTreeSet<String>,
    /// Findings about the archive's structure and settings.
    pub findings: Vec<Finding>,
    /// Texts of the archive-wide files read so far (`archive.yaml`, profiles).
    pub sources: BTreeMap<String, Arc<str>>,
    /// Every discovered case / volume folder and the volume id it is named by until its
    /// manifest is read (its folder name).
    pub folders: Vec<(String, String)>,
}

/// The folders of one volume: loaded, checked and rendered together.
#[derive(Debug, Clone)]
pub enum Unit {
    /// A case folder on its own: one case, one volume.
    Case(String),
    /// A combined volume's folder and the case folders inside it.
    Combined {
        /// The folder holding `volume.yaml`.
        dir: String,
        /// Its case folders.
        cases: Vec<String>,
    },
    /// A case folder inside a refused volume folder: read for its findings, bound nowhere.
    Orphan(String),
}

impl Unit {
    /// Every folder of the unit (for naming findings' volumes).
    pub fn dirs(&self) -> Vec<&str> {
        match self {
            Unit::Case(d) | Unit::Orphan(d) => vec![d.as_str()],
            Unit::Combined { dir, cases } => std::iter::once(dir.as_str())
                .chain(cases.iter().map(String::as_str))
                .collect(),
        }
    }
}

/// One unit loaded: its volume (when its manifests could be read), its findings and its
/// manifest texts.
#[derive(Debug)]
pub struct UnitLoad {
    /// The volume.
    pub volume: Option<Volume>,
    /// Load findings of its manifests and files.
    pub findings: Vec<Finding>,
    /// Its manifest and ledger texts by relative path.
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Reads what the archive's volumes share and finds its units: profiles, `archive.yaml`,
/// the case and volume folders, and the structure findings (nested cases and volumes).
pub fn prepare(root: &Path) -> Result<Prepared, FatalError> {
    let meta = std::fs::metadata(root).map_err(|e| FatalError {
        message: t!(
            format!("无法读取案卷根目录 {}：{e}", root.display()),
            format!("cannot read the archive root {}: {e}", root.display())
        ),
    })?;
    if !meta.is_dir() {
        return Err(FatalError {
            message: t!(
                format!(
                    "{} 不是文件夹；请指定存放案件文件夹的根目录",
                    root.display()
                ),
                format!(
                    "{} is not a folder; give the folder that holds the case folders",
                    root.display()
                )
            ),
        });
    }
    let root = root.to_path_buf();
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();

    let (profiles, pf) = ProfileSet::load(&root);
    findings.extend(pf);
    let settings = manifest::load_settings(&root, &mut findings, &mut sources);

    let disc = discover(&root);
    findings.extend(disc.findings);

    // Structure: nested cases, volumes inside cases, volumes inside volumes.
    let mut loadable_cases = Vec::new();
    for dir in &disc.case_dirs {
        let anc = ancestors(dir);
        if let Some(outer) = anc.iter().find(|a| disc.case_dirs.contains(*a)) {
            findings.push(
                Finding::error(
                    "nested-case",
                    t!(
                        format!("案件文件夹位于另一个案件文件夹“{}”之中", display_dir(outer)),
                        format!("a case folder inside another case folder “{}”", display_dir(outer))
                    ),
                    t!(
                        "一案一卷：请把这个案件文件夹移到外层案件文件夹之外；若是同一案件的材料，请删除内层的 case.yaml 并在外层清单中列出这些文件",
                        "one case, one volume: move this case folder out, or if it belongs to the outer case, remove its case.yaml and list its files in the outer manifest"
                    ),
                )
                .at(join_rel(dir, CASE_FILE), Pos { line: 1, column: 1 }),
            );
            continue;
        }
        let volume = anc.iter().find(|a| disc.volume_dirs.contains(*a)).cloned();
        loadable_cases.push((dir.clone(), volume));
    }
    let mut loadable_volumes = Vec::new();
    for dir in &disc.volume_dirs {
        let anc = ancestors(dir);
        let problem = if disc.case_dirs.contains(dir) {
            Some((
                "同一文件夹中同时有 case.yaml 和 volume.yaml",
                "case.yaml and volume.yaml in the same folder",
            ))
        } else if anc.iter().any(|a| disc.case_dirs.contains(a)) {
            Some((
                "合订卷（volume.yaml）位于案件文件夹之中",
                "a combined volume (volume.yaml) inside a case folder",
            ))
        } else if anc.iter().any(|a| disc.volume_dirs.contains(a)) {
            Some((
                "合订卷（volume.yaml）位于另一个合订卷之中",
                "a combined volume inside another combined volume",
            ))
        } else {
            None
        };
        if let Some((zh, en)) = problem {
            findings.push(
                Finding::error(
                    "nested-case",
                    t!(zh, en),
                    t!(
                        "合订卷文件夹下只放各简易程序案件的文件夹；请调整文件夹结构",
                        "a combined volume folder holds only the folders of its simple-procedure cases; move the folders"
                    ),
                )
                .at(join_rel(dir, VOLUME_FILE), Pos { line: 1, column: 1 }),
            );
            continue;
        }
        loadable_volumes.push(dir.clone());
    }
    let case_dir_set: BTreeSet<String> = disc.case_dirs.clone();

    // Folder → volume id until the manifests are read (refined in `assemble`).
    let folder_id = |dir: &str| {
        dir.rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("archive")
            .to_string()
    };
    let mut folders: Vec<(String, String)> = Vec::new();
    for (dir, vol) in &loadable_cases {
        folders.push((dir.clone(), folder_id(vol.as_deref().unwrap_or(dir))));
    }
    for dir in &loadable_volumes {
        folders.push((dir.clone(), folder_id(dir)));
    }
    let loadable: BTreeSet<&String> = loadable_volumes.iter().collect();
    let mut units = Vec::new();
    let mut inside: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (dir, vol) in loadable_cases {
        match vol {
            None => units.push(Unit::Case(dir)),
            Some(v) if loadable.contains(&v) => inside.entry(v).or_default().push(dir),
            Some(_) => units.push(Unit::Orphan(dir)),
        }
    }
    for dir in loadable_volumes {
        let cases = inside.remove(&dir).unwrap_or_default();
        units.push(Unit::Combined { dir, cases });
    }
    let normalized = ArchiveSettings {
        max_volume_pages: if settings.max_volume_pages == 0 {
            DEFAULT_MAX_VOLUME_PAGES
        } else {
            settings.max_volume_pages
        },
        ..settings.clone()
    };
    Ok(Prepared {
        root,
        profiles,
        raw_settings: settings,
        settings: normalized,
        units,
        case_dir_set,
        findings,
        sources,
        folders,
    })
}

/// Loads one unit: its manifests, files and ledgers. Units are independent of each other,
/// so they load in parallel, or one at a time in a streaming build.
pub fn load_unit(p: &Prepared, unit: &Unit, cache: &crate::cache::Cache) -> UnitLoad {
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let case = |dir: &String, in_volume: bool| {
        manifest::load_case(
            &p.root,
            dir,
            in_volume,
            &p.profiles,
            &p.raw_settings,
            &p.case_dir_set,
            cache,
        )
    };
    let volume = match unit {
        Unit::Case(dir) | Unit::Orphan(dir) => {
            let orphan = matches!(unit, Unit::Orphan(_));
            let cl = case(dir, orphan);
            findings.extend(cl.findings);
            sources.insert(join_rel(dir, CASE_FILE), cl.source.clone());
            let ledger = manifest::load_ledger(&p.root, dir, &mut findings, &mut sources);
            match cl.case {
                Some(case) if !orphan => Some(Volume {
                    id: case.id.clone(),
                    kind: VolumeKind::Single,
                    dir_rel: dir.clone(),
                    dir_abs: case.dir_abs.clone(),
                    manifest_rel: join_rel(dir, CASE_FILE),
                    title: case.title.clone(),
                    archive: cl.archive.unwrap_or_default(),
                    cases: vec![case],
                    ledgers: ledger.into_iter().collect(),
                    loose_files: Vec::new(),
                }),
                _ => None,
            }
        }
        Unit::Combined { dir, cases } => {
            // The cases of a combined volume load independently too.
            let loaded: Vec<(String, manifest::CaseLoad)> = cases
                .par_iter()
                .map(|c| (c.clone(), case(c, true)))
                .collect();
            let mut gathered = Vec::new();
            for (cdir, cl) in loaded {
                findings.extend(cl.findings);
                sources.insert(join_rel(&cdir, CASE_FILE), cl.source.clone());
                let ledger = manifest::load_ledger(&p.root, &cdir, &mut findings, &mut sources);
                if let Some(case) = cl.case {
                    gathered.push((case, ledger));
                }
            }
            manifest::load_volume(
                &p.root,
                dir,
                gathered,
                &p.case_dir_set,
                &mut findings,
                &mut sources,
            )
        }
    };
    UnitLoad {
        volume,
        findings,
        sources,
    }
}

/// The error for a volume whose id another volume (first in id and folder order) has.
pub fn duplicate_id(id: &str, manifest_rel: &str, first_manifest: &str) -> Finding {
    Finding::error(
        "schema",
        t!(
            format!("案卷编号“{id}”与 {first_manifest} 重复，两卷的输出会互相覆盖"),
            format!(
                "volume id “{id}” is also used by {first_manifest}; their outputs would collide"
            )
        ),
        t!(
            "请在 case.yaml 中为其中一个设置不同的 `id`",
            "give one of them a different `id`"
        ),
    )
    .at(manifest_rel, Pos { line: 1, column: 1 })
    .in_volume(id)
}

/// A volume as [`unique_ids`] and [`name_folders`] see it: id, folder, manifest, case folders.
pub struct VolumeRef<'a> {
    /// Output id.
    pub id: &'a str,
    /// The volume's folder (relative).
    pub dir_rel: &'a str,
    /// Its manifest (relative).
    pub manifest_rel: &'a str,
    /// Its cases' folders (relative).
    pub case_dirs: Vec<&'a str>,
}

impl<'a> VolumeRef<'a> {
    /// The volume's folder and its cases' folders, each with the volume id (what
    /// `check::assign_volumes` names findings' volumes by).
    pub fn dirs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        std::iter::once(self.dir_rel)
            .chain(self.case_dirs.iter().copied())
            .map(|d| (d.to_string(), self.id.to_string()))
    }

    /// The reference of a loaded volume.
    pub fn of(v: &'a Volume) -> VolumeRef<'a> {
        VolumeRef {
            id: &v.id,
            dir_rel: &v.dir_rel,
            manifest_rel: &v.manifest_rel,
            case_dirs: v.cases.iter().map(|c| c.dir_rel.as_str()).collect(),
        }
    }
}

/// Volume ids name output folders, so they must be unique: in (id, folder) order the first
/// volume of an id keeps it, every other one is a `schema` error and is dropped. Returns the
/// indices kept, in that order.
pub fn unique_ids(vols: &[VolumeRef], findings: &mut Vec<Finding>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..vols.len()).collect();
    order.sort_by(|&a, &b| (vols[a].id, vols[a].dir_rel).cmp(&(vols[b].id, vols[b].dir_rel)));
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut kept = Vec::with_capacity(order.len());
    for i in order {
        let v = &vols[i];
        if let Some(first) = seen.get(v.id) {
            findings.push(duplicate_id(v.id, v.manifest_rel, first));
            continue;
        }
        seen.insert(v.id, v.manifest_rel);
        kept.push(i);
    }
    kept
}

/// Names each discovered folder by the volume that holds it (the volume's folder or one of
/// its cases'), for findings about files whose manifest could not be read.
pub fn name_folders(folders: &mut [(String, String)], v: &VolumeRef) {
    for (d, id) in folders.iter_mut() {
        if d == v.dir_rel || v.case_dirs.contains(&d.as_str()) {
            *id = v.id.to_string();
        }
    }
}

/// The loaded units as one model: volumes in id order, ids unique, folders named by the
/// volumes that hold them.
pub fn assemble(p: Prepared, loads: Vec<UnitLoad>) -> Loaded {
    let Prepared {
        root,
        profiles,
        settings,
        mut findings,
        mut sources,
        mut folders,
        ..
    } = p;
    let mut volumes: Vec<Volume> = Vec::new();
    for l in loads {
        findings.extend(l.findings);
        sources.extend(l.sources);
        volumes.extend(l.volume);
    }
    let refs: Vec<VolumeRef> = volumes.iter().map(VolumeRef::of).collect();
    let kept = unique_ids(&refs, &mut findings);
    for &i in &kept {
        name_folders(&mut folders, &refs[i]);
    }
    drop(refs);
    let mut slots: Vec<Option<Volume>> = volumes.into_iter().map(Some).collect();
    let unique: Vec<Volume> = kept.iter().filter_map(|&i| slots[i].take()).collect();
    Loaded {
        archive: Archive {
            root,
            settings,
            volumes: unique,
        },
        profiles,
        findings,
        sources,
        folders,
    }
}

fn display_dir(rel: &str) -> &str {
    if rel.is_empty() {
        "（根目录）"
    } else {
        rel
    }
}

/// Absolute path of a relative folder.
pub fn abs_dir(root: &Path, rel: &str) -> PathBuf {
    if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    }
}
