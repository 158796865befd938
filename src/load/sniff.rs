//! Identifies material files by their content (magic bytes), checks that content against the
//! extension, and counts pages exactly (PDF page tree; one page per image).

use crate::finding::Text;
use crate::model::FileKind;
use crate::t;
use std::io::Read;
use std::path::Path;

/// What the extension promises.
pub fn kind_from_extension(name: &str) -> Option<FileKind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "md" | "markdown" => FileKind::Markdown,
        "txt" => FileKind::Text,
        "pdf" => FileKind::Pdf,
        "jpg" | "jpeg" => FileKind::Jpeg,
        "png" => FileKind::Png,
        "tif" | "tiff" => FileKind::Tiff,
        "mp4" | "mov" | "webm" => FileKind::Video,
        "mp3" | "wav" | "m4a" => FileKind::Audio,
        _ => return None,
    })
}

/// MIME type by extension (for `<video>` / `<audio>` / `<img>`).
pub fn mime(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" => "text/markdown",
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "tif" | "tiff" => "image/tiff",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        _ => "application/octet-stream",
    }
}

/// What the first bytes say a file is (a short label for messages).
pub fn content_label(head: &[u8]) -> &'static str {
    if head.starts_with(b"%PDF-") || find(head, b"%PDF-").is_some_and(|i| i < 1024) {
        "PDF"
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "JPEG 图像"
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        "PNG 图像"
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        "TIFF 图像"
    } else if head.len() > 8 && &head[4..8] == b"ftyp" {
        "MP4/MOV 音视频"
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        "WebM 视频"
    } else if head.starts_with(b"RIFF") && head.len() >= 12 && &head[8..12] == b"WAVE" {
        "WAV 音频"
    } else if head.starts_with(b"ID3")
        || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
    {
        "MP3 音频"
    } else if head.starts_with(b"PK\x03\x04") {
        "ZIP 压缩包（如 Word/Excel 文档）"
    } else if head.starts_with(b"GIF8") {
        "GIF 图像"
    } else if head.starts_with(b"\xD0\xCF\x11\xE0") {
        "旧版 Office 文档"
    } else {
        "未知内容"
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Whether the head bytes fit the kind.
fn head_matches(kind: FileKind, name: &str, head: &[u8]) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match kind {
        FileKind::Pdf => find(&head[..head.len().min(1024)], b"%PDF-").is_some(),
        FileKind::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        FileKind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        FileKind::Tiff => head.starts_with(b"II*\0") || head.starts_with(b"MM\0*"),
        FileKind::Video => match ext.as_str() {
            "webm" => head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
            // Old QuickTime files start with another top-level atom than `ftyp`.
            "mov" => {
                head.len() > 8
                    && [
                        &b"ftyp"[..],
                        b"moov",
                        b"mdat",
                        b"wide",
                        b"free",
                        b"skip",
                        b"pnot",
                    ]
                    .contains(&&head[4..8])
            }
            _ => head.len() > 8 && &head[4..8] == b"ftyp",
        },
        FileKind::Audio => match ext.as_str() {
            "wav" => head.starts_with(b"RIFF") && head.len() >= 12 && &head[8..12] == b"WAVE",
            "m4a" => head.len() > 8 && &head[4..8] == b"ftyp",
            _ => {
                head.starts_with(b"ID3")
                    || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
            }
        },
        FileKind::Markdown | FileKind::Text => !head.contains(&0) || looks_utf16(head),
    }
}

fn looks_utf16(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])
}

/// Largest image we accept, in pixels: beyond this decoding for the PDF would need gigabytes
/// (a decompression bomb, or a scan at an absurd resolution).
pub const MAX_IMAGE_PIXELS: u64 = 200_000_000;

