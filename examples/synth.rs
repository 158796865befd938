//! Writes a synthetic, realistic archive for benchmarks: `anjuan check` accepts it with zero
//! errors and zero warnings, and the same seed always gives the same bytes.
//!
//! ```text
//! cargo run --release --example synth -- --volumes 20 --scans 10 --pdfs 5 --markdown 3 OUT
//! ```
//!
//! Every volume is one 行政检查 case (profile `inspection`) holding, in binding order:
//! `--markdown K` Markdown 笔录 (the first a 现场检查笔录, the rest 询问笔录), `--pdfs K`
//! multi-page PDFs of `--pdf-pages P` pages (抽样单), and `--scans M` A4 greyscale JPEG
//! scans at `--dpi` (300 by default, about 300–450 KB each), grouped ten pages to a
//! 检验检测报告. `--hugo DIR` also writes a Hugo site holding the same Markdown bodies, for
//! the static-site comparison. Files are laid out flat so other tools can take them by glob:
//! `OUT/vNNNN/scans/*.jpg`, `OUT/vNNNN/pdf/*.pdf`, `OUT/vNNNN/md/*.md`.

use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Opts {
    volumes: usize,
    scans: usize,
    pdfs: usize,
    pdf_pages: usize,
    markdown: usize,
    dpi: u32,
    seed: u64,
    hugo: Option<PathBuf>,
    out: PathBuf,
}

const USAGE: &str = "usage: synth [--volumes N] [--scans M] [--pdfs K] [--pdf-pages P] \
[--markdown K] [--dpi D] [--seed S] [--hugo DIR] OUT";

fn parse() -> Result<Opts, String> {
    let mut o = Opts {
        volumes: 1,
        scans: 0,
        pdfs: 0,
        pdf_pages: 5,
        markdown: 1,
        dpi: 300,
        seed: 1,
        hugo: None,
        out: PathBuf::new(),
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number\n{USAGE}"))
        };
        match a.as_str() {
            "--volumes" => o.volumes = num("--volumes")? as usize,
            "--scans" => o.scans = num("--scans")? as usize,
            "--pdfs" => o.pdfs = num("--pdfs")? as usize,
            "--pdf-pages" => o.pdf_pages = num("--pdf-pages")?.max(1) as usize,
            "--markdown" => o.markdown = num("--markdown")? as usize,
            "--dpi" => o.dpi = num("--dpi")?.clamp(50, 600) as u32,
            "--seed" => o.seed = num("--seed")?,
            "--hugo" => {
                o.hugo = Some(PathBuf::from(
                    args.next()
                        .ok_or_else(|| format!("--hugo needs a folder\n{USAGE}"))?,
                ))
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s => out = Some(PathBuf::from(s)),
        }
    }
    o.out = out.ok_or_else(|| USAGE.to_string())?;
    // The profile requires one 现场检查笔录: a volume always has at least one Markdown file.
    o.markdown = o.markdown.max(1);
    Ok(o)
}

fn main() {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&o) {
        eprintln!("synth: {e}");
        std::process::exit(1);
    }
}

