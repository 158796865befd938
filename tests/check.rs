//! `anjuan check` on fixture archives: every rule id fires at the right file and line, valid
//! archives are clean, and checking never writes anything.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjuan"))
}

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn check_json(root: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = bin()
        .arg("check")
        .arg(root)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("run anjuan");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// (rule, severity, file, line) of every finding.
fn findings(v: &serde_json::Value) -> Vec<(String, String, String, u64)> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const CASE: &str = "处罚/T-0001/case.yaml";
const LEDGER: &str = "处罚/T-0001/ledger.yaml";

/// Each invalid fixture gives exactly its rule (and nothing else), at the right place.
#[test]
fn every_rule_fires_at_the_right_place() {
    // (fixture, rule, severity, file, line, exit status)
    let expected: &[(&str, &str, &str, &str, u64, i32)] = &[
        ("yaml", "yaml", "error", CASE, 5, 1),
        ("schema", "schema", "error", CASE, 11, 1),
        ("path-escape", "path-escape", "error", CASE, 32, 1),
        ("file-missing", "file-missing", "error", CASE, 35, 1),
        ("file-type", "file-type", "error", CASE, 56, 1),
        (
            "unlisted-file",
            "unlisted-file",
            "warning",
            "处罚/T-0001/草稿.md",
            0,
            0,
        ),
        ("duplicate-file", "duplicate-file", "warning", CASE, 77, 0),
        ("unknown-type", "unknown-type", "error", CASE, 34, 1),
        ("order", "order", "error", CASE, 34, 1),
        ("missing", "missing", "error", CASE, 27, 1),
        ("date-order", "date-order", "warning", CASE, 12, 0),
        ("deadline", "deadline", "error", CASE, 25, 1),
        ("av-metadata", "av-metadata", "error", CASE, 43, 1),
        ("pages-mismatch", "pages-mismatch", "error", CASE, 58, 1),
        (
            "nested-case",
            "nested-case",
            "error",
            "处罚/T-0001/附件/T-0002/case.yaml",
            1,
            1,
        ),
        ("not-closed", "not-closed", "warning", CASE, 13, 0),
        ("volume-split", "volume-split", "warning", CASE, 1, 0),
        ("encoding", "encoding", "warning", CASE, 80, 0),
        (
            "ledger-copy-unapproved",
            "ledger-copy-unapproved",
            "error",
            LEDGER,
            1,
            1,
        ),
        (
            "ledger-credentials",
            "ledger-credentials",
            "error",
            LEDGER,
            1,
            1,
        ),
        ("ledger-scope", "ledger-scope", "error", LEDGER, 1, 1),
        (
            "ledger-incomplete",
            "ledger-incomplete",
            "error",
            LEDGER,
            1,
            1,
        ),
    ];
    for (name, rule, sev, file, line, code) in expected {
        let (status, v) = check_json(&cases().join("invalid").join(name), &[]);
        let got = findings(&v);
        let rules: std::collections::BTreeSet<&str> = got.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            rules.into_iter().collect::<Vec<_>>(),
            vec![*rule],
            "{name}: {got:?}"
        );
        assert!(
            got.iter()
                .all(|f| f.1 == *sev && f.2 == *file && f.3 == *line),
            "{name}: expected {sev} at {file}:{line}, got {got:?}"
        );
        assert_eq!(status, *code, "{name}: exit status");
        let volume = v["findings"][0]["volume"].as_str().unwrap_or("");
        assert!(!volume.is_empty(), "{name}: finding names its volume");
    }
}

