//! `anjuan verify PATH`: completeness and fixity of sealed volumes (a package zip, an unpacked
//! bag, or an OUT folder with its packages and unpacked volumes). Names every altered,
//! missing, added or renamed file.

use super::decode_path;
use crate::i18n::Lang;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One problem found in a bag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// A file's content differs from its manifest entry.
    Altered {
        /// Bag path.
        path: String,
    },
    /// A listed file is absent.
    Missing {
        /// Bag path.
        path: String,
    },
    /// A file no manifest lists.
    Added {
        /// Bag path.
        path: String,
    },
    /// A listed file is present under another name (same content).
    Renamed {
        /// Listed path.
        from: String,
        /// Where it is now.
        to: String,
    },
    /// A tag file (bag-info, manifests) differs from the tag manifest.
    TagAltered {
        /// Tag file name.
        path: String,
    },
    /// Payload-Oxum does not match.
    Oxum {
        /// Declared.
        expected: String,
        /// Found.
        found: String,
    },
    /// The bag's structure is broken.
    Malformed {
        /// What is wrong.
        detail: String,
    },
}

impl Problem {
    /// A line for the text report.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Altered { path }, Lang::Zh) => {
                format!("已被改动：{path}（内容与封装清单的校验值不符）")
            }
            (Problem::Altered { path }, Lang::En) => {
                format!("altered: {path} (content does not match the manifest)")
            }
            (Problem::Missing { path }, Lang::Zh) => format!("缺失：{path}"),
            (Problem::Missing { path }, Lang::En) => format!("missing: {path}"),
            (Problem::Added { path }, Lang::Zh) => format!("被添加：{path}（封装清单中没有）"),
            (Problem::Added { path }, Lang::En) => format!("added: {path} (not in any manifest)"),
            (Problem::Renamed { from, to }, Lang::Zh) => format!("被改名：{from} → {to}"),
            (Problem::Renamed { from, to }, Lang::En) => format!("renamed: {from} → {to}"),
            (Problem::TagAltered { path }, Lang::Zh) => format!("封装信息文件已被改动：{path}"),
            (Problem::TagAltered { path }, Lang::En) => format!("tag file altered: {path}"),
            (Problem::Oxum { expected, found }, Lang::Zh) => {
                format!("文件总字节数.个数 不符：应为 {expected}，实为 {found}")
            }
            (Problem::Oxum { expected, found }, Lang::En) => {
                format!("Payload-Oxum mismatch: expected {expected}, found {found}")
            }
            (Problem::Malformed { detail }, Lang::Zh) => format!("封装包结构损坏：{detail}"),
            (Problem::Malformed { detail }, Lang::En) => format!("malformed bag: {detail}"),
        }
    }
}

/// The result for one bag (or one unpacked volume folder).
#[derive(Debug, Clone, Serialize)]
pub struct BagResult {
    /// What was checked (path as given).
    pub name: String,
    /// Files checked.
    pub files: usize,
    /// Problems; empty when whole.
    pub problems: Vec<Problem>,
}

/// Where a bag's bytes are.
enum Source {
    Zip {
        archive: zip::ZipArchive<std::fs::File>,
        prefix: String,
    },
    Dir {
        root: PathBuf,
    },
}

impl Source {
    fn names(&mut self) -> Vec<(String, u64)> {
        match self {
            Source::Zip { archive, prefix } => {
                let mut out = Vec::new();
                for i in 0..archive.len() {
                    if let Some(Ok(name)) =
                        archive.name_for_index(i).map(|r| r.map(|c| c.into_owned()))
                    {
                        if name.ends_with('/') {
                            continue;
                        }
                        if let Some(rel) = name.strip_prefix(prefix.as_str()) {
                            let size = archive.by_index_raw(i).map(|f| f.size()).unwrap_or(0);
                            out.push((rel.to_string(), size));
                        }
                    }
                }
                out
            }
            Source::Dir { root } => {
                let mut out = Vec::new();
                for e in walkdir::WalkDir::new(&*root)
                    .follow_links(false)
                    .sort_by_file_name()
                    .into_iter()
                    .flatten()
                {
                    if e.file_type().is_file() {
                        let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                        out.push((crate::load::rel_path(root, e.path()), size));
                    }
                }
                out
            }
        }
    }

    fn read_all(&mut self, rel: &str) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        self.with_reader(rel, |r| r.read_to_end(&mut v).map(|_| ()))
            .ok()?;
        Some(v)
    }

    fn with_reader(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self {
            Source::Zip { archive, prefix } => {
                let mut z = archive
                    .by_name(&format!("{prefix}{rel}"))
                    .map_err(std::io::Error::other)?;
                f(&mut z)
            }
            Source::Dir { root } => {
                let mut file = std::fs::File::open(root.join(rel))?;
                f(&mut file)
            }
        }
    }

    fn hashes(&mut self, rel: &str) -> std::io::Result<(String, String)> {
        let mut s256 = Sha256::new();
        let mut s512 = Sha512::new();
        self.with_reader(rel, |r| {
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                s256.update(&buf[..n]);
                s512.update(&buf[..n]);
            }
        })?;
        Ok((hex::encode(s256.finalize()), hex::encode(s512.finalize())))
    }
}

fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_end_matches('\r');
            let (hash, path) = l.split_once(char::is_whitespace)?;
            Some((decode_path(path.trim_start()), hash.to_ascii_lowercase()))
        })
        .collect()
}

fn check_source(name: String, mut src: Source, fast: bool) -> BagResult {
    let mut problems = Vec::new();
    let names = src.names();
    let present: BTreeMap<String, u64> = names.iter().cloned().collect();
    let malformed = |d: &str| BagResult {
        name: name.clone(),
        files: 0,
        problems: vec![Problem::Malformed {
            detail: d.to_string(),
        }],
    };
    if !present.contains_key("bagit.txt") {
        return malformed("没有 bagit.txt / no bagit.txt");
    }
    let Some(m256) = src
        .read_all("manifest-sha256.txt")
        .map(|b| String::from_utf8_lossy(&b).into_owned())
    else {
        return malformed("没有 manifest-sha256.txt / no manifest-sha256.txt");
    };
    let listed = parse_manifest(&m256);
    let listed512 = src
        .read_all("manifest-sha512.txt")
        .map(|b| parse_manifest(&String::from_utf8_lossy(&b)));
    // Tag files against the tag manifest.
    if let Some(tm) = src.read_all("tagmanifest-sha256.txt") {
        for (path, hash) in parse_manifest(&String::from_utf8_lossy(&tm)) {
            match src.read_all(&path) {
                Some(b) if hex::encode(Sha256::digest(&b)) == hash => {}
                Some(_) => problems.push(Problem::TagAltered { path }),
                None => problems.push(Problem::Missing { path }),
            }
        }
    }
    let payload: BTreeSet<&String> = present.keys().filter(|p| p.starts_with("data/")).collect();
    let mut missing: Vec<String> = listed
        .keys()
        .filter(|p| !present.contains_key(*p))
        .cloned()
        .collect();
    let mut added: Vec<String> = payload
        .iter()
        .filter(|p| !listed.contains_key(**p))
        .map(|p| (*p).clone())
        .collect();
    // Payload-Oxum: octets.count of the payload actually present.
    if let Some(info) = src.read_all("bag-info.txt") {
        let info = String::from_utf8_lossy(&info);
        if let Some(oxum) = info
            .lines()
            .find_map(|l| l.strip_prefix("Payload-Oxum:"))
            .map(str::trim)
        {
            let found = format!(
                "{}.{}",
                payload.iter().map(|p| present[*p]).sum::<u64>(),
                payload.len()
            );
            if found != oxum {
                problems.push(Problem::Oxum {
                    expected: oxum.to_string(),
                    found,
                });
            }
        }
    }
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    if !fast {
        for p in listed.keys().filter(|p| present.contains_key(*p)) {
            match src.hashes(p) {
                Ok((h256, h512)) => {
                    let bad512 = listed512
                        .as_ref()
                        .and_then(|m| m.get(p))
                        .is_some_and(|h| *h != h512);
                    if h256 != listed[p] || bad512 {
                        problems.push(Problem::Altered { path: p.clone() });
                    }
                }
                Err(_) => problems.push(Problem::Altered { path: p.clone() }),
            }
        }
        for a in &added {
            if let Ok((h, _)) = src.hashes(a) {
                hashes.insert(a.clone(), h);
            }
        }
        // A missing file whose content turns up under a new name was renamed.
        let mut renamed = Vec::new();
        for m in &missing {
            if let Some((a, _)) = hashes.iter().find(|(a, h)| {
                **h == listed[m] && !renamed.iter().any(|(_, t): &(String, String)| t == *a)
            }) {
                renamed.push((m.clone(), a.clone()));
            }
        }
        for (from, to) in renamed {
            missing.retain(|m| *m != from);
            added.retain(|a| *a != to);
            problems.push(Problem::Renamed { from, to });
        }
    }
    problems.extend(missing.into_iter().map(|path| Problem::Missing { path }));
    problems.extend(added.into_iter().map(|path| Problem::Added { path }));
    BagResult {
        name,
        files: payload.len(),
        problems,
    }
}

/// Opens a zip bag (one top-level folder holding `bagit.txt`).
fn open_zip(path: &Path) -> Result<Source, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let archive = zip::ZipArchive::new(f)
        .map_err(|e| format!("不是有效的 zip 文件 / not a valid zip: {e}"))?;
    let mut prefix = None;
    for i in 0..archive.len() {
        if let Some(Ok(n)) = archive.name_for_index(i) {
            if let Some(p) = n.strip_suffix("bagit.txt") {
                if p.matches('/').count() <= 1 {
                    prefix = Some(p.to_string());
                    break;
                }
            }
        }
    }
    let prefix =
        prefix.ok_or_else(|| "zip 中没有 bagit.txt / no bagit.txt in the zip".to_string())?;
    Ok(Source::Zip { archive, prefix })
}