fn run(o: &Opts) -> std::io::Result<()> {
    std::fs::create_dir_all(&o.out)?;
    std::fs::write(
        o.out.join("archive.yaml"),
        "# Synthetic benchmark archive written by examples/synth.rs (fictitious).\n\
         fonds: \"J099\"\nfonds_name: 某某市市场监督管理局\nagency: 某某市市场监督管理局\n\
         max_volume_pages: 100000\nlanguage: zh-CN\n",
    )?;
    if let Some(h) = &o.hugo {
        hugo_skeleton(h)?;
    }
    (1..=o.volumes)
        .into_par_iter()
        .try_for_each(|v| write_volume(o, v))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: tiny, fast, and good enough for synthetic content.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------
// One volume

fn write_volume(o: &Opts, v: usize) -> std::io::Result<()> {
    let id = format!("v{v:04}");
    let dir = o.out.join(&id);
    std::fs::create_dir_all(dir.join("md"))?;
    let mut rng = Rng::new(o.seed, v as u64);
    let party = format!("某某市{}{}", rng.pick(PARTY_A), rng.pick(PARTY_B));
    let h1 = rng.pick(NAMES);
    let h2 = loop {
        let n = rng.pick(NAMES);
        if n != h1 {
            break n;
        }
    };
    let year = 2024;
    let mut y = String::new();
    let _ = write!(
        y,
        "# Synthetic case (fictitious), volume {v} of the benchmark archive.\n\
         case:\n  id: {id}\n  number: 某市监检〔{year}〕{v}号\n  title: {party}日常监督检查（第 {v} 卷）\n\
         \x20 kind: 行政检查\n  profile: inspection\n  party: {party}\n  agency: 某某市市场监督管理局\n\
         \x20 handlers: [{h1}, {h2}]\n  opened: {year}-03-01\n  decided: {year}-03-20\n\
         \x20 closed: {year}-04-30\n  status: 已结案\n\
         archive:\n  catalog: XZJC-{year}\n  volume_no: \"{v:04}\"\n  filing_no: \"{year}{v:04}\"\n\
         \x20 retention: 10年\n  secrecy: 无\n  filed_by: 王某\n  checked_by: 赵某\n\
         \x20 filed_on: {year}-05-20\nmaterials:\n"
    );
    // Markdown 笔录.
    for m in 1..=o.markdown {
        let (ty, name) = if m == 1 {
            ("现场检查笔录", "现场检查笔录")
        } else {
            ("询问笔录", "询问笔录")
        };
        let file = format!("md/{m:04}-{name}.md");
        let body = markdown_body(&mut rng, name, &party, v, m);
        std::fs::write(dir.join(&file), &body)?;
        if let Some(h) = &o.hugo {
            let p = h.join("content").join(&id);
            std::fs::create_dir_all(&p)?;
            std::fs::write(
                p.join(format!("m{m:04}.md")),
                format!("---\ntitle: \"{name}（第 {m} 件）\"\n---\n\n{body}"),
            )?;
        }
        let _ = write!(
            y,
            "  - type: {ty}\n    file: {file}\n    date: {year}-03-{:02}\n    title: {name}（第 {m} 件）\n",
            2 + (m % 9)
        );
    }
    // Multi-page PDFs.
    if o.pdfs > 0 {
        std::fs::create_dir_all(dir.join("pdf"))?;
    }
    for k in 1..=o.pdfs {
        let file = format!("pdf/{k:04}-抽样单.pdf");
        std::fs::write(dir.join(&file), pdf_bytes(&mut rng, v, k, o.pdf_pages))?;
        let _ = write!(
            y,
            "  - type: 抽样单\n    file: {file}\n    date: {year}-03-12\n    title: 抽样单（第 {k} 件）\n    pages: {}\n",
            o.pdf_pages
        );
    }
    // JPEG scans, ten pages to a report.
    if o.scans > 0 {
        std::fs::create_dir_all(dir.join("scans"))?;
        let seeds: Vec<u64> = (0..o.scans).map(|_| rng.next()).collect();
        seeds.par_iter().enumerate().try_for_each(|(i, s)| {
            let jpeg = scan_jpeg(*s, o.dpi);
            let r = i / 10 + 1;
            let p = i % 10 + 1;
            std::fs::write(dir.join(format!("scans/r{r:03}-p{p:02}.jpg")), jpeg)
        })?;
        for r in 1..=o.scans.div_ceil(10) {
            let pages = (o.scans - (r - 1) * 10).min(10);
            let _ = write!(
                y,
                "  - type: 检验检测报告\n    files: [scans/r{r:03}-*.jpg]\n    date: {year}-03-15\n    \
                 title: 检验检测报告（第 {r} 份，扫描件）\n    pages: {pages}\n"
            );
        }
    }
    std::fs::write(dir.join("case.yaml"), y)
}

// ---------------------------------------------------------------------------------------
// Markdown

const NAMES: &[&str] = &[
    "张某",
    "李某",
    "王某某",
    "刘某",
    "陈某",
    "杨某某",
    "赵某",
    "黄某",
    "周某",
    "吴某某",
];
const PARTY_A: &[&str] = &[
    "某某", "惠民", "百味", "新华", "顺达", "康宁", "金穗", "长青",
];
const PARTY_B: &[&str] = &[
    "超市有限公司",
    "大药房有限公司",
    "餐饮店",
    "便利店",
    "食品批发部",
    "五金商店",
];
const CLAUSES: &[&str] = &[
    "检查人员出示执法证件，告知被检查单位检查依据及其享有的权利和应当履行的义务",
    "现场检查发现货架上陈列的部分预包装食品已超过标签标明的保质期",
    "当事人未能提供上述商品的进货查验记录和供货者的许可证明文件",
    "经询问，当事人称该批商品系从外地某某商贸公司购进，购进时间约为两个月前",
    "执法人员对涉案商品进行了清点、拍照，并制作了现场检查笔录",
    "当事人的仓库内温湿度记录不完整，部分日期缺少记录人签名",
    "经核对营业执照和许可证件，当事人的经营范围与实际经营项目一致",
    "检查过程中当事人负责人在场，对检查情况无异议并在笔录上签名确认",
    "执法人员告知当事人应当在规定期限内完成整改并提交书面整改报告",
    "对现场发现的问题，执法人员依法责令当事人立即停止销售并下架封存",
    "经查阅销售台账，涉案商品累计销售数量为一百二十件，货值金额较小",
    "当事人表示今后将严格落实进货查验制度，定期清理临期和过期商品",
];

fn markdown_body(rng: &mut Rng, name: &str, party: &str, v: usize, m: usize) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "> 本件为基准测试生成的虚构文书（卷 {v}，件 {m}），不具有法律效力。\n\n# {name}\n\n\
         - 检查时间：2024 年 3 月 {} 日 9 时 {} 分\n- 被检查单位：{party}\n- 检查人员：{}、{}\n\n## 检查情况\n\n",
        2 + m % 9,
        10 + rng.below(40),
        rng.pick(NAMES),
        rng.pick(NAMES)
    );
    let paragraphs = 4 + rng.below(4);
    for p in 0..paragraphs {
        let clauses = 3 + rng.below(4);
        for c in 0..clauses {
            s.push_str(rng.pick(CLAUSES));
            s.push_str(if c + 1 == clauses { "。" } else { "；" });
        }
        let _ = write!(s, "（编号 {v}-{m}-{p}）\n\n");
        if p == 1 {
            s.push_str("| 品名 | 数量 | 生产日期 |\n|---|---|---|\n");
            for r in 0..3 + rng.below(3) {
                let _ = writeln!(
                    s,
                    "| 某某牌商品 {} | {} 件 | 2023 年 {} 月 {} 日 |",
                    r + 1,
                    1 + rng.below(50),
                    1 + rng.below(12),
                    1 + rng.below(28)
                );
            }
            s.push('\n');
        }
    }
    s.push_str("被检查单位意见：情况属实。\n\n被检查单位负责人签名：某某（样例）\n");
    s
}

