//! Features of the bound PDF dossier beyond its basic structure (see `pdf_dossier.rs`):
//! the split into 册, `font-glyph` warnings, imported PDFs keeping their links, annotations,
//! rotation and page size, PDF/A and document metadata, and the profile's stamp position.
//!
//! Every test builds a private copy of `tests/cases/valid/basic` (changed as the test needs)
//! with the binary and reads the output with lopdf, qpdf and poppler-utils.

use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, labels, tool};

const BIN: &str = env!("CARGO_BIN_EXE_anjuan");
const CASE: &str = "处罚/T-0001";
const TITLE: &str = "测试市某某超市销售过期食品案";
/// The manifest entry of the basic fixture's only PDF material.
const PDF_ENTRY: &str =
    "  - type: 证据材料\n    file: 07-进货单据.pdf\n    date: 2024-03-05\n    pages: 2\n";

/// A private copy of the basic fixture at `dir/<name>`.
fn basic(dir: &Path, name: &str) -> PathBuf {
    let root = dir.join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/valid/basic"),
        &root,
    );
    root
}

/// Rewrites the case's manifest: `from` (which must be there) becomes `to`.
fn edit_manifest(root: &Path, from: &str, to: &str) {
    let path = root.join(CASE).join("case.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    assert!(yaml.contains(from), "the basic fixture changed: {from:?}");
    std::fs::write(&path, yaml.replacen(from, to, 1)).unwrap();
}

/// Runs `anjuan <args…> ROOT` in Chinese without colour: (exit code, stdout, stderr).
fn run(args: &[&str], root: &Path, out: Option<&Path>) -> (i32, String, String) {
    let mut c = Command::new(BIN);
    c.arg(args[0]).arg(root);
    if let Some(out) = out {
        c.arg("-o").arg(out);
    }
    let o = c
        .args(&args[1..])
        .args(["--lang", "zh"])
        .env("NO_COLOR", "1")
        .output()
        .expect("anjuan runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `anjuan build ROOT -o OUT --only pdf`, which must succeed; returns stderr.
fn build(root: &Path, out: &Path) -> String {
    let (code, stdout, stderr) = run(&["build", "--only", "pdf"], root, Some(out));
    assert_eq!(code, 0, "build failed:\n{stdout}\n{stderr}");
    stderr
}

/// The `warning[rule]` blocks of a rustc-style report.
fn warnings<'a>(stderr: &'a str, rule: &str) -> Vec<&'a str> {
    let head = format!("{rule}]");
    stderr
        .split("warning[")
        .skip(1)
        .filter(|b| b.starts_with(&head))
        .collect()
}

fn qpdf_check(pdf: &Path) {
    let o = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "qpdf --check {}:\n{}{}",
        pdf.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A material's outline entry `seq title（a-b）`: (seq, title, first, last, 1-based page).
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    seq: usize,
    title: String,
    first: u32,
    last: u32,
    page: usize,
}

fn material_entries(doc: &Document) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in doc.get_toc().unwrap().toc {
        if e.level < 2 {
            continue;
        }
        let Some(open) = e.title.rfind('（') else {
            continue;
        };
        let range = e.title[open + '（'.len_utf8()..].trim_end_matches('）');
        let mut it = range.split('-').map(|x| x.parse::<u32>());
        let Some(Ok(first)) = it.next() else { continue };
        let last = match it.next() {
            Some(Ok(l)) => l,
            Some(Err(_)) => continue,
            None => first,
        };
        let head = &e.title[..open];
        let Some((seq, title)) = head.split_once(' ') else {
            continue;
        };
        let Ok(seq) = seq.parse() else { continue };
        out.push(Entry {
            seq,
            title: title.to_string(),
            first,
            last,
            page: e.page,
        });
    }
    out
}

/// pdftotext of one page (1-based), in reading order.
fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A word of `pdftotext -bbox` (y grows downwards from the top of the displayed page).
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

/// The displayed page size and words of one page (1-based).
fn page_words(pdf: &Path, page: usize) -> ((f32, f32), Vec<Word>) {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftotext -bbox failed");
    let html = String::from_utf8_lossy(&o.stdout);
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        let end = tag[at..].find('"').unwrap();
        tag[at..at + end].parse().unwrap()
    };
    let page_tag = &html[html.find("<page ").expect("a page")..];
    let page_tag = &page_tag[..page_tag.find('>').unwrap()];
    let size = (attr(page_tag, "width"), attr(page_tag, "height"));
    let mut words = Vec::new();
    for chunk in html.split("<word ").skip(1) {
        let close = chunk.find('>').unwrap();
        let tag = &chunk[..close];
        let text = &chunk[close + 1..chunk.find("</word>").unwrap()];
        words.push(Word {
            text: text.to_string(),
            x0: attr(tag, "xMin"),
            y0: attr(tag, "yMin"),
            x1: attr(tag, "xMax"),
            y1: attr(tag, "yMax"),
        });
    }
    (size, words)
}

