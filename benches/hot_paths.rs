//! Criterion benchmarks of anjuan's hot paths, through the library's public API:
//!
//! - `hash/*`: the streamed SHA-256 of material files (`load::hash`);
//! - `text/*`: CJK line breaking and wrapping (`render::pdf::text`) and a whole Markdown
//!   material typeset into pages (`render::pdf::typeset`);
//! - `stamp/*`: opening imported PDFs and stamping their pages into a krilla-made document
//!   (`render::pdf::import`);
//! - `zip/*`: sealing a volume's files into a BagIt zip with both manifests (`package`).
//!
//! `cargo bench --bench hot_paths` (add `-- text` to run one group). Inputs are built in
//! memory or in a temp dir at start-up, deterministically.

use anjuan::load::hash::{sha256_bytes, sha256_file};
use anjuan::package::{write_bag, Entry};
use anjuan::render::pdf::import::{merge, Import, Placeholder};
use anjuan::render::pdf::text::{wrap, wrap_spans, Span, Style};
use anjuan::render::pdf::typeset::{count_pages, typeset_markdown};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// Deterministic bytes that neither compress to nothing nor look random (like JPEG data).
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i % 3 == 0 {
                (x >> 56) as u8
            } else {
                (i / 97) as u8
            }
        })
        .collect()
}

const PARAGRAPH: &str =
    "检查人员出示执法证件，告知被检查单位检查依据及其享有的权利和应当履行的义务；\
现场检查发现货架上陈列的部分预包装食品已超过标签标明的保质期（共计 12 件，货值 356.50 元）。\
当事人未能提供上述商品的进货查验记录和供货者的许可证明文件，经询问，当事人称该批商品系从外地\
某某商贸公司购进，购进时间约为两个月前。执法人员对涉案商品进行了清点、拍照，并制作了现场检查笔录；\
Inspection record No. 2024-0012, see attachment A-3 (Annex “Sampling”).";

fn markdown_material() -> String {
    let mut s =
        String::from("# 现场检查笔录\n\n- 检查时间：2024 年 3 月 2 日\n- 被检查单位：某某超市\n\n");
    for i in 0..12 {
        s.push_str(PARAGRAPH);
        s.push_str(&format!("（编号 {i}）\n\n"));
        if i == 3 {
            s.push_str("| 品名 | 数量 | 生产日期 |\n|---|---|---|\n");
            for r in 0..6 {
                s.push_str(&format!(
                    "| 某某牌商品 {r} | {r} 件 | 2023 年 {r} 月 1 日 |\n"
                ));
            }
            s.push('\n');
        }
    }
    s
}

fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let data = bytes(8 << 20, 1);
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("sha256_bytes_8MiB", |b| {
        b.iter(|| sha256_bytes(black_box(&data)))
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scan.bin");
    let big = bytes(32 << 20, 2);
    std::fs::write(&path, &big).expect("write temp file");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(20);
    g.bench_function("sha256_file_32MiB", |b| {
        b.iter(|| sha256_file(black_box(&path)).expect("hash"))
    });
    g.finish();
}

fn text(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    let para = PARAGRAPH.repeat(4);
    g.throughput(Throughput::Elements(para.chars().count() as u64));
    // 正文 width of an A4 page with 25 mm margins, 12 pt.
    g.bench_function("wrap_cjk_paragraph", |b| {
        b.iter(|| wrap(black_box(&para), 12.0, 453.0))
    });
    let spans = [
        Span::new(PARAGRAPH, Style::new(12.0)),
        Span::new("（加粗部分）", Style::new(12.0).bold()),
        Span::new(PARAGRAPH, Style::new(10.5).italic()),
    ];
    g.bench_function("wrap_spans_mixed", |b| {
        b.iter(|| wrap_spans(black_box(&spans), 453.0))
    });
    let md = markdown_material();
    g.throughput(Throughput::Bytes(md.len() as u64));
    g.bench_function("typeset_markdown_material", |b| {
        b.iter(|| typeset_markdown(black_box(&md)))
    });
    // The same material paginated without drawing: what every build does for page numbers.
    g.bench_function("count_markdown_material", |b| {
        b.iter(|| count_pages(true, black_box(&md)))
    });
    g.finish();
}

/// A multi-page text PDF, like the materials offices export.
fn write_pdf(path: &Path, pages: usize, seed: usize) {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for p in 0..pages {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![60.into(), 780.into()]),
        ];
        for l in 0..48 {
            ops.push(Operation::new(
                "'",
                vec![Object::string_literal(format!(
                    "document {seed} page {p} line {l}: sample record, sealed and witnessed"
                ))],
            ));
        }
        ops.push(Operation::new("ET", vec![]));
        let body = Content { operations: ops }.encode().expect("content");
        let mut stream = Stream::new(dictionary! {}, body);
        let _ = stream.compress();
        let content = doc.add_object(stream);
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Count" => pages as i64, "Kids" => kids, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.save(path).expect("write PDF");
}

