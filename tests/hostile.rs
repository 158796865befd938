//! The hostile corpus (`tests/cases/hostile/`, plus cases made here that git cannot hold):
//! nothing panics or hangs; bad archives end in findings (exit 1) or a clear error (exit 2)
//! and make `build` write nothing; hostile-but-valid archives build into HTML with no
//! script, event handler, `javascript:` link or remote reference of theirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/hostile")
}

/// Runs anjuan with a time limit; returns (exit code, stdout, stderr).
fn run(args: &[&std::ffi::OsStr], limit: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn anjuan");
    let start = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("anjuan {:?} did not finish within {:?}", args, limit);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Asserts a rejected archive: findings or a clear error, no panic, nothing written.
fn assert_rejected(root: &Path, name: &str) {
    let limit = Duration::from_secs(120);
    let (code, stdout, stderr) = run(
        &[os("check"), root.as_os_str(), os("--format"), os("json")],
        limit,
    );
    assert!(!stderr.contains("panicked"), "{name}: panic: {stderr}");
    assert!(
        code == 1 || code == 2,
        "{name}: check exit {code}\n{stdout}\n{stderr}"
    );
    if code == 1 {
        let v: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: bad JSON {e}: {stdout}"));
        let findings = v["findings"].as_array().expect("findings");
        assert!(
            findings.iter().any(|f| f["severity"] == "error"),
            "{name}: exit 1 without an error finding"
        );
        for f in findings {
            assert!(
                f["rule"].as_str().is_some_and(|r| !r.is_empty()),
                "{name}: finding without rule"
            );
            assert!(
                !f["message"].as_str().unwrap_or("").is_empty(),
                "{name}: empty message"
            );
            assert!(
                !f["help"].as_str().unwrap_or("").is_empty(),
                "{name}: empty help"
            );
        }
    } else {
        assert!(
            !stderr.trim().is_empty(),
            "{name}: exit 2 without a message"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(
        &[os("build"), root.as_os_str(), os("-o"), out.as_os_str()],
        limit,
    );
    assert!(
        !stderr.contains("panicked"),
        "{name}: build panic: {stderr}"
    );
    assert!(
        code == 1 || code == 2,
        "{name}: build exit {code}: {stderr}"
    );
    assert!(!out.exists(), "{name}: build wrote output despite errors");
    assert!(
        !root.join("_site").exists(),
        "{name}: build wrote into the source tree"
    );
}

/// Finds executable or remote content in generated HTML / JS.
fn unsafe_markup(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(off) = lower[i..].find('<') {
        let start = i + off;
        let end = match lower[start..].find('>') {
            Some(e) => start + e,
            None => break,
        };
        let tag = &lower[start..=end];
        i = end + 1;
        if tag.starts_with("<!--") || tag.starts_with("<!doctype") || tag.starts_with("</") {
            continue;
        }
        if tag.starts_with("<script")
            && (!tag.contains(" src=") || !lower[i..].trim_start().starts_with("</script>"))
        {
            return Some(format!(
                "inline script: {}",
                &html[start..(end + 1).min(html.len())]
            ));
        }
        // Attributes: on* handlers and dangerous URLs.
        for (k, _) in tag.match_indices(" on") {
            let rest = &tag[k + 3..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            if !name.is_empty() && rest[name.len()..].trim_start().starts_with('=') {
                return Some(format!("event handler on{name}: {tag}"));
            }
        }
        for attr in ["href=", "src=", "action=", "data=", "poster=", "srcset="] {
            for (k, _) in tag.match_indices(attr) {
                if k > 0 && !(bytes[start + k - 1] as char).is_whitespace() {
                    continue;
                }
                let v = tag[k + attr.len()..].trim_start_matches(['"', '\'', ' ']);
                let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                for bad in [
                    "javascript:",
                    "vbscript:",
                    "data:text",
                    "http:",
                    "https:",
                    "//",
                    "file:",
                ] {
                    if v.starts_with(bad) {
                        return Some(format!("{attr}{bad} in {tag}"));
                    }
                }
            }
        }
    }
    None
}

fn assert_accepted(root: &Path, name: &str) {
    let limit = Duration::from_secs(180);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(
        &[
            os("build"),
            root.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("-q"),
        ],
        limit,
    );
    assert!(!stderr.contains("panicked"), "{name}: panic: {stderr}");
    assert_eq!(code, 0, "{name}: build failed: {stderr}");
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        let p = e.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "html" {
            let text = std::fs::read_to_string(p).unwrap();
            if let Some(problem) = unsafe_markup(&text) {
                panic!("{name}: {}: {problem}", p.display());
            }
        }
        if ext == "js" {
            let text = std::fs::read_to_string(p).unwrap().to_ascii_lowercase();
            assert!(
                !text.contains("<script") && !text.contains("</script"),
                "{name}: {}: raw <script in JS",
                p.display()
            );
            assert!(
                !text.contains("javascript:alert"),
                "{name}: {}: user javascript: URL survives in JS",
                p.display()
            );
        }
    }
}

#[test]
fn the_hostile_corpus_is_large_and_handled() {
    let mut names: Vec<String> = std::fs::read_dir(hostile())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 100, "corpus has {} archives", names.len());
    for name in &names {
        let root = hostile().join(name);
        if name.starts_with("reject-") {
            assert_rejected(&root, name);
        } else {
            assert_accepted(&root, name);
        }
    }
}

fn base_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &hostile()
            .join("accept-124-same-file-twice")
            .parent()
            .unwrap()
            .join(first_accept()),
        tmp.path(),
    );
    tmp
}