/// The page (1-based) rendered in grey at 60 dpi (PGM bytes).
fn pixels(pdf: &Path, page: usize) -> Vec<u8> {
    let p = page.to_string();
    let o = Command::new("pdftoppm")
        .args(["-r", "60", "-gray", "-f", &p, "-l", &p])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftoppm failed on {}", pdf.display());
    o.stdout
}

fn pdf_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    v.sort();
    v
}

fn lit(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

fn rect(a: [i64; 4]) -> Object {
    Object::Array(a.iter().map(|&v| Object::Integer(v)).collect())
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        o => panic!("not a number: {o:?}"),
    }
}

fn numbers(doc: &Document, o: &Object) -> Vec<f32> {
    let o = match o {
        Object::Reference(r) => doc.get_object(*r).unwrap(),
        o => o,
    };
    o.as_array().unwrap().iter().map(number).collect()
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => doc.get_object(*r).unwrap(),
        o => o,
    }
}

/// Whether the words of a page hold `label` as a word of its own.
fn has_word(text: &str, label: &str) -> bool {
    text.split_whitespace().any(|w| w == label)
}

// ---------------------------------------------------------------------------------------
// 1. 册 split
// ---------------------------------------------------------------------------------------

/// The basic volume with a third photo: 17 numbered pages — 案件来源登记表, 立案审批表,
/// 询问笔录 (1 page each), 现场照片 (3), the video's metadata page, 营业执照 (1), then the
/// 2-page PDF 证据材料 at pages 9–10 and 7 one-page documents. With `max_volume_pages: 9` a
/// page-by-page split would cut the PDF after its first page; split at materials, 册 1 ends
/// before the PDF (8 pages, 6 件) and 册 2 holds the rest (9 pages, 8 件).
fn split_archive(dir: &Path, max: u32) -> PathBuf {
    let root = basic(dir, &format!("split-{max}"));
    let yaml = root.join("archive.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.contains("max_volume_pages: 200"));
    std::fs::write(
        &yaml,
        text.replace("max_volume_pages: 200", &format!("max_volume_pages: {max}")),
    )
    .unwrap();
    // A third, different photo (a copy of 1.jpg would be a duplicate-file warning).
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-cases/强制/2024-QZ-0005-某某批发部扣押案/photos/01-涉案粉条.jpg"),
        root.join(CASE).join("photos/3.jpg"),
    )
    .unwrap();
    root
}

#[test]
fn a_volume_above_the_page_limit_is_split_into_parts_at_material_boundaries() {
    let tmp = tempfile::tempdir().unwrap();
    // The whole volume, for comparison.
    let whole_root = split_archive(tmp.path(), 200);
    let whole_out = tmp.path().join("whole");
    build(&whole_root, &whole_out);
    assert_eq!(pdf_files(&whole_out.join("T-0001")), ["T-0001.pdf"]);
    let whole = Document::load(whole_out.join("T-0001/T-0001.pdf")).unwrap();
    let whole_entries = material_entries(&whole);
    assert_eq!(whole_entries.len(), 14, "{whole_entries:?}");
    assert_eq!(whole_entries.last().unwrap().last, 17, "{whole_entries:?}");
    let pdf_entry = whole_entries
        .iter()
        .find(|e| e.title == "证据材料")
        .unwrap();
    assert_eq!(
        (pdf_entry.first, pdf_entry.last),
        (9, 10),
        "the fixture's 2-page PDF no longer straddles the limit: {whole_entries:?}"
    );

    let root = split_archive(tmp.path(), 9);
    let (code, stdout, stderr) = run(&["check"], &root, None);
    let report = format!("{stdout}{stderr}");
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        warnings(&report, "volume-split").len(),
        1,
        "check announces the split:\n{report}"
    );
    let out = tmp.path().join("out");
    build(&root, &out);
    let dir = out.join("T-0001");
    // Two 册, named -1 and -2, and no unsplit file.
    assert_eq!(pdf_files(&dir), ["T-0001-1.pdf", "T-0001-2.pdf"]);
    let have_qpdf = tool("qpdf");
    let have_poppler = tool("pdftotext");

    let mut seen: Vec<(String, u32)> = Vec::new();
    let mut numbered = Vec::new();
    for part in 1..=2usize {
        let pdf = dir.join(format!("T-0001-{part}.pdf"));
        if have_qpdf {
            qpdf_check(&pdf);
        }
        let doc = Document::load(&pdf).unwrap();
        let labels = labels(&doc);
        let n = labels.len();
        assert_eq!(labels[0], "封面", "册 {part}: {labels:?}");
        assert!(labels[1].starts_with("目录"), "册 {part}: {labels:?}");
        assert_eq!(labels[n - 1], "备考表", "册 {part}: {labels:?}");
        // Numbering restarts at 1 in every 册 (standards §7, src/paging.rs) and runs on.
        let first = labels.iter().position(|l| l == "1").expect("page 1");
        assert!(labels[1..first].iter().all(|l| l.starts_with("目录")));
        let pages = n - 1 - first;
        for (k, l) in labels[first..n - 1].iter().enumerate() {
            assert_eq!(l, &(k + 1).to_string(), "册 {part}: {labels:?}");
        }
        assert!(pages <= 9, "册 {part} has {pages} numbered pages > 9");
        numbered.push(pages);
        // Each 册 has its own 目录: 序号 from 1, and its materials tile its pages exactly.
        let entries = material_entries(&doc);
        let mut next = 1;
        for (k, e) in entries.iter().enumerate() {
            assert_eq!(e.seq, k + 1, "册 {part}: {entries:?}");
            assert_eq!(e.first, next, "册 {part}: {entries:?}");
            assert!(e.last >= e.first);
            assert_eq!(labels[e.page - 1], e.first.to_string());
            next = e.last + 1;
            seen.push((e.title.clone(), e.last - e.first + 1));
        }
        assert_eq!(next as usize, pages + 1, "册 {part}: {entries:?}");
        // The document title names the 册.
        let title = doc
            .trailer
            .get_deref(b"Info", &doc)
            .and_then(|i| i.as_dict())
            .and_then(|i| i.get(b"Title"))
            .map(|t| lopdf::decode_text_string(t).unwrap())
            .unwrap();
        assert_eq!(title, format!("{TITLE}（第{part}册）"));
        if have_poppler {
            // The cover says which 册 of how many (forms.rs: "第 1 册  共 2 册").
            let cover: String = page_text(&pdf, 1)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                cover.contains(&format!("第{part}册共2册")),
                "cover of 册 {part}: {cover}"
            );
            assert!(cover.contains(TITLE), "cover of 册 {part}: {cover}");
            // Every numbered page carries its stamp.
            for (i, l) in labels.iter().enumerate().take(n - 1).skip(first) {
                assert!(
                    has_word(&page_text(&pdf, i + 1), l),
                    "page {} of 册 {part} lacks stamp {l}",
                    i + 1
                );
            }
        }
    }
    // Split at the material before the PDF (a page-level split would give 9 + 8).
    assert_eq!(numbered, [8, 9]);
    // No material is lost, duplicated or cut: the 册 together hold the whole volume's
    // materials in the same order, each with all its pages.
    let whole_seen: Vec<(String, u32)> = whole_entries
        .iter()
        .map(|e| (e.title.clone(), e.last - e.first + 1))
        .collect();
    assert_eq!(seen, whole_seen);
    assert_eq!(
        seen.iter().position(|s| s.0 == "证据材料"),
        Some(6),
        "the PDF begins 册 2"
    );
}

