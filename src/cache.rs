//! Incremental builds: what an earlier build into the same OUT already did, keyed by content
//! hashes, so a rebuild after one correction redoes only the volume it touched.
//!
//! The cache lives in `OUT/.anjuan-cache/` and holds three things:
//! - file fingerprints: a source file's SHA-256 by (path, size, mtime, ctime, inode), so an
//!   unchanged 400 KB scan is not hashed again (like git's index);
//! - page counts by content: a PDF's page count and a typeset text's page count, by the
//!   SHA-256 of its bytes;
//! - per volume: the key it was built with (tool version, theme, options, profiles, archive
//!   settings and the volume's whole model, which holds every material's SHA-256) and a
//!   digest of the names, sizes and mtimes of every output file it wrote.
//!
//! It is never trusted blindly: the state file carries its own SHA-256 and is dropped whole
//! when that does not match (a damaged cache means a full rebuild, not a wrong one); a
//! volume is reused only when its key matches and its output files are exactly those it
//! wrote (same names, sizes and mtimes); a different tool version drops everything. Only the
//! fingerprints a run used are saved, so entries for deleted files do not pile up.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The cache folder inside OUT.
pub const DIR: &str = ".anjuan-cache";

/// What identifies a source file's bytes without reading them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch. Times outside 1677–2262 wrap: a
    /// stamp is only compared for equality, and 64 bits keep the cache's entries small.
    pub mtime_ns: i64,
    /// Status-change time (changes on any write, even one that restores the mtime).
    pub ctime_ns: i64,
    /// Inode number (a replaced file gets another).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of a file as it is now.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as i64)
                .unwrap_or(-1);
            Stamp {
                size: meta.len(),
                mtime_ns,
                ctime_ns: mtime_ns,
                ino: 0,
            }
        }
    }
}

/// Bytes written to the state file as hex. The cache holds a few per source file for the
/// whole build: as arrays they take no allocation of their own (64 hex characters on the
/// heap each did, and scattered among each volume's short-lived allocations they kept the
/// allocator from returning memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hex<const N: usize>([u8; N]);

/// A content's SHA-256.
pub type Digest = Hex<32>;

/// A lookup key: the first 128 bits of the SHA-256 of a path or a content key. A collision
/// would also need equal stamps (size, times, inode) or equal content digests to matter.
pub type Key = Hex<16>;

impl<const N: usize> Hex<N> {
    /// The (first N bytes of the) SHA-256 of `text`.
    pub fn of(text: &str) -> Hex<N> {
        let full = Sha256::digest(text.as_bytes());
        let mut d = [0u8; N];
        d.copy_from_slice(&full[..N]);
        Hex(d)
    }

    /// From 2N hex digits.
    pub fn from_hex(hex_text: &str) -> Option<Hex<N>> {
        let mut d = [0u8; N];
        hex::decode_to_slice(hex_text, &mut d).ok()?;
        Some(Hex(d))
    }

    /// As 2N lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl<const N: usize> Serialize for Hex<N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de, const N: usize> Deserialize<'de> for Hex<N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hex<N>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Hex::from_hex(&text).ok_or_else(|| serde::de::Error::custom("not a hex digest"))
    }
}

/// Seconds and nanoseconds as nanoseconds since the epoch (wrapping, see [`Stamp`]).
#[cfg(unix)]
fn ns(secs: i64, nanos: i64) -> i64 {
    secs.wrapping_mul(1_000_000_000).wrapping_add(nanos)
}

/// What a volume was built with and what it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeState {
    /// The build key (see [`volume_key`]).
    pub key: String,
    /// The SHA-256 of the listing of every file written for the volume (its folder and its
    /// zip): path, size and mtime of each (see [`outputs_digest`]). One digest rather than
    /// the list keeps the cache small for volumes of hundreds of scans.
    pub outputs: String,
    /// For the archive pages only: the files they are (relative to OUT).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

/// What examining a file's bytes found (by content key), when it found nothing wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Examined {
    /// Exact page count (PDF, image).
    pub pages: Option<u32>,
    /// Pixel size (image).
    pub image_size: Option<(u32, u32)>,
}

/// File fingerprints are keyed by the [`Key`] of the file's absolute path, page counts and
/// examinations by the [`Key`] of their content key.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    version: String,
    files: BTreeMap<Key, (Stamp, Digest)>,
    pages: BTreeMap<Key, u32>,
    examined: BTreeMap<Key, Examined>,
    volumes: BTreeMap<String, VolumeState>,
    archive: Option<VolumeState>,
}