fn hugo_skeleton(h: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(h.join("layouts/_default"))?;
    std::fs::create_dir_all(h.join("content"))?;
    std::fs::write(
        h.join("hugo.toml"),
        "baseURL = \"http://example.org/\"\ntitle = \"synth\"\nrelativeURLs = true\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
    )?;
    std::fs::write(
        h.join("layouts/_default/single.html"),
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n",
    )?;
    std::fs::write(
        h.join("layouts/_default/list.html"),
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )
}

// ---------------------------------------------------------------------------------------
// PDF (lopdf): text pages with the standard Helvetica font

fn pdf_bytes(rng: &mut Rng, v: usize, k: usize, pages: usize) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let words = [
        "sample",
        "record",
        "inspection",
        "batch",
        "quantity",
        "store",
        "label",
        "expiry",
        "warehouse",
        "invoice",
        "supplier",
        "retained",
        "sealed",
        "witness",
        "signature",
    ];
    let mut kids = Vec::new();
    for p in 1..=pages {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![60.into(), 780.into()]),
            Operation::new(
                "Tj",
                vec![Object::string_literal(format!(
                    "Sampling record, volume {v}, document {k}, page {p} of {pages}"
                ))],
            ),
        ];
        for _ in 0..48 {
            let mut line = String::new();
            for _ in 0..10 + rng.below(4) {
                line.push_str(rng.pick(&words));
                line.push(' ');
            }
            let _ = write!(line, "{}", rng.below(100_000));
            ops.push(Operation::new("'", vec![Object::string_literal(line)]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let mut stream = Stream::new(dictionary! {}, content.encode().unwrap_or_default());
        let _ = stream.compress();
        let content_id = doc.add_object(stream);
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Count" => pages as i64,
            "Kids" => kids,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write PDF to memory");
    out
}

// ---------------------------------------------------------------------------------------
// A4 greyscale "scan" and a minimal baseline JPEG encoder (no dependency needed)

/// A greyscale A4 page that looks like a scanned typed document: slightly uneven paper with
/// sensor noise, a letterhead rule, and lines of dark glyph-like strokes.
fn scan_pixels(seed: u64, dpi: u32) -> (usize, usize, Vec<u8>) {
    let w = (210.0 * dpi as f64 / 25.4).round() as usize;
    let h = (297.0 * dpi as f64 / 25.4).round() as usize;
    let mut rng = Rng::new(seed, 0xA4);
    let mut px = vec![0u8; w * h];
    // Paper: a gentle gradient plus noise.
    let base = 226 + rng.below(12) as i32;
    for y in 0..h {
        let shade = base - (y * 6 / h) as i32;
        let row = &mut px[y * w..(y + 1) * w];
        for (x, p) in row.iter_mut().enumerate() {
            let r = rng.next();
            let noise = ((r & 1) as i32 + ((r >> 1) & 1) as i32) - 1;
            let edge = if x < w / 60 { 20 } else { 0 };
            *p = (shade + noise - edge).clamp(0, 255) as u8;
        }
    }
    let unit = dpi as usize / 12; // a glyph cell of about 2 mm
    let margin = dpi as usize; // one inch
    let fill = |x0: usize, y0: usize, x1: usize, y1: usize, ink: i32, px: &mut [u8]| {
        for y in y0.min(h)..y1.min(h) {
            for x in x0.min(w)..x1.min(w) {
                let p = &mut px[y * w + x];
                *p = ((*p as i32 * ink) / 255).clamp(0, 255) as u8;
            }
        }
    };
    // Letterhead rule.
    fill(margin, margin, w - margin, margin + unit / 4, 60, &mut px);
    let line_h = unit * 2;
    let mut y = margin + unit * 2;
    let mut line = 0;
    while y + line_h < h - margin {
        let indent = if line % 8 == 0 { unit * 4 } else { 0 };
        let len = if line % 8 == 7 {
            rng.below(w - 2 * margin)
        } else {
            w - 2 * margin - indent
        };
        let mut x = margin + indent;
        while x + unit < margin + indent + len {
            // A glyph: two to four strokes inside its cell.
            for _ in 0..2 + rng.below(2) {
                let ink = 40 + rng.below(60) as i32;
                let t = 1 + unit / 10;
                if rng.below(2) == 0 {
                    let gy = y + rng.below(unit);
                    let gx = x + rng.below(unit / 2);
                    fill(
                        gx,
                        gy,
                        gx + unit / 2 + rng.below(unit / 2),
                        gy + t,
                        ink,
                        &mut px,
                    );
                } else {
                    let gx = x + rng.below(unit);
                    let gy = y + rng.below(unit / 2);
                    fill(
                        gx,
                        gy,
                        gx + t,
                        gy + unit / 2 + rng.below(unit / 2),
                        ink,
                        &mut px,
                    );
                }
            }
            x += unit + unit / 8;
        }
        y += line_h;
        line += 1;
        if line % 8 == 0 {
            y += line_h; // paragraph gap
        }
    }
    (w, h, px)
}

fn scan_jpeg(seed: u64, dpi: u32) -> Vec<u8> {
    let (w, h, px) = scan_pixels(seed, dpi);
    encode_grey_jpeg(&px, w, h, 35, dpi)
}

const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];
const LUMA_Q: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const DC_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALS: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
const AC_VALS: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
    0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
    0xf9, 0xfa,
];

