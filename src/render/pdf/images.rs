//! Scans and photos as pages: JPEG kept byte for byte (krilla writes the DCT stream as is),
//! PNG and TIFF losslessly (decoded pixels, Flate-compressed by krilla), each fitted to an
//! A4 page of its own orientation.

use super::text::{A4_H, A4_W, MM};
use crate::model::FileKind;
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// Margin around a scan on its page.
const MARGIN: f32 = 10.0 * MM;

/// The page size for an image of `w` × `h` pixels: A4 portrait, or A4 landscape for a
/// landscape image (its orientation is kept, never rotated to fit).
pub fn page_size(w: u32, h: u32) -> (f32, f32) {
    if w > h {
        (A4_H, A4_W)
    } else {
        (A4_W, A4_H)
    }
}

/// Where an image of `w` × `h` pixels is drawn on its page: (x, y, width, height).
pub fn fit(w: u32, h: u32) -> (f32, f32, f32, f32) {
    let (pw, ph) = page_size(w, h);
    let (bw, bh) = (pw - 2.0 * MARGIN, ph - 2.0 * MARGIN);
    let (iw, ih) = (w.max(1) as f32, h.max(1) as f32);
    let s = (bw / iw).min(bh / ih);
    let (dw, dh) = (iw * s, ih * s);
    ((pw - dw) / 2.0, (ph - dh) / 2.0, dw, dh)
}

/// Loads an image file for krilla. Interpolation stays off (PDF/A forbids it).
pub fn load(path: &Path, kind: FileKind) -> Result<Image, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    match kind {
        FileKind::Jpeg => Image::from_jpeg(bytes.into(), false),
        FileKind::Png => Image::from_png(bytes.into(), false),
        FileKind::Tiff => {
            let t = decode_tiff(&bytes)?;
            Image::from_custom(t, false)
        }
        _ => Err("不是图片".into()),
    }
}

/// Decoded TIFF pixels (first page), as krilla's custom image.
#[derive(Clone)]
struct Tiff {
    color: Arc<Vec<u8>>,
    alpha: Option<Arc<Vec<u8>>>,
    bits: BitsPerComponent,
    size: (u32, u32),
    space: ImageColorspace,
    hash: u64,
}

impl Hash for Tiff {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
        self.size.hash(state);
    }
}

impl CustomImage for Tiff {
    fn color_channel(&self) -> &[u8] {
        &self.color
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        self.alpha.as_deref().map(|v| v.as_slice())
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        self.bits
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        self.space
    }
}

fn decode_tiff(bytes: &[u8]) -> Result<Tiff, String> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::ColorType;
    let mut d = Decoder::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let (w, h) = d.dimensions().map_err(|e| e.to_string())?;
    let ct = d.colortype().map_err(|e| e.to_string())?;
    let data = d.read_image().map_err(|e| e.to_string())?;
    let n = (w as usize) * (h as usize);
    // Samples as bytes (8-bit) or big-endian pairs (16-bit), as PDF wants them.
    let (samples, bits): (Vec<u8>, BitsPerComponent) = match data {
        DecodingResult::U8(v) => (v, BitsPerComponent::Eight),
        DecodingResult::U16(v) => (
            v.iter().flat_map(|s| s.to_be_bytes()).collect(),
            BitsPerComponent::Sixteen,
        ),
        _ => return Err("不支持的 TIFF 采样格式".into()),
    };
    let bpc = if bits == BitsPerComponent::Eight {
        1
    } else {
        2
    };
    let (channels, alpha, space) = match ct {
        ColorType::Gray(1) => {
            // Bilevel scans (CCITT/packed bits): expand to 8-bit grey, values unchanged.
            let row = (w as usize).div_ceil(8);
            let mut out = Vec::with_capacity(n);
            for y in 0..h as usize {
                for x in 0..w as usize {
                    let byte = samples.get(y * row + x / 8).copied().unwrap_or(0);
                    out.push(if byte & (0x80 >> (x % 8)) != 0 {
                        255
                    } else {
                        0
                    });
                }
            }
            return Ok(Tiff {
                hash: hash_bytes(bytes),
                color: Arc::new(out),
                alpha: None,
                bits: BitsPerComponent::Eight,
                size: (w, h),
                space: ImageColorspace::Luma,
            });
        }
        ColorType::Gray(8) | ColorType::Gray(16) => (1, false, ImageColorspace::Luma),
        ColorType::GrayA(8) | ColorType::GrayA(16) => (1, true, ImageColorspace::Luma),
        ColorType::RGB(8) | ColorType::RGB(16) => (3, false, ImageColorspace::Rgb),
        ColorType::RGBA(8) | ColorType::RGBA(16) => (3, true, ImageColorspace::Rgb),
        ColorType::CMYK(8) | ColorType::CMYK(16) => (4, false, ImageColorspace::Cmyk),
        other => return Err(format!("不支持的 TIFF 颜色类型 {other:?}")),
    };
    let px = (channels + usize::from(alpha)) * bpc;
    if samples.len() < n * px {
        return Err("TIFF 像素数据不完整".into());
    }
    let (color, alpha_ch) = if alpha {
        let mut c = Vec::with_capacity(n * channels * bpc);
        let mut a = Vec::with_capacity(n * bpc);
        for p in samples.chunks_exact(px).take(n) {
            c.extend_from_slice(&p[..channels * bpc]);
            a.extend_from_slice(&p[channels * bpc..]);
        }
        (c, Some(Arc::new(a)))
    } else {
        (samples[..n * px].to_vec(), None)
    };
    Ok(Tiff {
        hash: hash_bytes(bytes),
        color: Arc::new(color),
        alpha: alpha_ch,
        bits,
        size: (w, h),
        space,
    })
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.hash(&mut h);
    h.finish()
}