/// Largest text material we read into memory.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// The result of examining one file.
#[derive(Debug, Default)]
pub struct Examined {
    /// Exact pages for PDFs / images.
    pub pages: Option<u32>,
    /// Pixel size of an image.
    pub image_size: Option<(u32, u32)>,
    /// A warning (e.g. GBK text converted).
    pub warning: Option<(&'static str, Text, Text)>,
    /// The decoded text of a Markdown / text file examined from its bytes (not from the
    /// cache), so its pages can be counted without reading it again.
    pub text: Option<String>,
}

/// Examines a file whose extension promised `kind`. `Err` carries the `file-type` message
/// and help.
pub fn examine(
    path: &Path,
    name: &str,
    kind: FileKind,
    size: u64,
    read: Option<Vec<u8>>,
) -> Result<Examined, (Text, Text)> {
    if size == 0 {
        return Err((
            t!("文件是空的（0 字节）", "the file is empty (0 bytes)"),
            t!(
                "请重新扫描或导出该材料，替换这个空文件",
                "scan or export the material again and replace the empty file"
            ),
        ));
    }
    // A text is read whole once, for its head and its decoding (it was read twice).
    let whole_text = matches!(kind, FileKind::Markdown | FileKind::Text) && size <= MAX_TEXT_BYTES;
    let mut head = vec![
        0u8;
        if whole_text {
            0
        } else {
            1024.min(size as usize)
        }
    ];
    let read_head = if whole_text {
        // The bytes the caller just hashed, when it kept them.
        match read.filter(|b| b.len() as u64 == size) {
            Some(bytes) => {
                head = bytes;
                Ok(())
            }
            None => std::fs::read(path).map(|bytes| head = bytes),
        }
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head))
    };
    if let Err(e) = read_head {
        return Err((
            t!(
                format!("无法读取文件：{e}"),
                format!("cannot read the file: {e}")
            ),
            t!(
                "请检查文件是否存在、是否有读取权限",
                "check that the file exists and is readable"
            ),
        ));
    }
    if !head_matches(kind, name, &head[..head.len().min(1024)]) {
        let label = content_label(&head[..head.len().min(1024)]);
        return Err((
            t!(
                format!("文件内容与扩展名不符：扩展名表示{}，内容却是{label}", kind_label(kind)),
                format!("content does not match the extension: expected {}, found {label}", kind_label_en(kind))
            ),
            t!(
                "请确认放入的是正确的文件；如内容本身正确，请改成与内容相符的扩展名",
                "check that this is the right file; if its content is right, give it the matching extension"
            ),
        ));
    }
    match kind {
        FileKind::Pdf => examine_pdf(path),
        FileKind::Jpeg | FileKind::Png | FileKind::Tiff => examine_image(path, kind, size),
        FileKind::Markdown | FileKind::Text => examine_text(whole_text.then_some(head), size),
        FileKind::Video | FileKind::Audio => Ok(Examined::default()),
    }
}

/// [`examine`] through the incremental-build cache: a PDF, image or UTF-8 text whose bytes
/// (by SHA-256) were examined cleanly before is not read again (page count, pixel size);
/// AV files are not read. GBK texts are examined every time, so their `encoding` warning
/// is repeated. `read` is the file's content when the caller has it (a text it just hashed).
pub fn examine_cached(
    path: &Path,
    name: &str,
    kind: FileKind,
    size: u64,
    sha256: &str,
    cache: &crate::cache::Cache,
    read: Option<Vec<u8>>,
) -> Result<Examined, (Text, Text)> {
    if !matches!(
        kind,
        FileKind::Pdf
            | FileKind::Jpeg
            | FileKind::Png
            | FileKind::Tiff
            | FileKind::Markdown
            | FileKind::Text
    ) {
        return examine(path, name, kind, size, read);
    }
    let key = format!("{kind:?}:{sha256}");
    if let Some(e) = cache.examined(&key) {
        return Ok(Examined {
            pages: e.pages,
            image_size: e.image_size,
            ..Examined::default()
        });
    }
    let ex = examine(path, name, kind, size, read)?;
    if ex.warning.is_none() {
        cache.record_examined(
            &key,
            crate::cache::Examined {
                pages: ex.pages,
                image_size: ex.image_size,
            },
        );
    }
    Ok(ex)
}

fn kind_label(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Markdown => " Markdown 文本",
        FileKind::Text => "纯文本",
        FileKind::Pdf => " PDF",
        FileKind::Jpeg => " JPEG 图像",
        FileKind::Png => " PNG 图像",
        FileKind::Tiff => " TIFF 图像",
        FileKind::Video => "视频",
        FileKind::Audio => "音频",
    }
}

fn kind_label_en(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Markdown => "Markdown text",
        FileKind::Text => "plain text",
        FileKind::Pdf => "a PDF",
        FileKind::Jpeg => "a JPEG image",
        FileKind::Png => "a PNG image",
        FileKind::Tiff => "a TIFF image",
        FileKind::Video => "video",
        FileKind::Audio => "audio",
    }
}

/// Page count of a PDF, or why it cannot be bound.
pub fn examine_pdf(path: &Path) -> Result<Examined, (Text, Text)> {
    let bytes = std::fs::read(path).map_err(|e| {
        (
            t!(
                format!("无法读取 PDF：{e}"),
                format!("cannot read the PDF: {e}")
            ),
            t!("请检查文件权限", "check the file's permissions"),
        )
    })?;
    pdf_pages(&bytes).map(|pages| Examined {
        pages: Some(pages),
        ..Examined::default()
    })
}

