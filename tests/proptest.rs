//! Property tests: random-but-structured archives through load, page layout and check, the
//! way `anjuan check` / `anjuan build` call them, must never panic, and every finding must
//! carry a rule id and a message in both languages.
//!
//! Each case writes an archive into a temporary folder: the `tests/cases/valid/basic` case
//! with its `case.yaml` mutated (lines replaced, dropped, duplicated, re-indented, truncated,
//! values swapped for hostile scalars, random Unicode), sometimes `archive.yaml` and a
//! combined-volume `volume.yaml` mutated too, and each material either kept, removed, or
//! replaced by random bytes (often starting with PDF / JPEG / PNG / TIFF / MP4 magic).
//!
//! The number of cases is `PROPTEST_CASES` (default here: 512, about 10 s in the
//! debug profile). A long run: `PROPTEST_CASES=100000 cargo test --release --test proptest`.

use anjuan::check::{self, Mode};
use anjuan::load;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

const FIXTURE: &str = "tests/cases/valid/basic";
const CASE_DIR: &str = "处罚/T-0001";
const CASE_YAML: &str = include_str!("cases/valid/basic/处罚/T-0001/case.yaml");
const ARCHIVE_YAML: &str = include_str!("cases/valid/basic/archive.yaml");
const VOLUME_YAML: &str = include_str!("cases/valid/combined/简易卷/volume.yaml");

/// The material files of the fixture (relative to the case folder).
fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURE)
        .join(CASE_DIR);
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&base)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != "case.yaml")
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// Scalars that have broken parsers before: odd dates, numbers, YAML specials, markup.
const HOSTILE_SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "[]",
    "{}",
    "[[[[[[[[[[",
    "{a: {b: {c: [1, 2, {d: e}]}}}",
    "2024-02-30",
    "2024-13-01",
    "0000-00-00",
    "9999-12-31",
    "-2024-01-01",
    "2024-01-01T25:61:61+08:00",
    "2024-03-02T09:30:00+99:00",
    "2024-03-02T09:30:00",
    "1e400",
    "-0",
    "0x7fffffffffffffff",
    "18446744073709551616",
    "-9223372036854775809",
    "99999999999999999999999999",
    "-1",
    ".nan",
    ".inf",
    "true",
    "no",
    "&a x",
    "*a",
    "*undefined_alias",
    "!!binary aGVsbG8=",
    "!!str",
    "!custom {x: 1}",
    "|",
    ">-",
    "'unterminated",
    "\"unterminated",
    "\"\\u0000\\uD800\"",
    "'''",
    "- - - -",
    "? complex\n  : key",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "photos/**/*",
    "[photos/*.jpg, '**', '../*']",
    "*.{jpg,png",
    "[!a-",
    "a\u{0}b",
    "\u{202E}gpj.exe",
    "\u{2028}\u{2029}",
    "\u{FEFF}",
    "\u{10FFFF}",
    "𠀀𠀁𠀂",
    "案卷\t制表",
    "1/2",
    "0",
    "100000000",
    "4294967296",
    "[个人隐私, 商业秘密, 国家秘密, 未知]",
    "已结案",
    "未结案",
    "永久",
    "30年",
    "10年",
    "普通程序",
    "简易程序",
    "行政处罚",
    "行政强制",
    "行政检查",
];

/// Keys of the spec (and near misses) for inserted lines.
const KEYS: &[&str] = &[
    "case",
    "id",
    "number",
    "title",
    "kind",
    "procedure",
    "party",
    "agency",
    "handlers",
    "decision_no",
    "opened",
    "decided",
    "closed",
    "status",
    "facts",
    "hearing",
    "archive",
    "catalog",
    "volume_no",
    "filing_no",
    "retention",
    "secrecy",
    "filed_by",
    "checked_by",
    "filed_on",
    "remarks",
    "materials",
    "type",
    "file",
    "files",
    "date",
    "pages",
    "doc_no",
    "confidential",
    "av",
    "matter",
    "start",
    "end",
    "place",
    "method",
    "officers",
    "note",
    "title",
    "lang",
    "theme",
    "profile",
    "fonds",
    "fonds_name",
    "max_volume_pages",
    "<<",
    "Case",
    "材料",
    "",
];

