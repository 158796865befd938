//! Finds the volume a `ledger add|list DIR` command is about: the archive root around DIR is
//! loaded (so profiles, archive.yaml and page numbers are those `check` and `build` see), then
//! the volume whose folder — or one of whose case folders — is DIR.

use crate::finding::Text;
use crate::load::{self, Loaded};
use crate::model::Volume;
use crate::t;
use std::path::{Path, PathBuf};

/// The loaded archive and which of its volumes DIR is.
pub struct Located {
    /// The loaded archive (typeset page counts filled).
    pub loaded: Loaded,
    /// Index into `loaded.archive.volumes`.
    pub volume: usize,
    /// DIR as given, made absolute: where `ledger.yaml` lives.
    pub dir: PathBuf,
    /// `ledger.yaml` relative to the root (for messages and sources).
    pub ledger_rel: String,
}

impl Located {
    /// The volume.
    pub fn volume(&self) -> &Volume {
        &self.loaded.archive.volumes[self.volume]
    }
    /// Absolute path of the `ledger.yaml` in DIR.
    pub fn ledger_path(&self) -> PathBuf {
        self.dir.join(load::LEDGER_FILE)
    }
}

/// The archive root around `dir`: the nearest ancestor (or `dir` itself) holding
/// `archive.yaml`; else the folder above the volume (above a combined volume when `dir` is
/// one of its cases).
pub fn find_root(dir: &Path) -> PathBuf {
    for a in dir.ancestors() {
        if a.join("archive.yaml").is_file() {
            return a.to_path_buf();
        }
    }
    let parent = dir.parent().unwrap_or(dir);
    if parent.join("volume.yaml").is_file() {
        return parent.parent().unwrap_or(parent).to_path_buf();
    }
    parent.to_path_buf()
}

fn same(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Loads the archive around `dir` and finds its volume.
pub fn locate(dir: &Path, root: Option<&Path>) -> Result<Located, Text> {
    let dir = std::path::absolute(dir).map_err(|e| {
        t!(
            format!("无法读取 {}：{e}", dir.display()),
            format!("cannot read {}: {e}", dir.display())
        )
    })?;
    if !dir.is_dir() {
        return Err(t!(
            format!("{} 不是文件夹；请指定案件文件夹（含 case.yaml）或合订卷文件夹（含 volume.yaml）", dir.display()),
            format!("{} is not a folder; give a case folder (with case.yaml) or a combined-volume folder (with volume.yaml)", dir.display())
        ));
    }
    if !dir.join(load::CASE_FILE).is_file() && !dir.join(load::VOLUME_FILE).is_file() {
        return Err(t!(
            format!("{} 中没有 case.yaml 或 volume.yaml；台账记在案件文件夹或合订卷文件夹中", dir.display()),
            format!("{} has no case.yaml or volume.yaml; a ledger belongs to a case or combined-volume folder", dir.display())
        ));
    }
    let root = match root {
        Some(r) => std::path::absolute(r).unwrap_or_else(|_| r.to_path_buf()),
        None => find_root(&dir),
    };
    if !dir.starts_with(&root) && !same(&dir, &root) {
        return Err(t!(
            format!("{} 不在根目录 {} 之内", dir.display(), root.display()),
            format!(
                "{} is not inside the root {}",
                dir.display(),
                root.display()
            )
        ));
    }
    let mut loaded = load::load(&root).map_err(|e| e.message)?;
    crate::layout_pages(&mut loaded);
    let volume = loaded
        .archive
        .volumes
        .iter()
        .position(|v| same(&v.dir_abs, &dir) || v.cases.iter().any(|c| same(&c.dir_abs, &dir)));
    let Some(volume) = volume else {
        // The folder did not load as a volume: its manifest has errors. Show them.
        let rel = load::rel_path(&root, &dir);
        let errors: Vec<String> = loaded
            .findings
            .iter()
            .filter(|f| {
                f.is_error()
                    && f.file
                        .as_deref()
                        .is_some_and(|p| rel.is_empty() || p.starts_with(&rel))
            })
            .map(|f| format!("  {}: {}", f.file.clone().unwrap_or_default(), f.message.zh))
            .collect();
        return Err(t!(
            format!(
                "无法读取 {} 的案卷清单，请先运行 anjuan check 修正：\n{}",
                dir.display(),
                errors.join("\n")
            ),
            format!(
                "cannot load the volume at {}; run anjuan check and fix its manifest first",
                dir.display()
            )
        ));
    };
    let ledger_rel = load::join_rel(&load::rel_path(&root, &dir), load::LEDGER_FILE);
    Ok(Located {
        loaded,
        volume,
        dir,
        ledger_rel,
    })
}
