//! Flate compression of the streams anjuan adds to imported PDFs, with one deflate state per
//! thread, reused.
//!
//! lopdf's `Stream::compress` makes a fresh zlib state per stream: ~300 KB allocated and
//! zeroed each time, which was a third of all page faults of a build of mixed volumes and,
//! because the size sits near glibc's mmap threshold, a cause of its erratic peak RSS. The
//! output is the same zlib stream at the same level, byte for byte from run to run.

use flate2::{Compress, Compression, FlushCompress, Status};
use std::cell::RefCell;

thread_local! {
    static STATE: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

/// `data` as a zlib stream (best compression), or `None` if the compressor failed.
pub fn zlib(data: &[u8]) -> Option<Vec<u8>> {
    STATE.with_borrow_mut(|state| {
        let c = state.get_or_insert_with(|| Compress::new(Compression::best(), true));
        c.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let done = c.total_in() as usize;
            match c.compress_vec(&data[done..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(out),
                // Out of room: grow and go on where it stopped.
                Ok(Status::Ok | Status::BufError) => out.reserve(out.capacity().max(4096)),
                Err(_) => {
                    // Leave the state fresh for the next stream.
                    *state = None;
                    return None;
                }
            }
        }
    })
}

/// Compresses a stream that has no filter yet (as `lopdf::Stream::compress` does): kept
/// uncompressed when compression would not save at least the filter entry's bytes.
pub fn compress_stream(s: &mut lopdf::Stream) {
    if s.dict.get(b"Filter").is_ok() {
        return;
    }
    if let Some(z) = zlib(&s.content) {
        if z.len() + 19 < s.content.len() {
            s.dict.set("Filter", "FlateDecode");
            s.set_content(z);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn round_trips_and_reuses_the_state() {
        let big: Vec<u8> = (0..600_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for data in [b"q 1 0 0 1 0 0 cm Q ".repeat(50), big.clone(), Vec::new()] {
            let z = zlib(&data).unwrap();
            assert_eq!(inflate(&z), data);
            // The same bytes again, from the reused state.
            assert_eq!(zlib(&data).unwrap(), z);
        }
    }

    #[test]
    fn compresses_only_unfiltered_streams_that_shrink() {
        let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), b"BT ET ".repeat(100));
        compress_stream(&mut s);
        assert_eq!(
            s.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        assert_eq!(inflate(&s.content), b"BT ET ".repeat(100));
        assert_eq!(
            s.dict.get(b"Length").unwrap().as_i64().unwrap(),
            s.content.len() as i64
        );
        let mut tiny = lopdf::Stream::new(lopdf::Dictionary::new(), b"q Q".to_vec());
        compress_stream(&mut tiny);
        assert!(tiny.dict.get(b"Filter").is_err());
        assert_eq!(tiny.content, b"q Q");
    }
}