/// One edit of a manifest's text.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace the value after the first `: ` of line `n` with a scalar.
    Value(usize, String),
    /// Insert `key: value` at line `n` with some indentation.
    Insert(usize, usize, String, String),
    /// Delete line `n`.
    Delete(usize),
    /// Duplicate line `n`.
    Duplicate(usize),
    /// Change the indentation of line `n`.
    Indent(usize, usize),
    /// Replace line `n` with arbitrary text.
    Line(usize, String),
    /// Swap lines.
    Swap(usize, usize),
    /// Truncate the text at a fraction (per mille) of its length.
    Truncate(u16),
    /// Insert raw bytes' worth of characters at a fraction of the text.
    Splice(u16, String),
}

fn unicode_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "[\\x00-\\x7f]{0,12}",
        "[一-龥]{0,8}",
        "[\\u{2000}-\\u{206F}\\u{FE00}-\\u{FEFF}]{0,4}",
        "[:\\-\\[\\]{}#&*!|>'\"%@`, ?\t]{0,8}",
        proptest::sample::select(HOSTILE_SCALARS).prop_map(str::to_string),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(HOSTILE_SCALARS).prop_map(str::to_string),
        1 => (0u32..10000, 0u32..20, 0u32..40)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
        2 => unicode_text(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = 0usize..120;
    prop_oneof![
        6 => (n.clone(), scalar()).prop_map(|(n, s)| Edit::Value(n, s)),
        2 => (n.clone(), 0usize..10, proptest::sample::select(KEYS), scalar())
            .prop_map(|(n, i, k, v)| Edit::Insert(n, i, k.to_string(), v)),
        2 => n.clone().prop_map(Edit::Delete),
        1 => n.clone().prop_map(Edit::Duplicate),
        2 => (n.clone(), 0usize..9).prop_map(|(n, i)| Edit::Indent(n, i)),
        1 => (n.clone(), unicode_text()).prop_map(|(n, s)| Edit::Line(n, s)),
        1 => (n.clone(), n.clone()).prop_map(|(a, b)| Edit::Swap(a, b)),
        1 => (0u16..1000).prop_map(Edit::Truncate),
        1 => (0u16..1000, unicode_text()).prop_map(|(p, s)| Edit::Splice(p, s)),
    ]
}

fn at_char(s: &str, per_mille: u16) -> usize {
    let mut i = s.len() * per_mille as usize / 1000;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        let len = lines.len().max(1);
        match e {
            Edit::Value(n, v) => {
                if let Some(l) = lines.get_mut(n % len) {
                    if let Some(i) = l.find(": ") {
                        l.truncate(i + 2);
                        l.push_str(v);
                    } else if let Some(i) = l.find("- ") {
                        l.truncate(i + 2);
                        l.push_str(v);
                    }
                }
            }
            Edit::Insert(n, indent, k, v) => {
                let at = (n % len).min(lines.len());
                lines.insert(at, format!("{}{k}: {v}", " ".repeat(*indent)));
            }
            Edit::Delete(n) => {
                if !lines.is_empty() {
                    lines.remove(n % len);
                }
            }
            Edit::Duplicate(n) => {
                if let Some(l) = lines.get(n % len).cloned() {
                    lines.insert(n % len, l);
                }
            }
            Edit::Indent(n, i) => {
                if let Some(l) = lines.get_mut(n % len) {
                    *l = format!("{}{}", " ".repeat(*i), l.trim_start());
                }
            }
            Edit::Line(n, s) => {
                if let Some(l) = lines.get_mut(n % len) {
                    *l = s.clone();
                }
            }
            Edit::Swap(a, b) => {
                if !lines.is_empty() {
                    lines.swap(a % len, b % len);
                }
            }
            Edit::Truncate(p) => {
                let joined = lines.join("\n");
                let cut = at_char(&joined, *p);
                lines = joined[..cut].lines().map(str::to_string).collect();
            }
            Edit::Splice(p, s) => {
                let mut joined = lines.join("\n");
                let at = at_char(&joined, *p);
                joined.insert_str(at, s);
                lines = joined.lines().map(str::to_string).collect();
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A YAML-ish document built from scratch: nested maps and lists with random keys.
fn random_yaml() -> impl Strategy<Value = String> {
    let leaf = scalar().prop_map(|s| format!(" {s}"));
    let tree = leaf.prop_recursive(4, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(|kv| {
                    let mut s = String::new();
                    for (k, v) in kv {
                        s.push_str(&format!("\n{k}:{}", indent(&v)));
                    }
                    s
                }),
            proptest::collection::vec(inner, 0..5).prop_map(|items| {
                let mut s = String::new();
                for v in items {
                    s.push_str(&format!("\n-{}", indent(&v)));
                }
                s
            }),
        ]
    });
    tree.prop_map(|s| s.trim_start().to_string())
}

fn indent(v: &str) -> String {
    v.replace('\n', "\n  ")
}

/// Magic numbers the loader sniffs.
const MAGIC: &[&[u8]] = &[
    b"%PDF-1.7\n",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    b"%PDF-",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\xff\xd8\xff\xdb",
    b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03",
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x06\x00\x00\x00",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x00\x00\x00\x00\x00\x08\x02\x00\x00\x00",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x00\x18ftypmp42",
    b"GIF89a",
    b"PK\x03\x04",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"# \xe6\xa0\x87\xe9\xa2\x98\n\n",
    b"",
];

/// What to do with one material file.
#[derive(Debug, Clone)]
enum FileFate {
    Keep,
    Remove,
    /// Magic index (or none) followed by bytes.
    Bytes(Option<usize>, Vec<u8>),
    /// The original bytes, truncated (per mille).
    Truncated(u16),
    /// The original bytes with one byte changed.
    Flip(usize, u8),
}

fn file_fate() -> impl Strategy<Value = FileFate> {
    prop_oneof![
        4 => Just(FileFate::Keep),
        1 => Just(FileFate::Remove),
        3 => (
            proptest::option::weighted(0.8, 0..MAGIC.len()),
            proptest::collection::vec(any::<u8>(), 0..600),
        )
            .prop_map(|(m, b)| FileFate::Bytes(m, b)),
        1 => (0u16..1000).prop_map(FileFate::Truncated),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| FileFate::Flip(i, b)),
    ]
}

