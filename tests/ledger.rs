//! The lookup and copy ledger (issue #5) through the command line: every 第八条 rule with an
//! accepted and a refused entry, append-only byte preservation, concurrent appends, `check`
//! on existing ledgers, and the printed form (PDF text, HTML) and archive register.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CASE: &str = "处罚/2024-0012-某某超市销售过期食品案";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A private copy of the sample archive; returns (guard, root).
fn sample() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("archive");
    copy_dir(&repo().join("sample-cases"), &root);
    // Outputs from a developer's earlier build are not part of the fixture.
    let _ = std::fs::remove_dir_all(root.join("_site"));
    (t, root)
}

fn anjuan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `ledger add DIR` with the given options (an explicit `--at`, so tests never read the clock).
fn add(dir: &Path, opts: &[&str]) -> Output {
    let mut args = vec![
        "ledger",
        "add",
        dir.to_str().unwrap(),
        "--at",
        "2024-09-01T09:00:00+08:00",
    ];
    args.extend_from_slice(opts);
    anjuan(&args)
}

fn ledger_of(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("ledger.yaml")).unwrap_or_default()
}

/// The option set of an entry every rule accepts (an internal reviewer reading the whole file).
const STAFF: &[&str] = &[
    "--reader",
    "孙某",
    "--category",
    "本机关工作人员",
    "--organization",
    "法制科",
    "--id-document",
    "工作证 001",
    "--purpose",
    "案卷评查",
    "--scope",
    "全卷",
    "--escort",
    "王某",
];

/// Asserts that `opts` is accepted: exit 0, earlier bytes untouched, one more entry.
fn accepted(dir: &Path, opts: &[&str]) -> Vec<u8> {
    let before = ledger_of(dir);
    let o = add(dir, opts);
    assert!(
        o.status.success(),
        "expected acceptance of {opts:?}:\n{}",
        text(&o)
    );
    let after = ledger_of(dir);
    assert!(after.len() > before.len());
    assert_eq!(&after[..before.len()], &before[..], "earlier bytes changed");
    after
}

/// Asserts that `opts` is refused with `rule`: exit 1, the message names the sub-clause,
/// and `ledger.yaml` is byte-identical (or still absent).
fn refused(dir: &Path, opts: &[&str], rule: &str, clause: &str) -> String {
    let existed = dir.join("ledger.yaml").exists();
    let before = ledger_of(dir);
    let o = add(dir, opts);
    let out = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected refusal of {opts:?}:\n{out}"
    );
    assert!(
        out.contains(&format!("error[{rule}]")),
        "no {rule} in:\n{out}"
    );
    assert!(
        out.contains(&format!("第八条{clause}")),
        "no 第八条{clause} in:\n{out}"
    );
    assert_eq!(
        dir.join("ledger.yaml").exists(),
        existed,
        "refusal created ledger.yaml"
    );
    assert_eq!(ledger_of(dir), before, "refusal changed ledger.yaml");
    out
}

/// Options with more appended (a later single-valued option wins).
fn with(base: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    base.iter().chain(extra.iter()).copied().collect()
}

#[test]
fn accepted_entry_is_appended_after_the_untouched_earlier_bytes() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let original = ledger_of(&dir);
    assert!(
        original.starts_with("# 【示例·虚构】".as_bytes()),
        "the comment header is part of the fixture"
    );
    let after = accepted(&dir, STAFF);
    assert_eq!(&after[..original.len()], &original[..]);
    let appended = String::from_utf8(after[original.len()..].to_vec()).unwrap();
    assert!(
        appended.starts_with("- at: \"2024-09-01T09:00:00+08:00\""),
        "{appended}"
    );
    assert!(appended.contains("reader: \"孙某\""));
    let list = anjuan(&["ledger", "list", dir.to_str().unwrap()]);
    assert!(list.status.success());
    let l = text(&list);
    assert!(
        l.contains("孙某") && l.contains("钱某") && l.contains("共 3 条"),
        "{l}"
    );
    // The appended file is still a clean ledger for `check`.
    let c = anjuan(&["check", root.to_str().unwrap()]);
    assert!(!text(&c).contains("error[ledger"), "{}", text(&c));
}

