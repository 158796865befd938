//! The HTML dossier in a real browser: headless Chromium over `file://` (tests/browser/check.js)
//! must see no console error, no request that is not a local file, every link and image
//! resolving, and `search.html?q=…` finding known materials.
//!
//! Hostile input (`tests/cases/html/hostile-strings`: 30+ payloads in titles, party, handlers,
//! remarks, notes, material titles and Markdown bodies, each trying to set `window.__pwned`,
//! set `document.title = 'PWNED'` or call `alert`): no dialog, no canary, no console error, no
//! remote request in the browser; and [`unsafe_markup`] finds, in the written HTML and the
//! search index, no script but the theme's, no `on…=` attribute, no `javascript:` / remote URL.
//! A theme that prints one field with `| safe` must make both checks fail.
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
    build_with(root, out, &[]);
}

fn build_with(root: &Path, out: &Path, extra: &[&str]) {
    let o = Command::new(BIN)
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(["--only", "html", "-q"])
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs check.js; returns (success, stdout).
fn run_check(out: &Path, expects: &[&str]) -> (bool, String, String) {
    let mut cmd = Command::new("node");
    cmd.arg(repo("tests/browser/check.js")).arg(out);
    for e in expects {
        cmd.arg("--expect").arg(e);
    }
    let o = cmd.output().expect("node runs");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
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
    assert_static_clean(&out);
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
    assert_static_clean(&out);
    // 监测报告 is written as the material's type (an alias) and in its text.
    check(
        &out,
        &[
            "监测报告=>2025-JC-0001/m04.html",
            "现场检查笔录=>2025-JC-0001/m02.html",
        ],
    );
}

// ---------------------------------------------------------------------------------------
// A static scan of what the build wrote: the same questions as the browser's DOM scan, asked
// of the bytes (so a page the browser never parses the same way is still caught).

/// The theme's own scripts, relative to any page.
fn theme_script(src: &str) -> bool {
    let mut s = src;
    while let Some(rest) = s.strip_prefix("../") {
        s = rest;
    }
    matches!(
        s,
        "assets/js/archive.js" | "assets/js/search.js" | "assets/search-index.js"
    )
}

/// Decodes the character references a browser decodes in attribute values.
fn decode_entities(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = name.strip_prefix('#') {
            num.parse::<u32>().ok().and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "sol" => Some('/'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A URL a dossier page must never hold: script schemes, data:, or anything remote.
fn dangerous_url(v: &str) -> bool {
    let v: String = decode_entities(v)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "javascript:",
        "vbscript:",
        "livescript:",
        "data:",
        "http:",
        "https:",
        "ftp:",
        "file:",
        "//",
        "\\\\",
    ]
    .iter()
    .any(|b| v.starts_with(b))
}

/// A start tag's attributes: lowercase name and raw value (character references not decoded).
type Attrs = Vec<(String, String)>;

/// One start tag: name and attributes (value decoded later), and where it ends.
fn parse_tag(s: &str, start: usize) -> Option<(String, Attrs, usize)> {
    let b = s.as_bytes();
    let mut i = start + 1;
    let n0 = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
        i += 1;
    }
    let name = s[n0..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] == b'>' {
            return Some((name, attrs, i + 1));
        }
        let a0 = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let an = s[a0..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v0 = i + 1;
                let v1 = s[v0..].find(q as char).map(|e| v0 + e).unwrap_or(b.len());
                value = s[v0..v1].to_string();
                i = (v1 + 1).min(b.len());
            } else {
                let v0 = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = s[v0..i].to_string();
            }
        }
        if an.is_empty() {
            i += 1;
        } else {
            attrs.push((an, value));
        }
    }
}