/// One generated archive.
#[derive(Debug, Clone)]
struct Scenario {
    case_edits: Vec<Edit>,
    archive: Option<Vec<Edit>>,
    /// A combined volume: `volume.yaml` edits and a case inside written from scratch.
    volume: Option<(Vec<Edit>, String)>,
    /// A second case whose manifest is random YAML.
    extra_case: Option<String>,
    fates: Vec<FileFate>,
}

fn scenario(n_files: usize) -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec(edit(), 0..8),
        proptest::option::weighted(0.3, proptest::collection::vec(edit(), 0..4)),
        proptest::option::weighted(
            0.2,
            (proptest::collection::vec(edit(), 0..4), random_yaml()),
        ),
        proptest::option::weighted(0.2, random_yaml()),
        proptest::collection::vec(file_fate(), n_files),
    )
        .prop_map(
            |(case_edits, archive, volume, extra_case, fates)| Scenario {
                case_edits,
                archive,
                volume,
                extra_case,
                fates,
            },
        )
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Writes the scenario under `root`.
fn materialise(root: &Path, s: &Scenario, files: &[(String, Vec<u8>)]) {
    let archive = match &s.archive {
        Some(e) => apply(ARCHIVE_YAML, e),
        None => ARCHIVE_YAML.to_string(),
    };
    write(&root.join("archive.yaml"), archive.as_bytes());
    let case = root.join(CASE_DIR);
    write(
        &case.join("case.yaml"),
        apply(CASE_YAML, &s.case_edits).as_bytes(),
    );
    for ((rel, bytes), fate) in files.iter().zip(&s.fates) {
        let p = case.join(rel);
        match fate {
            FileFate::Keep => write(&p, bytes),
            FileFate::Remove => {}
            FileFate::Bytes(m, b) => {
                let mut v = m.map(|i| MAGIC[i].to_vec()).unwrap_or_default();
                v.extend_from_slice(b);
                write(&p, &v);
            }
            FileFate::Truncated(pm) => write(&p, &bytes[..bytes.len() * *pm as usize / 1000]),
            FileFate::Flip(i, b) => {
                let mut v = bytes.clone();
                if !v.is_empty() {
                    let i = i % v.len();
                    v[i] = *b;
                }
                write(&p, &v);
            }
        }
    }
    if let Some((edits, inner)) = &s.volume {
        let vol = root.join("简易卷");
        write(
            &vol.join("volume.yaml"),
            apply(VOLUME_YAML, edits).as_bytes(),
        );
        write(&vol.join("a/case.yaml"), inner.as_bytes());
        write(&vol.join("a/01.md"), "# 一\n\n正文".as_bytes());
    }
    if let Some(text) = &s.extra_case {
        write(&root.join("处罚/T-0002/case.yaml"), text.as_bytes());
        write(&root.join("处罚/T-0002/01.md"), b"# x\n");
    }
}

