//! Volume page numbering (页号) and the split into 册, shared by every renderer so the HTML
//! dossier, the bound PDF and the ledger agree on every number.
//!
//! Numbering follows standards.md §7: material pages are numbered continuously from 1 within
//! each 册; 封面, 目录 and 备考表 carry none (unless the profile counts the front matter, in
//! which case numbering starts after the front pages the renderer reports).

use crate::model::{Case, Material, Volume};

/// Where one material sits in the bound volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Index of the case in `volume.cases`.
    pub case: usize,
    /// Index of the material in `case.materials`.
    pub material: usize,
    /// 0-based 册 (part) index.
    pub part: usize,
    /// First page number (1-based within the part); `None` for a material with no pages.
    pub first: Option<u32>,
    /// Last page number.
    pub last: Option<u32>,
    /// 1-based 序号 within the part's 目录.
    pub seq: usize,
}

/// One 册 of a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// 0-based index.
    pub index: usize,
    /// Placements of its materials, in binding order.
    pub items: Vec<Placement>,
    /// Numbered pages in this part.
    pub pages: u32,
}

/// The numbering of a whole volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Parts in order (one unless the volume is split).
    pub parts: Vec<Part>,
}

impl Paging {
    /// Numbers a volume. `max_pages` is `max_volume_pages`; `front_offset` is the number of
    /// front pages counted in the numbering (0 unless the profile counts them). Materials
    /// whose page count is still unknown count as one page.
    pub fn of(volume: &Volume, max_pages: u32, front_offset: u32) -> Paging {
        let max = max_pages.max(1);
        let mut parts = vec![Part {
            index: 0,
            items: Vec::new(),
            pages: 0,
        }];
        for (ci, c) in volume.cases.iter().enumerate() {
            for (mi, m) in c.materials.iter().enumerate() {
                let n = m.pages().unwrap_or(1);
                let cur = parts.last_mut().expect("at least one part");
                // Split only at material boundaries, and never leave a part empty.
                if !cur.items.is_empty() && cur.pages + n > max {
                    let index = parts.len();
                    parts.push(Part {
                        index,
                        items: Vec::new(),
                        pages: 0,
                    });
                }
                let cur = parts.last_mut().expect("at least one part");
                let (first, last) = if n == 0 {
                    (None, None)
                } else {
                    let first = front_offset + cur.pages + 1;
                    (Some(first), Some(first + n - 1))
                };
                let seq = cur.items.len() + 1;
                cur.items.push(Placement {
                    case: ci,
                    material: mi,
                    part: cur.index,
                    first,
                    last,
                    seq,
                });
                cur.pages += n;
            }
        }
        Paging { parts }
    }

    /// The numbering of a part of a volume that keeps the full volume's numbers: `map` holds
    /// the original placement of each material by (case id, manifest index).
    pub fn kept(
        volume: &Volume,
        map: &std::collections::BTreeMap<(String, usize), Placement>,
    ) -> Paging {
        let mut parts: Vec<Part> = Vec::new();
        for (ci, c) in volume.cases.iter().enumerate() {
            for (mi, m) in c.materials.iter().enumerate() {
                let Some(orig) = map.get(&(c.id.clone(), m.index)) else {
                    continue;
                };
                if parts.last().is_none_or(|p| p.index != orig.part) {
                    parts.push(Part {
                        index: orig.part,
                        items: Vec::new(),
                        pages: 0,
                    });
                }
                let part = parts.last_mut().expect("just pushed");
                part.items.push(Placement {
                    case: ci,
                    material: mi,
                    ..orig.clone()
                });
                part.pages += match (orig.first, orig.last) {
                    (Some(a), Some(b)) => b - a + 1,
                    _ => 0,
                };
            }
        }
        if parts.is_empty() {
            parts.push(Part {
                index: 0,
                items: Vec::new(),
                pages: 0,
            });
        }
        Paging { parts }
    }

    /// Every placement keyed by (case id, manifest index), to keep numbers in an export.
    pub fn by_material(
        &self,
        volume: &Volume,
    ) -> std::collections::BTreeMap<(String, usize), Placement> {
        self.all()
            .map(|p| {
                let (c, m) = resolve(volume, p);
                ((c.id.clone(), m.index), p.clone())
            })
            .collect()
    }

    /// The placement of a material.
    pub fn find(&self, case: usize, material: usize) -> Option<&Placement> {
        self.parts
            .iter()
            .flat_map(|p| p.items.iter())
            .find(|p| p.case == case && p.material == material)
    }

    /// Total numbered pages.
    pub fn total_pages(&self) -> u32 {
        self.parts.iter().map(|p| p.pages).sum()
    }

    /// All placements in binding order.
    pub fn all(&self) -> impl Iterator<Item = &Placement> {
        self.parts.iter().flat_map(|p| p.items.iter())
    }
}

/// Resolves a placement to its case and material.
pub fn resolve<'a>(volume: &'a Volume, p: &Placement) -> (&'a Case, &'a Material) {
    let c = &volume.cases[p.case];
    (c, &c.materials[p.material])
}

/// `12` or `12-15` (the 页号 column; the TOC's last row gives start–end).
pub fn page_label(first: Option<u32>, last: Option<u32>, range: bool) -> String {
    match (first, last) {
        (Some(a), Some(b)) if range && b > a => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}
