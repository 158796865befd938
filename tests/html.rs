//! The HTML dossier, end to end: fixture archives are built with the real binary into a temp
//! dir and the files, links and contents are checked.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_anjuan");

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn build(root: &Path, out: &Path, only: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("build").arg(root).arg("-o").arg(out).arg("-q");
    if !only.is_empty() {
        cmd.arg("--only").arg(only.join(","));
    }
    cmd.output().expect("the binary runs")
}

fn build_ok(root: &Path, out: &Path, only: &[&str]) {
    let o = build(root, out, only);
    assert!(
        o.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn sha(p: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(p).expect("readable")))
}

/// Every file below `dir` (relative path → SHA-256), skipping nothing.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap_or(e.path())
                    .to_string_lossy()
                    .into_owned(),
                sha(e.path()),
            )
        })
        .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let dest = to.join(e.path().strip_prefix(from).unwrap_or(e.path()));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// `href="…"` and `src="…"` values of an HTML page (attribute values are double-quoted by
/// the templates and by pulldown-cmark), entity-decoded.
fn refs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(
                rest[..end]
                    .replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'"),
            );
            rest = &rest[end..];
        }
    }
    out
}

/// The real tags of a page (`<…>` spans; escaped text has no `<`).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 path")
}

/// Asserts every href/src of every generated page is relative, ends in a file name and
/// resolves to an existing file.
fn assert_links_resolve(out: &Path) -> usize {
    let mut n = 0;
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "html")
            || p.components().any(|c| c.as_os_str() == "files")
        {
            continue;
        }
        for r in refs(&read(p)) {
            n += 1;
            assert!(
                !r.contains(':') && !r.starts_with('/') && !r.starts_with('\\'),
                "{}: {r} is not relative",
                p.display()
            );
            let path = r.split(['#', '?']).next().unwrap_or_default();
            let last = path.rsplit('/').next().unwrap_or_default();
            assert!(
                last.contains('.'),
                "{}: {r} does not end in a file name",
                p.display()
            );
            let target = p.parent().expect("in a folder").join(percent_decode(path));
            assert!(
                target.is_file(),
                "{}: {r} does not resolve ({})",
                p.display(),
                target.display()
            );
        }
    }
    n
}

#[test]
fn sample_archive_builds_the_documented_layout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let root = repo("sample-cases");
    let before = tree(&root);
    build_ok(&root, &out, &["html"]);
    assert_eq!(tree(&root), before, "the source folder must be unchanged");

    for f in [
        "index.html",
        "search.html",
        "assets/search-index.js",
        "assets/css/dossier.css",
        "assets/js/search.js",
        "assets/js/archive.js",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let archive = read(&out.join("index.html"));
    for id in [
        "2024-0012",
        "2024-0031",
        "2024-JC-0107",
        "2024-QZ-0005",
        "2024-XK-0088",
    ] {
        assert!(
            archive.contains(&format!("href=\"{id}/index.html\"")),
            "archive index links {id}"
        );
        let v = read(&out.join(id).join("index.html"));
        for s in [
            "案卷封面",
            "卷内文件目录",
            "卷内备考表",
            "本卷情况说明",
            "立卷人",
            "检查人",
            "立卷时间",
            "Content-Security-Policy",
        ] {
            assert!(
                v.contains(s) || s == "案卷封面" && v.contains("行政执法案卷"),
                "{id}: {s} missing"
            );
        }
    }
    // The combined volume: folder name percent-encoded, cases grouped in decision order.
    let combined = "简易程序-2024-第一卷";
    assert!(
        archive.contains("href=\"%E7%AE%80%E6%98%93"),
        "combined volume link is percent-encoded"
    );
    let v = read(&out.join(combined).join("index.html"));
    let (a, b, c) = (
        v.find("任市监简〔2024〕15号").unwrap(),
        v.find("任市监简〔2024〕16号").unwrap(),
        v.find("任市监简〔2024〕17号").unwrap(),
    );
    assert!(a < b && b < c, "cases in time order");
    assert!(v.contains("class=\"case-row\""));
    // Two cases each have photos/01-商品未标价.jpg: prefixed by case id, no clash.
    for id in ["2024-JY-0015", "2024-JY-0016", "2024-JY-0017"] {
        assert!(
            out.join(combined)
                .join("files")
                .join(id)
                .join("photos/01-商品未标价.jpg")
                .is_file(),
            "{id}"
        );
    }

    // One page per material in binding order, with prev/next, 页号 and markings.
    let vol = out.join("2024-0012");
    for i in 1..=21 {
        assert!(vol.join(format!("m{i:02}.html")).is_file(), "m{i:02}");
    }
    assert!(!vol.join("m22.html").exists());
    let m1 = read(&vol.join("m01.html"));
    assert!(m1.contains("href=\"m02.html\" rel=\"next\"") && m1.contains("已是第一件"));
    let video = read(&vol.join("m06.html"));
    assert!(
        video.contains("<video") && video.contains("src=\"files/av/2024-03-02-"),
        "video player"
    );
    for label in [
        "记录事项",
        "现场检查",
        "任丘市某某路 12 号某某超市",
        "执法记录仪（编号 RQ-0031）",
        "张某某、李某某",
        "同案卷",
        "2024-03-02 09:30",
        "2024-03-02 10:05",
        "SHA-256",
    ] {
        assert!(video.contains(label), "AV label {label}");
    }
    let id_scan = read(&vol.join("m07.html"));
    assert!(
        id_scan.contains("个人隐私") && id_scan.contains("class=\"confidential\""),
        "confidential marking"
    );
    assert!(id_scan.contains("<img src=\"files/scans/"), "scan as image");
    let pdf = read(&vol.join("m08.html"));
    assert!(
        pdf.contains("<iframe class=\"pdf-viewer\" src=\"files/05-") && pdf.contains("打开 PDF")
    );
    assert!(
        pdf.contains("第 11-13 页"),
        "PDF 页号 range from the shared paging"
    );
    let audio = read(&out.join("2024-QZ-0005/m04.html"));
    assert!(audio.contains("<audio"), "audio player");
    let md = read(&vol.join("m04.html"));
    assert!(
        md.contains("<h1>现场检查笔录</h1>") && md.contains("<li>") && md.contains("酸奶"),
        "Markdown rendered"
    );

    // No PDF / ledger links when they are not built.
    let v = read(&vol.join("index.html"));
    assert!(!v.contains("ledger.html") && !v.contains("2024-0012.pdf"));

    assert!(assert_links_resolve(&out) > 500);
}

