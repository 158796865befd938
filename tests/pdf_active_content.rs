//! Imported PDFs with active content (spec §3 `.pdf`, rule `pdf-active-content`): JavaScript,
//! launch actions, embedded files and external (URI) links must not reach the bound dossier,
//! and the build must say, per file, what it removed.
//!
//! Four PDFs, each with one kind of active content in several places (catalog, page, annotation,
//! name tree, action referenced indirectly), are added as materials to a copy of
//! `tests/cases/valid/basic`. After `anjuan build --only pdf` the output PDF is expanded with
//! `qpdf --qdf --object-streams=disable` and searched for the keys; `qpdf --check` must pass.

use lopdf::{dictionary, Document, Object, Stream, StringFormat};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, tool};

const BIN: &str = env!("CARGO_BIN_EXE_anjuan");

fn lit(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

/// Which active content a test PDF carries.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Active {
    JavaScript,
    Launch,
    Embedded,
    Uri,
}

/// A PDF with `pages` pages (a line on each) carrying `kind` in as many places as fit.
fn active_pdf(kind: Active, pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"0 0 0 RG 2 w 72 72 m 500 700 l S".to_vec(),
    ));
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    let mut kids = Vec::new();
    for _ in 0..pages {
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
            "Resources" => dictionary! {},
        };
        let rect = || -> Object { vec![72.into(), 72.into(), 300.into(), 120.into()].into() };
        let mut annots: Vec<Object> = Vec::new();
        match kind {
            Active::JavaScript => {
                page.set(
                    "AA",
                    dictionary! {
                        "O" => dictionary! { "S" => "JavaScript", "JS" => lit("app.alert('page open')") },
                    },
                );
                // A link whose action is a separate object.
                let js = doc.add_object(dictionary! {
                    "Type" => "Action", "S" => "JavaScript", "JS" => lit("app.alert('link')"),
                });
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(), "A" => js,
                    })
                    .into(),
                );
                // A JavaScript action whose script is a stream.
                let js_stream = doc.add_object(Stream::new(
                    dictionary! {},
                    b"app.launchURL('http://example.com/x', true);".to_vec(),
                ));
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(),
                        "A" => dictionary! { "S" => "JavaScript", "JS" => js_stream },
                    })
                    .into(),
                );
            }
            Active::Launch => {
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(),
                        "A" => dictionary! { "S" => "Launch", "F" => lit("C:\\Windows\\System32\\calc.exe") },
                    })
                    .into(),
                );
                let launch = doc.add_object(dictionary! {
                    "Type" => "Action", "S" => "Launch",
                    "Win" => dictionary! { "F" => lit("cmd.exe"), "P" => lit("/c calc") },
                });
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(), "A" => launch,
                    })
                    .into(),
                );
            }
            Active::Embedded => {
                let ef = doc.add_object(Stream::new(
                    dictionary! { "Type" => "EmbeddedFile" },
                    b"MZ this is not a document".to_vec(),
                ));
                let fs = doc.add_object(dictionary! {
                    "Type" => "Filespec", "F" => lit("payload.exe"), "UF" => lit("payload.exe"),
                    "EF" => dictionary! { "F" => ef },
                });
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => rect(),
                        "FS" => fs, "Name" => "PushPin",
                    })
                    .into(),
                );
            }
            Active::Uri => {
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(),
                        "A" => dictionary! { "S" => "URI", "URI" => lit("http://example.com/tracker") },
                    })
                    .into(),
                );
                let uri = doc.add_object(dictionary! {
                    "Type" => "Action", "S" => "URI", "URI" => lit("https://example.org/beacon"),
                });
                annots.push(
                    doc.add_object(dictionary! {
                        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(), "A" => uri,
                    })
                    .into(),
                );
            }
        }
        page.set("Annots", annots);
        kids.push(Object::from(doc.add_object(page)));
    }
    match kind {
        Active::JavaScript => {
            catalog.set(
                "OpenAction",
                dictionary! { "S" => "JavaScript", "JS" => lit("app.alert('open')") },
            );
            let named = doc.add_object(dictionary! {
                "S" => "JavaScript", "JS" => lit("this.print()"),
            });
            catalog.set(
                "Names",
                dictionary! {
                    "JavaScript" => dictionary! { "Names" => vec![lit("doc"), named.into()] },
                },
            );
        }
        Active::Launch => {
            catalog.set(
                "OpenAction",
                dictionary! { "S" => "Launch", "F" => lit("payload.exe") },
            );
        }
        Active::Embedded => {
            let ef = doc.add_object(Stream::new(
                dictionary! { "Type" => "EmbeddedFile" },
                b"attached bytes".to_vec(),
            ));
            let fs = doc.add_object(dictionary! {
                "Type" => "Filespec", "F" => lit("attached.bin"),
                "EF" => dictionary! { "F" => ef },
            });
            catalog.set(
                "Names",
                dictionary! {
                    "EmbeddedFiles" => dictionary! { "Names" => vec![lit("attached.bin"), fs.into()] },
                },
            );
        }
        Active::Uri => {
            catalog.set("URI", dictionary! { "Base" => lit("http://example.com/") });
            catalog.set(
                "OpenAction",
                dictionary! { "S" => "URI", "URI" => lit("http://example.com/open") },
            );
        }
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
        }),
    );
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).unwrap();
    buf
}