#[test]
fn copy_needs_approval() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let copy: &[&str] = &[
        "--copy-content",
        "行政处罚决定书（第 25-27 页）",
        "--copies",
        "1",
    ];
    let out = refused(&dir, &with(STAFF, copy), "ledger-copy-unapproved", "（一）");
    assert!(
        out.contains("--approved-by"),
        "names the missing option:\n{out}"
    );
    let ok = with(
        &with(STAFF, copy),
        &["--approved-by", "周某某", "--approved-on", "2024-08-31"],
    );
    let after = String::from_utf8(accepted(&dir, &ok)).unwrap();
    assert!(
        after.contains("approved_by: \"周某某\"") && after.contains("copies: 1"),
        "{after}"
    );
}

#[test]
fn copy_records_content_and_number() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    refused(
        &dir,
        &with(STAFF, &["--approved-by", "周某某", "--copies", "1"]),
        "ledger-incomplete",
        "（一）",
    );
    accepted(
        &dir,
        &with(
            STAFF,
            &[
                "--approved-by",
                "周某某",
                "--copies",
                "1",
                "--copy-content",
                "决定书",
            ],
        ),
    );
}

#[test]
fn reader_time_and_escort_are_required() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let no_escort: Vec<&str> = STAFF.iter().copied().take(STAFF.len() - 2).collect();
    let out = refused(&dir, &no_escort, "ledger-incomplete", "（一）");
    assert!(out.contains("陪同查阅人"), "{out}");
    // No reader: the category alone is not enough.
    refused(
        &dir,
        &[
            "--category",
            "本机关工作人员",
            "--escort",
            "王某",
            "--scope",
            "全卷",
        ],
        "ledger-incomplete",
        "（一）",
    );
    accepted(&dir, STAFF);
}

#[test]
fn unknown_category_is_refused() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let o = add(&dir, &with(STAFF, &["--category", "路人"]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("路人"));
}

#[test]
fn public_bodies_show_a_letter_and_an_id() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let base: &[&str] = &[
        "--reader",
        "冯某",
        "--category",
        "有关机关",
        "--organization",
        "任丘市人民检察院",
        "--purpose",
        "案件监督",
        "--scope",
        "全卷",
        "--escort",
        "王某",
    ];
    let out = refused(
        &dir,
        &with(base, &["--id-document", "工作证 J-77"]),
        "ledger-credentials",
        "（二）",
    );
    assert!(out.contains("介绍信"), "{out}");
    refused(
        &dir,
        &with(base, &["--credentials", "单位介绍信"]),
        "ledger-credentials",
        "（二）",
    );
    accepted(
        &dir,
        &with(
            base,
            &[
                "--credentials",
                "单位介绍信",
                "--id-document",
                "工作证 J-77",
            ],
        ),
    );
}

#[test]
fn lawyers_show_filing_notice_power_of_attorney_and_licence() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let base: &[&str] = &[
        "--reader",
        "陈某某",
        "--category",
        "代理律师",
        "--organization",
        "河北某某律师事务所",
        "--id-document",
        "律师执业证 1130920",
        "--purpose",
        "行政诉讼",
        "--scope",
        "结论性文件",
        "--escort",
        "王某",
    ];
    let out = refused(
        &dir,
        &with(base, &["--credentials", "授权委托书,律师执业证"]),
        "ledger-credentials",
        "（三）",
    );
    assert!(out.contains("法院立案通知书"), "{out}");
    accepted(
        &dir,
        &with(
            base,
            &["--credentials", "法院立案通知书,授权委托书,律师执业证"],
        ),
    );
}

#[test]
fn applicants_show_an_id() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let base: &[&str] = &[
        "--reader",
        "刘某某",
        "--category",
        "申请人",
        "--organization",
        "任丘市某某超市",
        "--purpose",
        "了解处罚结果",
        "--scope",
        "结论性文件",
        "--escort",
        "王某",
    ];
    refused(&dir, base, "ledger-credentials", "（三）");
    // An organisation also shows its introduction letter.
    let out = refused(
        &dir,
        &with(base, &["--id-document", "居民身份证 1309xxxx"]),
        "ledger-credentials",
        "（三）",
    );
    assert!(out.contains("介绍信"), "{out}");
    accepted(
        &dir,
        &with(
            base,
            &[
                "--id-document",
                "居民身份证 1309xxxx",
                "--credentials",
                "单位介绍信",
            ],
        ),
    );
}

