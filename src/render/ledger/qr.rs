//! The QR code on each ledger sheet: it carries the volume id and a SHA-256 so a paper sheet
//! can be matched to its digital volume.
//!
//! Payload: `anjuan:<volume-id>:sha256:<hex>`. When the volume is sealed (the default build),
//! `<hex>` is the SHA-256 of the package's `manifest-sha256.txt`, so
//! `unzip -p <id>.zip '*/manifest-sha256.txt' | sha256sum` matches a paper sheet to its package.
//! Without a package (`--only ledger`) it is the SHA-256 of the volume's manifest bytes — `case.yaml` for a single-case volume (so `sha256sum case.yaml` verifies
//! it), and for a combined volume `volume.yaml` followed by each gathered case's `case.yaml`
//! in binding order (`cat volume.yaml a/case.yaml b/case.yaml | sha256sum`).

use crate::model::{Archive, Volume};
use qrcode::{Color, EcLevel, QrCode};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The manifest files hashed for a volume, relative to the root, in order.
pub fn manifest_files(v: &Volume) -> Vec<String> {
    let mut files = vec![v.manifest_rel.clone()];
    for c in &v.cases {
        if !files.contains(&c.manifest_rel) {
            files.push(c.manifest_rel.clone());
        }
    }
    files
}

/// SHA-256 (hex) over the manifest files' bytes, concatenated.
pub fn manifest_digest(a: &Archive, v: &Volume) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for rel in manifest_files(v) {
        h.update(std::fs::read(crate::load::abs_dir(&a.root, &rel))?);
    }
    Ok(hex::encode(h.finalize()))
}

/// The QR payload text.
pub fn payload(volume_id: &str, sha256: &str) -> String {
    format!("anjuan:{volume_id}:sha256:{sha256}")
}

/// A QR module matrix: `width × width`, row-major, `true` = dark.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Modules per side (without quiet zone).
    pub width: usize,
    /// Dark modules, row-major.
    pub dark: Vec<bool>,
}

impl Matrix {
    /// Encodes text (error correction M: a worn paper sheet still scans).
    pub fn encode(text: &str) -> Option<Matrix> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Some(Matrix { width, dark })
    }

    /// Whether the module at (x, y) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// An inline SVG (one path, 4-module quiet zone), sized by CSS.
    pub fn svg(&self, title: &str) -> String {
        let q = 4;
        let size = self.width + 2 * q;
        let mut d = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    let _ = write!(
                        d,
                        "M{} {}h{}v1h-{}z",
                        start + q,
                        y + q,
                        x - start,
                        x - start
                    );
                } else {
                    x += 1;
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" role=\"img\"><title>{}</title><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>",
            super::form::escape(title)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_payload() {
        let m = Matrix::encode(&payload("2024-0012", &"0".repeat(64))).expect("fits");
        assert!(m.width >= 21);
        assert!(m.is_dark(0, 0), "finder pattern corner is dark");
        assert!(m.svg("x").starts_with("<svg"));
    }
}
