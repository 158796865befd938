//! The html renderer (being written).

use super::{Context, Rendered, Renderer};
use crate::model::Volume;
use std::path::Path;

/// Renders the html output.
pub struct HtmlRenderer;

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }
    fn render_volume(&self, _ctx: &Context, _volume: &Volume, _dir: &Path) -> Rendered {
        Ok(Vec::new())
    }
}