// ---------------------------------------------------------------------------------------
// 2. font-glyph
// ---------------------------------------------------------------------------------------

#[test]
fn a_character_no_font_has_is_a_font_glyph_warning_naming_it_and_the_material() {
    let tmp = tempfile::tempdir().unwrap();
    let root = basic(tmp.path(), "glyph");
    // U+E000 (Private Use Area) and U+3134F (unassigned, between CJK Extensions G and H).
    let md = root.join(CASE).join("03-询问笔录.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push_str("\n当事人签名：张\u{E000}、李\u{3134F}\n");
    std::fs::write(&md, text).unwrap();

    let out = tmp.path().join("out");
    let stderr = build(&root, &out);
    let blocks = warnings(&stderr, "font-glyph");
    assert_eq!(blocks.len(), 1, "one font-glyph warning:\n{stderr}");
    let b = blocks[0];
    for (ch, code) in [('\u{E000}', "U+E000"), ('\u{3134F}', "U+3134F")] {
        assert!(b.contains(code), "the warning names {code}:\n{b}");
        assert!(
            b.contains(ch),
            "the warning shows the character {code}:\n{b}"
        );
    }
    // The material: its file, both in the message and as the finding's location.
    assert!(
        b.contains(&format!("--> {CASE}/03-询问笔录.md")),
        "the warning points at the material's file:\n{b}"
    );
    // Nothing else in the volume is reported.
    assert!(!b.contains("U+5F20"), "张 has a glyph:\n{b}");

    // The PDF is complete; the text layer keeps the real characters (search and copy find
    // them) while the page shows 〓 (text.rs): it renders exactly like the same page with 〓
    // typed in, and unlike one with another character there.
    let pdf = out.join("T-0001/T-0001.pdf");
    let doc = Document::load(&pdf).unwrap();
    let entry = material_entries(&doc)
        .into_iter()
        .find(|e| e.title == "询问笔录")
        .unwrap();
    if tool("pdftotext") {
        let txt = page_text(&pdf, entry.page);
        assert!(
            txt.contains("张\u{E000}、李\u{3134F}"),
            "page of 询问笔录:\n{txt}"
        );
    }
    if tool("pdftoppm") {
        let render = |name: &str, replacement: &str| -> Vec<u8> {
            let root = basic(tmp.path(), name);
            let md = root.join(CASE).join("03-询问笔录.md");
            let mut text = std::fs::read_to_string(&md).unwrap();
            text.push_str(&format!("\n当事人签名：张{replacement}、李{replacement}\n"));
            std::fs::write(&md, text).unwrap();
            let out = tmp.path().join(format!("{name}-out"));
            build(&root, &out);
            pixels(&out.join("T-0001/T-0001.pdf"), entry.page)
        };
        let shown = pixels(&pdf, entry.page);
        assert!(
            shown == render("geta", "〓"),
            "the missing characters are not drawn as 〓"
        );
        assert!(
            shown != render("other", "口"),
            "the rendering comparison sees no difference"
        );
    }
    if tool("qpdf") {
        qpdf_check(&pdf);
    }
}

// ---------------------------------------------------------------------------------------
// 3. Imported PDFs keep links, annotations, rotation and page size
// ---------------------------------------------------------------------------------------

/// Page 1: a 612×396 MediaBox (US letter, landscape) shown with /Rotate 90, carrying a /Link
/// to the named destination `p2` (in /Names /Dests) and a /Text note. Page 2: A5 (420×595).
const P1_BOX: [f32; 4] = [0.0, 0.0, 612.0, 396.0];
const P2_BOX: [f32; 4] = [0.0, 0.0, 420.0, 595.0];
const NOTE: &str = "checked against the original invoice";

fn linked_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let p1_id = doc.new_object_id();
    let p2_id = doc.new_object_id();
    let c1 = doc.add_object(Stream::new(
        dictionary! {},
        b"0 0 1 RG 4 w 36 36 540 324 re S".to_vec(),
    ));
    let c2 = doc.add_object(Stream::new(
        dictionary! {},
        b"1 0 0 RG 4 w 36 36 m 384 559 l S".to_vec(),
    ));
    let link = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect([72, 72, 300, 144]),
        "Border" => vec![Object::from(0), 0.into(), 0.into()],
        "Dest" => lit("p2"),
    });
    let note = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Text", "Rect" => rect([400, 300, 420, 320]),
        "Contents" => lit(NOTE), "Name" => "Comment", "F" => 4,
    });
    doc.objects.insert(
        p1_id,
        Object::Dictionary(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => rect([0, 0, 612, 396]), "Rotate" => 90,
            "Contents" => c1, "Resources" => dictionary! {},
            "Annots" => vec![Object::from(link), Object::from(note)],
        }),
    );
    doc.objects.insert(
        p2_id,
        Object::Dictionary(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => rect([0, 0, 420, 595]),
            "Contents" => c2, "Resources" => dictionary! {},
        }),
    );
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::from(p1_id), Object::from(p2_id)],
            "Count" => 2,
        }),
    );
    let dest: Object = vec![
        Object::from(p2_id),
        Object::Name(b"XYZ".to_vec()),
        0.into(),
        595.into(),
        Object::Null,
    ]
    .into();
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages_id,
        "Names" => dictionary! {
            "Dests" => dictionary! { "Names" => vec![lit("p2"), dest] },
        },
    });
    doc.trailer.set("Root", catalog);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).unwrap();
    buf
}

