//! Spec conformance: archives written strictly from shared/spec/case-format.md by someone who
//! did not read the tool's own fixtures, checked with `anjuan check ROOT --format json`.
//!
//! `tests/cases/make_spec_fixtures.py` writes them to `tests/cases/spec/` together with
//! `expected.json`, which this test asserts:
//!
//! - every `valid/` archive: exit 0, no error, exactly the expected warnings, and the summary's
//!   volumes, cases, materials and pages (pages as a range only where Markdown typesetting makes
//!   the count uncertain);
//! - every `invalid/` archive (one defect each, at least one per rule id of spec §6): exit 1 for
//!   an error, 0 for a warning; exactly one finding of the expected rule, with its severity, at
//!   the expected file (relative to the root) and line; nothing else but the consequences listed
//!   under `also`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/spec")
}

fn expected() -> Value {
    let path = spec_dir().join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// Runs `anjuan check ROOT --format json`: (exit code, parsed stdout).
fn check(root: &str) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["check"])
        .arg(spec_dir().join(root))
        .args(["--format", "json"])
        .output()
        .expect("run anjuan");
    let code = out
        .status
        .code()
        .expect("anjuan exited normally (no signal)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{root}: stdout is not JSON ({e}); exit {code}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings is an array")
}

fn show(json: &Value) -> String {
    findings(json)
        .iter()
        .map(|f| {
            format!(
                "  {} {} {}:{} {}",
                f["severity"].as_str().unwrap_or("?"),
                f["rule"].as_str().unwrap_or("?"),
                f["file"].as_str().unwrap_or("-"),
                f["line"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The JSON shape of spec §6: every finding has these keys, and says what is wrong and what to do.
fn assert_shape(root: &str, json: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    for f in findings(json) {
        for k in ["rule", "severity", "message", "help"] {
            if f[k].as_str().is_none_or(str::is_empty) {
                bad.push(format!("{root}: finding without `{k}`: {f}"));
            }
        }
        if !matches!(f["severity"].as_str(), Some("error" | "warning")) {
            bad.push(format!("{root}: severity neither error nor warning: {f}"));
        }
    }
    let s = &json["summary"];
    for k in [
        "volumes",
        "cases",
        "materials",
        "pages",
        "errors",
        "warnings",
    ] {
        if s[k].as_u64().is_none() {
            bad.push(format!("{root}: summary.{k} missing"));
        }
    }
    let count = |sev: &str| {
        findings(json)
            .iter()
            .filter(|f| f["severity"] == sev)
            .count() as u64
    };
    if s["errors"].as_u64() != Some(count("error"))
        || s["warnings"].as_u64() != Some(count("warning"))
    {
        bad.push(format!(
            "{root}: summary errors/warnings do not match the findings"
        ));
    }
    bad
}

#[test]
fn valid_archives_pass_with_the_right_counts() {
    let exp = expected();
    let mut bad = Vec::new();
    for e in exp["valid"].as_array().unwrap() {
        let root = e["root"].as_str().unwrap();
        let (code, json) = check(root);
        bad.extend(assert_shape(root, &json));
        if code != 0 {
            bad.push(format!("{root}: exit {code}, expected 0\n{}", show(&json)));
        }
        let errors: Vec<_> = findings(&json)
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        if !errors.is_empty() {
            bad.push(format!(
                "{root}: errors on a valid archive\n{}",
                show(&json)
            ));
        }
        let s = &json["summary"];
        let want = &e["summary"];
        for k in ["volumes", "cases", "materials"] {
            if s[k] != want[k] {
                bad.push(format!(
                    "{root}: summary.{k} = {}, expected {}",
                    s[k], want[k]
                ));
            }
        }
        let pages = s["pages"].as_u64().unwrap_or(0);
        let (lo, hi) = (
            want["pages"][0].as_u64().unwrap(),
            want["pages"][1].as_u64().unwrap(),
        );
        if !(lo..=hi).contains(&pages) {
            bad.push(format!(
                "{root}: summary.pages = {pages}, expected {lo}..={hi}"
            ));
        }
        let warnings: Vec<&Value> = findings(&json)
            .iter()
            .filter(|f| f["severity"] == "warning")
            .collect();
        let wanted = e["warnings"].as_array().unwrap();
        if warnings.len() != wanted.len() {
            bad.push(format!(
                "{root}: {} warnings, expected {}\n{}",
                warnings.len(),
                wanted.len(),
                show(&json)
            ));
        }
        for w in wanted {
            let text = w["mentions"].as_str().unwrap();
            let hit = warnings.iter().any(|f| {
                (w["rule"].is_null() || f["rule"] == w["rule"])
                    && (f["file"].as_str().is_some_and(|p| p.contains(text))
                        || f["message"].as_str().is_some_and(|m| m.contains(text)))
            });
            if !hit {
                bad.push(format!("{root}: no warning about {text}\n{}", show(&json)));
            }
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn each_defect_gives_its_rule_at_its_file_and_line() {
    let exp = expected();
    let mut bad = Vec::new();
    let mut rules = std::collections::BTreeSet::new();
    for e in exp["invalid"].as_array().unwrap() {
        let root = e["root"].as_str().unwrap();
        let rule = e["rule"].as_str().unwrap();
        rules.insert(rule.to_string());
        let (code, json) = check(root);
        bad.extend(assert_shape(root, &json));
        if i64::from(code) != e["exit"].as_i64().unwrap() {
            bad.push(format!(
                "{root}: exit {code}, expected {}\n{}",
                e["exit"],
                show(&json)
            ));
        }
        let lines: Vec<u64> = match (&e["line"], &e["lines"]) {
            (Value::Number(n), _) => vec![n.as_u64().unwrap()],
            (_, Value::Array(ls)) => ls.iter().map(|l| l.as_u64().unwrap()).collect(),
            _ => Vec::new(), // any line
        };
        let ours: Vec<&Value> = findings(&json)
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect();
        match ours.as_slice() {
            [f] => {
                if f["severity"] != e["severity"] {
                    bad.push(format!(
                        "{root}: {rule} is {}, expected {}",
                        f["severity"], e["severity"]
                    ));
                }
                if f["file"] != e["file"] {
                    bad.push(format!(
                        "{root}: {rule} in {}, expected {}",
                        f["file"], e["file"]
                    ));
                }
                if !lines.is_empty() && !f["line"].as_u64().is_some_and(|l| lines.contains(&l)) {
                    bad.push(format!(
                        "{root}: {rule} at line {}, expected one of {lines:?}",
                        f["line"]
                    ));
                }
            }
            [] => bad.push(format!("{root}: no `{rule}` finding\n{}", show(&json))),
            _ => bad.push(format!(
                "{root}: {} `{rule}` findings for one defect\n{}",
                ours.len(),
                show(&json)
            )),
        }
        let also: Vec<&str> = e["also"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let others: Vec<&Value> = findings(&json)
            .iter()
            .filter(|f| f["rule"] != rule && !also.contains(&f["rule"].as_str().unwrap_or("")))
            .collect();
        if !others.is_empty() {
            bad.push(format!(
                "{root}: findings beyond the one defect\n{}",
                show(&json)
            ));
        }
    }
    // Every rule id of spec §6 has at least one defective archive.
    for r in [
        "yaml",
        "schema",
        "path-escape",
        "file-missing",
        "file-type",
        "unlisted-file",
        "duplicate-file",
        "unknown-type",
        "order",
        "missing",
        "date-order",
        "deadline",
        "av-metadata",
        "pages-mismatch",
        "one-case-one-volume",
        "nested-case",
        "not-closed",
        "volume-split",
        "ledger-copy-unapproved",
        "ledger-credentials",
        "ledger-scope",
        "ledger-predecision",
        "ledger-incomplete",
    ] {
        if !rules.contains(r) {
            bad.push(format!("no defective archive for rule {r}"));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

/// `build` checks volume by volume as it streams through the archive (it never holds the
/// whole model); its findings must be exactly those of `check` on the loaded archive, but
/// for `not-closed`, which a build raises to an error. Also the counts of the summary.
#[test]
fn build_finds_what_check_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut roots: Vec<PathBuf> = Vec::new();
    for group in ["valid", "invalid"] {
        for e in std::fs::read_dir(spec_dir().join(group)).unwrap() {
            roots.push(e.unwrap().path());
        }
    }
    for dir in ["tests/cases/invalid", "tests/cases/valid"] {
        for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
            roots.push(e.unwrap().path());
        }
    }
    roots.sort();
    assert!(roots.len() > 60, "{}", roots.len());
    let json_of = |args: &[&str], root: &Path, out: Option<&Path>| -> Value {
        let mut c = Command::new(env!("CARGO_BIN_EXE_anjuan"));
        c.args(args)
            .arg(root)
            .args(["--format", "json", "--lang", "en"]);
        if let Some(o) = out {
            c.arg("-o").arg(o);
        }
        let o = c.output().expect("run anjuan");
        let stdout = String::from_utf8_lossy(&o.stdout);
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "{}: {args:?} printed no JSON ({e}):\n{stdout}\n{}",
                root.display(),
                String::from_utf8_lossy(&o.stderr)
            )
        })
    };
    let mut compared = 0;
    for (i, root) in roots.iter().enumerate() {
        if !root.is_dir() {
            continue;
        }
        let checked = json_of(&["check"], root, None);
        let out = tmp.path().join(format!("out-{i}"));
        let built = json_of(&["build", "--only", "html"], root, Some(&out));
        let mut want: Vec<Value> = findings(&checked).clone();
        for f in &mut want {
            if f["rule"] == "not-closed" {
                f["severity"] = Value::from("error");
            }
        }
        assert_eq!(
            &want,
            findings(&built),
            "{}: build and check disagree\ncheck:\n{}\nbuild:\n{}",
            root.display(),
            show(&checked),
            show(&built)
        );
        for k in ["volumes", "cases", "materials", "pages"] {
            assert_eq!(
                checked["summary"][k],
                built["summary"][k],
                "{}: summary {k}",
                root.display()
            );
        }
        compared += 1;
    }
    assert!(compared > 60);
}
