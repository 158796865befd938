//! JPEG scans spliced into the PDF as it is written. krilla lays out each scan from a
//! placeholder (the file's header segments plus a tag), and when the file is written the
//! placeholder is replaced by the scan's own bytes, copied file to file by the kernel
//! (`copy_file_range`). A volume of 200 scans (85 MB) is then never read into memory,
//! SipHashed by krilla and copied three times: that was two thirds of its build time.
//!
//! The result is the same PDF as krilla would write with the whole file (a DCT stream is the
//! file byte for byte); only `/Length`, the cross-reference offsets and `startxref` change.
//! Anything unexpected in the written structure makes [`plan`] return `None`, and the caller
//! binds the volume again the ordinary way.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A scan whose bytes replace its placeholder's when the PDF is written.
#[derive(Debug, Clone)]
pub struct Splice {
    /// What krilla was given (and wrote as the image stream).
    pub placeholder: Vec<u8>,
    /// The tag inside the placeholder's COM segment.
    tag: Vec<u8>,
    /// The JPEG file.
    pub path: PathBuf,
    /// Its size when it was loaded; checked again when it is copied.
    pub len: u64,
}

const MAGIC: &[u8] = b"anjuan-splice:";
/// Header segments larger than this (huge ICC profiles or EXIF thumbnails) are loaded whole.
const MAX_HEADER: usize = 1 << 20;

/// A placeholder for the JPEG at `path` (of `len` bytes, as loaded): SOI, a COM segment
/// carrying `tag`, then the file's segments up to and including the SOS header — all that
/// krilla reads (size, colour space, ICC profile). `Ok(None)` when the file does not look
/// like that; the caller then loads it whole.
pub fn placeholder(path: &Path, len: u64, tag: &str) -> io::Result<Option<Splice>> {
    use crate::load::sniff::{jpeg_walk, JpegWalk};
    let mut f = File::open(path)?;
    let mut buf = Vec::new();
    let end = loop {
        let want = buf.len().clamp(64 * 1024, MAX_HEADER) as u64;
        let n = (&mut f).take(want).read_to_end(&mut buf)?;
        let whole = n == 0 || buf.len() as u64 >= len;
        if !buf.starts_with(&[0xFF, 0xD8]) {
            return Ok(None);
        }
        match jpeg_walk(&buf, whole) {
            // The SOS header must be inside what was read.
            JpegWalk::Scan(end) if end as usize <= buf.len() => break end as usize,
            JpegWalk::Scan(_) | JpegWalk::NeedMore if !whole && buf.len() < MAX_HEADER => continue,
            _ => return Ok(None),
        }
    };
    let mut payload = MAGIC.to_vec();
    payload.extend_from_slice(tag.as_bytes());
    let Ok(com_len) = u16::try_from(payload.len() + 2) else {
        return Ok(None);
    };
    let mut ph = Vec::with_capacity(end + payload.len() + 8);
    ph.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xFE]);
    ph.extend_from_slice(&com_len.to_be_bytes());
    ph.extend_from_slice(&payload);
    ph.extend_from_slice(&buf[2..end]);
    ph.extend_from_slice(&[0xFF, 0xD9]);
    Ok(Some(Splice {
        placeholder: ph,
        tag: tag.as_bytes().to_vec(),
        path: path.to_path_buf(),
        len,
    }))
}

/// One piece of the written file.
#[derive(Debug)]
enum Piece<'a> {
    Bytes(&'a [u8]),
    Owned(Vec<u8>),
    /// The file of `splices[i]`.
    File(usize),
}

