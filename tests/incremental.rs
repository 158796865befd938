//! Incremental builds, shards and `anjuan index`: a second build with nothing changed renders
//! nothing, one changed material rebuilds only its volume, a damaged cache or a tampered
//! output is detected and rebuilt, and shards merged by `index` equal a full build byte for
//! byte.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;

const CHANGED: &str = "处罚/2024-0031-某某餐馆未按规定公示许可证案/03-询问笔录.md";

fn anjuan(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

use common::sample_copy as sample;

fn build(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![os("build"), root.as_os_str(), os("-o"), out.as_os_str()];
    args.extend(extra.iter().map(|s| os(s)));
    let (code, err) = anjuan(&args);
    assert_eq!(code, 0, "{err}");
    err
}

/// Every output file (outside the cache folder) → (bytes, mtime).
fn snapshot(out: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    common::files_below(out)
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with(".anjuan-cache"))
        .map(|(rel, p)| {
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            (rel, (std::fs::read(&p).unwrap(), m))
        })
        .collect()
}

fn bytes_only(s: &BTreeMap<String, (Vec<u8>, std::time::SystemTime)>) -> BTreeMap<String, Vec<u8>> {
    s.iter().map(|(k, (b, _))| (k.clone(), b.clone())).collect()
}

/// Which volumes (top-level folders / zips) had any file rewritten between two snapshots.
fn touched_volumes(
    a: &BTreeMap<String, (Vec<u8>, std::time::SystemTime)>,
    b: &BTreeMap<String, (Vec<u8>, std::time::SystemTime)>,
) -> Vec<String> {
    let mut v: Vec<String> = b
        .iter()
        .filter(|(k, (_, m))| a.get(*k).map(|(_, ma)| ma != m).unwrap_or(true))
        .filter(|(k, _)| k.contains('/') || k.ends_with(".zip"))
        .map(|(k, _)| {
            k.split('/')
                .next()
                .unwrap()
                .trim_end_matches(".zip")
                .to_string()
        })
        .filter(|top| top != "assets")
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_second_build_with_nothing_changed_rewrites_no_volume() {
    let (t, root) = sample();
    let out = t.path().join("out");
    let first = build(&root, &out, &[]);
    assert!(first.contains("重新生成 6 卷"), "{first}");
    let before = snapshot(&out);
    let second = build(&root, &out, &[]);
    assert!(second.contains("重新生成 0 卷，6 卷未变沿用"), "{second}");
    let after = snapshot(&out);
    assert_eq!(touched_volumes(&before, &after), Vec::<String>::new());
    assert_eq!(bytes_only(&before), bytes_only(&after));
    // The cache still knows every source file after a build that reused everything (so the
    // next one does not hash them again).
    let state = std::fs::read_to_string(out.join(".anjuan-cache/state.json")).unwrap();
    let (body, _) = state.trim_end().rsplit_once('\n').unwrap();
    let state: serde_json::Value = serde_json::from_str(body).unwrap();
    let files = state["files"].as_object().map(|m| m.len()).unwrap_or(0);
    assert!(files >= 70, "{files} fingerprints kept");
    // Nothing changed, so the archive pages were not rewritten either.
    for page in [
        "index.html",
        "search.html",
        "assets/search-index.js",
        "ledger-register.csv",
    ] {
        assert_eq!(before[page].1, after[page].1, "{page} was rewritten");
    }
    // A damaged archive page is noticed and written again.
    std::fs::write(out.join("search.html"), "damaged").unwrap();
    build(&root, &out, &[]);
    assert_eq!(bytes_only(&before), bytes_only(&snapshot(&out)));
    // --force ignores the cache.
    let forced = build(&root, &out, &["--force"]);
    assert!(forced.contains("重新生成 6 卷"), "{forced}");
    assert_eq!(bytes_only(&before), bytes_only(&snapshot(&out)));
}

#[test]
fn one_changed_material_rebuilds_only_its_volume_and_matches_a_fresh_build() {
    let (t, root) = sample();
    let out = t.path().join("out");
    build(&root, &out, &[]);
    let before = snapshot(&out);
    let p = root.join(CHANGED);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n补充：当事人确认以上笔录无误。\n");
    std::fs::write(&p, text).unwrap();
    let err = build(&root, &out, &[]);
    assert!(err.contains("重新生成 1 卷，5 卷未变沿用"), "{err}");
    let after = snapshot(&out);
    assert_eq!(
        touched_volumes(&before, &after),
        vec!["2024-0031".to_string()]
    );
    // The search index is an archive page: it has the new text.
    let search = String::from_utf8_lossy(&after["assets/search-index.js"].0).into_owned();
    assert!(search.contains("当事人确认以上笔录无误"));
    let fresh = t.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_eq!(bytes_only(&after), bytes_only(&snapshot(&fresh)));
}

#[test]
fn a_damaged_cache_or_a_tampered_output_is_detected_and_rebuilt() {
    let (t, root) = sample();
    let out = t.path().join("out");
    build(&root, &out, &[]);
    let reference = bytes_only(&snapshot(&out));

    // A flipped byte in the cache: dropped with a note, everything rebuilt, same bytes.
    let state = out.join(".anjuan-cache/state.json");
    let mut b = std::fs::read(&state).unwrap();
    let i = b.len() / 2;
    b[i] ^= 0x20;
    std::fs::write(&state, b).unwrap();
    let err = build(&root, &out, &[]);
    assert!(err.contains("增量缓存") && err.contains("已损坏"), "{err}");
    assert!(err.contains("重新生成 6 卷"), "{err}");
    assert_eq!(reference, bytes_only(&snapshot(&out)));

    // An output file changed, one deleted, one added by hand: those volumes are rebuilt.
    let page = out.join("2024-0012/index.html");
    let mut html = std::fs::read(&page).unwrap();
    html.extend_from_slice(b"<!-- edited -->");
    std::fs::write(&page, html).unwrap();
    std::fs::remove_file(out.join("2024-XK-0088.zip")).unwrap();
    std::fs::write(out.join("2024-JC-0107/extra.txt"), "added").unwrap();
    let err = build(&root, &out, &[]);
    assert!(err.contains("重新生成 3 卷，3 卷未变沿用"), "{err}");
    assert_eq!(reference, bytes_only(&snapshot(&out)));

    // A well-formed cache written by another tool version is not trusted either.
    use sha2::Digest;
    let text = std::fs::read_to_string(&state).unwrap();
    let (body, _) = text.trim_end().rsplit_once('\n').unwrap();
    let ours = concat!("\"anjuan ", env!("CARGO_PKG_VERSION"), "\"");
    assert!(body.contains(ours), "{body:.200}");
    let body = body.replace(ours, "\"anjuan 0.0.0-other\"");
    let sum = hex::encode(sha2::Sha256::digest(body.as_bytes()));
    std::fs::write(&state, format!("{body}\nsha256 {sum}\n")).unwrap();
    let err = build(&root, &out, &[]);
    assert!(err.contains("重新生成 6 卷"), "{err}");
    assert!(!err.contains("已损坏"), "{err}");
    assert_eq!(reference, bytes_only(&snapshot(&out)));
}

#[test]
fn shards_merged_by_index_equal_a_full_build() {
    let (t, root) = sample();
    let full = t.path().join("full");
    build(&root, &full, &[]);
    let sharded = t.path().join("sharded");
    let mut counts = 0;
    for k in 1..=3 {
        let err = build(&root, &sharded, &["--shard", &format!("{k}/3")]);
        let n: usize = err
            .split("已生成 ")
            .last()
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{err}"));
        counts += n;
        assert!(err.contains("anjuan index"), "{err}");
    }
    assert_eq!(counts, 6, "every volume in exactly one shard");
    assert!(
        !sharded.join("index.html").exists(),
        "shards leave the archive pages to index"
    );
    let (code, err) = anjuan(&[os("index"), sharded.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        bytes_only(&snapshot(&full)),
        bytes_only(&snapshot(&sharded))
    );
}

#[test]
fn index_before_every_shard_is_built_names_the_missing_volumes() {
    let (t, root) = sample();
    let out = t.path().join("out");
    build(&root, &out, &["--shard", "1/2"]);
    let (code, err) = anjuan(&[os("index"), out.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("还没有生成") && err.contains("--shard"),
        "{err}"
    );
    assert!(!out.join("index.html").exists());
    // Without any build there is no recorded root: say so.
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, err) = anjuan(&[os("index"), empty.as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("--root"), "{err}");
}

#[test]
fn bad_shard_arguments_are_refused() {
    let (t, root) = sample();
    let out = t.path().join("out");
    for bad in ["0/3", "4/3", "1/0", "x", "1-3"] {
        let (code, err) = anjuan(&[
            os("build"),
            root.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--shard"),
            os(bad),
        ]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("K/N"), "{bad}: {err}");
    }
    assert!(!out.exists());
}

#[test]
fn a_second_build_into_the_same_folder_at_once_is_refused() {
    use fs2::FileExt;
    let (t, root) = sample();
    let out = t.path().join("out");
    build(&root, &out, &[]);
    let lock = std::fs::File::open(out.join(".anjuan-cache/lock-all")).unwrap();
    lock.lock_exclusive().unwrap();
    let (code, err) = anjuan(&[os("build"), root.as_os_str(), os("-o"), out.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("另一个 anjuan 正在写入"), "{err}");
    drop(lock);
}
