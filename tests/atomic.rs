//! Atomic output under `kill -9`: a build killed at 20 moments leaves the source tree
//! byte-identical and every volume's output either the previous complete version or absent;
//! the next build recovers by itself. Also: the tool refuses output folders that would mix
//! with or destroy other files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjuan"))
}

use common::sample_copy as sample;

/// Every file below `dir` (relative path → bytes), skipping what `skip` rejects.
fn tree(dir: &Path, skip: &dyn Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
    common::files_below(dir)
        .into_iter()
        .filter(|(rel, _)| !skip(rel))
        .map(|(rel, p)| (rel, std::fs::read(p).unwrap()))
        .collect()
}

fn build_ok(root: &Path, out: &Path, extra: &[&str]) -> Duration {
    let start = Instant::now();
    let o = bin()
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    start.elapsed()
}

/// A small deterministic generator (no clock, no randomness crate): the moments are random
/// but the same on every run, so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn volume_of(rel: &str) -> Option<String> {
    let top = rel.split('/').next()?;
    if rel.contains('/') {
        (top != "assets" && !top.starts_with('.')).then(|| top.to_string())
    } else {
        top.strip_suffix(".zip").map(str::to_string)
    }
}

#[test]
fn kill_9_at_twenty_moments_leaves_whole_volumes_or_none_and_the_next_build_recovers() {
    let (t, root) = sample();
    let reference = t.path().join("reference");
    // How long a full build takes here sets the window the kills fall in.
    let full = build_ok(&root, &reference, &[]);
    let skip_state = |rel: &str| rel.starts_with(".anjuan-cache") || rel.starts_with(".anjuan-");
    let expected = tree(&reference, &skip_state);
    let source_before = tree(&root, &|_| false);

    let out = t.path().join("out");
    build_ok(&root, &out, &[]);
    // The kills fall within the time a warm forced rebuild takes (the first, cold build is
    // slower), so nearly all of them land while it is writing.
    let warm = build_ok(&root, &out, &["--force"]).min(full);
    let mut rng = Lcg(0x5eed_a11a);
    let mut window = (warm.as_micros() * 9 / 10).max(1000) as u64;
    // Twenty kills must land while a build runs; a kill that comes after the build ended
    // does not count, and narrows the window (a busy or fast machine).
    let mut killed_mid_build = 0;
    let mut round = 0;
    while killed_mid_build < 20 && round < 80 {
        round += 1;
        // --force: every round really rewrites every volume, so a kill lands mid-write.
        let mut child = bin()
            .arg("build")
            .arg(&root)
            .arg("-o")
            .arg(&out)
            .args(["-q", "--force"])
            .spawn()
            .unwrap();
        let wait = rng.next() % window;
        std::thread::sleep(Duration::from_micros(wait));
        if child.try_wait().unwrap().is_none() {
            killed_mid_build += 1;
        } else {
            window = (window * 3 / 4).max(1000);
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();

        assert_eq!(
            tree(&root, &|_| false),
            source_before,
            "round {round}: the source tree changed"
        );
        // Each volume: absent, or exactly the complete version.
        let now = tree(&out, &skip_state);
        let mut by_volume: BTreeMap<String, BTreeMap<&String, &Vec<u8>>> = BTreeMap::new();
        for (rel, bytes) in &now {
            if let Some(v) = volume_of(rel) {
                by_volume.entry(v).or_default().insert(rel, bytes);
            }
        }
        for (v, files) in by_volume {
            let complete: BTreeMap<&String, &Vec<u8>> = expected
                .iter()
                .filter(|(rel, _)| volume_of(rel).as_deref() == Some(v.as_str()))
                .filter(|(rel, _)| {
                    // The folder and the zip are swapped in one after the other: judge each.
                    let zip = rel.ends_with(".zip") && !rel.contains('/');
                    files
                        .keys()
                        .any(|k| (k.ends_with(".zip") && !k.contains('/')) == zip)
                })
                .collect();
            assert_eq!(
                files, complete,
                "round {round} (killed after {wait} µs): volume {v} is neither complete nor absent"
            );
        }
    }
    assert!(
        killed_mid_build >= 20,
        "only {killed_mid_build} kills in {round} rounds landed during a build: the test proves little"
    );
    // The next build recovers by itself: staging and half-swapped folders are gone, and the
    // output equals a clean build.
    build_ok(&root, &out, &[]);
    assert_eq!(tree(&out, &skip_state), expected);
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".anjuan-staging") || n.starts_with(".anjuan-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_folders_that_would_mix_with_sources_or_other_files_are_refused() {
    let (t, root) = sample();
    let case = root.join("处罚/2024-0012-某某超市销售过期食品案");
    let stranger = t.path().join("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("keep.txt"), "not anjuan's").unwrap();
    let before = tree(&root, &|_| false);
    for (out, why) in [
        (case.join("_out"), "案件文件夹"),
        (root.clone(), "根目录"),
        (t.path().to_path_buf(), "根目录"),
        (PathBuf::from("/"), "根目录 /"),
        (stranger.clone(), "不是 anjuan 的输出目录"),
        (stranger.join("keep.txt"), "是文件"),
    ] {
        let o = bin()
            .arg("build")
            .arg(&root)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", out.display());
        assert!(err.contains(why), "{}: {err}", out.display());
    }
    assert_eq!(tree(&root, &|_| false), before, "sources untouched");
    assert_eq!(
        std::fs::read_to_string(stranger.join("keep.txt")).unwrap(),
        "not anjuan's"
    );
    assert_eq!(std::fs::read_dir(&stranger).unwrap().count(), 1);
}
