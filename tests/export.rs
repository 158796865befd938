//! `anjuan export`: each requester gets exactly what it may see; withheld content appears
//! nowhere in the export; original page numbers are kept; `--ledger` records the export.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const SENTINEL_STATE: &str = "SENTINEL-STATE-7f3a";
const SENTINEL_INTERNAL: &str = "SENTINEL-INTERNAL-91c2";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjuan"))
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

/// The basic fixture with a state secret (询问笔录), a commercial secret (证据材料) and the
/// existing personal-privacy marking (当事人身份证明); sentinels in two withheld texts.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/valid/basic"),
        tmp.path(),
    );
    let case = tmp.path().join("处罚/T-0001");
    let y = std::fs::read_to_string(case.join("case.yaml")).unwrap();
    let y = y
        .replace(
            "    file: 03-询问笔录.md\n    date: 2024-03-02\n",
            "    file: 03-询问笔录.md\n    date: 2024-03-02\n    confidential: [国家秘密]\n",
        )
        .replace(
            "    pages: 2\n",
            "    pages: 2\n    confidential: [商业秘密]\n",
        );
    std::fs::write(case.join("case.yaml"), y).unwrap();
    std::fs::write(
        case.join("03-询问笔录.md"),
        format!("# 询问笔录\n\n问：{SENTINEL_STATE}\n"),
    )
    .unwrap();
    std::fs::write(
        case.join("08-案件调查终结报告.md"),
        format!("# 案件调查终结报告\n\n{SENTINEL_INTERNAL}\n"),
    )
    .unwrap();
    (tmp, case)
}

fn export(case: &Path, out: &Path, args: &[&str]) -> (i32, String) {
    let o = bin()
        .arg("export")
        .arg(case)
        .args(["--reader", "某法官"])
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// Every entry of a zip: (name, bytes).
fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            (e.name().unwrap().to_string(), b)
        })
        .collect()
}