/// Every entry of a name tree.
fn name_tree(doc: &Document, node: &lopdf::Dictionary, out: &mut Vec<(Vec<u8>, Object)>) {
    if let Ok(Object::Array(names)) = node.get_deref(b"Names", doc) {
        for pair in names.chunks(2) {
            if let [Object::String(k, _), v] = pair {
                out.push((k.clone(), v.clone()));
            }
        }
    }
    if let Ok(Object::Array(kids)) = node.get_deref(b"Kids", doc) {
        for k in kids {
            name_tree(
                doc,
                doc.get_dictionary(k.as_reference().unwrap()).unwrap(),
                out,
            );
        }
    }
}

/// The page a link destination (explicit, named in /Names /Dests or /Dests, or a /D
/// dictionary) goes to.
fn dest_page(doc: &Document, dest: &Object) -> Option<ObjectId> {
    match deref(doc, dest) {
        Object::Array(a) => a.first()?.as_reference().ok(),
        Object::Dictionary(d) => dest_page(doc, d.get(b"D").ok()?),
        Object::String(name, _) | Object::Name(name) => {
            let cat = doc.catalog().ok()?;
            let mut entries = Vec::new();
            if let Ok(Object::Dictionary(names)) = cat.get_deref(b"Names", doc) {
                if let Ok(Object::Dictionary(tree)) = names.get_deref(b"Dests", doc) {
                    name_tree(doc, tree, &mut entries);
                }
            }
            if let Ok(Object::Dictionary(d)) = cat.get_deref(b"Dests", doc) {
                for (k, v) in d.iter() {
                    entries.push((k.clone(), v.clone()));
                }
            }
            let (_, v) = entries.into_iter().find(|(k, _)| k == name)?;
            dest_page(doc, &v)
        }
        _ => None,
    }
}

