//! Package: sealed, verifiable volumes as BagIt bags (RFC 8493) serialized as zip files.
//!
//! Entries are written in a fixed order with fixed timestamps and permissions, and files are
//! streamed (hashed while they are copied), so two builds give the same bytes and a
//! multi-GB video never sits in memory.

pub mod verify;

use sha2::{Digest, Sha256, Sha512};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One payload file: its path inside `data/` and where to read it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path below `data/`, `/`-separated.
    pub path: String,
    /// Source file.
    pub source: PathBuf,
}

/// The `bag-info.txt` fields, in order.
pub type BagInfo = Vec<(String, String)>;

/// Hashes of one payload file.
#[derive(Debug, Clone)]
pub struct Fixity {
    /// Path below the bag root (`data/…`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 hex.
    pub sha256: String,
    /// SHA-512 hex.
    pub sha512: String,
}

/// What was sealed.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// Payload fixity, sorted by path.
    pub payload: Vec<Fixity>,
    /// SHA-256 of `manifest-sha256.txt` (what the ledger's QR code refers to).
    pub manifest_sha256: String,
}

/// Percent-encodes what RFC 8493 §2.1.3 requires in manifest paths (CR, LF, %).
pub fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Decodes a manifest path.
pub fn decode_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%0d", "\r")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

fn compressible(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "html"
            | "htm"
            | "css"
            | "js"
            | "md"
            | "markdown"
            | "txt"
            | "yaml"
            | "yml"
            | "csv"
            | "json"
            | "xml"
            | "svg"
    )
}

fn options(path: &str, size: u64) -> SimpleFileOptions {
    // A fixed timestamp and mode: the bytes must not depend on when or where we run.
    let method = if compressible(path) {
        CompressionMethod::Deflated
    } else {
        CompressionMethod::Stored
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(size >= u32::MAX as u64)
}

/// Copies a file into the open zip entry while hashing it.
fn stream<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    source: &Path,
) -> std::io::Result<(u64, String, String)> {
    let mut f = std::fs::File::open(source)?;
    let mut s256 = Sha256::new();
    let mut s512 = Sha512::new();
    let total = crate::load::hash::each_chunk(&mut f, |chunk| {
        s256.update(chunk);
        s512.update(chunk);
        zip.write_all(chunk)
    })?;
    Ok((
        total,
        hex::encode(s256.finalize()),
        hex::encode(s512.finalize()),
    ))
}

fn zerr(e: zip::result::ZipError) -> std::io::Error {
    std::io::Error::other(e)
}

/// Writes a BagIt bag named `name` as a zip at `out`: `data/` payload first (sorted), then
/// `bagit.txt`, `bag-info.txt` (with Payload-Oxum), the SHA-256 and SHA-512 manifests and the
/// SHA-256 tag manifest.
pub fn write_bag(
    out: &Path,
    name: &str,
    mut entries: Vec<Entry>,
    info: &BagInfo,
) -> std::io::Result<Sealed> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    let file = std::fs::File::create(out)?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let mut payload = Vec::new();
    for e in &entries {
        let size = std::fs::metadata(&e.source)?.len();
        let path = format!("data/{}", e.path);
        zip.start_file(format!("{name}/{path}"), options(&path, size))
            .map_err(zerr)?;
        let (size, sha256, sha512) = stream(&mut zip, &e.source)?;
        payload.push(Fixity {
            path,
            size,
            sha256,
            sha512,
        });
    }
    let oxum = format!(
        "{}.{}",
        payload.iter().map(|p| p.size).sum::<u64>(),
        payload.len()
    );
    let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string();
    let mut bag_info = String::new();
    for (k, v) in info {
        // One line per field: newlines in values would break the tag file.
        bag_info.push_str(&format!("{k}: {}\n", v.replace(['\r', '\n'], " ")));
    }
    bag_info.push_str(&format!("Payload-Oxum: {oxum}\n"));
    let m256: String = payload
        .iter()
        .map(|p| format!("{}  {}\n", p.sha256, encode_path(&p.path)))
        .collect();
    let m512: String = payload
        .iter()
        .map(|p| format!("{}  {}\n", p.sha512, encode_path(&p.path)))
        .collect();
    let tags = [
        ("bagit.txt", bagit),
        ("bag-info.txt", bag_info),
        ("manifest-sha256.txt", m256.clone()),
        ("manifest-sha512.txt", m512),
    ];
    let mut tagmanifest = String::new();
    for (n, text) in &tags {
        zip.start_file(format!("{name}/{n}"), options(n, text.len() as u64))
            .map_err(zerr)?;
        zip.write_all(text.as_bytes())?;
        tagmanifest.push_str(&format!(
            "{}  {n}\n",
            hex::encode(Sha256::digest(text.as_bytes()))
        ));
    }
    zip.start_file(
        format!("{name}/tagmanifest-sha256.txt"),
        options("tagmanifest-sha256.txt", tagmanifest.len() as u64),
    )
    .map_err(zerr)?;
    zip.write_all(tagmanifest.as_bytes())?;
    let mut w = zip.finish().map_err(zerr)?;
    w.flush()?;
    Ok(Sealed {
        payload,
        manifest_sha256: hex::encode(Sha256::digest(m256.as_bytes())),
    })
}

