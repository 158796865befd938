//! Fonts for every generated PDF page: the embedded OFL CJK face plus system fallbacks.
//!
//! The default face (`fonts/NotoSerifCJKsc-Subset.otf`, GB2312 coverage) is compiled into the
//! binary and parsed once per process. A character it lacks (a rare name character, a symbol)
//! is looked up in system fonts, scanned lazily the first time such a character appears, so
//! the common case never touches the disk. A character found nowhere is reported by the
//! caller as a `font-glyph` finding, never drawn as a silent empty box.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The default CJK face, embedded in the binary (SIL OFL 1.1, see `fonts/README.md`).
pub static EMBEDDED_FONT: &[u8] = include_bytes!("../../../fonts/NotoSerifCJKsc-Subset.otf");

/// One parsed font face: the bytes for krilla (which subsets it into the PDF) and a
/// `ttf-parser` face for character lookup and advances.
pub struct Face {
    /// A short name for messages (file name and face index).
    pub name: String,
    /// The krilla font handle (cheap to clone; krilla keys subsets by it).
    pub krilla: krilla::text::Font,
    face: ttf_parser::Face<'static>,
    /// Glyph ids of the Basic Multilingual Plane (0: none), filled on first use: typesetting
    /// looks up every character, and a table beats the cmap's binary search.
    bmp: OnceLock<Box<[u16]>>,
    upem: f32,
    ascender: f32,
    descender: f32,
}

impl Face {
    fn parse(name: String, data: &'static [u8], index: u32) -> Option<Face> {
        let face = ttf_parser::Face::parse(data, index).ok()?;
        let krilla = krilla::text::Font::new(krilla::Data::from(data), index)?;
        let upem = face.units_per_em() as f32;
        Some(Face {
            name,
            krilla,
            upem,
            ascender: face.ascender() as f32 / upem,
            descender: face.descender() as f32 / upem,
            face,
            bmp: OnceLock::new(),
        })
    }

    /// The glyph for a character, when the face has one.
    pub fn glyph(&self, ch: char) -> Option<u16> {
        let c = ch as u32;
        if c <= 0xFFFF {
            let table = self.bmp.get_or_init(|| {
                (0..=0xFFFFu32)
                    .map(|c| char::from_u32(c).map_or(0, |ch| self.cmap(ch)))
                    .collect()
            });
            return Some(table[c as usize]).filter(|g| *g != 0);
        }
        Some(self.cmap(ch)).filter(|g| *g != 0)
    }

    /// The cmap lookup itself (0: no glyph).
    fn cmap(&self, ch: char) -> u16 {
        self.face.glyph_index(ch).map_or(0, |g| g.0)
    }

    /// Horizontal advance of a glyph in em units (1.0 = font size).
    pub fn advance(&self, glyph: u16) -> f32 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map(|a| a as f32 / self.upem)
            .unwrap_or(1.0)
    }

    /// Ascender in em units (positive, above the baseline).
    pub fn ascender(&self) -> f32 {
        self.ascender
    }

    /// Descender in em units (negative, below the baseline).
    pub fn descender(&self) -> f32 {
        self.descender
    }
}

/// Where a character is drawn from: the face index in [`Fonts`] and the glyph id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlyphRef {
    /// Index of the face: 0 is the embedded face, higher ones are fallbacks.
    pub face: usize,
    /// Glyph id within that face.
    pub glyph: u16,
}

/// The process-wide font set: the embedded face first, then system fallbacks in a fixed
/// order (so the same input picks the same fallback on the same machine).
pub struct Fonts {
    primary: Face,
    fallbacks: OnceLock<Vec<Face>>,
    /// Per-character fallback lookups, so a rare character is searched for once.
    cache: Mutex<HashMap<char, Option<GlyphRef>>>,
}

static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();

/// System font files tried first, in order (file, face index): the full Noto CJK SC faces
/// cover far more than the GB2312 subset.
const KNOWN_FALLBACKS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
        2,
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
];

/// Folders scanned (sorted, a few levels deep) after the known files.
const FONT_DIRS: &[&str] = &[
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:\\Windows\\Fonts",
];