/// Verifies PATH: a `.zip` bag, an unpacked bag folder, or an OUT folder.
pub fn verify(path: &Path, fast: bool) -> Result<Vec<BagResult>, String> {
    let display = path.display().to_string();
    if path.is_file() {
        return Ok(vec![match open_zip(path) {
            Ok(src) => check_source(display, src, fast),
            Err(e) => BagResult {
                name: display,
                files: 0,
                problems: vec![Problem::Malformed { detail: e }],
            },
        }]);
    }
    if !path.is_dir() {
        return Err(format!("找不到 {display} / {display} not found"));
    }
    if path.join("bagit.txt").is_file() {
        return Ok(vec![check_source(
            display,
            Source::Dir {
                root: path.to_path_buf(),
            },
            fast,
        )]);
    }
    // An OUT folder: every package, and every unpacked volume against its package.
    let mut zips: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    if zips.is_empty() {
        return Err(format!(
            "{display} 中没有封装包（*.zip）/ no packages (*.zip) in {display}"
        ));
    }
    let mut out = Vec::new();
    for z in zips {
        let name = z.display().to_string();
        let r = match open_zip(&z) {
            Ok(src) => check_source(name, src, fast),
            Err(e) => BagResult {
                name,
                files: 0,
                problems: vec![Problem::Malformed { detail: e }],
            },
        };
        out.push(r);
        if let Some(stem) = z.file_stem().map(|s| s.to_string_lossy().into_owned()) {
            let dir = path.join(&stem);
            if dir.is_dir() {
                out.push(check_unpacked(&z, &dir, fast));
            }
        }
    }
    Ok(out)
}

/// The unpacked volume folder `OUT/<id>/` must equal the package's `data/` (less `source/`).
fn check_unpacked(zip_path: &Path, dir: &Path, fast: bool) -> BagResult {
    let name = format!("{}/", dir.display());
    let mut src = match open_zip(zip_path) {
        Ok(s) => s,
        Err(e) => {
            return BagResult {
                name,
                files: 0,
                problems: vec![Problem::Malformed { detail: e }],
            }
        }
    };
    let listed: BTreeMap<String, String> = src
        .read_all("manifest-sha256.txt")
        .map(|b| parse_manifest(&String::from_utf8_lossy(&b)))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, h)| {
            p.strip_prefix("data/")
                .filter(|r| !r.starts_with("source/"))
                .map(|r| (r.to_string(), h))
        })
        .collect();
    let mut local = Source::Dir {
        root: dir.to_path_buf(),
    };
    let present: BTreeMap<String, u64> = local
        .names()
        .into_iter()
        .filter(|(p, _)| !super::UNSEALED.contains(&p.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut missing: Vec<String> = listed
        .keys()
        .filter(|p| !present.contains_key(*p))
        .cloned()
        .collect();
    let mut added: Vec<String> = present
        .keys()
        .filter(|p| !listed.contains_key(*p))
        .cloned()
        .collect();
    if !fast {
        for p in listed.keys().filter(|p| present.contains_key(*p)) {
            if local.hashes(p).map(|(h, _)| h != listed[p]).unwrap_or(true) {
                problems.push(Problem::Altered { path: p.clone() });
            }
        }
        let mut renamed = Vec::new();
        for m in &missing {
            if let Some(a) = added.iter().find(|a| {
                local
                    .hashes(a)
                    .map(|(h, _)| h == listed[m])
                    .unwrap_or(false)
            }) {
                renamed.push((m.clone(), a.clone()));
            }
        }
        for (from, to) in renamed {
            missing.retain(|m| *m != from);
            added.retain(|a| *a != to);
            problems.push(Problem::Renamed { from, to });
        }
    }
    problems.extend(missing.into_iter().map(|path| Problem::Missing { path }));
    problems.extend(added.into_iter().map(|path| Problem::Added { path }));
    BagResult {
        name,
        files: present.len(),
        problems,
    }
}

/// Text report.
pub fn to_text(results: &[BagResult], lang: Lang) -> String {
    let mut s = String::new();
    for r in results {
        if r.problems.is_empty() {
            s.push_str(&format!(
                "{} {}（{} {}）\n",
                lang.pick("完好", "whole"),
                r.name,
                r.files,
                lang.pick("个文件", "files")
            ));
        } else {
            s.push_str(&format!(
                "{} {}：\n",
                lang.pick("不完整或已被改动", "NOT whole"),
                r.name
            ));
            for p in &r.problems {
                s.push_str(&format!("  - {}\n", p.describe(lang)));
            }
        }
    }
    let bad = results.iter().filter(|r| !r.problems.is_empty()).count();
    s.push_str(&match lang {
        Lang::Zh => format!("共检查 {} 项，{} 项有问题\n", results.len(), bad),
        Lang::En => format!("{} checked, {} with problems\n", results.len(), bad),
    });
    s
}