#[test]
fn review_bodies_record_their_retrieval_letter() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let base: &[&str] = &[
        "--reader",
        "何某",
        "--category",
        "复议诉讼机关",
        "--organization",
        "任丘市人民法院",
        "--purpose",
        "行政诉讼调卷",
        "--scope",
        "全卷",
        "--escort",
        "王某",
    ];
    refused(&dir, base, "ledger-credentials", "（五）");
    accepted(&dir, &with(base, &["--credentials", "调卷函"]));
}

#[test]
fn applicants_and_lawyers_see_conclusive_documents_only() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let base: &[&str] = &[
        "--reader",
        "陈某某",
        "--category",
        "代理律师",
        "--id-document",
        "律师执业证 1130920",
        "--credentials",
        "法院立案通知书,授权委托书,律师执业证",
        "--escort",
        "王某",
    ];
    refused(
        &dir,
        &with(base, &["--scope", "全卷"]),
        "ledger-scope",
        "（三）",
    );
    refused(&dir, base, "ledger-scope", "（三）");
    accepted(&dir, &with(base, &["--scope", "结论性文件"]));
}

#[test]
fn page_ranges_must_lie_within_conclusive_documents() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("pages");
    copy_dir(&repo().join("tests/cases/ledger/pages"), &root);
    let dir = root.join("2024-9001-页码测试案");
    let png = repo()
        .join("sample-cases")
        .join(CASE)
        .join("scans/当事人身份证明.png");
    for n in 1..=4 {
        std::fs::copy(&png, dir.join(format!("{n}.png"))).unwrap();
    }
    let base: &[&str] = &[
        "--reader",
        "刘某某",
        "--category",
        "申请人",
        "--id-document",
        "居民身份证 1309xxxx",
        "--escort",
        "王某",
    ];
    let out = refused(
        &dir,
        &with(base, &["--scope", "1-3"]),
        "ledger-scope",
        "（三）",
    );
    assert!(
        out.contains("第 1、2 页"),
        "names the pages outside the conclusive documents:\n{out}"
    );
    // Beyond the volume's 4 pages, even absurdly far, is refused (and quickly).
    refused(
        &dir,
        &with(base, &["--scope", "3-9"]),
        "ledger-scope",
        "（三）",
    );
    refused(
        &dir,
        &with(base, &["--scope", "3-4000000000"]),
        "ledger-scope",
        "（三）",
    );
    // Page 3 is the decision, page 4 its 送达回证.
    accepted(&dir, &with(base, &["--scope", "3-4"]));
    // A fresh ledger.yaml starts with a comment header, then the entry.
    let s = String::from_utf8(ledger_of(&dir)).unwrap();
    assert!(s.starts_with("# 案卷查阅（复印）台账"), "{s}");
    assert!(s.contains("scope: \"3-4\""));
}

#[test]
fn before_the_decision_only_the_four_roles_read() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let manifest = dir.join("case.yaml");
    let m = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("status: 已结案", "status: 办理中");
    std::fs::write(&manifest, m).unwrap();
    let out = refused(&dir, STAFF, "ledger-predecision", "（七）");
    assert!(out.contains("承办人"), "{out}");
    accepted(&dir, &with(STAFF, &["--role", "分管领导"]));
    // A handler of the case may read without stating a role.
    accepted(&dir, &with(STAFF, &["--reader", "张某某"]));
    // A lawyer may not, whatever they show.
    refused(
        &dir,
        &[
            "--reader",
            "陈某某",
            "--category",
            "代理律师",
            "--credentials",
            "法院立案通知书,授权委托书,律师执业证",
            "--scope",
            "结论性文件",
            "--escort",
            "王某",
        ],
        "ledger-predecision",
        "（七）",
    );
}

#[test]
fn bad_times_are_refused_without_writing() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let before = ledger_of(&dir);
    let mut args = vec![
        "ledger",
        "add",
        dir.to_str().unwrap(),
        "--at",
        "2024-13-01 09:00",
    ];
    args.extend_from_slice(STAFF);
    let o = anjuan(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(ledger_of(&dir), before);
    refused(
        &dir,
        &with(STAFF, &["--until", "2024-09-01T08:00:00+08:00"]),
        "ledger-incomplete",
        "（一）",
    );
}

