//! Check: every rule of spec §6 that does not need rendering, each a small function over the
//! loaded model that returns findings. All findings are collected, never just the first.

mod rules;

use crate::finding::{Finding, Severity};
use crate::load::Loaded;
use crate::model::Archive;
use serde::Serialize;

pub use rules::RULES;

/// Whether the checks run for `check` or before `build` (some rules are stricter for build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `anjuan check`: an open case is a warning.
    Check,
    /// `anjuan build`: archiving needs closed cases.
    Build,
}

/// Counts printed at the end of a check (spec §6 `summary`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Volumes.
    pub volumes: usize,
    /// Cases.
    pub cases: usize,
    /// Materials.
    pub materials: usize,
    /// Numbered pages known.
    pub pages: u64,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
}

/// The outcome of checking an archive.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every finding, sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Runs every rule over the loaded archive, adding the load-stage findings.
pub fn run(loaded: &Loaded, mode: Mode) -> Report {
    let mut findings = loaded.findings.clone();
    findings.extend(rules(&loaded.archive, mode));
    let mut dirs: Vec<(String, String)> = loaded.folders.clone();
    for v in &loaded.archive.volumes {
        dirs.extend(crate::load::VolumeRef::of(v).dirs());
    }
    assign_volumes(dirs, &mut findings);
    order(&mut findings);
    let archive = &loaded.archive;
    let counts = Summary {
        volumes: archive.volumes.len(),
        cases: archive.volumes.iter().map(|v| v.cases.len()).sum(),
        materials: archive.volumes.iter().map(|v| v.item_count()).sum(),
        pages: archive.volumes.iter().map(|v| v.known_pages() as u64).sum(),
        ..Summary::default()
    };
    report(findings, counts)
}

/// Every rule over the archive's volumes. Each rule looks at one volume at a time, so a
/// streaming build runs them on an archive of one volume as it loads each.
pub fn rules(archive: &Archive, mode: Mode) -> Vec<Finding> {
    RULES.iter().flat_map(|r| (r.run)(archive, mode)).collect()
}

/// The report of `findings` (put in [`order`] first) with the model's counts in `counts`.
pub fn report(findings: Vec<Finding>, counts: Summary) -> Report {
    let summary = Summary {
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        ..counts
    };
    Report { findings, summary }
}

/// Report order: by file, line, column, severity, rule; exact duplicates dropped.
pub fn order(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.file.as_deref().unwrap_or(""),
            a.line,
            a.column,
            a.severity,
            a.rule,
        )
            .cmp(&(
                b.file.as_deref().unwrap_or(""),
                b.line,
                b.column,
                b.severity,
                b.rule,
            ))
    });
    findings.dedup();
}

/// Gives each finding without one the id of the volume whose folder holds its file; `dirs`
/// are (folder relative to the root, volume id).
pub fn assign_volumes(mut dirs: Vec<(String, String)>, findings: &mut [Finding]) {
    // Longest folder first, so a case inside a combined volume wins over the volume.
    dirs.sort_by_key(|(d, _)| std::cmp::Reverse(d.len()));
    for f in findings.iter_mut() {
        if f.volume.is_some() {
            continue;
        }
        let Some(file) = &f.file else { continue };
        for (d, id) in &dirs {
            if d.is_empty() || file.starts_with(&format!("{d}/")) || file == d {
                f.volume = Some(id.clone());
                break;
            }
        }
    }
}