/// Canonical Huffman codes (code, length) indexed by symbol, from a JPEG BITS/HUFFVAL spec.
fn huff_table(bits: &[u8; 16], vals: &[u8]) -> [(u16, u8); 256] {
    let mut t = [(0u16, 0u8); 256];
    let mut code = 0u16;
    let mut k = 0;
    for (len, &n) in bits.iter().enumerate() {
        for _ in 0..n {
            t[vals[k] as usize] = (code, len as u8 + 1);
            code += 1;
            k += 1;
        }
        code <<= 1;
    }
    t
}

struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, code: u32, len: u32) {
        self.acc = (self.acc << len) | (code & ((1 << len) - 1));
        self.n += len;
        while self.n >= 8 {
            let b = (self.acc >> (self.n - 8)) as u8;
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0); // byte stuffing
            }
            self.n -= 8;
        }
        self.acc &= (1 << self.n) - 1;
    }
    fn flush(&mut self) {
        if self.n > 0 {
            let pad = 8 - self.n;
            self.put((1 << pad) - 1, pad);
        }
    }
}

fn magnitude(v: i32) -> (u32, u32) {
    let a = v.unsigned_abs();
    let size = 32 - a.leading_zeros();
    let bits = if v < 0 { (v - 1) as u32 } else { v as u32 };
    (size, bits & ((1u32 << size).wrapping_sub(1)))
}