#[test]
fn default_time_is_now() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let before = ledger_of(&dir);
    let mut args = vec!["ledger", "add", dir.to_str().unwrap()];
    args.extend_from_slice(STAFF);
    let o = anjuan(&args);
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8(ledger_of(&dir)[before.len()..].to_vec()).unwrap();
    let year = s
        .trim_start_matches("- at: \"")
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or(0);
    assert!(year >= 2024, "{s}");
}

#[test]
fn from_file_entries_are_checked_with_their_location() {
    let (t, root) = sample();
    let dir = root.join(CASE);
    let entry = t.path().join("entry.yaml");
    std::fs::write(
        &entry,
        "# one lookup\nat: 2024-09-02T10:00:00+08:00\nreader: 李某\ncategory: 本机关工作人员\nscope: 全卷\nescort: 王某\ncopy:\n  content: 询问笔录\n  copies: 2\n",
    )
    .unwrap();
    let before = ledger_of(&dir);
    let o = anjuan(&[
        "ledger",
        "add",
        dir.to_str().unwrap(),
        "--from",
        entry.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("error[ledger-copy-unapproved]") && out.contains("entry.yaml:2"),
        "{out}"
    );
    assert_eq!(ledger_of(&dir), before);
    // Options complete what the file lacks.
    let o = anjuan(&[
        "ledger",
        "add",
        dir.to_str().unwrap(),
        "--from",
        entry.to_str().unwrap(),
        "--approved-by",
        "周某某",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8(ledger_of(&dir)).unwrap();
    assert!(
        s.contains("reader: \"李某\"")
            && s.contains("approved_by: \"周某某\"")
            && s.contains("at: \"2024-09-02T10:00:00+08:00\""),
        "{s}"
    );
}

#[test]
fn a_file_without_final_newline_keeps_its_last_line() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let mut original = ledger_of(&dir);
    while original.last() == Some(&b'\n') {
        original.pop();
    }
    std::fs::write(dir.join("ledger.yaml"), &original).unwrap();
    let after = accepted(&dir, STAFF);
    assert_eq!(&after[..original.len()], &original[..]);
    assert_eq!(after[original.len()], b'\n');
    let l = text(&anjuan(&["ledger", "list", dir.to_str().unwrap()]));
    assert!(l.contains("共 3 条"), "{l}");
}

#[test]
fn strings_that_look_like_yaml_stay_text() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let tricky = "张三: #1 - [x] \"引号\" \\ yes";
    accepted(
        &dir,
        &with(STAFF, &["--remarks", tricky, "--purpose", "no"]),
    );
    let c = anjuan(&["check", root.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    let ledger_findings: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|p| p.ends_with("ledger.yaml"))
        })
        .collect();
    assert!(ledger_findings.is_empty(), "{ledger_findings:?}");
    let raw = String::from_utf8(ledger_of(&dir)).unwrap();
    assert!(
        raw.contains(r#"remarks: "张三: #1 - [x] \"引号\" \\ yes""#),
        "{raw}"
    );
    assert!(raw.contains("purpose: \"no\""), "{raw}");
    // Read back as the same text (not a boolean, not a structure).
    let out = build(&root, &[]);
    let html = std::fs::read_to_string(out.join("2024-0012/ledger.html")).unwrap();
    assert!(
        html.contains("张三: #1 - [x] &quot;引号&quot; \\ yes")
            || html.contains("张三: #1 - [x] \"引号\" \\ yes"),
        "{html}"
    );
}

#[test]
fn concurrent_appends_keep_every_entry() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let before = ledger_of(&dir);
    let readers = ["并发甲", "并发乙", "并发丙", "并发丁"];
    let children: Vec<_> = readers
        .iter()
        .map(|r| {
            let mut args: Vec<&str> = vec![
                "ledger",
                "add",
                dir.to_str().unwrap(),
                "--at",
                "2024-09-01T09:00:00+08:00",
            ];
            args.extend_from_slice(STAFF);
            args.extend_from_slice(&["--reader", r]);
            Command::new(env!("CARGO_BIN_EXE_anjuan"))
                .args(&args)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let after = ledger_of(&dir);
    assert_eq!(&after[..before.len()], &before[..]);
    let s = String::from_utf8(after).unwrap();
    for r in readers {
        assert_eq!(
            s.matches(&format!("reader: \"{r}\"")).count(),
            1,
            "{r} missing or doubled:\n{s}"
        );
    }
    let l = text(&anjuan(&["ledger", "list", dir.to_str().unwrap()]));
    assert!(l.contains("共 6 条"), "{l}");
}

#[test]
fn check_reports_ledger_rules_at_the_entry_line() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let mut s = std::fs::read_to_string(dir.join("ledger.yaml")).unwrap();
    let line = s.lines().count() + 1;
    s.push_str("- at: 2024-08-01T09:00:00+08:00\n  reader: 某甲\n  category: 本机关工作人员\n  scope: 全卷\n  escort: 王某\n  copy:\n    content: 全卷\n    copies: 1\n");
    std::fs::write(dir.join("ledger.yaml"), s).unwrap();
    let c = anjuan(&["check", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(c.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ledger-copy-unapproved")
        .expect("finding");
    assert_eq!(f["file"], format!("{CASE}/ledger.yaml"));
    assert_eq!(f["line"], line as u64);
    assert_eq!(f["volume"], "2024-0012");
    let t = text(&anjuan(&["check", root.to_str().unwrap()]));
    assert!(t.contains(&format!("{CASE}/ledger.yaml:{line}")), "{t}");
}

#[test]
fn ledger_add_refuses_a_folder_that_is_not_a_volume() {
    let (_t, root) = sample();
    let o = anjuan(&[
        "ledger",
        "add",
        root.join("处罚").to_str().unwrap(),
        "--reader",
        "某",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!root.join("处罚/ledger.yaml").exists());
}

fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let out = root.join("_site");
    let mut args = vec!["build", root.to_str().unwrap(), "--only", "ledger"];
    args.extend_from_slice(extra);
    let o = anjuan(&args);
    assert!(o.status.success(), "{}", text(&o));
    out
}

/// `pdftotext -layout` of a PDF, or `None` (with a note) when poppler is not installed; on CI
/// a missing tool fails the test.
fn pdf_text(pdf: &Path) -> Option<String> {
    match Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
    {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        other => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext (poppler-utils) is required on CI: {other:?}"
            );
            eprintln!("note: pdftotext not available; skipping the PDF text check");
            None
        }
    }
}

#[test]
fn ledger_pdf_shows_header_columns_entries_and_blank_rows() {
    let (_t, root) = sample();
    let out = build(&root, &["--ledger-blank-pages", "1"]);
    let pdf = out.join("2024-0012/ledger.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let Some(t) = pdf_text(&pdf) else { return };
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let pages: Vec<&str> = t.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(
        pages.len(),
        2,
        "one sheet for the entries plus one blank sheet:\n{t}"
    );
    assert!(squeezed.contains("案卷查阅（复印）台账"));
    for h in [
        "全宗号",
        "J012",
        "档号",
        "J012-XZCF-2024-0012",
        "案卷题名",
        "任丘市某某超市销售过期食品案",
        "决定书文号",
        "任市监罚〔2024〕12号",
        "保管期限",
        "永久",
        "密级",
        "总页数",
        "归档日期",
        "2024-05-20",
    ] {
        assert!(squeezed.contains(h), "header {h} missing:\n{t}");
    }
    for c in [
        "序号",
        "查阅时间",
        "查阅人",
        "身份类别",
        "证件及凭证",
        "事由",
        "查阅范围",
        "复印",
        "复印内容",
        "份数",
        "批准人",
        "陪同",
        "检查情况",
        "查阅人签字",
        "陪同人签字",
        "备注",
    ] {
        assert!(squeezed.contains(c), "column {c} missing:\n{t}");
    }
    for e in [
        "钱某",
        "RQSJ-0123",
        "陈某某",
        "行政诉讼",
        "结论性文件",
        "周某某",
        "王某",
    ] {
        assert!(
            pages[0].contains(e),
            "entry text {e} missing from page 1:\n{}",
            pages[0]
        );
    }
    assert!(squeezed.contains("第1页共2页") && squeezed.contains("第2页共2页"));
    assert!(squeezed.contains("第八条"), "the notice is printed");
    // The second sheet is blank rows only: columns and header, no entry.
    assert!(pages[1].contains("查阅人签字") && !pages[1].contains("钱某"));
    // Blank rows follow the entries: on the first sheet, below the last entry's text, there
    // is no text for six rows' height (6 × 15 mm) until the footer notice.
    let words = pdf_words(&pdf, 1);
    let notice_top = words
        .iter()
        .find(|w| w.3.starts_with("依据"))
        .map(|w| w.1)
        .expect("notice");
    let head_bottom = words
        .iter()
        .find(|w| w.3 == "序号")
        .map(|w| w.2)
        .expect("column heading");
    let last_entry = words
        .iter()
        .filter(|w| w.1 > head_bottom && w.2 < notice_top)
        .map(|w| w.2)
        .fold(0.0f32, f32::max);
    let gap_mm = (notice_top - last_entry) / 72.0 * 25.4;
    assert!(
        gap_mm > 6.0 * 15.0,
        "blank rows below the entries: only {gap_mm} mm"
    );
}

/// Words of one page with their box (`xMin`, `yMin`, `yMax`, text) from `pdftotext -bbox`.
fn pdf_words(pdf: &Path, page: u32) -> Vec<(f32, f32, f32, String)> {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    let attr = |w: &str, name: &str| -> f32 {
        w.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let text = w
                .split('>')
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or("")
                .to_string();
            (attr(w, "xMin"), attr(w, "yMin"), attr(w, "yMax"), text)
        })
        .collect()
}

#[test]
fn ledger_html_is_self_contained_and_printable() {
    let (_t, root) = sample();
    let out = build(&root, &["--only", "package"]);
    let html = std::fs::read_to_string(out.join("2024-0012/ledger.html")).unwrap();
    assert!(html.contains("size: A4 landscape"));
    // The shared escaper writes the scheme-like "anjuan:" as "anjuan&#58;"; a browser shows the same text.
    assert!(
        html.contains("<svg")
            && html
                .replace("&#58;", ":")
                .contains("anjuan:2024-0012:sha256:")
    );
    assert!(
        html.contains("钱某") && html.contains("查阅人签字") && html.contains("第 1 页 共 1 页")
    );
    assert_eq!(
        html.matches("<tr class=\"blank\">").count(),
        6,
        "8 rows a sheet, 2 recorded"
    );
    for bad in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(bad), "external reference {bad}");
    }
    // The QR digest is the SHA-256 of the sealed package's manifest-sha256.txt
    // (documented in render::ledger::qr).
    use sha2::Digest;
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("2024-0012.zip")).unwrap()).unwrap();
    let name = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .find(|n| n.ends_with("/manifest-sha256.txt") && !n.ends_with("/tagmanifest-sha256.txt"))
        .expect("package manifest");
    let mut manifest = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut manifest).unwrap();
    let hex = hex::encode(sha2::Sha256::digest(&manifest));
    let unescaped = html.replace("&#58;", ":");
    assert!(unescaped.contains(&format!("anjuan:2024-0012:sha256:{hex}")));
    // Without a package the digest is that of the volume's case.yaml.
    let bytes = std::fs::read(root.join(CASE).join("case.yaml")).unwrap();
    let hex = hex::encode(sha2::Sha256::digest(&bytes));
    let out2 = build(&root, &[]);
    let html2 = std::fs::read_to_string(out2.join("2024-0012/ledger.html")).unwrap();
    assert!(html2
        .replace("&#58;", ":")
        .contains(&format!("anjuan:2024-0012:sha256:{hex}")));
    // A volume without entries still gets a sheet of blank rows.
    let other = std::fs::read_to_string(out.join("2024-0031/ledger.html")).unwrap();
    assert_eq!(other.matches("<tr class=\"blank\">").count(), 8);
}