/// How to write `pdf` with every placeholder of `splices` replaced by its file. `None`
/// when a placeholder is not found exactly once as a whole stream with a direct `/Length`,
/// or the file does not end in one classic cross-reference table.
fn plan<'a>(pdf: &'a [u8], splices: &[Splice]) -> Option<Vec<Piece<'a>>> {
    let by_tag: HashMap<&[u8], usize> = splices
        .iter()
        .enumerate()
        .map(|(i, s)| (s.tag.as_slice(), i))
        .collect();
    // (start of the /Length digits, their end, start of the data, splice)
    let mut edits: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(splices.len());
    let mut seen = vec![false; splices.len()];
    for hit in memchr::memmem::find_iter(pdf, MAGIC) {
        let Some(start) = hit.checked_sub(6) else {
            continue;
        };
        if pdf[start..start + 4] != [0xFF, 0xD8, 0xFF, 0xFE] {
            continue;
        }
        let com_len = u16::from_be_bytes([pdf[start + 4], pdf[start + 5]]) as usize;
        let Some(tag) = pdf.get(hit + MAGIC.len()..start + 4 + com_len) else {
            continue;
        };
        let Some(&si) = by_tag.get(tag) else {
            continue;
        };
        let s = &splices[si];
        if seen[si] || pdf.get(start..start + s.placeholder.len())? != s.placeholder {
            return None;
        }
        seen[si] = true;
        let before = &pdf[start.saturating_sub(2048)..start];
        let base = start - before.len();
        if !(before.ends_with(b"stream\n") || before.ends_with(b"stream\r\n")) {
            return None;
        }
        let after = &pdf[start + s.placeholder.len()..];
        let after = after.strip_prefix(b"\r").unwrap_or(after);
        let after = after.strip_prefix(b"\n").unwrap_or(after);
        if !after.starts_with(b"endstream") {
            return None;
        }
        let key = memchr::memmem::rfind(before, b"/Length")? + b"/Length".len();
        let mut d0 = key;
        while before.get(d0).is_some_and(|c| c.is_ascii_whitespace()) {
            d0 += 1;
        }
        let mut d1 = d0;
        while before.get(d1).is_some_and(|c| c.is_ascii_digit()) {
            d1 += 1;
        }
        let digits = std::str::from_utf8(&before[d0..d1]).ok()?;
        if digits.parse::<usize>().ok()? != s.placeholder.len() {
            return None;
        }
        // The /Length must belong to this stream's dictionary: nothing object-like between.
        let between = &before[d1..];
        if memchr::memmem::find_iter(between, b"stream").count() != 1
            || memchr::memmem::find(between, b"obj").is_some()
        {
            return None;
        }
        edits.push((base + d0, base + d1, start, si));
    }
    if seen.iter().any(|s| !s) {
        return None;
    }
    edits.sort_unstable();

    // The one classic xref table at the end.
    let tail_at = pdf.len().saturating_sub(1024);
    let sx = tail_at + memchr::memmem::rfind(&pdf[tail_at..], b"startxref")?;
    let num = pdf[sx + b"startxref".len()..]
        .iter()
        .position(|c| c.is_ascii_digit())?
        + sx
        + b"startxref".len();
    let num_end = num + pdf[num..].iter().position(|c| !c.is_ascii_digit())?;
    let xref: usize = std::str::from_utf8(&pdf[num..num_end]).ok()?.parse().ok()?;
    if !pdf.get(xref..)?.starts_with(b"xref") || edits.last().is_some_and(|e| e.2 >= xref) {
        return None;
    }
    let trailer = xref + memchr::memmem::find(&pdf[xref..sx], b"trailer")?;
    if memchr::memmem::find(&pdf[trailer..sx], b"/Prev").is_some()
        || memchr::memmem::find(&pdf[..xref], b"/XRefStm").is_some()
    {
        return None;
    }

    // Growth of the file before each edited position.
    let delta = |e: &(usize, usize, usize, usize)| -> i64 {
        let s = &splices[e.3];
        let digits = (e.1 - e.0) as i64;
        (s.len.to_string().len() as i64 - digits) + (s.len as i64 - s.placeholder.len() as i64)
    };
    let shift = |offset: usize| -> i64 {
        edits
            .iter()
            .take_while(|e| e.2 < offset)
            .map(delta)
            .sum::<i64>()
    };

    // The xref table with shifted offsets: subsections of 20-byte entries.
    let mut table = pdf[xref..trailer].to_vec();
    let mut i = b"xref".len();
    loop {
        while table.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if i >= table.len() {
            break;
        }
        let line_end = i + table[i..].iter().position(|&c| c == b'\n')?;
        let head = std::str::from_utf8(&table[i..line_end]).ok()?;
        let mut parts = head.split_ascii_whitespace();
        let (_first, count): (usize, usize) =
            (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
        if parts.next().is_some() {
            return None;
        }
        i = line_end + 1;
        for _ in 0..count {
            let entry = table.get_mut(i..i + 20)?;
            if entry[17] == b'n' {
                let old: usize = std::str::from_utf8(&entry[..10]).ok()?.parse().ok()?;
                let new = old as i64 + shift(old);
                let text = format!("{new:010}");
                if text.len() != 10 {
                    return None;
                }
                entry[..10].copy_from_slice(text.as_bytes());
            } else if entry[17] != b'f' {
                return None;
            }
            i += 20;
        }
    }

    let mut pieces = Vec::with_capacity(edits.len() * 4 + 4);
    let mut at = 0;
    for e in &edits {
        let s = &splices[e.3];
        pieces.push(Piece::Bytes(&pdf[at..e.0]));
        pieces.push(Piece::Owned(s.len.to_string().into_bytes()));
        pieces.push(Piece::Bytes(&pdf[e.1..e.2]));
        pieces.push(Piece::File(e.3));
        at = e.2 + s.placeholder.len();
    }
    pieces.push(Piece::Bytes(&pdf[at..xref]));
    pieces.push(Piece::Owned(table));
    pieces.push(Piece::Bytes(&pdf[trailer..num]));
    pieces.push(Piece::Owned(
        (xref as i64 + shift(xref)).to_string().into_bytes(),
    ));
    pieces.push(Piece::Bytes(&pdf[num_end..]));
    Some(pieces)
}