#[test]
fn rules_that_come_with_others_still_point_at_the_right_place() {
    let (status, v) = check_json(&cases().join("invalid/one-case-one-volume"), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    assert!(
        got.contains(&(
            "one-case-one-volume".into(),
            "error".into(),
            "简易卷/b/case.yaml".into(),
            5
        )),
        "{got:?}"
    );
    let (status, v) = check_json(&cases().join("invalid/ledger-predecision"), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    assert!(
        got.contains(&(
            "ledger-predecision".into(),
            "error".into(),
            LEDGER.into(),
            1
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&("not-closed".into(), "warning".into(), CASE.into(), 12)),
        "{got:?}"
    );
}

#[test]
fn valid_archives_are_clean_and_counted() {
    for (name, volumes, cases_n, materials) in [
        ("basic", 1, 1, 14),
        ("combined", 2, 4, 20),
        ("with-ledger", 1, 1, 14),
    ] {
        let (status, v) = check_json(&cases().join("valid").join(name), &[]);
        assert_eq!(status, 0, "{name}: {v}");
        assert_eq!(
            v["findings"].as_array().map(|a| a.len()),
            Some(0),
            "{name}: {v}"
        );
        let s = &v["summary"];
        assert_eq!(s["volumes"], volumes, "{name}");
        assert_eq!(s["cases"], cases_n, "{name}");
        assert_eq!(s["materials"], materials, "{name}");
        assert_eq!(s["errors"], 0);
        assert_eq!(s["warnings"], 0);
    }
}

#[test]
fn json_has_exactly_the_spec_shape() {
    let (_, v) = check_json(&cases().join("invalid/order"), &[]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["findings", "summary"]);
    let f = v["findings"][0].as_object().unwrap();
    let mut fk: Vec<&str> = f.keys().map(String::as_str).collect();
    fk.sort();
    assert_eq!(
        fk,
        ["column", "file", "help", "line", "message", "rule", "severity", "volume"]
    );
    assert_eq!(f["volume"], "T-0001");
    assert_eq!(f["column"], 5);
    let mut sk: Vec<&str> = v["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    sk.sort();
    assert_eq!(
        sk,
        [
            "cases",
            "errors",
            "materials",
            "pages",
            "volumes",
            "warnings"
        ]
    );
}

#[test]
fn messages_switch_language() {
    let (_, zh) = check_json(&cases().join("invalid/order"), &[]);
    let (_, en) = check_json(&cases().join("invalid/order"), &["--lang", "en"]);
    let m_zh = zh["findings"][0]["message"].as_str().unwrap();
    let m_en = en["findings"][0]["message"].as_str().unwrap();
    assert!(m_zh.contains("顺序"), "{m_zh}");
    assert!(m_en.contains("out of order"), "{m_en}");
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept)"
    );
}

fn check_text(root: &Path, extra: &[&str]) -> String {
    let out = bin().arg("check").arg(root).args(extra).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_output_is_rustc_style() {
    snapshot("order", &check_text(&cases().join("invalid/order"), &[]));
    snapshot(
        "missing",
        &check_text(&cases().join("invalid/missing"), &[]),
    );
    snapshot(
        "yaml-en",
        &check_text(&cases().join("invalid/yaml"), &["--lang", "en"]),
    );
    snapshot(
        "ledger-copy",
        &check_text(&cases().join("invalid/ledger-copy-unapproved"), &[]),
    );
}

/// A digest of every file and its bytes below a folder.
fn tree_digest(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = if e.file_type().is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((rel, bytes));
    }
    out
}

#[test]
fn check_writes_nothing() {
    let root = cases().join("valid/with-ledger");
    let before = tree_digest(&root);
    let _ = check_text(&root, &[]);
    let _ = check_json(&root, &[]);
    assert!(before == tree_digest(&root));
}

#[test]
fn unreadable_root_exits_2() {
    let out = bin()
        .args(["check", "/nonexistent/anjuan-root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取"));
    let out = bin().args(["check", "--format", "xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn symlinks_out_of_the_folder_are_path_escape() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&cases().join("valid/basic"), tmp.path());
    let case = tmp.path().join("处罚/T-0001");
    std::fs::remove_file(case.join("02-立案审批表.md")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", case.join("02-立案审批表.md")).unwrap();
    // A symlink loop listed through a glob.
    std::os::unix::fs::symlink("loop-b.jpg", case.join("photos/loop-a.jpg")).unwrap();
    std::os::unix::fs::symlink("loop-a.jpg", case.join("photos/loop-b.jpg")).unwrap();
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    assert!(
        got.iter().all(|f| f.0 == "path-escape"),
        "escaping files are not also unlisted: {got:?}"
    );
    assert!(
        got.iter()
            .any(|f| f.0 == "path-escape" && f.2 == CASE && f.3 == 32),
        "{got:?}"
    );
    assert!(
        got.iter()
            .filter(|f| f.0 == "path-escape" && f.3 == 38)
            .count()
            >= 2,
        "{got:?}"
    );
}

#[test]
fn symlinks_that_stay_inside_are_fine() {
    // The archive reached through a symlinked folder, and a material that is a symlink to a
    // file of the same case (in a subfolder): both inside. (Symlinked folders inside a case
    // are reported and not walked; see the test above.)
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    copy_dir(&cases().join("valid/basic"), &real);
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let case = real.join("处罚/T-0001");
    std::fs::create_dir(case.join("originals")).unwrap();
    std::fs::rename(
        case.join("02-立案审批表.md"),
        case.join("originals/02-立案审批表.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("originals/02-立案审批表.md", case.join("02-立案审批表.md"))
        .unwrap();
    let (status, v) = check_json(&link, &[]);
    let got = findings(&v);
    assert!(
        !got.iter()
            .any(|f| f.0 == "path-escape" || f.0 == "file-missing"),
        "{got:?}"
    );
    assert_eq!(status, 0, "{got:?}");
}

#[test]
fn bad_files_are_findings_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&cases().join("valid/basic"), tmp.path());
    let case = tmp.path().join("处罚/T-0001");
    // Encrypted PDF, zero-byte JPEG, truncated PNG.
    let pdf = std::fs::read(case.join("07-进货单据.pdf")).unwrap();
    let s = String::from_utf8_lossy(&pdf).replace(
        "/Root 1 0 R",
        "/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>",
    );
    std::fs::write(case.join("07-进货单据.pdf"), s.as_bytes()).unwrap();
    std::fs::write(case.join("10-送达回证.jpg"), b"").unwrap();
    let png = std::fs::read(case.join("06-营业执照.png")).unwrap();
    std::fs::write(case.join("06-营业执照.png"), &png[..png.len() - 20]).unwrap();
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    for line in [52u64, 56, 67] {
        assert!(
            got.iter().any(|f| f.0 == "file-type" && f.3 == line),
            "line {line}: {got:?}"
        );
    }
    let text = check_text(tmp.path(), &[]);
    assert!(text.contains("加密"), "{text}");
    assert!(text.contains("空的"), "{text}");
    assert!(text.contains("不完整"), "{text}");
}

#[test]
fn gbk_manifest_is_a_yaml_error_with_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&cases().join("valid/basic"), tmp.path());
    let p = tmp.path().join(CASE);
    let text = std::fs::read_to_string(&p).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(&p, &gbk).unwrap();
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "yaml");
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("GBK"));
}

#[test]
fn combined_volume_binds_cases_in_time_order() {
    // Folders a/b/c were decided 06-20, 06-03, 06-11; the volume must list b, c, a.
    let loaded = anjuan::load::load(&cases().join("valid/combined")).unwrap();
    let v = loaded
        .archive
        .volumes
        .iter()
        .find(|v| v.id == "简易卷")
        .expect("combined volume");
    let order: Vec<&str> = v
        .cases
        .iter()
        .map(|c| c.dir_rel.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(order, ["b", "c", "a"]);
}

#[test]
fn profiles_are_listed_and_shown_as_yaml() {
    let out = bin().arg("profiles").output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    for id in [
        "penalty-ordinary",
        "penalty-simple",
        "licensing",
        "coercion-measure",
        "coercion-enforcement",
        "inspection",
    ] {
        assert!(s.contains(id), "{id} in {s}");
    }
    let out = bin()
        .args(["profiles", "show", "penalty-ordinary"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("id: penalty-ordinary") && s.contains("行政处罚决定书"));
    let out = bin().args(["profiles", "show", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn local_profiles_override_builtin_ones() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&cases().join("valid/basic"), tmp.path());
    // A local penalty-ordinary that also requires 听证笔录 always.
    let src = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["profiles", "show", "penalty-ordinary"])
        .output()
        .unwrap()
        .stdout;
    let text = String::from_utf8(src).unwrap().replace(
        "{ name: 听证笔录, repeat: true, required_if: [hearing] }",
        "{ name: 听证笔录, repeat: true, required: true }",
    );
    std::fs::create_dir_all(tmp.path().join("profiles")).unwrap();
    std::fs::write(tmp.path().join("profiles/penalty-ordinary.yaml"), text).unwrap();
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    assert!(findings(&v).iter().any(|f| f.0 == "missing"), "{v}");
    // A broken local profile is a finding with its file and line.
    std::fs::write(
        tmp.path().join("profiles/penalty-ordinary.yaml"),
        "id: penalty-ordinary\nname: x\nkind: 行政处罚\nretention: 永久\nmaterials: 12\n",
    )
    .unwrap();
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    assert!(
        findings(&v)
            .iter()
            .any(|f| f.0 == "schema" && f.2 == "profiles/penalty-ordinary.yaml" && f.3 == 5),
        "{v}"
    );
}

#[test]
fn new_case_writes_a_skeleton_in_binding_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("处罚/2024-0100");
    let out = bin()
        .args(["new", "case"])
        .arg(&dir)
        .args(["--profile", "penalty-ordinary"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
    let a = text.find("type: 案件来源登记表").unwrap();
    let b = text.find("type: 行政处罚决定书").unwrap();
    assert!(a < b);
    // The skeleton is valid YAML; check reports what is still to fill in, not syntax errors.
    let (status, v) = check_json(tmp.path(), &[]);
    assert_eq!(status, 1);
    let got = findings(&v);
    assert!(got.iter().all(|f| f.0 != "yaml"), "{got:?}");
    assert!(got.iter().any(|f| f.0 == "missing"), "{got:?}");
    // Never overwrites.
    let again = bin().args(["new", "case"]).arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("case.yaml")).unwrap(),
        text
    );
}

#[test]
fn sample_archive_is_clean() {
    let (status, v) = check_json(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases"),
        &[],
    );
    assert_eq!(status, 0, "{v}");
    let errors: Vec<_> = findings(&v)
        .into_iter()
        .filter(|f| f.1 == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(v["summary"]["volumes"].as_u64().unwrap() >= 6);
}

#[test]
fn build_prints_the_warnings_of_its_check_unless_quiet() {
    let t = tempfile::tempdir().unwrap();
    let root = cases().join("invalid/date-order");
    let run = |extra: &[&str]| {
        let o = bin()
            .arg("build")
            .arg(&root)
            .arg("-o")
            .arg(t.path().join("out"))
            .args(["--only", "html"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let loud = run(&[]);
    assert!(loud.contains("warning[date-order]"), "{loud}");
    assert!(loud.contains("处罚/T-0001/case.yaml:12"), "{loud}");
    let quiet = run(&["--quiet"]);
    assert!(!quiet.contains("date-order"), "{quiet}");
}

/// Two volumes with one id would write into one output folder: the second (in id, folder
/// order) is a `schema` error at its manifest naming the first, in `check` and in `build`
/// (which finds it while streaming through the volumes), and the build writes nothing.
#[test]
fn two_volumes_with_one_id_are_an_error_naming_the_first() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("archive");
    copy_dir(&cases().join("valid/basic"), &root);
    copy_dir(&root.join("处罚/T-0001"), &root.join("处罚/T-0002"));
    let (code, v) = check_json(&root, &[]);
    assert_eq!(code, 1, "{v}");
    let dup: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema")
        .collect();
    assert_eq!(dup.len(), 1, "{v}");
    assert_eq!(dup[0]["file"], "处罚/T-0002/case.yaml");
    assert_eq!(dup[0]["line"], 1);
    assert!(
        dup[0]["message"]
            .as_str()
            .unwrap()
            .contains("处罚/T-0001/case.yaml"),
        "{}",
        dup[0]
    );
    assert_eq!(v["summary"]["volumes"], 1, "{v}");

    let out = t.path().join("out");
    let b = bin()
        .arg("build")
        .arg(&root)
        .arg("-o")
        .arg(&out)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(b.status.code(), Some(1));
    let built: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(findings(&built), findings(&v));
    assert!(
        !out.join("T-0001").exists(),
        "a build with errors wrote a volume"
    );
    // The text report quotes the second manifest's first line, as check's does.
    let text = bin()
        .arg("build")
        .arg(&root)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&text.stderr);
    assert!(stderr.contains("1 | case:"), "{stderr}");
}
