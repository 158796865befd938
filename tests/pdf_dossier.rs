//! Structural checks of the bound PDF dossier built from `sample-cases/`: qpdf, poppler
//! tools and lopdf read the output the way an archive's tooling would.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{labels, tool};

fn build(out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases");
    let st = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["build"])
        .arg(&root)
        .arg("-o")
        .arg(out)
        .args(["--only", "pdf", "-q"])
        .status()
        .expect("run anjuan");
    assert!(st.success(), "anjuan build failed");
}

fn pdfs(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .flat_map(|d| {
            std::fs::read_dir(d.path())
                .unwrap()
                .flatten()
                .map(|e| e.path())
        })
        .filter(|p| p.extension().map(|e| e == "pdf").unwrap_or(false))
        .collect();
    v.sort();
    v
}

#[test]
fn sample_dossiers_are_well_formed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&out);
    let files = pdfs(&out);
    assert_eq!(files.len(), 6, "one PDF per volume: {files:?}");
    let have_qpdf = tool("qpdf");
    let have_poppler = tool("pdftotext");
    for f in &files {
        if have_qpdf {
            let o = Command::new("qpdf").arg("--check").arg(f).output().unwrap();
            assert!(
                o.status.success(),
                "qpdf --check {}: {}",
                f.display(),
                String::from_utf8_lossy(&o.stdout)
            );
        }
        let doc = lopdf::Document::load(f).unwrap();
        let n = doc.get_pages().len();
        let labels = labels(&doc);
        assert_eq!(labels[0], "封面");
        assert!(labels[1].starts_with("目录"), "{labels:?}");
        assert_eq!(labels[n - 1], "备考表");
        // Material pages are labelled 1, 2, … continuously.
        let first = labels.iter().position(|l| l == "1").expect("page 1");
        for (k, l) in labels[first..n - 1].iter().enumerate() {
            assert_eq!(l, &(k + 1).to_string());
        }
        // Outline: every material entry "seq title（a-b）" points to the page labelled a.
        let toc = doc.get_toc().unwrap().toc;
        assert!(toc.iter().any(|e| e.title == "卷内文件目录"));
        let mut materials = 0;
        for e in &toc {
            if let Some(open) = e.title.rfind('（') {
                let range = e.title[open + '（'.len_utf8()..].trim_end_matches('）');
                let start = range.split('-').next().unwrap();
                if start.chars().all(|c| c.is_ascii_digit()) && !start.is_empty() && e.level >= 2 {
                    assert_eq!(
                        labels[e.page - 1],
                        start,
                        "outline entry {} → page {}",
                        e.title,
                        e.page
                    );
                    materials += 1;
                }
            }
        }
        assert!(materials > 0, "no material bookmarks in {}", f.display());
        if have_poppler {
            // Every numbered page carries its stamp.
            for (i, l) in labels.iter().enumerate().take(n - 1).skip(first) {
                let o = Command::new("pdftotext")
                    .args([
                        "-f",
                        &(i + 1).to_string(),
                        "-l",
                        &(i + 1).to_string(),
                        "-layout",
                    ])
                    .arg(f)
                    .arg("-")
                    .output()
                    .unwrap();
                let txt = String::from_utf8_lossy(&o.stdout);
                assert!(
                    txt.split_whitespace().any(|w| w == l),
                    "page {} of {} lacks stamp {l}",
                    i + 1,
                    f.display()
                );
            }
            // The 目录 shows each material's start page: the 页号 column equals the labels.
            let o = Command::new("pdftotext")
                .args(["-f", "2", "-l", &first.to_string(), "-layout"])
                .arg(f)
                .arg("-")
                .output()
                .unwrap();
            let txt = String::from_utf8_lossy(&o.stdout);
            assert!(
                txt.contains("序号") && txt.contains("页号") && txt.contains("题名"),
                "目录 header missing"
            );
            // Only embedded subset fonts.
            let o = Command::new("pdffonts").arg(f).output().unwrap();
            for line in String::from_utf8_lossy(&o.stdout).lines().skip(2) {
                let cols: Vec<&str> = line.split_whitespace().collect();
                let n = cols.len();
                assert!(
                    n >= 5 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
                    "font not embedded+subset in {}: {line}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn jpeg_scans_are_embedded_byte_for_byte() {
    if !tool("pdfimages") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases");
    let mut sources: Vec<Vec<u8>> = Vec::new();
    for e in walk(&root) {
        if e.extension()
            .map(|x| x == "jpg" || x == "jpeg")
            .unwrap_or(false)
        {
            sources.push(std::fs::read(&e).unwrap());
        }
    }
    assert!(!sources.is_empty());
    let mut checked = 0;
    for f in pdfs(&out) {
        let dir = tmp.path().join(format!("img{checked}"));
        std::fs::create_dir_all(&dir).unwrap();
        let st = Command::new("pdfimages")
            .arg("-j")
            .arg(&f)
            .arg(dir.join("i"))
            .status()
            .unwrap();
        assert!(st.success());
        for img in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = img.path();
            if p.extension().map(|x| x == "jpg").unwrap_or(false) {
                let bytes = std::fs::read(&p).unwrap();
                // JPEGs that belong to imported PDFs are not in the source list; scans are.
                if sources.contains(&bytes) {
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked >= sources.len().min(3),
        "only {checked} JPEGs came back byte-identical"
    );
}

#[test]
fn builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&a);
    build(&b);
    let (fa, fb) = (pdfs(&a), pdfs(&b));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs between builds",
            x.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