const CASE: &str = "处罚/T-0001";

/// The basic archive with four PDF materials, one per kind of active content. Returns the
/// root and each kind's material file name.
fn archive(dir: &Path) -> (PathBuf, Vec<(Active, String)>) {
    let root = dir.join("archive");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/valid/basic"),
        &root,
    );
    let case = root.join(CASE);
    let kinds = [
        (Active::JavaScript, "07-进货单据.pdf", 2usize),
        (Active::Launch, "07a-启动动作.pdf", 1),
        (Active::Embedded, "07b-嵌入文件.pdf", 1),
        (Active::Uri, "07c-外部链接.pdf", 1),
    ];
    let mut extra = String::new();
    for (kind, name, pages) in kinds {
        std::fs::write(case.join(name), active_pdf(kind, pages)).unwrap();
        if kind != Active::JavaScript {
            extra.push_str(&format!(
                "  - type: 证据材料\n    file: {name}\n    date: 2024-03-05\n    pages: {pages}\n"
            ));
        }
    }
    let yaml_path = case.join("case.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    let anchor = "    file: 07-进货单据.pdf\n    date: 2024-03-05\n    pages: 2\n";
    assert!(yaml.contains(anchor), "the basic fixture changed");
    let yaml = yaml.replace(anchor, &format!("{anchor}{extra}"));
    std::fs::write(&yaml_path, yaml).unwrap();
    (
        root,
        kinds.iter().map(|(k, n, _)| (*k, n.to_string())).collect(),
    )
}

fn output_pdfs(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

/// Parses the counts of the `pdf-active-content` warning (Chinese message):
/// `JavaScript N 处、启动/导入动作 N 处、嵌入文件 N 个、外部链接 N 处`.
fn count(line: &str, label: &str) -> Option<usize> {
    line.match_indices(label).find_map(|(at, _)| {
        let digits: String = line[at + label.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    })
}

#[test]
fn active_content_in_imported_pdfs_is_removed_with_a_warning_each() {
    if !tool("qpdf") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (root, kinds) = archive(tmp.path());

    // The inputs really carry what the test looks for (so a clean output means removal).
    for (kind, name) in &kinds {
        let bytes = std::fs::read(root.join(CASE).join(name)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let key = match kind {
            Active::JavaScript => "/JavaScript",
            Active::Launch => "/Launch",
            Active::Embedded => "/EmbeddedFile",
            Active::Uri => "/URI",
        };
        assert!(text.contains(key), "{name} lacks {key}");
    }

    let out = tmp.path().join("out");
    let o = Command::new(BIN)
        .arg("build")
        .arg(&root)
        .arg("-o")
        .arg(&out)
        .args(["--only", "pdf", "--lang", "zh"])
        .env("NO_COLOR", "1")
        .output()
        .expect("anjuan runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "build failed:\n{stderr}");

    // One warning per file, naming what was removed from it.
    for (kind, name) in &kinds {
        let block: Vec<&str> = stderr
            .split("warning[")
            .filter(|b| b.contains("pdf-active-content") && b.contains(name.as_str()))
            .collect();
        assert_eq!(
            block.len(),
            1,
            "expected one pdf-active-content warning for {name}:\n{stderr}"
        );
        let b = block[0];
        let (js, launch, files, uri) = (
            count(b, "JavaScript").unwrap_or(0),
            count(b, "启动/导入动作").unwrap_or(0),
            count(b, "嵌入文件").unwrap_or(0),
            count(b, "外部链接").unwrap_or(0),
        );
        let named = match kind {
            Active::JavaScript => js,
            Active::Launch => launch,
            Active::Embedded => files,
            Active::Uri => uri,
        };
        assert!(
            named > 0,
            "the warning for {name} does not name {kind:?}:\n{b}"
        );
        let others = js + launch + files + uri - named;
        assert_eq!(others, 0, "the warning for {name} names other kinds:\n{b}");
    }

    let pdfs = output_pdfs(&out);
    assert!(!pdfs.is_empty(), "no PDF written");
    for pdf in &pdfs {
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(pdf)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "qpdf --check {}:\n{}{}",
            pdf.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let expanded = tmp.path().join("expanded.pdf");
        let q = Command::new("qpdf")
            .args(["--qdf", "--object-streams=disable"])
            .arg(pdf)
            .arg(&expanded)
            .status()
            .unwrap();
        // 0 = fine, 3 = warnings only.
        assert!(matches!(q.code(), Some(0 | 3)), "qpdf --qdf failed");
        let bytes = std::fs::read(&expanded).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for key in [
            "/JavaScript",
            "/JS",
            "/Launch",
            "/EmbeddedFile",
            "/EmbeddedFiles",
            "/FileAttachment",
            "/URI",
            "/AA",
            "app.alert",
            "calc.exe",
            "payload.exe",
            "example.com",
            "example.org",
        ] {
            // `/JS` must not match a longer name such as `/JSomething`: check the next byte.
            let found = text.match_indices(key).any(|(i, _)| {
                !key.starts_with('/')
                    || !text[i + key.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
            });
            assert!(!found, "{} still contains {key}", pdf.display());
        }
        // The pages themselves are all there: 4 imported PDFs with 5 pages in all.
        let doc = lopdf::Document::load(pdf).unwrap();
        assert!(doc.get_pages().len() >= 5);
    }
}
