//! Streaming SHA-256: files are hashed in fixed-size chunks, so a multi-GB video never sits
//! in memory.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Chunk size for hashing: large enough for throughput, small enough to keep memory flat.
const CHUNK: usize = 256 << 10;

thread_local! {
    /// One chunk buffer per thread, reused: a fresh zeroed buffer per file cost more than
    /// hashing the 5,000 small Markdown files it was for (memset was 8 % of an HTML build).
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads `from` to its end in chunks through this thread's reusable buffer, handing each
/// chunk to `sink`; returns the number of bytes read. Used for hashing and for copying into
/// packages, so neither allocates (and zeroes) a buffer per file.
pub fn each_chunk(
    from: &mut impl Read,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    BUF.with_borrow_mut(|buf| {
        buf.resize(CHUNK, 0);
        let mut total = 0u64;
        loop {
            let n = match from.read(buf) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            total += n as u64;
            sink(&buf[..n])?;
        }
    })
}

/// SHA-256 of a file as lowercase hex, and its size in bytes.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let total = each_chunk(&mut f, |chunk| {
        hasher.update(chunk);
        Ok(())
    })?;
    Ok((hex::encode(hasher.finalize()), total))
}

/// [`sha256_file`] through the incremental-build cache: a file whose stamp (size, mtime,
/// ctime, inode) the cache knows is not read again. A file that changes while it is hashed
/// is not recorded.
pub fn sha256_file_cached(
    path: &Path,
    cache: &crate::cache::Cache,
) -> std::io::Result<(String, u64)> {
    let (sha, size, _) = sha256_file_cached_keeping(path, cache, 0)?;
    Ok((sha, size))
}

/// [`sha256_file_cached`], also returning the bytes when the file had to be read and is no
/// larger than `keep` (a text material is then examined from the bytes just hashed instead
/// of being opened and read twice more).
pub fn sha256_file_cached_keeping(
    path: &Path,
    cache: &crate::cache::Cache,
    keep: u64,
) -> std::io::Result<(String, u64, Option<Vec<u8>>)> {
    use crate::cache::Stamp;
    let before = Stamp::of(&std::fs::metadata(path)?);
    if let Some(sha) = cache.file_sha256(path, &before) {
        return Ok((sha, before.size, None));
    }
    let (sha, size, bytes) = if before.size <= keep {
        let bytes = std::fs::read(path)?;
        (sha256_bytes(&bytes), bytes.len() as u64, Some(bytes))
    } else {
        let (sha, size) = sha256_file(path)?;
        (sha, size, None)
    };
    if let Ok(m) = std::fs::metadata(path) {
        let after = Stamp::of(&m);
        if after == before && after.size == size {
            cache.record_file(path, after, &sha);
        }
    }
    Ok((sha, size, bytes))
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
