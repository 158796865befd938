//! Imported PDFs: opened with lopdf, cleaned (named destinations resolved; JavaScript,
//! launch actions, embedded files and external links stripped), and merged into the
//! krilla-made dossier by swapping each placeholder page for the imported page, with the
//! placeholder's content (the 页号 stamp, drawn with the CJK font by krilla) overlaid as a
//! Form XObject.
//!
//! Keeping the imported page objects (not re-drawing them) preserves their links,
//! annotations, rotation and page size. Placeholders keep their object ids, so the outline,
//! the 目录 links and the page labels krilla wrote stay valid.

use crate::finding::{Finding, Text};
use crate::t;
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::outline::OutlineNode;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// How an imported page is shown: its displayed size and the matrix from the displayed
/// (upright) space to the page's own space (accounts for the crop box origin and /Rotate).
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Displayed width in points.
    pub width: f32,
    /// Displayed height in points.
    pub height: f32,
    matrix: [f32; 6],
}

/// A warning about an imported file (made into a finding by the caller).
#[derive(Debug, Clone)]
pub struct ImportWarning {
    /// Rule id.
    pub rule: &'static str,
    /// Message.
    pub message: Text,
    /// Help.
    pub help: Text,
}

/// An opened, cleaned imported PDF.
pub struct Import {
    /// Root-relative path (for messages).
    pub rel: String,
    doc: Document,
    page_ids: Vec<ObjectId>,
    /// Geometry of each page.
    pub geometry: Vec<Geometry>,
    toc: Vec<lopdf::TocType>,
    /// What cleaning removed, and other warnings.
    pub warnings: Vec<ImportWarning>,
    /// Why the file may keep the dossier from PDF/A-2b conformance (empty: no known reason).
    pub pdfa_issues: Vec<String>,
}

const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Resources", b"Rotate"];

impl Import {
    /// Opens and cleans an imported PDF. Errors are messages for a render error.
    pub fn open(path: &Path, rel: &str) -> Result<Import, String> {
        let mut doc = Document::load(path).map_err(|e| e.to_string())?;
        if doc.is_encrypted() {
            doc.decrypt("")
                .map_err(|e| format!("加密的 PDF 无法打开：{e}"))?;
        }
        let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if page_ids.is_empty() {
            return Err("PDF 没有页面".into());
        }
        // Materialise inherited attributes, since the old page tree is dropped.
        for &pid in &page_ids {
            let mut found: Vec<(&[u8], Object)> = Vec::new();
            for key in INHERITED {
                if let Some(v) = inherited(&doc, pid, key) {
                    found.push((key, v));
                }
            }
            if let Ok(d) = doc.get_dictionary_mut(pid) {
                for (k, v) in found {
                    d.set(k, v);
                }
            }
        }
        let mut geometry = Vec::new();
        for &pid in &page_ids {
            geometry.push(page_geometry(&doc, pid));
        }
        let toc = doc.get_toc().map(|t| t.toc).unwrap_or_default();
        let mut imp = Import {
            rel: rel.to_string(),
            doc,
            page_ids,
            geometry,
            toc,
            warnings: Vec::new(),
            pdfa_issues: Vec::new(),
        };
        imp.resolve_named_dests();
        imp.strip_active_content();
        imp.check_pdfa();
        Ok(imp)
    }

    /// The file's own outline as krilla nodes, for a file whose first page is document page
    /// `first_index`.
    pub fn outline_nodes(&self, first_index: usize) -> Vec<OutlineNode> {
        // Build the tree from (level, title, page) entries.
        fn build(
            entries: &[lopdf::TocType],
            i: &mut usize,
            level: usize,
            first: usize,
            max: usize,
        ) -> Vec<OutlineNode> {
            let mut out = Vec::new();
            while *i < entries.len() && entries[*i].level >= level {
                let e = &entries[*i];
                let page = e.page.saturating_sub(1).min(max);
                let mut node = OutlineNode::new(
                    e.title.clone(),
                    XyzDestination::new(first + page, Point::from_xy(0.0, 0.0)),
                );
                *i += 1;
                for c in build(entries, i, e.level + 1, first, max) {
                    node.push_child(c);
                }
                out.push(node);
            }
            out
        }
        let min_level = self.toc.iter().map(|e| e.level).min().unwrap_or(1);
        let mut i = 0;
        build(
            &self.toc,
            &mut i,
            min_level,
            first_index,
            self.page_ids.len().saturating_sub(1),
        )
    }

