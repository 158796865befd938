//! Resolves `file` / `files` entries to files inside the manifest's folder, never outside it.
//!
//! Every path is relative to the manifest's folder and must stay there after `..` and
//! symlinks are resolved (spec §1). Globs match files below the folder, sorted by name.

use crate::finding::Finding;
use crate::load::{is_ignored_name, join_rel, rel_path, CASE_FILE, LEDGER_FILE, VOLUME_FILE};
use crate::t;
use crate::yaml::Pos;
use std::collections::BTreeSet;
use std::path::{Component, Path};

/// Every file below a case folder (relative to that folder, sorted), skipping ignored
/// names, sub-folders that are case folders of their own, and the manifests themselves.
pub fn list_folder(root: &Path, dir_rel: &str, case_dirs: &BTreeSet<String>) -> Vec<String> {
    let dir_abs = crate::load::abs_dir(root, dir_rel);
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&dir_abs)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if is_ignored_name(&name) {
                return false;
            }
            if e.file_type().is_dir() {
                let rel = rel_path(root, e.path());
                return !case_dirs.contains(&rel);
            }
            true
        });
    for e in walker.flatten() {
        if e.depth() == 0 || e.file_type().is_dir() {
            continue;
        }
        let rel = rel_path(&dir_abs, e.path());
        if e.depth() == 1 && (rel == CASE_FILE || rel == LEDGER_FILE || rel == VOLUME_FILE) {
            continue;
        }
        // A symlink to a folder is not a file of the case.
        if e.file_type().is_symlink() && std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        out.push(rel);
    }
    out
}

/// Whether a pattern uses glob syntax.
pub fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '[', '{'])
}

/// The outcome of resolving one pattern.
pub struct Resolved {
    /// Matching files, relative to the case folder, sorted.
    pub files: Vec<String>,
    /// Files that matched but were refused (escaping symlinks, folders): still "listed",
    /// so they are not reported again as unlisted.
    pub refused: Vec<String>,
    /// Problems (path-escape, file-missing, file-type for folders).
    pub findings: Vec<Finding>,
}

fn escape(manifest_rel: &str, pos: Pos, pattern: &str, why_zh: &str, why_en: &str) -> Finding {
    Finding::error(
        "path-escape",
        t!(
            format!("路径“{pattern}”超出了清单所在的文件夹（{why_zh}）"),
            format!("path “{pattern}” leaves the manifest's folder ({why_en})")
        ),
        t!(
            "材料文件必须放在本案文件夹内，路径写成相对路径（如 materials/01.pdf）；请把文件复制进来再引用",
            "materials must be inside the case folder, referenced by a relative path such as materials/01.pdf; copy the file in"
        ),
    )
    .at(manifest_rel, pos)
}

/// Lexically checks a relative pattern: no absolute paths, no `..` climbing out.
fn lexically_inside(pattern: &str) -> Result<(), (&'static str, &'static str)> {
    if pattern.starts_with('/')
        || pattern.starts_with('\\')
        || pattern.get(1..3) == Some(":\\")
        || pattern.get(1..3) == Some(":/")
    {
        return Err(("绝对路径", "absolute path"));
    }
    let mut depth: i32 = 0;
    for part in pattern.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return Err(("“..”指向上级文件夹", "“..” climbs out"));
                }
            }
            _ => depth += 1,
        }
    }
    Ok(())
}

/// Checks that `dir_abs/rel` (inside by name: `rel` is normalized and does not climb) really
/// is inside once symlinks are resolved, and returns what it points at. `last` is the
/// `symlink_metadata` of the path itself. Without a symlink among `rel`'s components it is
/// inside, and no path is resolved: `canonicalize` reads every component of the whole path
/// again (two dozen system calls per material, twice per build, which cost more than
/// rendering the page of a short Markdown material).
fn physically_inside(
    dir_abs: &Path,
    rel: &str,
    last: &std::fs::Metadata,
) -> Result<std::fs::Metadata, std::io::Error> {
    let mut linked = last.file_type().is_symlink();
    if !linked {
        // The folders between `dir_abs` and the file.
        let folders = rel.rsplit_once('/').map_or("", |(folders, _)| folders);
        let mut p = dir_abs.to_path_buf();
        for part in folders.split('/').filter(|part| !part.is_empty()) {
            p.push(part);
            if std::fs::symlink_metadata(&p)?.file_type().is_symlink() {
                linked = true;
                break;
            }
        }
    }
    if !linked {
        return Ok(last.clone());
    }
    let dir_canon = dir_abs
        .canonicalize()
        .unwrap_or_else(|_| dir_abs.to_path_buf());
    let canon = dir_abs.join(rel).canonicalize()?;
    if canon.starts_with(&dir_canon) {
        std::fs::metadata(&canon)
    } else {
        Err(std::io::Error::other("outside"))
    }
}