impl Fonts {
    /// The process-wide font set, parsed on first use. `None` only if the embedded face
    /// cannot be parsed (a broken build), which callers turn into a render error.
    pub fn get() -> Option<&'static Fonts> {
        FONTS
            .get_or_init(|| {
                let primary = Face::parse("NotoSerifCJKsc-Subset.otf".into(), EMBEDDED_FONT, 0)?;
                Some(Fonts {
                    primary,
                    fallbacks: OnceLock::new(),
                    cache: Mutex::new(HashMap::new()),
                })
            })
            .as_ref()
    }

    /// A face by index (0 = embedded). Index values come from [`Fonts::lookup`].
    pub fn face(&self, index: usize) -> &Face {
        if index == 0 {
            return &self.primary;
        }
        self.fallbacks().get(index - 1).unwrap_or(&self.primary)
    }

    /// The embedded face.
    pub fn primary(&self) -> &Face {
        &self.primary
    }

    /// Finds a character: the embedded face, else the first system font that has it.
    /// `None` means no available font can draw it.
    pub fn lookup(&self, ch: char) -> Option<GlyphRef> {
        if let Some(g) = self.primary.glyph(ch) {
            return Some(GlyphRef { face: 0, glyph: g });
        }
        if let Ok(cache) = self.cache.lock() {
            if let Some(hit) = cache.get(&ch) {
                return *hit;
            }
        }
        let found = self.fallbacks().iter().enumerate().find_map(|(i, f)| {
            f.glyph(ch).map(|g| GlyphRef {
                face: i + 1,
                glyph: g,
            })
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(ch, found);
        }
        found
    }

    /// Whether a character needs no glyph (controls and other invisible characters).
    pub fn is_invisible(ch: char) -> bool {
        ch.is_control() || matches!(ch, '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}')
    }

    /// The characters of `text` that no available font can draw, deduplicated, in order.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for ch in text.chars() {
            if !Fonts::is_invisible(ch)
                && !ch.is_whitespace()
                && self.lookup(ch).is_none()
                && !out.contains(&ch)
            {
                out.push(ch);
            }
        }
        out
    }

    fn fallbacks(&self) -> &Vec<Face> {
        self.fallbacks.get_or_init(load_fallbacks)
    }
}

/// Loads the fallback faces: known CJK files first, then every font file in the font
/// folders (sorted by path, so the choice is stable). The bytes are leaked on purpose: they
/// live as long as the process, which lets faces borrow them without self-references.
fn load_fallbacks() -> Vec<Face> {
    let mut paths: Vec<(PathBuf, Option<u32>)> = KNOWN_FALLBACKS
        .iter()
        .map(|(p, i)| (PathBuf::from(p), Some(*i)))
        .collect();
    let mut scanned = Vec::new();
    for dir in FONT_DIRS {
        scan_dir(Path::new(dir), 0, &mut scanned);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        scan_dir(&home.join(".fonts"), 0, &mut scanned);
        scan_dir(&home.join(".local/share/fonts"), 0, &mut scanned);
    }
    scanned.sort();
    paths.extend(scanned.into_iter().map(|p| (p, None)));

    let mut seen = std::collections::HashSet::new();
    let mut faces = Vec::new();
    for (path, index) in paths {
        if !seen.insert(path.clone()) || !path.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match index {
            Some(i) => faces.extend(Face::parse(format!("{name}#{i}"), data, i)),
            None => {
                let n = ttf_parser::fonts_in_collection(data).unwrap_or(1);
                for i in 0..n {
                    faces.extend(Face::parse(format!("{name}#{i}"), data, i));
                }
            }
        }
    }
    faces
}

fn scan_dir(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) {
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            scan_dir(&p, depth + 1, out);
        } else if let Some(ext) = p.extension().and_then(|e| e.to_str()) {
            if matches!(
                ext.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            ) {
                out.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_face_covers_common_text() {
        let f = Fonts::get().expect("embedded font parses");
        for ch in "案卷封面目录页号，。、（）《》ABC123".chars() {
            assert_eq!(f.lookup(ch).map(|g| g.face), Some(0), "{ch}");
        }
    }
}