    fn resolve_named_dests(&mut self) {
        let mut names: HashMap<Vec<u8>, Object> = HashMap::new();
        let doc = &self.doc;
        if let Ok(cat) = doc.catalog() {
            if let Ok(Object::Dictionary(d)) = cat.get_deref(b"Dests", doc) {
                for (k, v) in d.iter() {
                    names.insert(k.clone(), v.clone());
                }
            }
            if let Ok(Object::Dictionary(n)) = cat.get_deref(b"Names", doc) {
                if let Ok(Object::Dictionary(tree)) = n.get_deref(b"Dests", doc) {
                    collect_name_tree(doc, tree, &mut names, 0);
                }
            }
        }
        if names.is_empty() {
            return;
        }
        // A destination value may be an array or a dictionary with /D.
        let resolved: HashMap<Vec<u8>, Object> = names
            .into_iter()
            .filter_map(|(k, v)| {
                let v = match &v {
                    Object::Reference(r) => {
                        doc.get_object(*r).ok().cloned().unwrap_or(Object::Null)
                    }
                    o => o.clone(),
                };
                let v = match v {
                    Object::Dictionary(d) => d.get(b"D").ok().cloned()?,
                    o => o,
                };
                Some((k, v))
            })
            .collect();
        let lookup = |o: &Object| -> Option<Object> {
            match o {
                Object::String(s, _) => resolved.get(s).cloned(),
                Object::Name(n) => resolved.get(n).cloned(),
                _ => None,
            }
        };
        for obj in self.doc.objects.values_mut() {
            walk_dicts(obj, &mut |d| {
                if let Ok(dest) = d.get(b"Dest") {
                    if let Some(r) = lookup(dest) {
                        d.set("Dest", r);
                    }
                }
                let is_goto =
                    d.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(b"GoTo".as_slice());
                if is_goto {
                    if let Ok(dest) = d.get(b"D") {
                        if let Some(r) = lookup(dest) {
                            d.set("D", r);
                        }
                    }
                }
            });
        }
    }

