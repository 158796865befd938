//! The ledger renderer (being written).

use super::{Context, Rendered, Renderer};
use crate::model::Volume;
use std::path::Path;

/// Renders the ledger output.
pub struct LedgerRenderer;

impl Renderer for LedgerRenderer {
    fn name(&self) -> &'static str {
        "ledger"
    }
    fn render_volume(&self, _ctx: &Context, _volume: &Volume, _dir: &Path) -> Rendered {
        Ok(Vec::new())
    }
}
