//! anjuan (案卷): turns administrative law-enforcement case folders into archived dossiers.
//!
//! The pipeline has four stages over one model: [`load`] (walk, parse, hash) → [`check`]
//! (every finding, as data) → render (HTML, PDF, ledger) → package (atomic write, zip,
//! fixity). `anjuan check` runs everything but the writing.

pub mod build;
pub mod cache;
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

/// Fills the exact page counts of typeset materials (Markdown / text) by paginating them
/// with the PDF typesetter, so `check` and every renderer see the same numbers.
pub fn layout_pages(loaded: &mut load::Loaded) {
    layout_pages_cached(loaded, &cache::Cache::none());
}

/// [`layout_pages`] through the incremental-build cache: a text whose bytes (by SHA-256) were
/// laid out before is not laid out again. Distinct texts are laid out in parallel.
pub fn layout_pages_cached(loaded: &mut load::Loaded, cache: &cache::Cache) {
    layout_pages_in(&mut loaded.archive, cache)
}

/// [`layout_pages_cached`] over an archive (of one volume, in a streaming build).
pub fn layout_pages_in(archive: &mut model::Archive, cache: &cache::Cache) {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    let key = |f: &model::MaterialFile| {
        let md = f.kind == model::FileKind::Markdown;
        (
            format!("{}:{}", if md { "md" } else { "txt" }, f.sha256),
            md,
        )
    };
    let mut todo: BTreeMap<String, (bool, &model::MaterialFile)> = BTreeMap::new();
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for v in &archive.volumes {
        for c in &v.cases {
            for m in &c.materials {
                for f in m.files.iter().filter(|f| f.kind.is_typeset()) {
                    let (k, md) = key(f);
                    match cache.pages(&k) {
                        Some(n) => {
                            counts.insert(k, n);
                        }
                        None => {
                            todo.entry(k).or_insert((md, f));
                        }
                    }
                }
            }
        }
    }
    let laid: Vec<(String, u32)> = todo
        .into_par_iter()
        .map(|(k, (md, f))| {
            // Counted, not drawn: the same pagination for a fraction of the work.
            let n =
                render::pdf::typeset::count_file(&f.sha256, md, || f.text().unwrap_or_default());
            (k, n)
        })
        .collect();
    for (k, n) in laid {
        cache.record_pages(&k, n);
        counts.insert(k, n);
    }
    for v in &mut archive.volumes {
        for c in &mut v.cases {
            for m in &mut c.materials {
                if m.files.iter().any(|f| f.kind.is_typeset()) {
                    let n: u32 = m
                        .files
                        .iter()
                        .filter(|f| f.kind.is_typeset())
                        .map(|f| counts.get(&key(f).0).copied().unwrap_or(0))
                        .sum();
                    m.typeset_pages = Some(n);
                }
            }
        }
    }
}