    fn strip_active_content(&mut self) {
        let (mut js, mut launch, mut files, mut uri) = (0usize, 0usize, 0usize, 0usize);
        // Referenced action objects that are active content or external links, by kind.
        let bad: HashMap<ObjectId, Vec<u8>> = self
            .doc
            .objects
            .iter()
            .filter_map(|(id, o)| {
                let k = action_kind(o)?;
                active_action(k).then(|| (*id, k.to_vec()))
            })
            .collect();
        let names = self
            .doc
            .catalog()
            .ok()
            .and_then(|c| c.get_deref(b"Names", &self.doc).ok())
            .and_then(|n| n.as_dict().ok());
        if names.is_some_and(|n| n.has(b"EmbeddedFiles")) {
            files += 1;
        }
        if names.is_some_and(|n| n.has(b"JavaScript")) {
            js += 1;
        }
        for obj in self.doc.objects.values_mut() {
            walk_dicts(obj, &mut |d| {
                for key in [b"AA".as_slice(), b"JS".as_slice()] {
                    if d.remove(key).is_some() {
                        js += 1;
                    }
                }
                // An OpenAction is often just "open at page 1" (a destination array): drop it
                // silently; count it only when it is a script or a launch.
                let kind_of = |o: &Object| match o {
                    Object::Dictionary(_) => action_kind(o).map(|k| k.to_vec()),
                    Object::Reference(r) => bad.get(r).cloned(),
                    _ => None,
                };
                let mut count = |k: &[u8]| match k {
                    b"JavaScript" => js += 1,
                    b"Launch" | b"ImportData" | b"Rendition" => launch += 1,
                    b"URI" | b"SubmitForm" | b"GoToR" => uri += 1,
                    _ => {}
                };
                if let Some(open) = d.remove(b"OpenAction") {
                    if let Some(k) = kind_of(&open) {
                        count(&k);
                    }
                }
                let a_kind = d.get(b"A").ok().and_then(kind_of);
                if let Some(k) = a_kind.filter(|k| active_action(k)) {
                    d.remove(b"A");
                    count(&k);
                }
                if d.get(b"Type").ok().and_then(|t| t.as_name().ok())
                    == Some(b"Filespec".as_slice())
                    && d.remove(b"EF").is_some()
                {
                    files += 1;
                }
            });
        }
        // File attachment annotations carry embedded files: drop them from the pages.
        let attach: std::collections::HashSet<ObjectId> = self
            .doc
            .objects
            .iter()
            .filter(|(_, o)| {
                o.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"Subtype").ok())
                    .and_then(|s| s.as_name().ok())
                    == Some(b"FileAttachment".as_slice())
            })
            .map(|(id, _)| *id)
            .collect();
        if !attach.is_empty() {
            files += attach.len();
            for &pid in &self.page_ids {
                if let Ok(d) = self.doc.get_dictionary_mut(pid) {
                    if let Ok(Object::Array(a)) = d.get_mut(b"Annots") {
                        a.retain(|o| !matches!(o, Object::Reference(r) if attach.contains(r)));
                    }
                }
            }
        }
        if js + launch + files + uri > 0 {
            let list = |parts: [(usize, String); 4], sep: &str| {
                let v: Vec<String> = parts
                    .into_iter()
                    .filter(|(n, _)| *n > 0)
                    .map(|(_, s)| s)
                    .collect();
                v.join(sep)
            };
            let zh = list(
                [
                    (js, format!("JavaScript {js} 处")),
                    (launch, format!("启动/导入动作 {launch} 处")),
                    (files, format!("嵌入文件 {files} 个")),
                    (uri, format!("外部链接 {uri} 处")),
                ],
                "、",
            );
            let en = list(
                [
                    (js, format!("JavaScript {js}")),
                    (launch, format!("launch/import actions {launch}")),
                    (files, format!("embedded files {files}")),
                    (uri, format!("external links {uri}")),
                ],
                ", ",
            );
            self.warnings.push(ImportWarning {
                rule: "pdf-active-content",
                message: t!(
                    format!("导入的 PDF 含有活动内容、附件或外部链接（{zh}），已从案卷中去除"),
                    format!("the imported PDF has active content, attachments or external links ({en}); removed from the dossier")
                ),
                help: t!("附件如需归档，请作为单独的材料列入 case.yaml", "list attachments that must be kept as materials of their own"),
            });
        }
        let has_form = self
            .doc
            .catalog()
            .map(|c| c.has(b"AcroForm"))
            .unwrap_or(false);
        if has_form {
            self.warnings.push(ImportWarning {
                rule: "pdf-form",
                message: t!("导入的 PDF 含有表单域；页面外观保留，但表单域不再可编辑", "the imported PDF has form fields; their appearance is kept but they are no longer editable"),
                help: t!("如需保留可填写的表单，请另行保存原文件", "keep the original file if the fillable form matters"),
            });
        }
    }

    /// Finds what is known to break PDF/A-2b: fonts that are not embedded, LZW
    /// compression, annotations that are not printable or lack an appearance.
    fn check_pdfa(&mut self) {
        let mut unembedded = std::collections::BTreeSet::new();
        let mut lzw = false;
        for obj in self.doc.objects.values() {
            if let Ok(s) = obj.as_stream() {
                let f = s.dict.get(b"Filter").ok();
                let is_lzw = match f {
                    Some(Object::Name(n)) => n == b"LZWDecode",
                    Some(Object::Array(a)) => a
                        .iter()
                        .any(|x| x.as_name().ok() == Some(b"LZWDecode".as_slice())),
                    _ => false,
                };
                lzw |= is_lzw;
            }
            let Ok(d) = obj.as_dict() else { continue };
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok())
                != Some(b"FontDescriptor".as_slice())
            {
                continue;
            }
            if !(d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3")) {
                let name = d
                    .get(b"FontName")
                    .ok()
                    .and_then(|n| n.as_name().ok())
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default();
                unembedded.insert(name);
            }
        }
        // Simple fonts without any descriptor (the base-14 fonts) are not embedded either.
        for obj in self.doc.objects.values() {
            let Ok(d) = obj.as_dict() else { continue };
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Font".as_slice()) {
                let sub = d
                    .get(b"Subtype")
                    .ok()
                    .and_then(|t| t.as_name().ok())
                    .unwrap_or(b"");
                if !matches!(sub, b"Type0" | b"Type3") && !d.has(b"FontDescriptor") {
                    let name = d
                        .get(b"BaseFont")
                        .ok()
                        .and_then(|n| n.as_name().ok())
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .unwrap_or_default();
                    unembedded.insert(name);
                }
            }
        }
        if !unembedded.is_empty() {
            self.pdfa_issues.push(format!(
                "未嵌入的字体：{}",
                unembedded.into_iter().collect::<Vec<_>>().join("、")
            ));
        }
        if lzw {
            self.pdfa_issues.push("使用 LZW 压缩".into());
        }
        // Annotations (ISO 19005-2 §6.3.2–6.3.3): every one but a Popup needs the Print flag
        // and none of Invisible/Hidden/NoView/ToggleNoView; every one but a Popup or Link
        // with an area needs a normal appearance stream.
        let (mut no_print, mut no_appearance) = (
            std::collections::BTreeSet::new(),
            std::collections::BTreeSet::new(),
        );
        for &pid in &self.page_ids {
            let Ok(page) = self.doc.get_dictionary(pid) else {
                continue;
            };
            let Ok(Object::Array(annots)) = page.get_deref(b"Annots", &self.doc) else {
                continue;
            };
            for a in annots {
                let a = match a {
                    Object::Reference(r) => self.doc.get_dictionary(*r).ok(),
                    o => o.as_dict().ok(),
                };
                let Some(a) = a else { continue };
                let sub = a
                    .get(b"Subtype")
                    .ok()
                    .and_then(|s| s.as_name().ok())
                    .unwrap_or(b"");
                if sub == b"Popup" {
                    continue;
                }
                let name = String::from_utf8_lossy(sub).into_owned();
                let flags = a.get(b"F").ok().and_then(number).unwrap_or(0.0) as i64;
                if flags & 4 == 0 || flags & (1 | 2 | 32 | 256) != 0 {
                    no_print.insert(name.clone());
                }
                let area = a
                    .get(b"Rect")
                    .ok()
                    .and_then(|r| rect_of(&self.doc, r))
                    .is_some_and(|[x0, y0, x1, y1]| x1 > x0 && y1 > y0);
                let has_n = a
                    .get_deref(b"AP", &self.doc)
                    .ok()
                    .and_then(|ap| ap.as_dict().ok())
                    .is_some_and(|ap| ap.has(b"N"));
                if sub != b"Link" && area && !has_n {
                    no_appearance.insert(name);
                }
            }
        }
        let list =
            |s: std::collections::BTreeSet<String>| s.into_iter().collect::<Vec<_>>().join("、");
        if !no_print.is_empty() {
            self.pdfa_issues
                .push(format!("注释未设为可打印：{}", list(no_print)));
        }
        if !no_appearance.is_empty() {
            self.pdfa_issues
                .push(format!("注释缺少外观流：{}", list(no_appearance)));
        }
    }
}