/// Resolves one `file` / `files` pattern of a manifest in `dir_rel`.
pub fn resolve(
    root: &Path,
    dir_rel: &str,
    folder_files: &[String],
    manifest_rel: &str,
    pos: Pos,
    pattern: &str,
) -> Resolved {
    let mut r = Resolved {
        files: Vec::new(),
        refused: Vec::new(),
        findings: Vec::new(),
    };
    let pattern = pattern.trim();
    if pattern.is_empty() {
        r.findings.push(
            Finding::error(
                "schema",
                t!("文件路径为空", "empty file path"),
                t!(
                    "请填写材料文件的相对路径",
                    "write the material file's relative path"
                ),
            )
            .at(manifest_rel, pos),
        );
        return r;
    }
    if let Err((zh, en)) = lexically_inside(pattern) {
        r.findings.push(escape(manifest_rel, pos, pattern, zh, en));
        return r;
    }
    let dir_abs = crate::load::abs_dir(root, dir_rel);
    let candidates: Vec<String> = if is_glob(pattern) {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .build();
        let glob = match glob {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                r.findings.push(
                    Finding::error(
                        "schema",
                        t!(
                            format!("通配符“{pattern}”写法有误：{e}"),
                            format!("glob “{pattern}” is invalid: {e}")
                        ),
                        t!("通配符示例：photos/*.jpg", "example glob: photos/*.jpg"),
                    )
                    .at(manifest_rel, pos),
                );
                return r;
            }
        };
        let mut m: Vec<String> = folder_files
            .iter()
            .filter(|f| glob.is_match(f.as_str()))
            .cloned()
            .collect();
        m.sort();
        m
    } else {
        vec![normalize(pattern)]
    };
    for rel in candidates {
        let abs = dir_abs.join(&rel);
        match std::fs::symlink_metadata(&abs) {
            Err(_) => continue,
            Ok(meta) => match physically_inside(&dir_abs, &rel, &meta) {
                Ok(target) => {
                    if target.is_dir() {
                        r.findings.push(
                            Finding::error(
                                "file-type",
                                t!(
                                    format!("“{rel}”是文件夹，不是文件"),
                                    format!("“{rel}” is a folder, not a file")
                                ),
                                t!(
                                    "请列出文件夹中的文件，或使用通配符，如 photos/*.jpg",
                                    "list the files inside, or use a glob such as photos/*.jpg"
                                ),
                            )
                            .at(manifest_rel, pos),
                        );
                        r.refused.push(rel);
                        continue;
                    }
                    r.files.push(rel);
                }
                Err(e) => {
                    let looped = e.raw_os_error() == Some(40);
                    let (zh, en) = if meta.file_type().is_symlink() && looped {
                        ("符号链接循环", "symlink loop")
                    } else if meta.file_type().is_symlink()
                        && e.kind() == std::io::ErrorKind::NotFound
                    {
                        ("符号链接指向不存在的文件", "dangling symlink")
                    } else {
                        ("符号链接指向文件夹之外", "a symlink points outside")
                    };
                    r.findings.push(escape(manifest_rel, pos, &rel, zh, en));
                    r.refused.push(rel);
                }
            },
        }
    }
    if r.files.is_empty() && r.findings.is_empty() {
        let (zh, en) = if is_glob(pattern) {
            (
                format!("通配符“{pattern}”没有匹配到任何文件"),
                format!("glob “{pattern}” matches no file"),
            )
        } else {
            (
                format!("找不到文件“{pattern}”"),
                format!("file “{pattern}” not found"),
            )
        };
        let near = nearest_name(pattern, folder_files);
        let help = match near {
            Some(n) => t!(
                format!("文件夹中有“{n}”，是否写错了文件名？路径相对于 {}", manifest_rel),
                format!("the folder has “{n}”: a typo? Paths are relative to {manifest_rel}")
            ),
            None => t!(
                format!("请把文件放入本案文件夹，或更正路径（路径相对于 {manifest_rel} 所在文件夹，区分大小写）"),
                format!("put the file in the case folder or correct the path (relative to {manifest_rel}'s folder, case-sensitive)")
            ),
        };
        r.findings
            .push(Finding::error("file-missing", t!(zh, en), help).at(manifest_rel, pos));
    }
    r
}

/// `a/./b/../c` → `a/c` (already known not to climb out).
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(p).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str().unwrap_or("")),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    parts.join("/")
}

/// A folder file whose name is close to the missing one (same name, other case or
/// extension), to suggest a fix.
fn nearest_name<'a>(pattern: &str, files: &'a [String]) -> Option<&'a str> {
    let want = pattern.to_lowercase();
    let stem = |s: &str| {
        s.rsplit_once('.')
            .map(|(a, _)| a.to_string())
            .unwrap_or_else(|| s.to_string())
    };
    files
        .iter()
        .find(|f| f.to_lowercase() == want)
        .or_else(|| {
            files
                .iter()
                .find(|f| stem(&f.to_lowercase()) == stem(&want))
        })
        .or_else(|| {
            let base = want.rsplit('/').next().unwrap_or(&want).to_string();
            files
                .iter()
                .find(|f| f.to_lowercase().rsplit('/').next() == Some(base.as_str()))
        })
        .map(|s| s.as_str())
}

/// Root-relative path of a case-relative file.
pub fn root_rel(dir_rel: &str, case_rel: &str) -> String {
    join_rel(dir_rel, case_rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_climbing_and_absolute_paths() {
        assert!(lexically_inside("../x.pdf").is_err());
        assert!(lexically_inside("a/../../x.pdf").is_err());
        assert!(lexically_inside("/etc/passwd").is_err());
        assert!(lexically_inside("C:\\x.pdf").is_err());
        assert!(lexically_inside("a/../x.pdf").is_ok());
        assert!(lexically_inside("photos/*.jpg").is_ok());
    }

    #[test]
    fn normalizes_inner_dots() {
        assert_eq!(normalize("a/./b/../c.pdf"), "a/c.pdf");
    }
}