fn first_accept() -> String {
    let mut names: Vec<String> = std::fs::read_dir(hostile())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("xss-title-00"))
        .collect();
    names.sort();
    names.remove(0)
}

fn replace_in_manifest(root: &Path, from: &str, to: &str) {
    let p = root.join("case/case.yaml");
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

#[test]
fn names_and_links_git_cannot_hold() {
    use std::os::unix::ffi::OsStrExt;
    // A file name that is not UTF-8, listed through a glob.
    let t = base_copy();
    std::fs::write(
        t.path()
            .join("case")
            .join(std::ffi::OsStr::from_bytes(b"bad-\xff\xfe.md")),
        "# x\n",
    )
    .unwrap();
    replace_in_manifest(t.path(), "file: b.md", "files: [\"bad-*\"]");
    assert_rejected(t.path(), "non-utf8-name");
    // A file name with a newline.
    let t = base_copy();
    std::fs::write(t.path().join("case/b\nc.md"), "# x\n").unwrap();
    replace_in_manifest(t.path(), "file: b.md", "file: \"b\\nc.md\"");
    assert_rejected(t.path(), "newline-name");
    // Symlinks: to /etc, a loop, a symlinked folder holding materials.
    let t = base_copy();
    std::fs::remove_file(t.path().join("case/b.md")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", t.path().join("case/b.md")).unwrap();
    assert_rejected(t.path(), "symlink-to-etc");
    let t = base_copy();
    std::os::unix::fs::symlink("l2.md", t.path().join("case/l1.md")).unwrap();
    std::os::unix::fs::symlink("l1.md", t.path().join("case/l2.md")).unwrap();
    replace_in_manifest(t.path(), "file: b.md", "files: [\"l*.md\"]");
    assert_rejected(t.path(), "symlink-loop");
    let t = base_copy();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("b.md"), "# outside\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), t.path().join("case/linked")).unwrap();
    replace_in_manifest(t.path(), "file: b.md", "file: linked/b.md");
    assert_rejected(t.path(), "symlinked-folder");
}

#[test]
fn huge_inputs_are_bounded() {
    // A multi-MB string in a manifest (over the manifest size limit).
    let t = base_copy();
    let long = "某".repeat(2_000_000);
    replace_in_manifest(t.path(), "title: \"测试案", &format!("title: \"{long}"));
    assert_rejected(t.path(), "multi-mb-title");
    // A sparse multi-GB "video" without its label: hashed by streaming, rejected for the label.
    let t = base_copy();
    let f = std::fs::File::create(t.path().join("case/big.mp4")).unwrap();
    use std::io::Write;
    let mut w = std::io::BufWriter::new(&f);
    w.write_all(&[0, 0, 0, 24]).unwrap();
    w.write_all(b"ftypisom\0\0\x02\0isomiso2").unwrap();
    drop(w);
    f.set_len(3 * 1024 * 1024 * 1024).unwrap();
    replace_in_manifest(t.path(), "file: h.md", "file: big.mp4");
    assert_rejected(t.path(), "sparse-3gb-video");
}

#[test]
fn the_scanner_catches_what_it_must() {
    assert!(unsafe_markup("<p onclick=\"x()\">").is_some());
    assert!(unsafe_markup("<script>alert(1)</script>").is_some());
    assert!(unsafe_markup("<a href=\"javascript:alert(1)\">").is_some());
    assert!(unsafe_markup("<img src=\"https://x/y.png\">").is_some());
    assert!(unsafe_markup("<img src='//x/y.png'>").is_some());
    assert!(unsafe_markup(
        "<script src=\"../app.js\"></script><p>&lt;script&gt;</p><a href=\"m01.html\">x</a>"
    )
    .is_none());
}