#[test]
fn an_imported_pdf_keeps_its_links_annotations_rotation_and_page_size() {
    let tmp = tempfile::tempdir().unwrap();
    let root = basic(tmp.path(), "import");
    let name = "07a-发票核对.pdf";
    std::fs::write(root.join(CASE).join(name), linked_pdf()).unwrap();
    edit_manifest(
        &root,
        PDF_ENTRY,
        &format!(
            "{PDF_ENTRY}  - type: 证据材料\n    title: 发票核对\n    file: {name}\n    date: 2024-03-05\n    pages: 2\n"
        ),
    );
    let (code, stdout, stderr) = run(&["check"], &root, None);
    assert_eq!(code, 0, "check fails:\n{stdout}{stderr}");

    let out = tmp.path().join("out");
    build(&root, &out);
    let pdf = out.join("T-0001/T-0001.pdf");
    if tool("qpdf") {
        qpdf_check(&pdf);
    }
    let doc = Document::load(&pdf).unwrap();
    let labels = labels(&doc);
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let entry = material_entries(&doc)
        .into_iter()
        .find(|e| e.title == "发票核对")
        .expect("the material is in the outline");
    assert_eq!(entry.last, entry.first + 1, "{entry:?}");
    let (i1, i2) = (entry.page - 1, entry.page);
    let (p1, p2) = (pages[i1], pages[i2]);
    let page = |id: ObjectId| doc.get_dictionary(id).unwrap();

    // Page size and rotation, as the original has them.
    assert_eq!(
        numbers(&doc, page(p1).get(b"MediaBox").unwrap()),
        P1_BOX,
        "page 1 MediaBox"
    );
    assert_eq!(
        page(p1).get(b"Rotate").map(number).ok(),
        Some(90.0),
        "page 1 /Rotate"
    );
    assert_eq!(
        numbers(&doc, page(p2).get(b"MediaBox").unwrap()),
        P2_BOX,
        "page 2 MediaBox"
    );
    assert!(
        page(p2).get(b"Rotate").map(number).unwrap_or(0.0) == 0.0,
        "page 2 is not rotated"
    );

    // The annotations of page 1.
    let annots: Vec<&lopdf::Dictionary> = deref(&doc, page(p1).get(b"Annots").expect("Annots"))
        .as_array()
        .unwrap()
        .iter()
        .map(|a| deref(&doc, a).as_dict().unwrap())
        .collect();
    let subtype = |d: &lopdf::Dictionary| d.get(b"Subtype").unwrap().as_name().unwrap().to_vec();
    let links: Vec<_> = annots.iter().filter(|d| subtype(d) == b"Link").collect();
    assert_eq!(links.len(), 1, "the link survives: {annots:?}");
    let target = match (links[0].get(b"Dest"), links[0].get(b"A")) {
        (Ok(d), _) => dest_page(&doc, d),
        (_, Ok(a)) => {
            let a = deref(&doc, a).as_dict().unwrap();
            assert_eq!(a.get(b"S").unwrap().as_name().unwrap(), b"GoTo");
            dest_page(&doc, a.get(b"D").unwrap())
        }
        _ => None,
    };
    assert_eq!(
        target,
        Some(p2),
        "the link goes to the page holding the import's page 2 (document page {})",
        i2 + 1
    );
    let notes: Vec<_> = annots.iter().filter(|d| subtype(d) == b"Text").collect();
    assert_eq!(notes.len(), 1, "the note survives: {annots:?}");
    assert_eq!(
        lopdf::decode_text_string(notes[0].get(b"Contents").unwrap()).unwrap(),
        NOTE
    );

    // Both pages are numbered and show their 页号.
    assert_eq!(labels[i1], entry.first.to_string());
    assert_eq!(labels[i2], (entry.first + 1).to_string());
    if tool("pdftotext") {
        // pdftotext gives word boxes in the displayed (rotated) page's space but the page
        // size unrotated: the displayed sizes are 396×612 (page 1 rotated) and 420×595.
        for (i, (w, h)) in [(i1, (396.0, 612.0)), (i2, (420.0, 595.0))] {
            let (_, words) = page_words(&pdf, i + 1);
            let stamp: Vec<&Word> = words.iter().filter(|w| w.text == labels[i]).collect();
            assert_eq!(
                stamp.len(),
                1,
                "page {} shows 页号 {}: {words:?}",
                i + 1,
                labels[i]
            );
            // In the displayed page's top right corner, whatever the rotation.
            let s = stamp[0];
            assert!(
                s.x0 > w * 0.6 && s.x1 < w && s.y1 < h * 0.15,
                "page {} ({w}×{h}): stamp at {s:?}",
                i + 1
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4. PDF/A and document metadata
// ---------------------------------------------------------------------------------------

/// A PDF whose text uses Helvetica without embedding it (a base-14 font: no descriptor, no
/// font file), which PDF/A forbids.
fn unembedded_font_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 14 Tf 72 760 Td (Invoice No. 0042) Tj ET".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => rect([0, 0, 595, 842]),
        "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::from(page)], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).unwrap();
    buf
}

/// The catalog's XMP metadata packet.
fn xmp(doc: &Document) -> String {
    let cat = doc.catalog().unwrap();
    let id = cat.get(b"Metadata").unwrap().as_reference().unwrap();
    let s = doc.get_object(id).unwrap().as_stream().unwrap();
    let bytes = s
        .decompressed_content()
        .unwrap_or_else(|_| s.content.clone());
    String::from_utf8(bytes).unwrap()
}

/// An XMP property written as an element (`<p>v</p>`) or an attribute (`p="v"`).
fn xmp_prop(xmp: &str, prop: &str) -> Option<String> {
    let open = format!("<{prop}>");
    if let Some(at) = xmp.find(&open) {
        let rest = &xmp[at + open.len()..];
        return Some(rest[..rest.find('<')?].trim().to_string());
    }
    let attr = format!("{prop}=\"");
    let at = xmp.find(&attr)? + attr.len();
    Some(xmp[at..at + xmp[at..].find('"')?].to_string())
}

fn lang(doc: &Document) -> String {
    lopdf::decode_text_string(doc.catalog().unwrap().get(b"Lang").expect("/Lang")).unwrap()
}

fn pdfinfo_title(pdf: &Path) -> String {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .expect("a Title")
        .trim()
        .to_string()
}

/// A one-page PDF of line art only (no fonts) with the given annotations.
fn line_art_pdf(annots: Vec<lopdf::Dictionary>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"0 g 2 w 72 72 m 520 770 l S".to_vec(),
    ));
    let annots: Vec<Object> = annots
        .into_iter()
        .map(|a| doc.add_object(a).into())
        .collect();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => rect([0, 0, 595, 842]),
        "Contents" => content, "Resources" => dictionary! {}, "Annots" => annots,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::from(page)], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).unwrap();
    buf
}