/// File fingerprints (path → stamp, SHA-256), typeset page counts and examined files (by
/// content key) that this run used or made.
#[derive(Debug, Default)]
struct Used {
    files: BTreeMap<Key, (Stamp, Digest)>,
    pages: BTreeMap<Key, u32>,
    examined: BTreeMap<Key, Examined>,
}

/// The incremental-build cache of one OUT folder (or an empty one: everything is rebuilt).
#[derive(Debug, Default)]
pub struct Cache {
    path: Option<PathBuf>,
    state: Mutex<State>,
    /// File fingerprints and page counts used or made by this run: only these are saved,
    /// so entries for files that are gone do not pile up.
    used: Mutex<Used>,
    /// Why an existing cache was dropped, for a note to the user.
    pub dropped: Option<String>,
}

fn version() -> String {
    format!("anjuan {}", env!("CARGO_PKG_VERSION"))
}

/// The state file name; a sharded build keeps its own so parallel shards never share one.
pub fn state_file(shard: Option<(u32, u32)>) -> String {
    match shard {
        Some((k, n)) => format!("state-{k}-of-{n}.json"),
        None => "state.json".into(),
    }
}

impl Cache {
    /// A cache that remembers nothing and saves nowhere (for `check`, exports, tests).
    pub fn none() -> Cache {
        Cache::default()
    }

    /// A cache of `out` that starts empty (a first build, or `--force`) and is saved after.
    pub fn none_saving(out: &Path, file: &str) -> Cache {
        Cache {
            path: Some(out.join(DIR).join(file)),
            ..Cache::default()
        }
    }

