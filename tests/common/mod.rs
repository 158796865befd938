//! Helpers shared by integration tests.

// Each test crate uses a different subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A private copy of the sample archive (without any built `_site`), for tests that change
/// materials or build into the tree.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("archive");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&from).unwrap();
        if rel.starts_with("_site") {
            continue;
        }
        let to = root.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    (t, root)
}

/// Every file below `dir` as (path relative to `dir` with `/`, absolute path), sorted.
pub fn files_below(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

/// Whether an external tool (qpdf, poppler-utils) can run; on CI a missing tool fails the
/// test instead of skipping its checks.
pub fn tool(name: &str) -> bool {
    let ok = std::process::Command::new(name).arg("-v").output().is_ok();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{name} is required in CI (install qpdf and poppler-utils)");
        }
        eprintln!("note: {name} not installed; skipping its checks");
    }
    ok
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dst = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

/// Page labels of every page, computed from /PageLabels.
pub fn labels(doc: &lopdf::Document) -> Vec<String> {
    let n = doc.get_pages().len();
    let cat = doc.catalog().unwrap();
    let pl = cat
        .get_deref(b"PageLabels", doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let nums = pl.get_deref(b"Nums", doc).unwrap().as_array().unwrap();
    let mut ranges: Vec<(usize, String, bool, i64)> = Vec::new();
    for pair in nums.chunks(2) {
        let start = pair[0].as_i64().unwrap() as usize;
        let d = match &pair[1] {
            lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
            o => o.as_dict().unwrap(),
        };
        let prefix = d
            .get(b"P")
            .ok()
            .map(|p| lopdf::decode_text_string(p).unwrap())
            .unwrap_or_default();
        let arabic = d.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(b"D".as_slice());
        let st = d.get(b"St").ok().and_then(|s| s.as_i64().ok()).unwrap_or(1);
        ranges.push((start, prefix, arabic, st));
    }
    (0..n)
        .map(|i| {
            let (s, p, a, st) = ranges.iter().rev().find(|r| r.0 <= i).unwrap();
            if *a {
                format!("{p}{}", st + (i - s) as i64)
            } else {
                p.clone()
            }
        })
        .collect()
}
