//! Themes: templates, CSS and JS for the HTML outputs, embedded in the binary and overridable
//! file by file from `<root>/themes/<name>/` (mdBook style).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// The files of a theme after overrides: relative path → bytes.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Files by relative path (`templates/volume.html`, `css/dossier.css`, …).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Which files came from the archive's theme folder (for messages and cache keys).
    pub overridden: Vec<String>,
}

impl Theme {
    /// The built-in default theme.
    pub fn builtin() -> Theme {
        Theme {
            files: DEFAULT_THEME
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_vec()))
                .collect(),
            overridden: Vec::new(),
        }
    }

    /// The default theme with every file found in `<root>/themes/<name>/` replacing (or
    /// adding to) the built-in one of the same relative path.
    pub fn load(root: &Path, name: &str) -> std::io::Result<Theme> {
        let mut t = Theme::builtin();
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            return Ok(t);
        }
        for e in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let e = e.map_err(std::io::Error::other)?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = crate::load::rel_path(&dir, e.path());
            let bytes = std::fs::read(e.path())?;
            t.files.insert(rel.clone(), bytes);
            t.overridden.push(rel);
        }
        Ok(t)
    }

    /// A file's bytes.
    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).map(|v| v.as_slice())
    }

    /// A file as text (templates, CSS, JS).
    pub fn text(&self, rel: &str) -> Option<&str> {
        self.get(rel).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// A stable digest of the theme, for caches.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for (k, v) in &self.files {
            h.update(k.as_bytes());
            h.update([0]);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v);
        }
        hex::encode(h.finalize())
    }

    /// Writes the built-in theme to `dir` (for `anjuan theme export`), never overwriting.
    pub fn export_builtin(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for (rel, bytes) in DEFAULT_THEME {
            let p = dir.join(rel);
            if p.exists() {
                continue;
            }
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&p, bytes)?;
            written.push(p);
        }
        Ok(written)
    }
}