    /// Opens the cache of `out` (only an anjuan output folder has one). A file that is
    /// damaged, from another tool version or unreadable is dropped: everything is rebuilt.
    pub fn open(out: &Path, file: &str) -> Cache {
        let dir = out.join(DIR);
        let path = dir.join(file);
        let mut dropped = None;
        let state = match std::fs::read(&path) {
            Err(_) => State::default(),
            Ok(bytes) => match parse(&bytes) {
                Parsed::State(s) => s,
                Parsed::Other => State::default(),
                Parsed::Damaged => {
                    dropped = Some(path.display().to_string());
                    State::default()
                }
            },
        };
        Cache {
            path: Some(path),
            state: Mutex::new(state),
            used: Default::default(),
            dropped,
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update; the data is a cache.
        let mut g = match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    fn with_used<R>(&self, f: impl FnOnce(&mut Used) -> R) -> R {
        let mut g = match self.used.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    /// The entry under `key` (a path or content key) that `accept` takes: what this run
    /// recorded (a streaming build loads each volume twice), else what the last run saved,
    /// which is then recorded as used. `used` and `saved` pick the same map in each.
    fn lookup<V: Clone>(
        &self,
        key: &str,
        used: fn(&mut Used) -> &mut BTreeMap<Key, V>,
        saved: fn(&mut State) -> &mut BTreeMap<Key, V>,
        accept: impl Fn(&V) -> bool,
    ) -> Option<V> {
        self.path.as_ref()?;
        let key = Key::of(key);
        let find = |m: &mut BTreeMap<Key, V>| m.get(&key).filter(|v| accept(v)).cloned();
        if let Some(v) = self.with_used(|u| find(used(u))) {
            return Some(v);
        }
        let v = self.with(|s| find(saved(s)))?;
        self.with_used(|u| used(u).insert(key, v.clone()));
        Some(v)
    }

    /// The SHA-256 of `abs` if the cache knows its bytes from an identical stamp.
    pub fn file_sha256(&self, abs: &Path, stamp: &Stamp) -> Option<String> {
        self.lookup(
            &abs.to_string_lossy(),
            |u| &mut u.files,
            |s| &mut s.files,
            |(st, _)| st == stamp,
        )
        .map(|(_, sha)| sha.to_hex())
    }

    /// Records a file's SHA-256 under its stamp.
    pub fn record_file(&self, abs: &Path, stamp: Stamp, sha256: &str) {
        if self.path.is_none() {
            return;
        }
        let Some(sha) = Digest::from_hex(sha256) else {
            return;
        };
        let key = Key::of(&abs.to_string_lossy());
        self.with_used(|u| u.files.insert(key, (stamp, sha)));
    }

    /// A page count cached under a content key (`pdf:<sha>`, `md:<sha>`, …).
    pub fn pages(&self, key: &str) -> Option<u32> {
        self.lookup(key, |u| &mut u.pages, |s| &mut s.pages, |_| true)
    }

    /// Whether what is recorded is kept (a cache of an output folder), so that work done
    /// ahead for it is not lost.
    pub fn keeps(&self) -> bool {
        self.path.is_some()
    }

    /// Records a page count under a content key.
    pub fn record_pages(&self, key: &str, pages: u32) {
        if self.path.is_none() {
            return;
        }
        self.with_used(|u| u.pages.insert(Key::of(key), pages));
    }

    /// What examining bytes with this content key found before.
    pub fn examined(&self, key: &str) -> Option<Examined> {
        self.lookup(key, |u| &mut u.examined, |s| &mut s.examined, |_| true)
    }

    /// Records what examining bytes with this content key found.
    pub fn record_examined(&self, key: &str, e: Examined) {
        if self.path.is_none() {
            return;
        }
        self.with_used(|u| u.examined.insert(Key::of(key), e));
    }

    /// Whether the archive pages, written with `key`, are intact in `out` (see
    /// [`paths_digest`]).
    pub fn archive_is_current(&self, out: &Path, key: &str) -> bool {
        if self.path.is_none() {
            return false;
        }
        let Some(st) = self.with(|s| s.archive.clone()) else {
            return false;
        };
        st.key == key && paths_digest(out, &st.paths).as_deref() == Some(st.outputs.as_str())
    }

    /// Records the archive pages' key and files.
    pub fn record_archive(&self, out: &Path, key: String, paths: Vec<String>) {
        let outputs = paths_digest(out, &paths).unwrap_or_default();
        self.with(|s| {
            s.archive = Some(VolumeState {
                key,
                outputs,
                paths,
            })
        });
    }

    /// Whether volume `id`, built with `key`, can be kept as it is in `out`: same key, and
    /// the files in its folder and its zip exactly those it wrote (same names, sizes, mtimes:
    /// nothing changed, deleted or added).
    pub fn volume_is_current(&self, out: &Path, id: &str, key: &str) -> bool {
        if self.path.is_none() {
            return false;
        }
        let Some(st) = self.with(|s| s.volumes.get(id).cloned()) else {
            return false;
        };
        st.key == key && outputs_digest(out, id).as_deref() == Some(st.outputs.as_str())
    }

    /// The ids of every volume recorded.
    pub fn volume_ids(&self) -> Vec<String> {
        self.with(|s| s.volumes.keys().cloned().collect())
    }

    /// Records what a volume was built with and what it wrote.
    pub fn record_volume(&self, id: &str, state: VolumeState) {
        self.with(|s| s.volumes.insert(id.to_string(), state));
    }

    /// Forgets the volumes `keep` rejects.
    pub fn retain_volumes(&self, keep: &dyn Fn(&str) -> bool) {
        self.with(|s| s.volumes.retain(|id, _| keep(id)));
    }

    /// Writes the cache (atomically: a temporary file, then a rename), streamed into the file
    /// with its digest computed on the way: no copy of the state, no JSON text in memory
    /// (they were the peak of a 1,000-volume build's memory).
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let file = std::fs::File::create(&tmp)?;
        let mut w = Digesting {
            out: std::io::BufWriter::new(file),
            sha: Sha256::new(),
        };
        // The fingerprints, page counts and examinations this run used; the volumes and
        // archive pages as recorded. Borrowed, not cloned: a build saves twice.
        let written = self.with(|s| {
            s.version = version();
            self.with_used(|u| {
                let view = StateView {
                    version: &s.version,
                    files: &u.files,
                    pages: &u.pages,
                    examined: &u.examined,
                    volumes: &s.volumes,
                    archive: &s.archive,
                };
                serde_json::to_writer(&mut w, &view).map_err(std::io::Error::other)
            })
        });
        written?;
        let sum = hex::encode(w.sha.finalize());
        let mut out = w.out;
        std::io::Write::write_all(&mut out, format!("\nsha256 {sum}\n").as_bytes())?;
        std::io::Write::flush(&mut out)?;
        drop(out);
        std::fs::rename(&tmp, path)
    }
}

/// The saved state, borrowed from what a run holds.
#[derive(Serialize)]
struct StateView<'a> {
    version: &'a str,
    files: &'a BTreeMap<Key, (Stamp, Digest)>,
    pages: &'a BTreeMap<Key, u32>,
    examined: &'a BTreeMap<Key, Examined>,
    volumes: &'a BTreeMap<String, VolumeState>,
    archive: &'a Option<VolumeState>,
}

/// A writer that hashes what passes through it (the state file's trailing digest).
struct Digesting<W> {
    out: W,
    sha: Sha256,
}

impl<W: std::io::Write> std::io::Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// What a state file turned out to be.
enum Parsed {
    /// This version's state, intact.
    State(State),
    /// Intact, but written by another version (or another layout of the same version):
    /// dropped without a note, as a new version's first build.
    Other,
    /// Its digest does not match: damaged, dropped with a note.
    Damaged,
}

fn parse(bytes: &[u8]) -> Parsed {
    let intact = std::str::from_utf8(bytes).ok().and_then(|text| {
        let (body, tail) = text.trim_end().rsplit_once('\n')?;
        let sum = tail.strip_prefix("sha256 ")?;
        (hex::encode(Sha256::digest(body.as_bytes())) == sum).then_some(body)
    });
    let Some(body) = intact else {
        return Parsed::Damaged;
    };
    match serde_json::from_str::<State>(body) {
        Ok(s) if s.version == version() => Parsed::State(s),
        _ => Parsed::Other,
    }
}

/// The SHA-256 of the listing (path, size, mtime) of every file written for a volume: its
/// folder, walked in name order, and its zip. `None` when the folder cannot be read or holds
/// anything but files and folders.
pub fn outputs_digest(out: &Path, id: &str) -> Option<String> {
    let mut h = Sha256::new();
    let mut line = |rel: &str, m: &std::fs::Metadata| {
        let s = Stamp::of(m);
        h.update(format!("{rel}\t{}\t{}\n", s.size, s.mtime_ns).as_bytes());
    };
    let dir = out.join(id);
    if !dir.is_dir() {
        return None;
    }
    for e in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
        let e = e.ok()?;
        let m = e.path().symlink_metadata().ok()?;
        if m.is_dir() {
            continue;
        }
        if !m.is_file() {
            return None;
        }
        let rel = e
            .path()
            .strip_prefix(out)
            .ok()?
            .to_string_lossy()
            .into_owned();
        line(&rel, &m);
    }
    if let Ok(m) = std::fs::symlink_metadata(out.join(format!("{id}.zip"))) {
        line(&format!("{id}.zip"), &m);
    }
    Some(hex::encode(h.finalize()))
}