#[test]
fn register_lists_every_entry_of_the_archive() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    accepted(
        &dir,
        &with(
            STAFF,
            &["--reader", "登记簿测试", "--remarks", "含,逗号和\"引号\""],
        ),
    );
    let out = build(&root, &[]);
    let csv = std::fs::read(out.join("ledger-register.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}".as_bytes()),
        "UTF-8 BOM for Excel"
    );
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(lines[0].contains("查阅人") && lines[0].contains("复印内容"));
    assert_eq!(lines.len(), 4, "header plus three entries:\n{csv}");
    // Time order: June, July, September.
    assert!(
        lines[1].contains("钱某") && lines[2].contains("陈某某") && lines[3].contains("登记簿测试")
    );
    assert!(
        lines[3].contains("\"含,逗号和\"\"引号\"\"\""),
        "RFC 4180 quoting: {}",
        lines[3]
    );
    let html = std::fs::read_to_string(out.join("ledger-register.html")).unwrap();
    assert!(
        html.contains("登记簿测试")
            && html.contains("ledger-register.js")
            && html.contains("2024-0012/ledger.html")
    );
    assert!(out.join("ledger-register.js").is_file());
}

#[test]
fn combined_volumes_take_entries_in_the_volume_and_in_its_cases() {
    let (_t, root) = sample();
    let vol = root.join("处罚/简易程序-2024-第一卷");
    let case = std::fs::read_dir(&vol)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .min()
        .unwrap();
    accepted(
        &case,
        &with(
            STAFF,
            &[
                "--reader",
                "卷内案件读者",
                "--at",
                "2024-09-01T09:00:00+08:00",
            ],
        ),
    );
    accepted(
        &vol,
        &with(
            STAFF,
            &[
                "--reader",
                "合订卷读者",
                "--at",
                "2024-08-01T09:00:00+08:00",
            ],
        ),
    );
    assert!(case.join("ledger.yaml").is_file() && vol.join("ledger.yaml").is_file());
    let l = text(&anjuan(&["ledger", "list", vol.to_str().unwrap()]));
    // One chronological record for the volume: August before September.
    let (a, b) = (
        l.find("合订卷读者").unwrap(),
        l.find("卷内案件读者").unwrap(),
    );
    assert!(a < b && l.contains("共 2 条"), "{l}");
    let out = build(&root, &[]);
    let html = std::fs::read_to_string(out.join("简易程序-2024-第一卷/ledger.html")).unwrap();
    assert!(html.contains("合订卷读者") && html.contains("卷内案件读者"));
}