/// What in one written HTML page could run, load or navigate to something it must not.
fn unsafe_markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map(|e| start + e + 3)
                .unwrap_or(html.len());
            continue;
        }
        let next = rest[1..].chars().next().unwrap_or(' ');
        if !next.is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let Some((name, attrs, end)) = parse_tag(html, start) else {
            found.push(format!("unterminated tag at {start}"));
            break;
        };
        let mut cut = end.min(start + 160).min(html.len());
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        let tag = &html[start..cut];
        i = end;
        for (a, v) in &attrs {
            if a.starts_with("on") {
                found.push(format!("event handler {a}= in {tag}"));
            }
            let url_attr = matches!(
                a.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "data"
                    | "poster"
                    | "srcset"
                    | "xlink:href"
                    | "background"
                    | "lowsrc"
                    | "ping"
                    | "cite"
                    | "codebase"
            );
            if url_attr && dangerous_url(v) {
                found.push(format!("{a}={v} in {tag}"));
            }
            let dv = decode_entities(v).to_ascii_lowercase();
            if a == "style"
                && (dv.contains("url(") || dv.contains("expression(") || dv.contains("javascript:"))
            {
                found.push(format!("style with url()/expression() in {tag}"));
            }
            if a == "http-equiv" && !dv.eq_ignore_ascii_case("content-security-policy") {
                found.push(format!("meta http-equiv={v} in {tag}"));
            }
        }
        let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        match name.as_str() {
            "script" => {
                let close = lower[end..].find("</script").map(|e| end + e);
                let body = close.map(|c| html[end..c].trim()).unwrap_or("?");
                if !attr("src").is_some_and(theme_script) || !body.is_empty() {
                    found.push(format!("script that is not the theme's: {tag}"));
                }
                i = close.unwrap_or(html.len());
            }
            "style" | "base" | "embed" | "applet" | "frame" | "frameset" | "portal" => {
                found.push(format!("<{name}> element: {tag}"));
            }
            "link" if !attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("stylesheet")) => {
                found.push(format!("<link> that is not the stylesheet: {tag}"));
            }
            // Raw-text elements: their content is text up to the matching end tag, as in a
            // browser (an injected `</title>` ends the title early and is seen here too).
            "title" | "textarea" | "xmp" | "noscript" | "noembed" | "iframe" => {
                if let Some(c) = lower[end..].find(&format!("</{name}")) {
                    i = end + c;
                }
            }
            _ => {}
        }
    }
    found
}

/// The search index is a script: one JSON literal assigned to `window.ANJUAN_INDEX`, with no
/// way out of it (no `</script`, no `<!--`, no raw U+2028/U+2029 line terminators).
fn unsafe_index(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = js.to_ascii_lowercase();
    for bad in ["</script", "<!--", "<script", "\u{2028}", "\u{2029}"] {
        if lower.contains(bad) {
            found.push(format!("search index contains {bad:?}"));
        }
    }
    let body: String = js
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    match body.trim().strip_prefix("window.ANJUAN_INDEX = ") {
        Some(json) => {
            let json = json.trim_end().trim_end_matches(';');
            if let Err(e) = serde_json::from_str::<serde_json::Value>(json) {
                found.push(format!("search index is not one JSON literal: {e}"));
            }
        }
        None => found.push("search index does not start with `window.ANJUAN_INDEX = `".into()),
    }
    found
}

/// Every problem in the pages and the search index under `out`.
fn static_problems(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pages = 0;
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            // `files/` holds copies of the case's own files: data, not pages.
            !(n.starts_with('.') || e.file_type().is_dir() && n == "files")
        })
        .flatten()
    {
        let p = e.path();
        let rel = p.strip_prefix(out).unwrap().display().to_string();
        let name = e.file_name().to_string_lossy();
        if name.ends_with(".html") {
            pages += 1;
            let html = std::fs::read_to_string(p).unwrap();
            found.extend(
                unsafe_markup(&html)
                    .into_iter()
                    .map(|f| format!("{rel}: {f}")),
            );
        } else if name == "search-index.js" {
            let js = std::fs::read_to_string(p).unwrap();
            found.extend(unsafe_index(&js).into_iter().map(|f| format!("{rel}: {f}")));
        }
    }
    assert!(pages > 0, "no page under {}", out.display());
    found
}

fn assert_static_clean(out: &Path) {
    let found = static_problems(out);
    assert!(found.is_empty(), "unsafe markup:\n{}", found.join("\n"));
}

const HOSTILE_STRINGS: &str = "tests/cases/html/hostile-strings";