/// Why a spliced write did not happen.
#[derive(Debug)]
pub enum SpliceError {
    /// The PDF's structure was not as expected: bind it the ordinary way.
    Structure,
    /// Reading a scan or writing the output failed (with the path concerned).
    Io(PathBuf, io::Error),
    /// A scan changed size since it was loaded.
    Changed(PathBuf),
}

/// Writes `pdf` to `out` with every placeholder replaced by its scan's bytes.
pub fn write(out: &Path, pdf: &[u8], splices: &[Splice]) -> Result<(), SpliceError> {
    let pieces = plan(pdf, splices).ok_or(SpliceError::Structure)?;
    let io_out = |e| SpliceError::Io(out.to_path_buf(), e);
    let mut file = File::create(out).map_err(io_out)?;
    for p in pieces {
        match p {
            Piece::Bytes(b) => file.write_all(b).map_err(io_out)?,
            Piece::Owned(b) => file.write_all(&b).map_err(io_out)?,
            Piece::File(i) => {
                let s = &splices[i];
                let io_in = |e| SpliceError::Io(s.path.clone(), e);
                let src = File::open(&s.path).map_err(io_in)?;
                if src.metadata().map_err(io_in)?.len() != s.len {
                    return Err(SpliceError::Changed(s.path.clone()));
                }
                // File to file: the kernel copies (copy_file_range), nothing passes through
                // this process's memory.
                let n = io::copy(&mut src.take(s.len), &mut file).map_err(io_in)?;
                if n != s.len {
                    return Err(SpliceError::Changed(s.path.clone()));
                }
            }
        }
    }
    file.flush().map_err(io_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(extra_app: usize) -> Vec<u8> {
        // SOI, APP1 segments of `extra_app` bytes in all, SOF0 (8×4, 1 component), SOS
        // header, data, EOI.
        let mut j = vec![0xFF, 0xD8];
        let mut left = extra_app;
        while left > 0 {
            let n = left.min(60_000);
            j.extend_from_slice(&[0xFF, 0xE1]);
            j.extend_from_slice(&((n + 2) as u16).to_be_bytes());
            j.extend(std::iter::repeat_n(0x41, n));
            left -= n;
        }
        j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 4, 0, 8, 1, 1, 0x11, 0]);
        j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0]);
        j.extend_from_slice(b"scan-data-scan-data");
        j.extend_from_slice(&[0xFF, 0xD9]);
        j
    }

    #[test]
    fn a_placeholder_is_the_header_up_to_the_scan_data_with_a_tag() {
        let dir = tempfile::tempdir().unwrap();
        for (extra, name) in [(10, "small.jpg"), (70_000, "big-header.jpg")] {
            let p = dir.path().join(name);
            let j = jpeg(extra);
            std::fs::write(&p, &j).unwrap();
            let s = placeholder(&p, j.len() as u64, "7").unwrap().unwrap();
            let scan = memchr::memmem::find(&j, b"scan-data").unwrap();
            // SOI, COM with the tag, the file's segments after SOI up to the scan data, EOI.
            assert!(s
                .placeholder
                .ends_with(&[&j[2..scan], &[0xFF, 0xD9][..]].concat()));
            assert!(memchr::memmem::find(&s.placeholder, b"anjuan-splice:7").is_some());
        }
        let gif = dir.path().join("not.jpg");
        std::fs::write(&gif, b"GIF89a....").unwrap();
        assert!(placeholder(&gif, 10, "0").unwrap().is_none());
    }

    #[test]
    fn a_pdf_with_placeholders_is_written_with_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jpg");
        let b = dir.path().join("b.jpg");
        std::fs::write(&a, jpeg(100)).unwrap();
        std::fs::write(&b, jpeg(70_000)).unwrap();
        let len = |p: &Path| std::fs::metadata(p).unwrap().len();
        let sa = placeholder(&a, len(&a), "0").unwrap().unwrap();
        let sb = placeholder(&b, len(&b), "1").unwrap().unwrap();
        // A minimal PDF with the two placeholders as streams and a classic xref table.
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for s in [&sa, &sb] {
            offsets.push(pdf.len());
            pdf.extend_from_slice(
                format!(
                    "{} 0 obj\n<<\n  /Length {}\n  /Filter /DCTDecode\n>>\nstream\n",
                    offsets.len(),
                    s.placeholder.len()
                )
                .as_bytes(),
            );
            pdf.extend_from_slice(&s.placeholder);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
        }
        offsets.push(pdf.len());
        pdf.extend_from_slice(b"3 0 obj\n<< /Type /Catalog >>\nendobj\n");
        let xref = pdf.len();
        pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
        for o in &offsets {
            pdf.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 3 0 R >>\nstartxref\n{xref}\n%%EOF").as_bytes(),
        );
        let out = dir.path().join("out.pdf");
        write(&out, &pdf, &[sa.clone(), sb.clone()]).unwrap();
        let got = std::fs::read(&out).unwrap();
        // Each object is where the xref says, and each stream is the whole file.
        let text = String::from_utf8_lossy(&got);
        let x: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .trim_end_matches("\n%%EOF")
            .parse()
            .unwrap();
        assert!(got[x..].starts_with(b"xref"));
        let entries = x + b"xref\n0 4\n".len();
        for n in 1..=3 {
            let entry = &got[entries + 20 * n..entries + 20 * n + 10];
            let off: usize = std::str::from_utf8(entry).unwrap().parse().unwrap();
            assert!(got[off..].starts_with(format!("{n} 0 obj").as_bytes()));
        }
        for f in [&a, &b] {
            let bytes = std::fs::read(f).unwrap();
            let at = memchr::memmem::find(&got, &bytes).expect("the file is in the PDF");
            let head = String::from_utf8_lossy(&got[at.saturating_sub(60)..at]);
            assert!(head.contains(&format!("/Length {}", bytes.len())), "{head}");
        }
        // A placeholder that is not there, or there twice, is refused.
        let mut twice = pdf.clone();
        twice.extend_from_slice(&sa.placeholder);
        assert!(plan(&twice, &[sa.clone(), sb.clone()]).is_none());
        let mut gone = pdf.clone();
        let at = memchr::memmem::find(&gone, MAGIC).unwrap();
        gone[at] = b'X';
        assert!(plan(&gone, &[sa.clone(), sb.clone()]).is_none());
        // A file that changed size since it was loaded is an error, not a broken PDF.
        std::fs::write(&a, jpeg(101)).unwrap();
        assert!(matches!(
            write(&out, &pdf, &[sa, sb]),
            Err(SpliceError::Changed(_))
        ));
    }
}