#[test]
fn refusals_speak_english_with_lang_en() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let mut args = vec![
        "--lang",
        "en",
        "ledger",
        "add",
        dir.to_str().unwrap(),
        "--at",
        "2024-09-01T09:00:00+08:00",
        "--copy-content",
        "决定书",
        "--copies",
        "1",
    ];
    args.extend_from_slice(STAFF);
    let o = anjuan(&args);
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(
        t.contains("copy without approval")
            && t.contains("Art. 8(1)")
            && t.contains("nothing was written"),
        "{t}"
    );
}

#[test]
fn an_unreadable_ledger_is_left_alone() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    for broken in ["- at: [unclosed\n", "reader: 不是列表\n"] {
        std::fs::write(dir.join("ledger.yaml"), broken).unwrap();
        let o = add(&dir, STAFF);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert_eq!(ledger_of(&dir), broken.as_bytes());
    }
}

#[test]
fn appends_match_the_files_indentation_and_line_ends() {
    let (_t, root) = sample();
    let dir = root.join(CASE);
    let indented = "# 缩进的列表\n  - at: 2024-06-03T09:00:00+08:00\n    reader: 钱某\n    category: 本机关工作人员\n    scope: 全卷\n    escort: 王某\n";
    let crlf = indented.replace('\n', "\r\n");
    for original in [indented.to_string(), crlf] {
        std::fs::write(dir.join("ledger.yaml"), &original).unwrap();
        let after = String::from_utf8(accepted(&dir, STAFF)).unwrap();
        let appended = &after[original.len()..];
        assert!(appended.starts_with("  - at: "), "{appended:?}");
        assert_eq!(
            appended.contains("\r\n"),
            original.contains("\r\n"),
            "{appended:?}"
        );
        let l = text(&anjuan(&["ledger", "list", dir.to_str().unwrap()]));
        assert!(l.contains("共 2 条"), "{l}");
    }
}