/// The fixture is what it claims: 30+ distinct payloads, each aiming at a canary or a dialog,
/// spread over the manifest fields and the Markdown bodies.
#[test]
fn hostile_strings_fixture_carries_30_payloads() {
    let mut payloads = std::collections::BTreeSet::new();
    let mut files = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(repo(HOSTILE_STRINGS))
        .into_iter()
        .flatten()
    {
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        for marker in ["__pwned=", "alert(", "title='PWNED'", "msgbox("] {
            for (i, _) in text.match_indices(marker) {
                let tail: String = text[i + marker.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                payloads.insert(format!("{marker}{tail}"));
                files.insert(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    assert!(
        payloads.len() >= 30,
        "{} payloads: {payloads:?}",
        payloads.len()
    );
    // archive.yaml, case.yaml and the four Markdown bodies.
    assert!(files.len() >= 6, "{files:?}");
    // `anjuan check` accepts it (otherwise build would write nothing).
    let o = Command::new(BIN)
        .arg("check")
        .arg(repo(HOSTILE_STRINGS))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn hostile_strings_are_inert_in_the_written_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    build(&repo(HOSTILE_STRINGS), &out);
    assert_static_clean(&out);
    // The payloads did reach the pages (as text): the test is not looking at empty pages.
    let m04 = std::fs::read_to_string(out.join("2025-JC-0002/m04.html")).unwrap();
    assert!(
        m04.contains("ontoggle"),
        "payload text missing from m04.html"
    );
}

#[test]
fn hostile_strings_are_inert_in_chromium() {
    if skip_or_fail() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    build(&repo(HOSTILE_STRINGS), &out);
    check(
        &out,
        &[
            "出厂水水质检测结果=>2025-JC-0002/m04.html",
            "检查任务单=>2025-JC-0002/m01.html",
        ],
    );
}

/// The checks can fail: a theme that prints the material title unescaped (`| safe`) and
/// drops the Content-Security-Policy lets the `<details open ontoggle=…>` payload run.
/// Both the static scan and the browser must report it.
#[test]
fn an_unescaped_field_is_caught() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("archive");
    for e in walkdir::WalkDir::new(repo(HOSTILE_STRINGS))
        .into_iter()
        .flatten()
    {
        let dst = root.join(e.path().strip_prefix(repo(HOSTILE_STRINGS)).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
    let templates = repo("themes/default/templates");
    let theme = root.join("themes/broken/templates");
    std::fs::create_dir_all(&theme).unwrap();
    let material = std::fs::read_to_string(templates.join("material.html")).unwrap();
    let broken = material.replace(
        r#"<h1 class="material-title">{{ material.title }}</h1>"#,
        r#"<h1 class="material-title">{{ material.title | safe }}</h1>"#,
    );
    assert_ne!(broken, material, "material.html changed: update this test");
    std::fs::write(theme.join("material.html"), broken).unwrap();
    let base = std::fs::read_to_string(templates.join("base.html")).unwrap();
    let no_csp: String = base
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        no_csp.len(),
        base.len(),
        "base.html changed: update this test"
    );
    std::fs::write(theme.join("base.html"), no_csp).unwrap();

    let out = tmp.path().join("out");
    build_with(&root, &out, &["--theme", "broken"]);
    let found = static_problems(&out);
    assert!(
        found.iter().any(|f| f.contains("event handler ontoggle")),
        "the static scan missed the unescaped title: {found:?}"
    );
    assert!(
        found.iter().any(|f| f.contains("href=javascript:")),
        "the static scan missed the javascript: link: {found:?}"
    );

    if skip_or_fail() {
        return;
    }
    let (ok, stdout, stderr) = run_check(&out, &[]);
    assert!(
        !ok,
        "the browser check passed a broken page:\n{stdout}\n{stderr}"
    );
    for want in [
        "canary set: window.__pwned = 17",
        "event handler ontoggle",
        "no Content-Security-Policy",
    ] {
        assert!(
            stdout.contains(want),
            "check.js did not report {want:?}:\n{stdout}"
        );
    }
}