#[test]
fn files_are_byte_identical_copies() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let root = repo("sample-cases");
    build_ok(&root, &out, &["html"]);
    let case = root.join("处罚/2024-0012-某某超市销售过期食品案");
    let copies = tree(&out.join("2024-0012/files"));
    assert_eq!(copies.len(), 23, "{copies:?}");
    for (rel, hash) in &copies {
        assert_eq!(&sha(&case.join(rel)), hash, "{rel}");
    }
    let combined = tree(&out.join("简易程序-2024-第一卷/files"));
    let src = root.join("处罚/简易程序-2024-第一卷/b-2024-JY-0015-某某烟酒店未明码标价案");
    assert_eq!(
        combined["2024-JY-0015/scans/罚没款缴款凭证.jpg"],
        sha(&src.join("scans/罚没款缴款凭证.jpg"))
    );
}

#[test]
fn build_with_errors_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("root");
    copy_dir(&repo("tests/cases/html/hostile"), &root);
    let case = root.join("检查/2025-JC-0001/case.yaml");
    let text = read(&case).replace("file: 04-检查结果告知书.md", "file: 04-不存在.md");
    std::fs::write(&case, text).expect("write");
    let before = tree(&root);
    let out = tmp.path().join("out");
    let o = build(&root, &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("file-missing"));
    assert!(!out.exists(), "nothing may be written");
    assert!(!root.join("_site").exists());
    assert_eq!(tree(&root), before);
}

#[test]
fn hostile_markdown_and_fields_are_neutralised() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let root = repo("tests/cases/html/hostile");
    let before = tree(&root);
    build_ok(&root, &out, &["html"]);
    assert_eq!(tree(&root), before);
    let vol = out.join("2025-JC-0001");
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = e.path();
        let Some(ext) = p.extension() else { continue };
        if p.components().any(|c| c.as_os_str() == "files") || (ext != "html" && ext != "js") {
            continue;
        }
        let s = read(p);
        let lower = s.to_lowercase();
        for bad in [
            "<script>alert",
            "javascript:",
            "data:text",
            "<b>粗体",
            "<i>备注",
            "<img src=x",
        ] {
            assert!(!lower.contains(bad), "{}: contains {bad}", p.display());
        }
        if ext == "html" {
            for tag in tags(&lower) {
                assert!(
                    !tag.split_whitespace().skip(1).any(|a| a.starts_with("on")),
                    "{}: event handler in {tag}",
                    p.display()
                );
            }
            // Scripts only as external classic files.
            assert_eq!(
                lower.matches("<script").count(),
                lower.matches("<script src=\"").count(),
                "{}",
                p.display()
            );
        }
    }
    let m1 = read(&vol.join("m01.html"));
    assert!(
        m1.contains("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;")
            || m1.contains("&lt;script&gt;alert(\"xss\")&lt;/script&gt;"),
        "raw HTML shown as text"
    );
    let m2 = read(&vol.join("m02.html"));
    assert!(
        m2.contains("<img src=\"files/photos/%E7%8E%B0%E5%9C%BA%201.png\""),
        "case image kept, encoded"
    );
    assert!(
        m2.contains("<a href=\"m01.html\">任务单</a>")
            && m2.contains("<a href=\"m05.html\">告知书</a>"),
        "links to materials go to their pages"
    );
    assert!(m2.contains("<table>"));
    let index = read(&out.join("assets/search-index.js"));
    assert!(index.starts_with("// ") && index.contains("window.ANJUAN_INDEX = {"));
    assert!(
        !index.contains('<') && !index.contains('>'),
        "index escapes < and >"
    );
    assert!(index.contains("监测报告"));
    let m4 = read(&vol.join("m04.html"));
    assert!(m4.contains("商业秘密") && m4.contains("涉密提示"));
    assert!(vol.join("files/01 检查 任务单.md").is_file());
    assert_links_resolve(&out);
}