/// Page count of PDF bytes, refusing encrypted and unreadable files.
pub fn pdf_pages(bytes: &[u8]) -> Result<u32, (Text, Text)> {
    let corrupt = |detail: String| {
        (
            t!(
                format!("PDF 文件已损坏或无法解析（{detail}）"),
                format!("the PDF is damaged or cannot be parsed ({detail})")
            ),
            t!(
                "请用原始系统重新导出该 PDF，或打印后重新扫描",
                "export the PDF again from its source, or print and rescan it"
            ),
        )
    };
    // lopdf is robust, but a crafted file must never take the whole run down.
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
    let doc = match loaded {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            let msg = e.to_string();
            if msg.to_ascii_lowercase().contains("encrypt") || msg.contains("password") {
                return Err(encrypted());
            }
            return Err(corrupt(msg));
        }
        Err(_) => return Err(corrupt("parser failure".into())),
    };
    if doc.trailer.get(b"Encrypt").is_ok() || doc.encryption_state.is_some() {
        return Err(encrypted());
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(corrupt("no pages".into()));
    }
    // lopdf recovers what it can from a damaged file; a page that is not really there, or a
    // file cut short before its end marker, is still damaged for archiving.
    if pages.values().any(|id| doc.get_dictionary(*id).is_err()) {
        return Err(corrupt("missing page objects".into()));
    }
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(corrupt("file is truncated (no %%EOF)".into()));
    }
    Ok(pages.len() as u32)
}

fn encrypted() -> (Text, Text) {
    (
        t!(
            "PDF 已加密，无法装订和长期保存",
            "the PDF is encrypted; it cannot be bound or preserved"
        ),
        t!(
            "请取得未加密的原件，或在原系统中去除密码后重新导出",
            "obtain an unencrypted original, or remove the password and export it again"
        ),
    )
}

fn examine_image(path: &Path, kind: FileKind, size: u64) -> Result<Examined, (Text, Text)> {
    let broken = |detail: &str| {
        (
            t!(
                format!("图像文件已损坏：{detail}"),
                format!("the image is broken: {detail}")
            ),
            t!(
                "请重新扫描或重新导出该图像",
                "scan or export the image again"
            ),
        )
    };
    let dims = imagesize::size(path).map_err(|e| broken(&e.to_string()))?;
    let (w, h) = (dims.width as u64, dims.height as u64);
    if w == 0 || h == 0 {
        return Err(broken("宽或高为 0"));
    }
    if w.saturating_mul(h) > MAX_IMAGE_PIXELS {
        return Err((
            t!(
                format!("图像尺寸过大（{w} × {h} 像素），无法安全装订"),
                format!("the image is too large ({w} × {h} pixels) to bind safely")
            ),
            t!(
                "扫描件以 300 dpi 为宜（A4 约 2480 × 3508 像素），请降低分辨率后重新保存",
                "scan at about 300 dpi (A4 ≈ 2480 × 3508 pixels) and save again"
            ),
        ));
    }
    let complete = match kind {
        FileKind::Jpeg => jpeg_complete(path),
        FileKind::Png => png_complete(path, size),
        _ => Ok(true),
    }
    .map_err(|e| broken(&e.to_string()))?;
    if !complete {
        return Err(broken(match kind {
            FileKind::Jpeg => "JPEG 文件不完整（缺少结束标记），可能在复制或传输中被截断",
            _ => "PNG 文件不完整（缺少 IEND 结束块），可能被截断",
        }));
    }
    Ok(Examined {
        pages: Some(1),
        image_size: Some((w as u32, h as u32)),
        ..Examined::default()
    })
}

/// A JPEG is complete when its marker segments lead to the scan data and an end-of-image
/// marker follows it. Segments are skipped by length, so an EXIF thumbnail's own EOI does not
/// count; data appended after EOI (phone "motion photos") is fine.
fn jpeg_complete(path: &Path) -> std::io::Result<bool> {
    // The file was just hashed; reading it whole a second time cost a tenth of binding a
    // volume of scans. The segment headers are walked in the first 64 KiB (the whole file
    // only when they run past it: large EXIF or ICC segments), and the end marker is looked
    // for from the end. (A first read of 1 MiB took in the whole of a typical 400 KB scan.)
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = vec![0u8; len.min(64 << 10) as usize];
    f.read_exact(&mut head)?;
    let walked = match jpeg_walk(&head, head.len() as u64 == len) {
        JpegWalk::NeedMore => jpeg_walk(&std::fs::read(path)?, true),
        w => w,
    };
    match walked {
        JpegWalk::Done(ok) => Ok(ok),
        JpegWalk::Scan(start) => Ok(start <= len && eoi_after(&mut f, start, len)?),
        JpegWalk::NeedMore => Ok(false),
    }
}

