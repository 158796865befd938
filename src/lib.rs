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

/// The cache key of a typeset text's page count: its kind and content hash.
fn pages_key(markdown: bool, sha256: &str) -> String {
    format!("{}:{sha256}", if markdown { "md" } else { "txt" })
}

/// Counts the pages of a typeset text whose bytes loading has just read and decoded, into
/// the cache, so [`layout_pages_in`] need not read the file again. Only for a cache that
/// keeps its records (otherwise the count would be made twice).
pub fn count_pages_ahead(cache: &cache::Cache, kind: model::FileKind, sha256: &str, text: &str) {
    if !kind.is_typeset() || !cache.keeps() {
        return;
    }
    let md = kind == model::FileKind::Markdown;
    let key = pages_key(md, sha256);
    if cache.pages(&key).is_none() {
        cache.record_pages(&key, render::pdf::typeset::count_pages(md, text));
    }
}

/// [`layout_pages_cached`] over an archive (of one volume, in a streaming build).
pub fn layout_pages_in(archive: &mut model::Archive, cache: &cache::Cache) {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    let key = |f: &model::MaterialFile| {
        let md = f.kind == model::FileKind::Markdown;
        (pages_key(md, &f.sha256), md)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading counts the pages of the texts it reads for hashing into a keeping cache, and
    /// those counts are the ones a full layout gives.
    #[test]
    fn texts_are_counted_as_they_are_loaded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/valid/basic");
        let out = tempfile::tempdir().unwrap();
        let keeping = cache::Cache::none_saving(out.path(), "state.json");
        let loaded = load::load_cached(&root, &keeping).unwrap();
        let mut texts = 0;
        for v in &loaded.archive.volumes {
            for c in &v.cases {
                for f in c.materials.iter().flat_map(|m| &m.files) {
                    if !f.kind.is_typeset() {
                        continue;
                    }
                    texts += 1;
                    let md = f.kind == model::FileKind::Markdown;
                    let text = f.text().unwrap();
                    let laid = if md {
                        render::pdf::typeset::typeset_markdown(&text)
                    } else {
                        render::pdf::typeset::typeset_plain(&text)
                    };
                    let key = pages_key(md, &f.sha256);
                    assert_eq!(
                        keeping.pages(&key),
                        Some(laid.pages.len() as u32),
                        "{}",
                        f.rel
                    );
                }
            }
        }
        assert!(texts >= 5, "{texts} texts");
    }
}
