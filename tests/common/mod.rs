//! Helpers shared by integration tests.

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