/// The basic archive with its PDF material replaced by `name` (one page, `bytes`), built:
/// (stderr, output PDF).
fn build_with_import(dir: &Path, name: &str, bytes: &[u8]) -> (String, PathBuf) {
    let root = basic(dir, name.trim_end_matches(".pdf"));
    std::fs::remove_file(root.join(CASE).join("07-进货单据.pdf")).unwrap();
    std::fs::write(root.join(CASE).join(name), bytes).unwrap();
    edit_manifest(
        &root,
        PDF_ENTRY,
        &format!("  - type: 证据材料\n    file: {name}\n    date: 2024-03-05\n    pages: 1\n"),
    );
    let out = dir.join(format!("{}-out", name.trim_end_matches(".pdf")));
    let stderr = build(&root, &out);
    (stderr, out.join("T-0001/T-0001.pdf"))
}

#[test]
fn the_dossier_declares_pdfa_language_and_title_and_drops_the_claim_for_non_conforming_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let have_poppler = tool("pdfinfo");
    let have_qpdf = tool("qpdf");

    // Generated pages only: the basic volume without its PDF.
    let root = basic(tmp.path(), "generated");
    edit_manifest(&root, PDF_ENTRY, "");
    std::fs::remove_file(root.join(CASE).join("07-进货单据.pdf")).unwrap();
    let out = tmp.path().join("generated-out");
    let stderr = build(&root, &out);
    assert!(
        warnings(&stderr, "pdf-archival").is_empty(),
        "no archival warning for generated pages:\n{stderr}"
    );
    let pdf = out.join("T-0001/T-0001.pdf");
    if have_qpdf {
        qpdf_check(&pdf);
    }
    let doc = Document::load(&pdf).unwrap();
    assert_eq!(lang(&doc), "zh-CN");
    if have_poppler {
        assert_eq!(pdfinfo_title(&pdf), TITLE);
    }
    let meta = xmp(&doc);
    assert_eq!(
        xmp_prop(&meta, "pdfaid:part").as_deref(),
        Some("2"),
        "{meta}"
    );
    assert_eq!(
        xmp_prop(&meta, "pdfaid:conformance").as_deref(),
        Some("B"),
        "{meta}"
    );
    assert!(meta.contains(TITLE), "dc:title in the XMP: {meta}");

    // An import with nothing against PDF/A (line art, no fonts, no annotations) keeps the
    // claim: the claim is not dropped for every import.
    let (stderr, pdf) = build_with_import(tmp.path(), "07-线稿.pdf", &line_art_pdf(vec![]));
    assert!(
        warnings(&stderr, "pdf-archival").is_empty(),
        "no archival warning for a clean import:\n{stderr}"
    );
    let meta = xmp(&Document::load(&pdf).unwrap());
    assert_eq!(xmp_prop(&meta, "pdfaid:part").as_deref(), Some("2"));

    // Imports that PDF/A forbids: a font that is not embedded (Helvetica, base-14), and a
    // note annotation without an appearance stream (ISO 19005-2 §6.3.3).
    let unappeared = dictionary! {
        "Type" => "Annot", "Subtype" => "Text", "Rect" => rect([72, 700, 92, 720]),
        "Contents" => lit(NOTE), "F" => 4,
    };
    for (name, bytes, why) in [
        ("07-扫描发票.pdf", unembedded_font_pdf(), "Helvetica"),
        ("07-批注.pdf", line_art_pdf(vec![unappeared]), "Text"),
    ] {
        let (stderr, pdf) = build_with_import(tmp.path(), name, &bytes);
        let blocks = warnings(&stderr, "pdf-archival");
        assert_eq!(
            blocks.len(),
            1,
            "one archival warning for {name}:\n{stderr}"
        );
        assert!(
            blocks[0].contains(&format!("--> {CASE}/{name}")),
            "the warning names the file:\n{}",
            blocks[0]
        );
        assert!(
            blocks[0].contains(why),
            "the warning says why ({why}):\n{}",
            blocks[0]
        );
        // --quiet: errors only, the renderers' warnings included.
        let root = pdf.parent().unwrap().parent().unwrap().parent().unwrap();
        let root = root.join(name.trim_end_matches(".pdf"));
        let (code, _, quiet) = run(
            &["build", "--only", "pdf", "--quiet", "--force"],
            &root,
            Some(&tmp.path().join("quiet-out")),
        );
        assert_eq!(code, 0, "{quiet}");
        assert!(
            !quiet.contains("pdf-archival"),
            "--quiet shows warnings:\n{quiet}"
        );
        if have_qpdf {
            qpdf_check(&pdf);
        }
        let doc = Document::load(&pdf).unwrap();
        // The file no longer claims PDF/A, but keeps its language and title.
        let meta = xmp(&doc);
        assert_eq!(
            xmp_prop(&meta, "pdfaid:part"),
            None,
            "{name}: the XMP still claims PDF/A"
        );
        assert_eq!(xmp_prop(&meta, "pdfaid:conformance"), None);
        assert_eq!(lang(&doc), "zh-CN");
        if have_poppler {
            assert_eq!(pdfinfo_title(&pdf), TITLE);
        }
    }
    // The imported page is there, with its own text and the 页号.
    if have_poppler {
        let pdf = tmp.path().join("07-扫描发票-out/T-0001/T-0001.pdf");
        let doc = Document::load(&pdf).unwrap();
        let entry = material_entries(&doc)
            .into_iter()
            .find(|e| e.title == "证据材料")
            .unwrap();
        let txt = page_text(&pdf, entry.page);
        assert!(txt.contains("Invoice No. 0042"), "{txt}");
        assert!(has_word(&txt, &entry.first.to_string()), "{txt}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. Stamp placement is a profile setting
// ---------------------------------------------------------------------------------------

/// The basic archive with a local copy of the built-in `penalty-ordinary` profile whose
/// numbering line `from` is replaced by `to`.
fn with_profile(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let root = basic(dir, name);
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/penalty-ordinary.yaml"),
    )
    .unwrap();
    assert!(builtin.contains(from), "the built-in profile changed");
    std::fs::create_dir_all(root.join("profiles")).unwrap();
    std::fs::write(
        root.join("profiles/penalty-ordinary.yaml"),
        builtin.replacen(from, to, 1),
    )
    .unwrap();
    root
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Corner {
    TopRight,
    BottomCenter,
}

/// Where the 页号 `label` sits on a page of size (w, h): the corners holding it as a word.
fn stamp_corners(words: &[Word], label: &str, (w, h): (f32, f32)) -> Vec<Corner> {
    let mut out = Vec::new();
    for x in words.iter().filter(|x| x.text == label) {
        if x.x0 > w * 0.75 && x.y1 < h * 0.1 {
            out.push(Corner::TopRight);
        }
        if ((x.x0 + x.x1) / 2.0 - w / 2.0).abs() < 3.0 && x.y0 > h * 0.9 {
            out.push(Corner::BottomCenter);
        }
    }
    out
}

/// For each numbered page of the built volume: (label, corners where its stamp is).
fn stamps(root: &Path, out: &Path) -> Vec<(String, Vec<Corner>)> {
    build(root, out);
    let pdf = out.join("T-0001/T-0001.pdf");
    let doc = Document::load(&pdf).unwrap();
    let labels = labels(&doc);
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut v = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        if !l.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let page = doc.get_dictionary(pages[i]).unwrap();
        let b = numbers(&doc, page.get(b"MediaBox").unwrap());
        let (_, words) = page_words(&pdf, i + 1);
        v.push((
            l.clone(),
            stamp_corners(&words, l, (b[2] - b[0], b[3] - b[1])),
        ));
    }
    v
}

#[test]
fn the_stamp_position_comes_from_the_profile() {
    if !tool("pdftotext") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let default = stamps(&basic(tmp.path(), "default"), &tmp.path().join("a"));
    let moved = stamps(
        &with_profile(
            tmp.path(),
            "moved",
            "position: top-right",
            "position: bottom-center",
        ),
        &tmp.path().join("b"),
    );
    // Every material page (imported PDF pages included) is numbered in both, and only there.
    assert_eq!(default.len(), 16, "{default:?}");
    assert_eq!(
        default.iter().map(|d| &d.0).collect::<Vec<_>>(),
        moved.iter().map(|d| &d.0).collect::<Vec<_>>()
    );
    for ((l, a), (_, b)) in default.iter().zip(&moved) {
        assert_eq!(a, &[Corner::TopRight], "default: 页号 {l} at {a:?}");
        assert_eq!(
            b,
            &[Corner::BottomCenter],
            "bottom-center: 页号 {l} at {b:?}"
        );
    }
}

#[test]
fn counting_the_front_matter_is_a_profile_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let root = with_profile(
        tmp.path(),
        "counted",
        "count_front_matter: false",
        "count_front_matter: true",
    );
    let out = tmp.path().join("out");
    build(&root, &out);
    let pdf = out.join("T-0001/T-0001.pdf");
    let doc = Document::load(&pdf).unwrap();
    let labels = labels(&doc);
    let n = labels.len();
    // 封面 is page 1 (unstamped), the 目录 page 2, the materials from 3; 备考表 uncounted.
    assert_eq!(labels[0], "封面");
    assert_eq!(labels[n - 1], "备考表");
    for (i, l) in labels.iter().enumerate().take(n - 1).skip(1) {
        assert_eq!(l, &(i + 1).to_string(), "{labels:?}");
    }
    let entries = material_entries(&doc);
    assert_eq!(entries[0].first, 3, "{entries:?}");
    if tool("pdftotext") {
        let (_, words) = page_words(&pdf, 2);
        assert_eq!(
            stamp_corners(&words, "2", (595.276, 841.89)),
            [Corner::TopRight],
            "the 目录 carries 页号 2"
        );
        // The 目录's 页号 column starts at 3.
        let toc = page_text(&pdf, 2);
        let first_row = toc.lines().find(|l| l.contains(&entries[0].title)).unwrap();
        assert!(has_word(first_row, "3"), "{first_row}");
    }
}