/// Where walking a JPEG's segment headers ends.
pub(crate) enum JpegWalk {
    /// Decided without the scan data.
    Done(bool),
    /// The scan data starts at this offset.
    Scan(u64),
    /// The headers run past the bytes given (only when they are not the whole file).
    NeedMore,
}

/// Walks the marker segments of `bytes` (the whole file when `whole`, else a prefix) up to
/// the start of the scan data.
pub(crate) fn jpeg_walk(bytes: &[u8], whole: bool) -> JpegWalk {
    let short = || {
        if whole {
            JpegWalk::Done(false)
        } else {
            JpegWalk::NeedMore
        }
    };
    let mut i = 2usize;
    loop {
        // Fill bytes (FF FF …) may precede a marker.
        while i < bytes.len() && bytes[i] == 0xFF && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if i + 4 > bytes.len() {
            return short();
        }
        if bytes[i] != 0xFF {
            return JpegWalk::Done(false);
        }
        let marker = bytes[i + 1];
        if marker == 0xD9 {
            return JpegWalk::Done(false);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if len < 2 {
            return JpegWalk::Done(false);
        }
        if marker == 0xDA {
            return JpegWalk::Scan((i + 2 + len) as u64);
        }
        i += 2 + len;
    }
}

/// Whether the bytes `start..len` hold an end-of-image marker (FF D9), read backwards in
/// chunks (it is normally in the last few bytes).
fn eoi_after(f: &mut std::fs::File, start: u64, len: u64) -> std::io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    const CHUNK: u64 = 64 * 1024;
    let mut end = len;
    let mut buf = Vec::new();
    while end > start {
        // One byte of overlap with the chunk after, so a marker across the boundary counts.
        let from = end.saturating_sub(CHUNK).max(start);
        let to = (end + 1).min(len);
        buf.resize((to - from) as usize, 0);
        f.seek(SeekFrom::Start(from))?;
        f.read_exact(&mut buf)?;
        if buf.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Ok(true);
        }
        end = from;
    }
    Ok(false)
}

/// A PNG is complete when its chunks, walked by length, reach `IEND` inside the file.
fn png_complete(path: &Path, size: u64) -> std::io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let mut pos = 8u64;
    let mut hdr = [0u8; 8];
    // Bounded: a chunk header is 12 bytes at least, so a file has at most size/12 chunks.
    for _ in 0..(size / 12 + 1) {
        if pos + 12 > size {
            return Ok(false);
        }
        f.seek(SeekFrom::Start(pos))?;
        f.read_exact(&mut hdr)?;
        let len = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as u64;
        if &hdr[4..8] == b"IEND" {
            return Ok(pos + 12 <= size);
        }
        pos = pos.saturating_add(12 + len);
    }
    Ok(false)
}

/// A text material: its bytes (read whole by [`examine`]; `None` when too large to be one
/// document) must decode as UTF-8 or GB18030.
fn examine_text(bytes: Option<Vec<u8>>, size: u64) -> Result<Examined, (Text, Text)> {
    let Some(bytes) = bytes.filter(|_| size <= MAX_TEXT_BYTES) else {
        return Err((
            t!(
                format!("文本材料过大（{size} 字节），不像是一份文书"),
                format!("the text material is too large ({size} bytes) to be one document")
            ),
            t!(
                "请确认文件是否正确，或拆分为多件材料",
                "check the file, or split it into several materials"
            ),
        ));
    };
    // Decoded to know it can be; the text is handed on for the page count (renderers read
    // it again when they need it).
    match decode_text(bytes) {
        Some((text, false)) => Ok(Examined {
            text: Some(text),
            ..Examined::default()
        }),
        Some((text, true)) => Ok(Examined {
            text: Some(text),
            warning: Some((
                "encoding",
                t!(
                    "文本是 GBK/GB18030 编码，已自动转换为 UTF-8 读取",
                    "the text is GBK/GB18030; it was converted to UTF-8"
                ),
                t!(
                    "建议另存为 UTF-8 编码，避免个别字符转换出错",
                    "save it as UTF-8 to avoid conversion surprises"
                ),
            )),
            ..Examined::default()
        }),
        None => Err((
            t!(
                "文本既不是 UTF-8 也不是 GB18030/GBK 编码，无法识别",
                "the text is neither UTF-8 nor GB18030/GBK"
            ),
            t!(
                "请用文本编辑器另存为 UTF-8 编码",
                "save it as UTF-8 in a text editor"
            ),
        )),
    }
}

