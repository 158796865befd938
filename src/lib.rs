//! anjuan (案卷): turns administrative law-enforcement case folders into archived dossiers.
//!
//! The pipeline has four stages over one model: [`load`] (walk, parse, hash) → [`check`]
//! (every finding, as data) → render (HTML, PDF, ledger) → package (atomic write, zip,
//! fixity). `anjuan check` runs everything but the writing.

pub mod build;
pub mod check;
pub mod cli;
pub mod export;
pub mod finding;
pub mod i18n;
pub mod ledger;
pub mod load;
pub mod model;
pub mod package;
pub mod paging;
pub mod profile;
pub mod render;
pub mod report;
pub mod theme;
pub mod yaml;

/// Fills the exact page counts of typeset materials (Markdown / text) by laying them out
/// with the PDF typesetter, so `check` and every renderer see the same numbers.
pub fn layout_pages(loaded: &mut load::Loaded) {
    render::pdf::count_typeset_pages(&mut loaded.archive);
}