/// The SHA-256 of the listing (path, size, mtime) of the given files below `out`; `None`
/// when one is missing or not a file.
pub fn paths_digest(out: &Path, paths: &[String]) -> Option<String> {
    let mut h = Sha256::new();
    for rel in paths {
        let m = std::fs::symlink_metadata(out.join(rel)).ok()?;
        if !m.is_file() {
            return None;
        }
        let s = Stamp::of(&m);
        h.update(format!("{rel}\t{}\t{}\n", s.size, s.mtime_ns).as_bytes());
    }
    Some(hex::encode(h.finalize()))
}

/// The key of the archive pages: the common key and every volume's key, in order.
pub fn archive_key(common: &str, volume_keys: &[(String, String)]) -> String {
    let mut h = Sha256::new();
    h.update(common.as_bytes());
    for (id, key) in volume_keys {
        h.update(format!("{id}\t{key}\n").as_bytes());
    }
    hex::encode(h.finalize())
}

/// The part of every volume's key that the whole build shares: tool version, theme files,
/// options, archive settings and profiles.
pub fn common_key(
    settings: &crate::model::ArchiveSettings,
    profiles: &crate::profile::ProfileSet,
    theme: &crate::theme::Theme,
    options: &crate::render::Options,
) -> String {
    let mut h = Sha256::new();
    h.update(version().as_bytes());
    for (name, bytes) in &theme.files {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.update(format!("{options:?}").as_bytes());
    h.update(format!("{settings:?}").as_bytes());
    h.update(format!("{profiles:?}").as_bytes());
    hex::encode(h.finalize())
}

/// The key a volume is built with: the common key and the volume's whole model, fed
/// through `Hash` into SHA-256. The model holds every material's SHA-256 and page count,
/// the ledgers and the manifests' fields, so any change to what a volume shows changes
/// the key.
pub fn volume_key(common: &str, volume: &crate::model::Volume) -> String {
    use std::hash::Hash;
    let mut h = ShaHasher(Sha256::new());
    h.0.update(common.as_bytes());
    volume.hash(&mut h);
    hex::encode(h.0.finalize())
}

/// Feeds `Hash` into SHA-256: unlike formatting the model, no escaping, and unlike
/// `DefaultHasher`, 256 bits (the key must not collide across an archive's history).
struct ShaHasher(Sha256);

impl std::hash::Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the SHA-256 digest is used; `finish` is never called for keys.
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_state_file_is_dropped() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::open(t.path(), "state.json");
        c.record_pages("pdf:abc", 7);
        c.save().unwrap();
        assert_eq!(
            Cache::open(t.path(), "state.json").pages("pdf:abc"),
            Some(7)
        );
        let p = t.path().join(DIR).join("state.json");
        let mut bytes = std::fs::read(&p).unwrap();
        let i = bytes.iter().position(|&b| b == b'7').unwrap();
        bytes[i] = b'8';
        std::fs::write(&p, bytes).unwrap();
        let c = Cache::open(t.path(), "state.json");
        assert_eq!(c.pages("pdf:abc"), None);
        assert!(c.dropped.is_some());
    }

    #[test]
    fn saving_twice_keeps_what_the_run_used() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::open(t.path(), "state.json");
        c.record_pages("md:abc", 3);
        c.save().unwrap();
        c.save().unwrap();
        let again = Cache::open(t.path(), "state.json");
        assert_eq!(again.pages("md:abc"), Some(3));
        // Entries this run did not use are not carried into the next save.
        again.save().unwrap();
        let c = Cache::open(t.path(), "state.json");
        assert_eq!(c.pages("md:abc"), Some(3), "used by the lookup just above");
        let d = Cache::open(t.path(), "state.json");
        d.save().unwrap();
        assert_eq!(Cache::open(t.path(), "state.json").pages("md:abc"), None);
    }

    #[test]
    fn fingerprints_are_kept_as_digests_and_read_back() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("scan.jpg");
        std::fs::write(&f, b"bytes").unwrap();
        let stamp = Stamp::of(&std::fs::metadata(&f).unwrap());
        let sha = "ab".repeat(32);
        let c = Cache::open(t.path(), "state.json");
        c.record_file(&f, stamp.clone(), &sha);
        // Not a digest: nothing recorded (and nothing panics).
        c.record_file(&t.path().join("other"), stamp.clone(), "not hex");
        c.save().unwrap();
        let again = Cache::open(t.path(), "state.json");
        assert_eq!(again.file_sha256(&f, &stamp).as_deref(), Some(sha.as_str()));
        assert_eq!(again.file_sha256(&t.path().join("other"), &stamp), None);
        let other = Stamp {
            size: stamp.size + 1,
            ..stamp
        };
        assert_eq!(again.file_sha256(&f, &other), None);
        // The file holds the path's digest and the content's SHA-256 as hex.
        let text = std::fs::read_to_string(t.path().join(DIR).join("state.json")).unwrap();
        assert!(text.contains(&sha), "{text}");
        let path_key = Key::of(&f.to_string_lossy()).to_hex();
        assert!(text.contains(&path_key), "{text}");
        assert!(!text.contains("scan.jpg"), "{text}");
    }

    #[test]
    fn an_intact_state_of_another_layout_is_dropped_without_a_note() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join(DIR);
        std::fs::create_dir_all(&dir).unwrap();
        // The layout before digests: paths and hex strings as keys.
        let body = format!(
            r#"{{"version":"{}","files":{{"/a/b.pdf":[{{"size":1,"mtime_ns":2,"ctime_ns":3,"ino":4}},"{}"]}},"pages":{{"pdf:x":3}},"examined":{{}},"volumes":{{}},"archive":null}}"#,
            version(),
            "cd".repeat(32)
        );
        let sum = hex::encode(Sha256::digest(body.as_bytes()));
        std::fs::write(dir.join("state.json"), format!("{body}\nsha256 {sum}\n")).unwrap();
        let c = Cache::open(t.path(), "state.json");
        assert!(c.dropped.is_none(), "an older layout is not damage");
        assert_eq!(c.pages("pdf:x"), None);
    }

    #[test]
    fn a_cache_without_a_folder_remembers_nothing() {
        let c = Cache::none();
        c.record_pages("pdf:abc", 7);
        assert_eq!(c.pages("pdf:abc"), None);
        assert!(!c.volume_is_current(Path::new("/nonexistent"), "x", "k"));
    }
}