#[test]
fn output_is_reproducible() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_ok(&repo("sample-cases"), &a, &["html"]);
    build_ok(&repo("sample-cases"), &b, &["html"]);
    let strip = |t: BTreeMap<String, String>| {
        t.into_iter()
            .filter(|(k, _)| !k.starts_with('.'))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(strip(tree(&a)), strip(tree(&b)));
    // Rebuilding into the same folder replaces it cleanly.
    build_ok(&repo("sample-cases"), &a, &["html"]);
    assert_eq!(strip(tree(&a)), strip(tree(&b)));
}

#[test]
fn pdf_and_ledger_are_linked_when_built() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    build_ok(&repo("sample-cases"), &out, &["html", "pdf", "ledger"]);
    let v = read(&out.join("2024-0012/index.html"));
    assert!(
        v.contains("href=\"2024-0012.pdf\"") && v.contains("href=\"ledger.html\""),
        "links to the PDF and ledger"
    );
    let combined = read(&out.join("简易程序-2024-第一卷/index.html"));
    assert!(combined.contains(
        "href=\"%E7%AE%80%E6%98%93%E7%A8%8B%E5%BA%8F-2024-%E7%AC%AC%E4%B8%80%E5%8D%B7.pdf\""
    ));
    assert!(read(&out.join("index.html")).contains("href=\"ledger-register.html\""));
}

#[test]
fn theme_files_can_be_overridden_and_exported() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("root");
    copy_dir(&repo("tests/cases/html/hostile"), &root);
    // `theme export` writes the defaults, never overwriting.
    let theme = root.join("themes/default");
    let o = Command::new(BIN)
        .args(["theme", "export"])
        .arg(&theme)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "templates/base.html",
        "templates/volume.html",
        "templates/material.html",
        "templates/archive.html",
        "templates/search.html",
        "css/dossier.css",
        "js/search.js",
        "README.md",
    ] {
        assert!(theme.join(f).is_file(), "{f} exported");
    }
    // Keep only one overridden file (mdBook style: the rest stays built in).
    std::fs::remove_dir_all(theme.join("templates")).expect("rm");
    std::fs::remove_dir_all(theme.join("js")).expect("rm");
    std::fs::write(
        theme.join("css/dossier.css"),
        "/* 本局样式 */ body { color: #000; }\n",
    )
    .expect("write");
    let again = Command::new(BIN)
        .args(["theme", "export"])
        .arg(&theme)
        .output()
        .expect("runs");
    assert!(again.status.success());
    assert_eq!(
        read(&theme.join("css/dossier.css")),
        "/* 本局样式 */ body { color: #000; }\n",
        "export does not overwrite"
    );
    std::fs::remove_dir_all(theme.join("templates")).expect("rm");
    std::fs::remove_dir_all(theme.join("js")).expect("rm");

    let out = tmp.path().join("out");
    build_ok(&root, &out, &["html"]);
    assert!(read(&out.join("2025-JC-0001/assets/css/dossier.css")).contains("本局样式"));
    assert!(
        read(&out.join("2025-JC-0001/index.html")).contains("卷内文件目录"),
        "templates still built in"
    );

    // A broken template override stops the build with a message, and writes no volume.
    std::fs::create_dir_all(theme.join("templates")).expect("mkdir");
    std::fs::write(theme.join("templates/volume.html"), "{% if %}").expect("write");
    let out2 = tmp.path().join("out2");
    let o = build(&root, &out2, &["html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("模板"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out2.join("2025-JC-0001").exists());
}