/// Load, lay out and check as `anjuan check` and `anjuan build` do; every finding complete.
/// Adds the rule ids seen to `seen`.
fn load_and_check(
    root: &Path,
    seen: &mut std::collections::BTreeSet<&'static str>,
) -> Result<(), TestCaseError> {
    let mut loaded = match load::load(root) {
        Ok(l) => l,
        // A fatal error is a message, not a panic.
        Err(e) => {
            prop_assert!(!e.message.zh.is_empty() && !e.message.en.is_empty());
            return Ok(());
        }
    };
    anjuan::layout_pages(&mut loaded);
    for mode in [Mode::Check, Mode::Build] {
        let report = check::run(&loaded, mode);
        for f in &report.findings {
            seen.insert(f.rule);
            prop_assert!(!f.rule.trim().is_empty(), "finding without a rule: {f:?}");
            prop_assert!(
                !f.message.zh.trim().is_empty() && !f.message.en.trim().is_empty(),
                "finding without a message: {f:?}"
            );
        }
        let errors = report
            .findings
            .iter()
            .filter(|f| f.severity == anjuan::finding::Severity::Error)
            .count();
        prop_assert_eq!(report.summary.errors, errors);
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

#[test]
fn random_archives_load_and_check_without_panic() {
    let files = fixture_files();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let seen = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&scenario(files.len()), |s| {
        // Progress for long runs (`--nocapture`): one line per 5,000 cases.
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n.is_multiple_of(5000) {
            eprintln!(
                "proptest: {n} cases, {:.0}s",
                started.elapsed().as_secs_f64()
            );
        }
        let tmp = tempfile::tempdir().unwrap();
        materialise(tmp.path(), &s, &files);
        load_and_check(tmp.path(), &mut seen.lock().unwrap())
    });
    let seen = seen.into_inner().unwrap();
    eprintln!(
        "proptest: {} cases in {:.1}s; {} distinct rules reported: {}",
        cases(),
        started.elapsed().as_secs_f64(),
        seen.len(),
        seen.iter().copied().collect::<Vec<_>>().join(" ")
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Unmodified fixture through the same path: the harness itself finds no error in a valid
/// archive (so a run that finds nothing is not a run that checks nothing).
#[test]
fn the_unmutated_scenario_is_clean() {
    let files = fixture_files();
    let s = Scenario {
        case_edits: vec![],
        archive: None,
        volume: None,
        extra_case: None,
        fates: vec![FileFate::Keep; files.len()],
    };
    let tmp = tempfile::tempdir().unwrap();
    materialise(tmp.path(), &s, &files);
    let mut loaded = load::load(tmp.path()).expect("loads");
    anjuan::layout_pages(&mut loaded);
    let report = check::run(&loaded, Mode::Build);
    assert!(!report.has_errors(), "{:?}", report.findings);
    assert_eq!(report.summary.materials, 14);
}

/// The mutations reach the checker: a date swapped for nonsense is an error, not a panic.
#[test]
fn a_mutation_is_reported() {
    let files = fixture_files();
    let line = CASE_YAML
        .lines()
        .position(|l| l.trim_start().starts_with("opened:"))
        .unwrap();
    let s = Scenario {
        case_edits: vec![Edit::Value(line, "2024-02-30".into())],
        archive: None,
        volume: None,
        extra_case: None,
        fates: vec![FileFate::Keep; files.len()],
    };
    let tmp = tempfile::tempdir().unwrap();
    materialise(tmp.path(), &s, &files);
    let loaded = load::load(tmp.path()).expect("loads");
    let report = check::run(&loaded, Mode::Check);
    assert!(report.has_errors(), "{:?}", report.findings);
}