/// Baseline, single-component (greyscale) JPEG with the Annex K tables at `quality`.
fn encode_grey_jpeg(px: &[u8], w: usize, h: usize, quality: u32, dpi: u32) -> Vec<u8> {
    let scale = if quality < 50 {
        5000 / quality.max(1)
    } else {
        200 - quality * 2
    };
    let mut q = [0u16; 64];
    for i in 0..64 {
        q[i] = ((LUMA_Q[i] as u32 * scale + 50) / 100).clamp(1, 255) as u16;
    }
    let mut cos = [[0f32; 8]; 8];
    for (u, row) in cos.iter_mut().enumerate() {
        let cu = if u == 0 { (0.5f32).sqrt() } else { 1.0 };
        for (x, c) in row.iter_mut().enumerate() {
            *c = 0.5 * cu * (((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI) / 16.0).cos();
        }
    }
    let dc = huff_table(&DC_BITS, &DC_VALS);
    let ac = huff_table(&AC_BITS, &AC_VALS);

    let mut o = Vec::with_capacity(w * h / 16);
    o.extend_from_slice(&[0xFF, 0xD8]);
    // APP0 JFIF with the resolution, so viewers and tools see the real dpi.
    o.extend_from_slice(&[0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1]);
    o.extend_from_slice(&(dpi as u16).to_be_bytes());
    o.extend_from_slice(&(dpi as u16).to_be_bytes());
    o.extend_from_slice(&[0, 0]);
    // DQT.
    o.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0]);
    for &z in &ZIGZAG {
        o.push(q[z] as u8);
    }
    // SOF0.
    o.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
    o.extend_from_slice(&(h as u16).to_be_bytes());
    o.extend_from_slice(&(w as u16).to_be_bytes());
    o.extend_from_slice(&[1, 1, 0x11, 0]);
    // DHT.
    for (class, bits, vals) in [
        (0x00u8, &DC_BITS, &DC_VALS[..]),
        (0x10, &AC_BITS, &AC_VALS[..]),
    ] {
        let len = 2 + 1 + 16 + vals.len();
        o.extend_from_slice(&[0xFF, 0xC4]);
        o.extend_from_slice(&(len as u16).to_be_bytes());
        o.push(class);
        o.extend_from_slice(bits);
        o.extend_from_slice(vals);
    }
    // SOS.
    o.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);

    let mut bw = BitWriter {
        out: o,
        acc: 0,
        n: 0,
    };
    let mut prev_dc = 0i32;
    let mut block = [0f32; 64];
    let mut tmp = [0f32; 64];
    for by in (0..h).step_by(8) {
        for bx in (0..w).step_by(8) {
            for y in 0..8 {
                let sy = (by + y).min(h - 1);
                for x in 0..8 {
                    let sx = (bx + x).min(w - 1);
                    block[y * 8 + x] = px[sy * w + sx] as f32 - 128.0;
                }
            }
            // Separable DCT-II: rows, then columns.
            for y in 0..8 {
                for u in 0..8 {
                    let mut s = 0.0;
                    for x in 0..8 {
                        s += cos[u][x] * block[y * 8 + x];
                    }
                    tmp[y * 8 + u] = s;
                }
            }
            let mut coef = [0i32; 64];
            for u in 0..8 {
                for v in 0..8 {
                    let mut s = 0.0;
                    for y in 0..8 {
                        s += cos[v][y] * tmp[y * 8 + u];
                    }
                    coef[v * 8 + u] = (s / q[v * 8 + u] as f32).round() as i32;
                }
            }
            // DC.
            let diff = coef[0] - prev_dc;
            prev_dc = coef[0];
            let (size, bits) = magnitude(diff);
            let (c, l) = dc[size as usize];
            bw.put(c as u32, l as u32);
            if size > 0 {
                bw.put(bits, size);
            }
            // AC.
            let mut run = 0;
            for &z in &ZIGZAG[1..] {
                let v = coef[z];
                if v == 0 {
                    run += 1;
                    continue;
                }
                while run > 15 {
                    let (c, l) = ac[0xF0];
                    bw.put(c as u32, l as u32);
                    run -= 16;
                }
                let (size, bits) = magnitude(v);
                let (c, l) = ac[(run << 4) | size as usize];
                bw.put(c as u32, l as u32);
                bw.put(bits, size);
                run = 0;
            }
            if run > 0 {
                let (c, l) = ac[0x00];
                bw.put(c as u32, l as u32);
            }
        }
    }
    bw.flush();
    let mut o = bw.out;
    o.extend_from_slice(&[0xFF, 0xD9]);
    o
}
