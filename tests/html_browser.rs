//! The HTML dossier in a real browser: headless Chromium over `file://` (tests/browser/check.js)
//! must see no console error, no request that is not a local file, every link and image
//! resolving, and `search.html?q=…` finding known materials.
//!
//! Needs `node`, `npm ci --prefix tests/browser` and Debian's `chromium`. When one is missing
//! the test fails under CI (env `CI` set) and prints a skip note otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_anjuan");

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Why the browser check cannot run here, if it cannot.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} not found (apt-get install -y chromium)"
        ));
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        return Some("node not found".into());
    }
    if !repo("tests/browser/node_modules/playwright-core").is_dir() {
        return Some("tests/browser/node_modules missing (npm ci --prefix tests/browser)".into());
    }
    None
}

fn skip_or_fail() -> bool {
    if let Some(why) = missing() {
        if std::env::var_os("CI").is_some() {
            panic!("browser test cannot run under CI: {why}");
        }
        eprintln!("note: skipping the browser test: {why}");
        return true;
    }
    false
}

fn build(root: &Path, out: &Path) {
    let o = Command::new(BIN)
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(["--only", "html", "-q"])
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn check(out: &Path, expects: &[&str]) {
    let mut cmd = Command::new("node");
    cmd.arg(repo("tests/browser/check.js")).arg(out);
    for e in expects {
        cmd.arg("--expect").arg(e);
    }
    let o = cmd.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    println!("{stdout}");
    assert!(
        o.status.success(),
        "browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn sample_dossier_is_clean_in_chromium_over_file_urls() {
    if skip_or_fail() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    build(&repo("sample-cases"), &out);
    check(
        &out,
        &[
            // A word only in the body of a Markdown material (04-现场检查笔录.md).
            "酸奶=>2024-0012/m04.html",
            // A material title, a case number, a party.
            "现场检查执法记录仪视频=>2024-0012/m06.html",
            "任市监罚〔2024〕31号=>2024-0031/",
            "某某副食批发部=>2024-QZ-0005/",
        ],
    );
}

#[test]
fn hostile_dossier_is_clean_in_chromium_over_file_urls() {
    if skip_or_fail() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    build(&repo("tests/cases/html/hostile"), &out);
    // 监测报告 is written as the material's type (an alias) and in its text.
    check(
        &out,
        &[
            "监测报告=>2025-JC-0001/m04.html",
            "现场检查笔录=>2025-JC-0001/m02.html",
        ],
    );
}