/// A JPEG scan is copied into the dossier byte for byte while the file is written (no
/// decoding, no re-encoding), in volumes with imported PDFs too, also when its header
/// segments are larger than the first read; the result passes qpdf and draws its pages.
#[test]
fn jpeg_scans_are_embedded_byte_for_byte_beside_imported_pdfs() {
    let (_t, root) = common::sample_copy();
    // Two 60 KB APP13 segments before the frame header: the header is read in two steps.
    let photo = root.join("处罚/2024-0012-某某超市销售过期食品案/photos/01-冷柜过期酸奶.jpg");
    let mut jpeg = std::fs::read(&photo).unwrap();
    let mut app = Vec::new();
    for fill in [b'a', b'b'] {
        app.extend_from_slice(&[0xFF, 0xED, 0xEA, 0x62]);
        app.extend(std::iter::repeat_n(fill, 0xEA60));
    }
    jpeg.splice(2..2, app);
    std::fs::write(&photo, &jpeg).unwrap();

    let out = root.parent().unwrap().join("out");
    build(&root, &out);
    let pdfs: Vec<(PathBuf, Vec<u8>)> = common::files_below(&out)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".pdf") && !rel.contains("台账"))
        .map(|(_, p)| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert!(
        pdfs.len() >= 5,
        "{pdfs:?}",
        pdfs = pdfs.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    let jpegs: Vec<PathBuf> = common::files_below(&root)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".jpg"))
        .map(|(_, p)| p)
        .collect();
    assert!(jpegs.len() >= 10);
    for j in &jpegs {
        let bytes = std::fs::read(j).unwrap();
        let holders: Vec<&PathBuf> = pdfs
            .iter()
            .filter(|(_, pdf)| memchr::memmem::find(pdf, &bytes).is_some())
            .map(|(p, _)| p)
            .collect();
        assert_eq!(holders.len(), 1, "{} is in {holders:?}", j.display());
    }
    // No placeholder is left anywhere.
    for (p, pdf) in &pdfs {
        assert!(
            memchr::memmem::find(pdf, b"anjuan-splice:").is_none(),
            "{}",
            p.display()
        );
    }
    if tool("qpdf") && tool("pdftoppm") {
        for (p, _) in &pdfs {
            qpdf_check(p);
        }
        // The photo with the large header is drawn: its page is not blank.
        let (p, pdf) = pdfs
            .iter()
            .find(|(_, pdf)| memchr::memmem::find(pdf, &jpeg).is_some())
            .unwrap();
        let doc = Document::load_mem(pdf).unwrap();
        let page = doc
            .get_pages()
            .into_iter()
            .find(|(_, id)| {
                let images = doc.get_page_images(*id).unwrap_or_default();
                images.iter().any(|i| i.content == jpeg.as_slice())
            })
            .map(|(n, _)| n as usize)
            .expect("a page draws the photo");
        let px = pixels(p, page);
        let dark = px.iter().filter(|&&v| v < 200).count();
        assert!(
            dark > px.len() / 20,
            "page {page} of {} looks blank",
            p.display()
        );
    }
}