/// Names of the material files included in the dossier.
fn included_files(zip: &Path) -> BTreeSet<String> {
    entries(zip)
        .into_iter()
        .filter_map(|(n, _)| n.split_once("/files/").map(|(_, f)| f.to_string()))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const ALL: &[&str] = &[
    "01-案件来源登记表.md",
    "02-立案审批表.md",
    "03-询问笔录.md",
    "photos/1.jpg",
    "photos/2.jpg",
    "av/现场检查.mp4",
    "06-营业执照.png",
    "07-进货单据.pdf",
    "08-案件调查终结报告.md",
    "09-行政处罚事先告知书.md",
    "10-送达回证.jpg",
    "11-行政处罚决定审批表.md",
    "12-行政处罚决定书.md",
    "13-送达回证.md",
    "14-结案报告.md",
];

#[test]
fn each_requester_gets_exactly_what_it_may_see() {
    let (tmp, case) = archive();
    let without = |drop: &[&str]| -> BTreeSet<String> {
        ALL.iter()
            .filter(|f| !drop.contains(f))
            .map(|s| s.to_string())
            .collect()
    };
    let secrets = ["03-询问笔录.md", "06-营业执照.png", "07-进货单据.pdf"];
    for who in ["法院", "复议机关", "有关机关"] {
        let out = tmp.path().join(format!("{who}.zip"));
        let (code, text) = export(&case, &out, &["--for", who]);
        assert_eq!(code, 0, "{who}: {text}");
        assert_eq!(included_files(&out), without(&secrets), "{who}");
    }
    // With a named approval, commercial secrets and privacy go too; state secrets never.
    let out = tmp.path().join("court-approved.zip");
    let (code, text) = export(
        &case,
        &out,
        &[
            "--for",
            "法院",
            "--include-confidential",
            "--approved-by",
            "孙七",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(included_files(&out), without(&["03-询问笔录.md"]));
    // Applicants and lawyers: the conclusive documents with their 送达回证 only.
    for who in ["申请人", "代理律师"] {
        let out = tmp.path().join(format!("{who}.zip"));
        let (code, text) = export(&case, &out, &["--for", who]);
        assert_eq!(code, 0, "{who}: {text}");
        assert_eq!(
            included_files(&out),
            set(&["12-行政处罚决定书.md", "13-送达回证.md"]),
            "{who}"
        );
    }
}

#[test]
fn withheld_content_appears_nowhere() {
    let (tmp, case) = archive();
    for (who, sentinels) in [
        ("法院", vec![SENTINEL_STATE]),
        ("代理律师", vec![SENTINEL_STATE, SENTINEL_INTERNAL]),
    ] {
        let out = tmp.path().join(format!("{who}.zip"));
        let (code, text) = export(&case, &out, &["--for", who]);
        assert_eq!(code, 0, "{text}");
        let raw = std::fs::read(&out).unwrap();
        for (name, bytes) in entries(&out) {
            for s in &sentinels {
                assert!(!name.contains(s), "{who}: entry name {name}");
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(s),
                    "{who}: {name} contains {s}"
                );
            }
            if name.ends_with(".pdf") {
                let p = tmp.path().join("x.pdf");
                std::fs::write(&p, &bytes).unwrap();
                match Command::new("pdftotext").arg(&p).arg("-").output() {
                    Ok(o) => {
                        let t = String::from_utf8_lossy(&o.stdout);
                        for s in &sentinels {
                            assert!(!t.contains(s), "{who}: PDF {name} text contains {s}");
                        }
                    }
                    Err(_) => assert!(
                        std::env::var_os("CI").is_none(),
                        "pdftotext is needed in CI"
                    ),
                }
            }
        }
        for s in &sentinels {
            assert!(
                !String::from_utf8_lossy(&raw).contains(s),
                "{who}: raw zip contains {s}"
            );
        }
    }
    // The court export still holds the internal report (the sentinel proves the test works).
    let out = tmp.path().join("法院.zip");
    let found = entries(&out)
        .iter()
        .any(|(_, b)| String::from_utf8_lossy(b).contains(SENTINEL_INTERNAL));
    assert!(found, "the court export holds the internal report");
}

#[test]
fn exports_keep_the_original_page_numbers_and_list_what_was_withheld() {
    let (tmp, case) = archive();
    // Page numbers of the full volume.
    let full = tmp.path().join("full");
    let o = bin()
        .arg("build")
        .arg(tmp.path())
        .arg("-o")
        .arg(&full)
        .args(["--only", "html", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page_of = |html: &str| -> String {
        let i = html.find("第 ").unwrap();
        html[i..].split('页').next().unwrap().to_string()
    };
    let decision_full = std::fs::read_to_string(full.join("T-0001/m12.html")).unwrap();
    let out = tmp.path().join("lawyer.zip");
    let (code, text) = export(&case, &out, &["--for", "代理律师"]);
    assert_eq!(code, 0, "{text}");
    let es = entries(&out);
    let decision = es
        .iter()
        .find(|(n, b)| {
            n.contains("/T-0001/m") && String::from_utf8_lossy(b).contains("12-行政处罚决定书")
        })
        .expect("decision page");
    assert_eq!(
        page_of(&String::from_utf8_lossy(&decision.1)),
        page_of(&decision_full)
    );
    let list = es
        .iter()
        .find(|(n, _)| n.ends_with("移送清单.html"))
        .expect("transmittal list");
    let list = String::from_utf8_lossy(&list.1);
    assert!(
        list.contains("非行政执法结论性文件") && list.contains("办法 第八条（三）"),
        "{list}"
    );
    assert!(list.contains("涉及国家秘密"), "{list}");
    assert!(es.iter().any(|(n, _)| n.ends_with("移送清单.pdf")));
    // The export is itself a valid bag.
    let o = bin().arg("verify").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn confidential_needs_approval_and_the_ledger_follows_article_8() {
    let (tmp, case) = archive();
    let ledger = case.join("ledger.yaml");
    let out = tmp.path().join("x.zip");
    let (code, text) = export(&case, &out, &["--for", "法院", "--include-confidential"]);
    assert_eq!(code, 1, "{text}");
    assert!(!out.exists());
    // --ledger without approval: the copy rule refuses it, nothing is written.
    let (code, text) = export(
        &case,
        &out,
        &[
            "--for",
            "法院",
            "--ledger",
            "--escort",
            "王五",
            "--credentials",
            "调卷函,工作证",
        ],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("ledger-copy-unapproved"), "{text}");
    assert!(!out.exists() && !ledger.exists());
    // With approval and escort it is recorded.
    let (code, text) = export(
        &case,
        &out,
        &[
            "--for",
            "法院",
            "--ledger",
            "--escort",
            "王五",
            "--approved-by",
            "孙七",
            "--credentials",
            "调卷函,工作证",
        ],
    );
    assert_eq!(code, 0, "{text}");
    let l = std::fs::read_to_string(&ledger).unwrap();
    assert!(
        l.contains("某法官") && l.contains("复议诉讼机关") && l.contains("孙七"),
        "{l}"
    );
    let o = bin().arg("check").arg(tmp.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}
