//! Streaming SHA-256: files are hashed in fixed-size chunks, so a multi-GB video never sits
//! in memory.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Chunk size for hashing: large enough for throughput, small enough to keep memory flat.
const CHUNK: usize = 1 << 20;

/// SHA-256 of a file as lowercase hex, and its size in bytes.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), total))
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