fn action_kind(o: &Object) -> Option<&[u8]> {
    o.as_dict().ok()?.get(b"S").ok()?.as_name().ok()
}

/// Actions that run code, start programs or reach outside the file.
fn active_action(kind: &[u8]) -> bool {
    matches!(
        kind,
        b"JavaScript"
            | b"Launch"
            | b"ImportData"
            | b"Rendition"
            | b"URI"
            | b"SubmitForm"
            | b"GoToR"
    )
}

fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut id = page;
    for _ in 0..64 {
        let d = doc.get_dictionary(id).ok()?;
        if let Ok(v) = d.get(key) {
            return Some(v.clone());
        }
        id = d.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn rect_of(doc: &Document, o: &Object) -> Option<[f32; 4]> {
    let o = match o {
        Object::Reference(r) => doc.get_object(*r).ok()?,
        o => o,
    };
    let a = o.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f32> = a
        .iter()
        .filter_map(|x| match x {
            Object::Reference(r) => doc.get_object(*r).ok().and_then(number),
            x => number(x),
        })
        .collect();
    if v.len() != 4 {
        return None;
    }
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

fn page_geometry(doc: &Document, pid: ObjectId) -> Geometry {
    let d = doc.get_dictionary(pid).ok();
    let media = d
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|o| rect_of(doc, o))
        .unwrap_or([0.0, 0.0, 595.276, 841.89]);
    let crop = d
        .and_then(|d| d.get(b"CropBox").ok())
        .and_then(|o| rect_of(doc, o))
        .unwrap_or(media);
    let [x0, y0, x1, y1] = crop;
    let rot = d
        .and_then(|d| d.get(b"Rotate").ok())
        .and_then(number)
        .map(|r| ((r as i64 % 360) + 360) % 360)
        .unwrap_or(0);
    let (w, h) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let (width, height, matrix) = match rot {
        90 => (h, w, [0.0, 1.0, -1.0, 0.0, x1, y0]),
        180 => (w, h, [-1.0, 0.0, 0.0, -1.0, x1, y1]),
        270 => (h, w, [0.0, -1.0, 1.0, 0.0, x0, y1]),
        _ => (w, h, [1.0, 0.0, 0.0, 1.0, x0, y0]),
    };
    Geometry {
        width,
        height,
        matrix,
    }
}

fn collect_name_tree(
    doc: &Document,
    node: &Dictionary,
    out: &mut HashMap<Vec<u8>, Object>,
    depth: u32,
) {
    if depth > 32 {
        return;
    }
    if let Ok(Object::Array(names)) = node.get_deref(b"Names", doc) {
        for pair in names.chunks(2) {
            if let [Object::String(k, _), v] = pair {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if let Ok(Object::Array(kids)) = node.get_deref(b"Kids", doc) {
        for k in kids {
            if let Ok(id) = k.as_reference() {
                if let Ok(d) = doc.get_dictionary(id) {
                    collect_name_tree(doc, d, out, depth + 1);
                }
            }
        }
    }
}

/// Calls `f` on every dictionary inside an object (streams' dictionaries included).
fn walk_dicts(obj: &mut Object, f: &mut impl FnMut(&mut Dictionary)) {
    match obj {
        Object::Dictionary(d) => {
            f(d);
            for (_, v) in d.iter_mut() {
                walk_dicts(v, f);
            }
        }
        Object::Stream(s) => {
            f(&mut s.dict);
            for (_, v) in s.dict.iter_mut() {
                walk_dicts(v, f);
            }
        }
        Object::Array(a) => {
            for v in a.iter_mut() {
                walk_dicts(v, f);
            }
        }
        _ => {}
    }
}

fn remap_refs(obj: &mut Object, map: &HashMap<ObjectId, ObjectId>) {
    match obj {
        Object::Reference(r) => {
            if let Some(n) = map.get(r) {
                *r = *n;
            }
        }
        Object::Dictionary(d) => {
            for (_, v) in d.iter_mut() {
                remap_refs(v, map);
            }
        }
        Object::Stream(s) => {
            for (_, v) in s.dict.iter_mut() {
                remap_refs(v, map);
            }
        }
        Object::Array(a) => {
            for v in a.iter_mut() {
                remap_refs(v, map);
            }
        }
        _ => {}
    }
}

/// A placeholder page of the krilla document standing for an imported page.
#[derive(Debug, Clone, Copy)]
pub struct Placeholder {
    /// 0-based page index in the krilla document.
    pub index: usize,
    /// Index of the import.
    pub import: usize,
    /// 0-based page index in the import.
    pub page: usize,
}

/// Merges the imports into the krilla document `base`, replacing placeholders. Returns the
/// final bytes and warnings (PDF/A conformance lost).
pub fn merge(
    base: &[u8],
    imports: Vec<Import>,
    placeholders: &[Placeholder],
    doc_id: &str,
) -> Result<(Vec<u8>, Vec<Finding>), String> {
    let mut out = Document::load_mem(base).map_err(|e| e.to_string())?;
    let out_pages: Vec<ObjectId> = out.get_pages().into_values().collect();
    // The generated streams, but for the placeholders' own content (it becomes the stamp,
    // and the placeholder page itself is dropped).
    let mut generated: std::collections::BTreeSet<ObjectId> = out
        .objects
        .iter()
        .filter(|(_, o)| matches!(o, Object::Stream(_)))
        .map(|(id, _)| *id)
        .collect();
    for p in placeholders {
        if let Some(&ph) = out_pages.get(p.index) {
            match out.get_dictionary(ph).and_then(|d| d.get(b"Contents")) {
                Ok(Object::Reference(r)) => {
                    generated.remove(r);
                }
                Ok(Object::Array(a)) => {
                    for r in a.iter().filter_map(|o| o.as_reference().ok()) {
                        generated.remove(&r);
                    }
                }
                _ => {}
            }
        }
    }
    let mut warnings = Vec::new();
    // Shared wrapper streams: isolate the original content's graphics state from the stamp.
    let open_id = out.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let close_id = out.add_object(Stream::new(
        Dictionary::new(),
        b"\nQ\nq /AnjuanStamp Do Q\n".to_vec(),
    ));
    let mut pdfa_issues: Vec<(String, Vec<String>)> = Vec::new();

    let mut by_import: BTreeMap<usize, Vec<Placeholder>> = BTreeMap::new();
    for p in placeholders {
        by_import.entry(p.import).or_default().push(*p);
    }
    for (ii, mut imp) in imports.into_iter().enumerate() {
        if !imp.pdfa_issues.is_empty() {
            pdfa_issues.push((imp.rel.clone(), imp.pdfa_issues.clone()));
        }
        // Renumber above everything in the output; page ids move with the objects.
        let old_pages = imp.page_ids.clone();
        let first_new = out.max_id + 1;
        imp.doc.renumber_objects_with(first_new);
        let new_pages: Vec<ObjectId> = imp.doc.get_pages().into_values().collect();
        if new_pages.len() != old_pages.len() {
            return Err(format!("{}: 页面树在重新编号后不一致", imp.rel));
        }
        out.max_id = out.max_id.max(imp.doc.max_id);
        let mut map: HashMap<ObjectId, ObjectId> = HashMap::new();
        for p in by_import.get(&ii).map(|v| v.as_slice()).unwrap_or(&[]) {
            if let (Some(&np), Some(&ph)) = (new_pages.get(p.page), out_pages.get(p.index)) {
                map.insert(np, ph);
            }
        }
        let catalog_id = imp
            .doc
            .trailer
            .get(b"Root")
            .ok()
            .and_then(|r| r.as_reference().ok());
        let page_set: std::collections::HashSet<ObjectId> = new_pages.iter().copied().collect();
        let mut page_dicts: HashMap<ObjectId, Dictionary> = HashMap::new();
        for (id, mut obj) in std::mem::take(&mut imp.doc.objects) {
            if Some(id) == catalog_id {
                continue;
            }
            let is_pages = obj
                .as_dict()
                .ok()
                .and_then(|d| d.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"Pages".as_slice());
            if is_pages {
                continue;
            }
            remap_refs(&mut obj, &map);
            if page_set.contains(&id) {
                if let Object::Dictionary(d) = obj {
                    page_dicts.insert(id, d);
                }
                continue;
            }
            out.objects.insert(id, obj);
        }
        for p in by_import.get(&ii).map(|v| v.as_slice()).unwrap_or(&[]) {
            let (Some(&np), Some(&ph)) = (new_pages.get(p.page), out_pages.get(p.index)) else {
                continue;
            };
            let Some(mut page) = page_dicts.remove(&np) else {
                continue;
            };
            let geom = imp
                .geometry
                .get(p.page)
                .copied()
                .ok_or("页面几何信息缺失")?;
            // The stamp: the placeholder's content and resources as a Form XObject.
            let ph_dict = out.get_dictionary(ph).map_err(|e| e.to_string())?.clone();
            // Kept as stored (krilla compressed it already): no inflate and deflate per page.
            let stored = stored_content(&out, ph);
            let ph_res = match ph_dict.get(b"Resources") {
                Ok(Object::Reference(r)) => out
                    .get_object(*r)
                    .ok()
                    .cloned()
                    .unwrap_or(Object::Dictionary(Dictionary::new())),
                Ok(o) => o.clone(),
                Err(_) => Object::Dictionary(Dictionary::new()),
            };
            let mut fd = Dictionary::new();
            fd.set("Type", Object::Name(b"XObject".to_vec()));
            fd.set("Subtype", Object::Name(b"Form".to_vec()));
            fd.set(
                "BBox",
                vec![
                    0.into(),
                    0.into(),
                    Object::Real(geom.width),
                    Object::Real(geom.height),
                ],
            );
            fd.set(
                "Matrix",
                geom.matrix
                    .iter()
                    .map(|v| Object::Real(*v))
                    .collect::<Vec<Object>>(),
            );
            fd.set("Resources", ph_res);
            let form = match stored {
                Some((raw, filters)) => {
                    for (k, v) in filters.iter() {
                        fd.set(k.clone(), v.clone());
                    }
                    Stream::new(fd, raw)
                }
                None => {
                    let mut form = Stream::new(fd, out.get_page_content(ph));
                    super::deflate::compress_stream(&mut form);
                    form
                }
            };
            let form_id = out.add_object(form);

            // Page resources: a private copy with the stamp added.
            let mut res = match page.get(b"Resources") {
                Ok(Object::Reference(r)) => {
                    out.get_dictionary(*r).ok().cloned().unwrap_or_default()
                }
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            let mut xo = match res.get(b"XObject") {
                Ok(Object::Reference(r)) => {
                    out.get_dictionary(*r).ok().cloned().unwrap_or_default()
                }
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            xo.set("AnjuanStamp", Object::Reference(form_id));
            res.set("XObject", xo);
            page.set("Resources", res);
            let mut contents = vec![Object::Reference(open_id)];
            match page.get(b"Contents") {
                Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                Ok(Object::Reference(r)) => match out.get_object(*r) {
                    Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                    _ => contents.push(Object::Reference(*r)),
                },
                _ => {}
            }
            contents.push(Object::Reference(close_id));
            page.set("Contents", contents);
            if let Ok(parent) = ph_dict.get(b"Parent") {
                page.set("Parent", parent.clone());
            }
            // Group / struct entries of the placeholder do not apply to the original.
            out.objects.insert(ph, Object::Dictionary(page));
        }
    }
    if !pdfa_issues.is_empty() {
        strip_pdfa_claim(&mut out);
        for (rel, issues) in pdfa_issues {
            warnings.push(
                Finding::warning(
                    "pdf-archival",
                    t!(
                        format!("导入的 PDF 不符合 PDF/A-2b（{}），合订后的案卷不再声明 PDF/A", issues.join("；")),
                        format!("the imported PDF is not PDF/A-2b ({}); the bound dossier no longer claims PDF/A", issues.join("; "))
                    ),
                    t!("如需长期保存格式，请先将该文件转换为 PDF/A 后再归档", "convert the file to PDF/A before archiving if long-term format conformance matters"),
                )
                .in_file(rel),
            );
        }
    }
    // Compress what the generator left uncompressed (a no-op for streams with a filter).
    for id in generated {
        if let Some(Object::Stream(s)) = out.objects.get_mut(&id) {
            // XMP metadata stays readable as plain text (PDF/A readers expect it unfiltered).
            let metadata =
                s.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Metadata".as_slice());
            if !metadata {
                super::deflate::compress_stream(s);
            }
        }
    }
    out.prune_objects();
    // A fixed file identifier derived from the volume (no clock, no randomness).
    let id = {
        use sha2::Digest;
        let h = sha2::Sha256::digest(doc_id.as_bytes());
        Object::String(h[..16].to_vec(), lopdf::StringFormat::Hexadecimal)
    };
    out.trailer.set("ID", vec![id.clone(), id]);
    let mut buf = Vec::new();
    out.save_to(&mut buf).map_err(|e| e.to_string())?;
    Ok((buf, warnings))
}

/// A page's content when it is a single stream, as stored (still encoded), with the
/// `Filter` / `DecodeParms` entries needed to read it.
fn stored_content(doc: &Document, page: ObjectId) -> Option<(Vec<u8>, Dictionary)> {
    let id = match doc.get_dictionary(page).ok()?.get(b"Contents").ok()? {
        Object::Reference(r) => *r,
        Object::Array(a) if a.len() == 1 => a[0].as_reference().ok()?,
        _ => return None,
    };
    let Ok(Object::Stream(s)) = doc.get_object(id) else {
        return None;
    };
    let mut filters = Dictionary::new();
    for key in [b"Filter".as_slice(), b"DecodeParms"] {
        if let Ok(v) = s.dict.get(key) {
            filters.set(key, v.clone());
        }
    }
    Some((s.content.clone(), filters))
}

/// Removes the PDF/A identification from the XMP metadata (the file can no longer promise it).
fn strip_pdfa_claim(doc: &mut Document) {
    let meta = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|m| m.as_reference().ok());
    let Some(mid) = meta else { return };
    let Some(Object::Stream(s)) = doc.objects.get_mut(&mid) else {
        return;
    };
    let Ok(content) = s
        .decompressed_content()
        .or_else(|_| Ok::<_, ()>(s.content.clone()))
    else {
        return;
    };
    let xmp = String::from_utf8_lossy(&content).into_owned();
    let mut cleaned = String::with_capacity(xmp.len());
    let mut rest = xmp.as_str();
    // Remove <pdfaid:...>...</pdfaid:...> elements and pdfaid:*="…" attributes.
    while let Some(start) = rest.find("<pdfaid:") {
        cleaned.push_str(&rest[..start]);
        let after = &rest[start..];
        let tag_end = after.find('>').map(|e| e + 1).unwrap_or(after.len());
        let name_end = after[1..].find(['>', ' ', '/']).map(|e| e + 1).unwrap_or(1);
        let name = &after[1..name_end];
        let close = format!("</{name}>");
        if after[..tag_end].ends_with("/>") {
            rest = &after[tag_end..];
        } else if let Some(c) = after.find(&close) {
            rest = &after[c + close.len()..];
        } else {
            rest = &after[tag_end..];
        }
    }
    cleaned.push_str(rest);
    let mut out = String::with_capacity(cleaned.len());
    let mut rest = cleaned.as_str();
    while let Some(start) = rest.find("pdfaid:") {
        let attr = &rest[start..];
        if let Some(eq) = attr.find("=\"") {
            if let Some(q) = attr[eq + 2..].find('"') {
                out.push_str(&rest[..start]);
                rest = &attr[eq + 2 + q + 1..];
                continue;
            }
        }
        out.push_str(&rest[..start + 7]);
        rest = &attr[7..];
    }
    out.push_str(rest);
    s.dict.remove(b"Filter");
    s.dict.remove(b"DecodeParms");
    s.set_content(out.into_bytes());
}