/// Every file below `dir` as payload entries under `prefix` (sorted, `/`-separated).
pub fn entries_below(dir: &Path, prefix: &str) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = e.map_err(std::io::Error::other)?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = crate::load::rel_path(dir, e.path());
        let path = if prefix.is_empty() {
            rel
        } else {
            format!("{prefix}/{rel}")
        };
        out.push(Entry {
            path,
            source: e.path().to_path_buf(),
        });
    }
    Ok(out)
}

/// Files in a volume's output folder that are not sealed: the ledger forms record lookups of
/// the sealed volume and carry its digest, so they live beside the package, not inside.
pub const UNSEALED: &[&str] = &["ledger.html", "ledger.pdf"];

/// Seals one volume: its rendered folder (less the ledger forms) as `data/`, and its
/// manifests and ledgers (and, when no HTML dossier was built, its original materials) under
/// `data/source/`, with folders relative to the volume folder.
pub fn seal_volume(
    archive: &crate::model::Archive,
    volume: &crate::model::Volume,
    rendered: &Path,
    zip: &Path,
    html_built: bool,
) -> std::io::Result<Sealed> {
    let mut entries: Vec<Entry> = entries_below(rendered, "")?
        .into_iter()
        .filter(|e| !UNSEALED.contains(&e.path.as_str()))
        .collect();
    let root = &archive.root;
    let vol_rel = |rel: &str| -> String {
        if volume.dir_rel.is_empty() {
            rel.to_string()
        } else {
            rel.strip_prefix(&format!("{}/", volume.dir_rel))
                .unwrap_or(rel)
                .to_string()
        }
    };
    let mut sources: Vec<String> = Vec::new();
    if volume.kind == crate::model::VolumeKind::Combined {
        sources.push(volume.manifest_rel.clone());
    }
    for c in &volume.cases {
        sources.push(c.manifest_rel.clone());
    }
    for l in &volume.ledgers {
        sources.push(l.rel.clone());
    }
    if !html_built {
        for (_, m) in volume.materials() {
            sources.extend(m.files.iter().map(|f| f.rel.clone()));
        }
    }
    for rel in sources {
        entries.push(Entry {
            path: format!("source/{}", vol_rel(&rel)),
            source: root.join(&rel),
        });
    }
    let s = &archive.settings;
    let case = volume.main_case();
    let date = volume
        .archive
        .filed_on
        .or_else(|| {
            volume
                .cases
                .iter()
                .filter_map(|c| c.closed.or(c.decided).or(c.opened))
                .max()
        })
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let org = if !s.fonds_name.is_empty() {
        s.fonds_name.clone()
    } else {
        case.map(|c| c.agency.clone()).unwrap_or_default()
    };
    let mut info: BagInfo = vec![
        ("Source-Organization".into(), org),
        ("Bagging-Date".into(), date),
        (
            "Bag-Software-Agent".into(),
            format!("anjuan {}", env!("CARGO_PKG_VERSION")),
        ),
        ("External-Identifier".into(), volume.id.clone()),
        ("External-Description".into(), volume.title.clone()),
        ("Anjuan-Archive-Code".into(), volume.archive_code(s)),
        ("Anjuan-Fonds".into(), s.fonds.clone()),
        ("Anjuan-Catalog".into(), volume.archive.catalog.clone()),
        ("Anjuan-Volume-No".into(), volume.archive.volume_no.clone()),
        ("Anjuan-Filing-No".into(), volume.archive.filing_no.clone()),
        ("Anjuan-Retention".into(), volume.retention()),
        ("Anjuan-Secrecy".into(), volume.archive.secrecy.clone()),
    ];
    for c in &volume.cases {
        info.push(("Anjuan-Case".into(), format!("{} {}", c.number, c.title)));
        if !c.decision_no.is_empty() {
            info.push(("Anjuan-Decision-No".into(), c.decision_no.clone()));
        }
    }
    info.retain(|(_, v)| !v.is_empty());
    write_bag(zip, &volume.id, entries, &info)
}