/// UTF-8 (without a BOM), else GB18030: the text and whether it was converted; `None` when
/// it is neither.
fn decode_text(mut bytes: Vec<u8>) -> Option<(String, bool)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // UTF-8 is taken as it is read, without a copy (texts are read once per renderer).
    match String::from_utf8(bytes) {
        Ok(s) => Some((s, false)),
        Err(e) => {
            let bytes = e.into_bytes();
            let (cow, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
            if had_errors || cow.contains('\0') {
                None
            } else {
                Some((cow.into_owned(), true))
            }
        }
    }
}

/// The decoded text of a Markdown / text file, read again when a renderer needs it (the
/// model does not keep texts, so memory does not grow with the archive). `None` when it
/// can no longer be read or decoded (it was when the archive was loaded).
pub fn read_text(path: &Path, size: u64) -> Option<String> {
    if size > MAX_TEXT_BYTES {
        return None;
    }
    decode_text(std::fs::read(path).ok()?).map(|(s, _)| s)
}

#[cfg(test)]
mod jpeg_tests {
    use super::*;

    /// The former in-memory version: the reference the seeking one must agree with.
    fn reference(bytes: &[u8]) -> bool {
        let mut i = 2usize;
        loop {
            while i < bytes.len() && bytes[i] == 0xFF && bytes.get(i + 1) == Some(&0xFF) {
                i += 1;
            }
            if i + 4 > bytes.len() || bytes[i] != 0xFF {
                return false;
            }
            let marker = bytes[i + 1];
            if marker == 0xD9 {
                return false;
            }
            if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
                i += 2;
                continue;
            }
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            if len < 2 {
                return false;
            }
            if marker == 0xDA {
                let start = i + 2 + len;
                return start <= bytes.len()
                    && bytes[start.min(bytes.len())..]
                        .windows(2)
                        .any(|w| w == [0xFF, 0xD9]);
            }
            i += 2 + len;
        }
    }

    #[test]
    fn seeking_check_agrees_with_reading_whole_files() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("x.jpg");
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize
        };
        let mut cases: Vec<Vec<u8>> = Vec::new();
        let head = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        let sos = [0xFF, 0xDA, 0x00, 0x03, 0x00];
        for n in [0usize, 1, 2, 100, 70_000, 140_000] {
            let body: Vec<u8> = (0..n).map(|_| (next() % 254) as u8).collect();
            for tail in [&[][..], &[0xFF, 0xD9][..], &[0xFF][..], &[0xD9][..]] {
                let mut v = head.to_vec();
                v.extend_from_slice(&sos);
                v.extend_from_slice(&body);
                v.extend_from_slice(tail);
                cases.push(v.clone());
                // An EOI exactly on a 64 KiB chunk boundary from the end.
                if n > 65_536 {
                    let k = v.len() - 65_536 - 1;
                    v[k] = 0xFF;
                    v[k + 1] = 0xD9;
                    cases.push(v);
                }
            }
        }
        // Headers past the first read (large APP segments, then fill bytes): the fallback.
        let mut big = vec![0xFF, 0xD8];
        for _ in 0..20 {
            big.extend_from_slice(&[0xFF, 0xE1, 0xFF, 0xFF]);
            big.extend((0..0xFFFD).map(|_| (next() % 200) as u8));
        }
        big.extend(std::iter::repeat_n(0xFF, 5000));
        big.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x03, 0x00, 1, 2, 3, 0xFF, 0xD9]);
        cases.push(big.clone());
        big.truncate(big.len() - 1);
        cases.push(big);
        cases.push(vec![0xFF, 0xD8]);
        cases.push(vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xD9, 0, 0]);
        cases.push(vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x01, 0xFF, 0xD9]);
        cases.push(vec![
            0xFF, 0xD8, 0xFF, 0xD0, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9,
        ]);
        for (k, c) in cases.iter().enumerate() {
            std::fs::write(&p, c).unwrap();
            assert_eq!(jpeg_complete(&p).unwrap(), reference(c), "case {k}");
        }
        assert!(cases.iter().any(|c| reference(c)) && cases.iter().any(|c| !reference(c)));
    }
}
