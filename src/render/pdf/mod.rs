//! The pdf renderer (being written).

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