/// A krilla document of `n` A4 placeholder pages, each carrying a page-number stamp.
fn krilla_base(n: usize) -> Vec<u8> {
    use krilla::geom::{PathBuilder, Rect};
    use krilla::page::PageSettings;
    use krilla::paint::Fill;
    let mut doc = krilla::Document::new();
    for _ in 0..n {
        let mut page = doc.start_page_with(PageSettings::from_wh(595.0, 842.0).expect("A4"));
        let mut s = page.surface();
        let mut pb = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(520.0, 20.0, 40.0, 14.0) {
            pb.push_rect(r);
        }
        if let Some(p) = pb.finish() {
            s.set_fill(Some(Fill::default()));
            s.draw_path(&p);
        }
        s.finish();
        page.finish();
    }
    doc.finish().expect("krilla document")
}

fn stamping(c: &mut Criterion) {
    let mut g = c.benchmark_group("stamp");
    g.sample_size(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<PathBuf> = (0..50)
        .map(|i| {
            let p = dir.path().join(format!("{i:02}.pdf"));
            write_pdf(&p, 5, i);
            p
        })
        .collect();
    let pages = files.len() * 5;
    let base = krilla_base(pages);
    let placeholders: Vec<Placeholder> = (0..pages)
        .map(|i| Placeholder {
            index: i,
            import: i / 5,
            page: i % 5,
        })
        .collect();
    let open_all = || -> Vec<Import> {
        files
            .iter()
            .map(|p| Import::open(p, "bench.pdf").expect("open"))
            .collect()
    };
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("open_50_five_page_pdfs", |b| b.iter(open_all));
    g.throughput(Throughput::Elements(pages as u64));
    g.bench_function("merge_stamp_250_pages", |b| {
        b.iter_batched(
            open_all,
            |imports| merge(black_box(&base), imports, &placeholders, "bench").expect("merge"),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn zip(c: &mut Criterion) {
    let mut g = c.benchmark_group("zip");
    g.sample_size(10);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut entries = Vec::new();
    let mut total = 0u64;
    // A volume folder: a bound PDF, twenty scans, forty HTML pages.
    let mut add = |name: String, data: Vec<u8>| {
        let p = dir.path().join(name.replace('/', "_"));
        total += data.len() as u64;
        std::fs::write(&p, data).expect("write payload");
        entries.push(Entry {
            path: name,
            source: p,
        });
    };
    add("v0001.pdf".into(), bytes(6 << 20, 7));
    for i in 0..20 {
        add(format!("files/scan-{i:02}.jpg"), bytes(400 << 10, 100 + i));
    }
    let page = format!("<!doctype html><p>{}</p>", PARAGRAPH.repeat(20));
    for i in 0..40 {
        add(format!("m{i:02}.html"), page.clone().into_bytes());
    }
    let info = vec![
        (
            "Source-Organization".to_string(),
            "某某市市场监督管理局".to_string(),
        ),
        ("Bagging-Date".to_string(), "2024-05-20".to_string()),
    ];
    let out = dir.path().join("v0001.zip");
    g.throughput(Throughput::Bytes(total));
    g.bench_function("seal_volume_bag", |b| {
        b.iter(|| write_bag(&out, "v0001", entries.clone(), &info).expect("bag"))
    });
    g.finish();
}

criterion_group!(benches, hashing, text, stamping, zip);
criterion_main!(benches);
