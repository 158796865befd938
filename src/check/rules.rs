//! The rules themselves: one function per rule id, each over the whole archive.

use super::Mode;
use crate::finding::Finding;
use crate::model::{Archive, Case, CaseStatus, Material, Volume, VolumeKind};
use crate::t;
use crate::yaml::Pos;
use std::collections::{BTreeMap, BTreeSet};

/// A rule: its id (spec §6) and the function that applies it.
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// Applies the rule.
    pub run: fn(&Archive, Mode) -> Vec<Finding>,
}

/// Every model rule, in the order they are documented. (`yaml`, `schema`, `path-escape`,
/// `file-missing`, `file-type`, `nested-case` arise while loading.)
pub const RULES: &[Rule] = &[
    Rule {
        id: "unknown-type",
        run: unknown_type,
    },
    Rule {
        id: "order",
        run: order,
    },
    Rule {
        id: "missing",
        run: missing,
    },
    Rule {
        id: "unlisted-file",
        run: unlisted_file,
    },
    Rule {
        id: "duplicate-file",
        run: duplicate_file,
    },
    Rule {
        id: "date-order",
        run: date_order,
    },
    Rule {
        id: "deadline",
        run: deadline,
    },
    Rule {
        id: "av-metadata",
        run: av_metadata,
    },
    Rule {
        id: "pages-mismatch",
        run: pages_mismatch,
    },
    Rule {
        id: "one-case-one-volume",
        run: one_case_one_volume,
    },
    Rule {
        id: "not-closed",
        run: not_closed,
    },
    Rule {
        id: "volume-split",
        run: volume_split,
    },
    Rule {
        id: "ledger-*",
        run: crate::ledger::rules::check_archive,
    },
];

fn cases(a: &Archive) -> impl Iterator<Item = (&Volume, &Case)> {
    a.volumes
        .iter()
        .flat_map(|v| v.cases.iter().map(move |c| (v, c)))
}

fn at(f: Finding, v: &Volume, file: &str, pos: Pos) -> Finding {
    f.at(file, pos).in_volume(v.id.clone())
}

fn unknown_type(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        for m in &c.materials {
            if m.type_index.is_some() || m.type_written.is_empty() {
                continue;
            }
            let near = similar_types(&c.profile, &m.type_written);
            let help = if near.is_empty() {
                t!(
                    format!("“{}”规则配置的材料类型见 `anjuan profiles show {}`；如确需新类型，请在 profiles/ 中扩展规则配置", c.profile.name, c.profile.id),
                    format!("see `anjuan profiles show {}` for the types; add new ones in a local profile under profiles/", c.profile.id)
                )
            } else {
                t!(
                    format!(
                        "是否是：{}？（规则配置：{}）",
                        near.join("、"),
                        c.profile.id
                    ),
                    format!(
                        "did you mean: {}? (profile {})",
                        near.join(", "),
                        c.profile.id
                    )
                )
            };
            out.push(at(
                Finding::error(
                    "unknown-type",
                    t!(
                        format!(
                            "材料类型“{}”不在规则配置“{}”中",
                            m.type_written, c.profile.name
                        ),
                        format!(
                            "material type “{}” is not in profile {}",
                            m.type_written, c.profile.id
                        )
                    ),
                    help,
                ),
                v,
                &c.manifest_rel,
                m.pos,
            ));
        }
    }
    out
}

/// Canonical names that share characters with a misspelt type, best first.
fn similar_types(p: &crate::profile::Profile, name: &str) -> Vec<String> {
    let chars: BTreeSet<char> = name.chars().collect();
    let mut scored: Vec<(usize, &str)> = p
        .materials
        .iter()
        .map(|t| {
            let best = std::iter::once(&t.name)
                .chain(t.aliases.iter())
                .map(|n| n.chars().filter(|c| chars.contains(c)).count())
                .max()
                .unwrap_or(0);
            (best, t.name.as_str())
        })
        .filter(|(s, _)| *s * 2 >= chars.len().max(2))
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// `order`: materials out of the profile's binding order. Attached types (送达回证 after the
/// document served, photos after their 笔录) are skipped; of the others, the longest run already
/// in order stays put and only the materials outside it are reported, so one material moved to
/// the wrong place gives one error at its own line, not one for every material it jumped over.
fn order(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        let p = &c.profile;
        let mut prev: Option<&Material> = None;
        let mut seen: BTreeMap<usize, &Material> = BTreeMap::new();
        // (profile position, material) of every material that holds a place in the order.
        let mut placed: Vec<(usize, &Material)> = Vec::new();
        for m in &c.materials {
            let Some(idx) = m.type_index else {
                continue;
            };
            let ty = &p.materials[idx];
            let attaches = ty.attach
                && prev.is_some_and(|pm| {
                    ty.attach_to.is_empty()
                        || pm.type_index == Some(idx)
                        || pm
                            .type_name
                            .as_ref()
                            .is_some_and(|n| ty.attach_to.contains(n))
                        || pm.type_index.and_then(|i| p.type_at(i)).is_some_and(|pt| {
                            pt.attach
                                && !ty.attach_to.is_empty()
                                && ty
                                    .attach_to
                                    .iter()
                                    .any(|n| Some(n) == pm.type_name.as_ref())
                        })
                });
            if let Some(first) = seen.get(&idx) {
                if !ty.repeat && !ty.attach && first.index != m.index {
                    out.push(at(
                        Finding::warning(
                            "order",
                            t!(
                                format!("“{}”出现了不止一次（第 {} 件和第 {} 件）", ty.name, first.index + 1, m.index + 1),
                                format!("“{}” appears more than once (items {} and {})", ty.name, first.index + 1, m.index + 1)
                            ),
                            t!("该类材料每案通常只有一份；若确有多份，请确认没有重复列入", "this type usually appears once per case; check it is not listed twice"),
                        ),
                        v,
                        &c.manifest_rel,
                        m.pos,
                    ));
                }
            } else {
                seen.insert(idx, m);
            }
            if !attaches {
                placed.push((idx, m));
            }
            prev = Some(m);
        }
        let keep = longest_in_order(&placed);
        for (&(idx, m), _) in placed.iter().zip(&keep).filter(|(_, k)| !**k) {
            // Say where it goes among the materials that stay: before the first of them that
            // belongs after it, when that one comes earlier in the list; else after the last
            // of them that belongs before it.
            let kept = || {
                placed
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(x, _)| *x)
            };
            let ty = &p.materials[idx];
            let before = kept()
                .find(|(r, _)| *r > idx)
                .filter(|(_, n)| n.index < m.index);
            let (zh, en, help_zh, help_en) = match before {
                Some((r, n)) => (
                    format!(
                        "材料顺序错误：“{}”应排在“{}”之前",
                        m.title_or_type(),
                        n.title_or_type()
                    ),
                    format!(
                        "out of order: “{}” belongs before “{}”",
                        m.title_or_type(),
                        n.title_or_type()
                    ),
                    format!(
                        "按“{}”的装订顺序，{}应在{}之前；请调整 materials 列表中的先后",
                        p.name, ty.name, p.materials[r].name
                    ),
                    format!(
                        "profile {} binds {} before {}; move the entry up in `materials`",
                        p.id, ty.name, p.materials[r].name
                    ),
                ),
                None => {
                    let (r, n) = kept().rfind(|(r, _)| *r <= idx).unwrap_or((idx, m));
                    (
                        format!(
                            "材料顺序错误：“{}”应排在“{}”之后",
                            m.title_or_type(),
                            n.title_or_type()
                        ),
                        format!(
                            "out of order: “{}” belongs after “{}”",
                            m.title_or_type(),
                            n.title_or_type()
                        ),
                        format!(
                            "按“{}”的装订顺序，{}应在{}之后；请调整 materials 列表中的先后",
                            p.name, ty.name, p.materials[r].name
                        ),
                        format!(
                            "profile {} binds {} after {}; move the entry down in `materials`",
                            p.id, ty.name, p.materials[r].name
                        ),
                    )
                }
            };
            out.push(at(
                Finding::error("order", t!(zh, en), t!(help_zh, help_en)),
                v,
                &c.manifest_rel,
                m.pos,
            ));
        }
    }
    out
}

/// Marks the longest subsequence of `placed` whose profile positions never decrease (the
/// materials already in binding order); the unmarked ones are the misplaced ones. Of equally long
/// runs it keeps the earlier materials, so of two swapped neighbours the second is reported.
fn longest_in_order(placed: &[(usize, &Material)]) -> Vec<bool> {
    // Built from the end: tails[k] is the index in `placed` of the start of a run of length
    // k + 1 whose first position is the largest found so far (positions decrease along tails).
    let mut tails: Vec<usize> = Vec::new();
    let mut next: Vec<Option<usize>> = vec![None; placed.len()];
    for (i, &(r, _)) in placed.iter().enumerate().rev() {
        let k = tails.partition_point(|&t| placed[t].0 >= r);
        next[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = vec![false; placed.len()];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        keep[i] = true;
        cur = next[i];
    }
    keep
}

impl Material {
    fn title_or_type(&self) -> String {
        let ty = self.type_name.as_deref().unwrap_or(&self.type_written);
        if self.title.is_empty() || self.title == ty {
            ty.to_string()
        } else {
            format!("{}（{}）", ty, self.title)
        }
    }
}

fn missing(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        let p = &c.profile;
        let present: BTreeSet<usize> = c.materials.iter().filter_map(|m| m.type_index).collect();
        for (i, ty) in p.materials.iter().enumerate() {
            let by_fact: Vec<&String> = ty
                .required_if
                .iter()
                .filter(|f| c.facts.get(*f) == Some(&true))
                .collect();
            if !ty.required && by_fact.is_empty() {
                continue;
            }
            let satisfied = present.contains(&i)
                || ty.group.as_ref().is_some_and(|g| {
                    p.materials
                        .iter()
                        .enumerate()
                        .any(|(j, t)| t.group.as_ref() == Some(g) && present.contains(&j))
                });
            if satisfied {
                continue;
            }
            // Report an alternative group once, at its first member.
            if let Some(g) = &ty.group {
                if p.materials[..i]
                    .iter()
                    .any(|t| t.group.as_ref() == Some(g) && t.required)
                {
                    continue;
                }
            }
            let alternatives: Vec<&str> = match &ty.group {
                Some(g) => p
                    .materials
                    .iter()
                    .filter(|t| t.group.as_ref() == Some(g))
                    .map(|t| t.name.as_str())
                    .collect(),
                None => vec![ty.name.as_str()],
            };
            let what = alternatives.join("”或“");
            let (msg, help) = if ty.required {
                (
                    t!(
                        format!("缺少必备材料“{what}”"),
                        format!(
                            "required material “{}” is missing",
                            alternatives.join("” or “")
                        )
                    ),
                    t!(
                        format!(
                            "“{}”案卷必须包含该材料；请补充后在 materials 中按顺序列出",
                            p.name
                        ),
                        format!(
                            "profile {} requires it; add it to `materials` in binding order",
                            p.id
                        )
                    ),
                )
            } else {
                let fl: Vec<&str> = by_fact.iter().map(|s| s.as_str()).collect();
                (
                    t!(
                        format!(
                            "缺少材料“{what}”（facts 中 {} 为 true 时必备）",
                            fl.join("、")
                        ),
                        format!(
                            "material “{}” is missing (required when facts {} is true)",
                            alternatives.join("” or “"),
                            fl.join(", ")
                        )
                    ),
                    t!(
                        format!(
                            "请补充“{what}”；如该情形并未发生，请把 facts 中的 {} 改为 false",
                            fl.join("、")
                        ),
                        format!(
                            "add it, or set facts {} to false if that did not happen",
                            fl.join(", ")
                        )
                    ),
                )
            };
            out.push(at(
                Finding::error("missing", msg, help),
                v,
                &c.manifest_rel,
                c.materials_pos,
            ));
        }
    }
    out
}

fn unlisted_file(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in &a.volumes {
        let mut listed: BTreeSet<&str> = BTreeSet::new();
        for (_, m) in v.materials() {
            listed.extend(m.listed.iter().map(String::as_str));
        }
        let loose = v.loose_files.iter();
        let in_cases = v.cases.iter().flat_map(|c| c.folder_files.iter());
        for file in loose.chain(in_cases) {
            if listed.contains(file.as_str()) {
                continue;
            }
            out.push(
                Finding::warning(
                    "unlisted-file",
                    t!(format!("文件“{file}”没有被任何材料列出"), format!("no material lists “{file}”")),
                    t!(
                        "若它属于本卷，请在 materials 中列出；若不属于，请移出案件文件夹（或放入以 _ 开头的文件夹）",
                        "list it in `materials` if it belongs to the volume; otherwise move it out (or into a folder starting with _)"
                    ),
                )
                .in_file(file.clone())
                .in_volume(v.id.clone()),
            );
        }
    }
    out
}

fn duplicate_file(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in &a.volumes {
        let mut first: BTreeMap<&str, (&Case, &Material, &str)> = BTreeMap::new();
        for (c, m) in v.materials() {
            for f in &m.files {
                match first.get(f.sha256.as_str()) {
                    Some((fc, fm, frel))
                        if !(std::ptr::eq(*fm, m) && *frel == f.rel) || std::ptr::eq(*fm, m) =>
                    {
                        let same = std::ptr::eq(*fm, m) && *frel == f.rel;
                        let (zh, en) = if same {
                            (
                                format!("“{}”在同一件材料中列了两次", f.rel),
                                format!("“{}” is listed twice in the same material", f.rel),
                            )
                        } else {
                            (
                                format!(
                                    "“{}”与“{}”内容完全相同（第 {} 件“{}”与{}第 {} 件“{}”）",
                                    f.rel,
                                    frel,
                                    m.index + 1,
                                    m.title,
                                    if fc.id == c.id {
                                        String::new()
                                    } else {
                                        format!("案件 {} ", fc.id)
                                    },
                                    fm.index + 1,
                                    fm.title
                                ),
                                format!("“{}” is byte-identical to “{}”", f.rel, frel),
                            )
                        };
                        out.push(at(
                            Finding::warning(
                                "duplicate-file",
                                t!(zh, en),
                                t!("同一份材料不应重复入卷；请确认是否误放了同一文件", "the same document should not be filed twice; check for a mix-up"),
                            ),
                            v,
                            &c.manifest_rel,
                            m.file_pos,
                        ));
                    }
                    Some(_) => {}
                    None => {
                        first.insert(&f.sha256, (c, m, &f.rel));
                    }
                }
            }
        }
    }
    out
}

fn date_order(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    let warn = |zh: String, en: String| {
        Finding::warning(
            "date-order",
            t!(zh, en),
            t!(
                "请核对日期是否填写正确；如确属实际情况，可在备注中说明",
                "check the dates; if they are right, explain in a note"
            ),
        )
    };
    for (v, c) in cases(a) {
        let pos = |k: &str| c.key_pos.get(k).copied().unwrap_or(c.pos);
        if let (Some(o), Some(d)) = (c.opened, c.decided) {
            if d < o {
                out.push(at(
                    warn(
                        format!("决定日期 {d} 早于立案/受理日期 {o}"),
                        format!("decided {d} is before opened {o}"),
                    ),
                    v,
                    &c.manifest_rel,
                    pos("decided"),
                ));
            }
        }
        if let Some(cl) = c.closed {
            if let Some(o) = c.opened.filter(|o| cl < *o) {
                out.push(at(
                    warn(
                        format!("结案日期 {cl} 早于立案/受理日期 {o}"),
                        format!("closed {cl} is before opened {o}"),
                    ),
                    v,
                    &c.manifest_rel,
                    pos("closed"),
                ));
            } else if let Some(d) = c.decided.filter(|d| cl < *d) {
                out.push(at(
                    warn(
                        format!("结案日期 {cl} 早于决定日期 {d}"),
                        format!("closed {cl} is before decided {d}"),
                    ),
                    v,
                    &c.manifest_rel,
                    pos("closed"),
                ));
            }
            for m in &c.materials {
                if let Some(md) = m.date.filter(|md| *md > cl) {
                    out.push(at(
                        warn(
                            format!("“{}”的形成日期 {md} 晚于结案日期 {cl}", m.title),
                            format!("“{}” is dated {md}, after the case closed on {cl}", m.title),
                        ),
                        v,
                        &c.manifest_rel,
                        m.pos_of("date"),
                    ));
                }
            }
            if let Some(f) = v.archive.filed_on.filter(|f| *f < cl) {
                out.push(at(
                    warn(
                        format!("立卷日期 {f} 早于结案日期 {cl}"),
                        format!("filed_on {f} is before the case closed on {cl}"),
                    ),
                    v,
                    &v.manifest_rel,
                    v.archive.filed_on_pos,
                ));
            }
        }
        for m in &c.materials {
            if let Some(av) = &m.av {
                if let (Some(s), Some(e)) = (av.start, av.end) {
                    if e < s {
                        out.push(at(
                            warn(
                                format!("“{}”的录制结束时间早于开始时间", m.title),
                                format!("“{}” ends before it starts", m.title),
                            ),
                            v,
                            &c.manifest_rel,
                            m.pos_of("av.end"),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// 办法 第六条: full-process records are filed within 30 days after the act ends.
pub const FILING_DEADLINE_DAYS: i64 = 30;

fn deadline(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        let (Some(filed), Some(closed)) = (v.archive.filed_on, c.closed) else {
            continue;
        };
        let days = (filed - closed).num_days();
        if days > FILING_DEADLINE_DAYS {
            let who = if v.kind == VolumeKind::Combined {
                format!("案件 {} ", c.number)
            } else {
                String::new()
            };
            out.push(at(
                Finding::error(
                    "deadline",
                    t!(
                        format!("{who}立卷归档日期 {filed} 距结案日期 {closed} 已 {days} 天，超过 30 日期限（办法 第六条）"),
                        format!("{who}filed on {filed}, {days} days after closing on {closed}: over the 30-day limit (Art. 6)")
                    ),
                    t!(
                        "执法行为终结之日起三十日内应立卷归档；如日期填错请更正，确已逾期的请按本单位规定说明原因",
                        "file within 30 days of the act's end; correct the date if it is wrong, otherwise record the reason as your rules require"
                    ),
                ),
                v,
                &v.manifest_rel,
                v.archive.filed_on_pos,
            ));
        }
    }
    out
}

fn av_metadata(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        for m in &c.materials {
            if !m.files.iter().any(|f| f.kind.is_av()) {
                continue;
            }
            let lacking: Vec<&str> = match &m.av {
                None => vec!["matter", "start", "place", "method", "officers"],
                Some(av) => {
                    let mut l = Vec::new();
                    if av.matter.is_empty() {
                        l.push("matter");
                    }
                    if av.start.is_none() {
                        l.push("start");
                    }
                    if av.place.is_empty() {
                        l.push("place");
                    }
                    if av.method.is_empty() {
                        l.push("method");
                    }
                    if av.officers.is_empty() {
                        l.push("officers");
                    }
                    l
                }
            };
            if lacking.is_empty() {
                continue;
            }
            let zh: Vec<&str> = lacking
                .iter()
                .map(|k| match *k {
                    "matter" => "记录事项 matter",
                    "start" => "时间 start",
                    "place" => "地点 place",
                    "method" => "方式 method",
                    _ => "执法人员 officers",
                })
                .collect();
            out.push(at(
                Finding::error(
                    "av-metadata",
                    t!(
                        format!("音像材料“{}”缺少标注：{}（办法 第六条）", m.title, zh.join("、")),
                        format!("audio/video “{}” lacks: {} (Art. 6)", m.title, lacking.join(", "))
                    ),
                    t!(
                        "作为证据的录音录像须注明记录事项、时间、地点、方式和执法人员；请在该材料下补充 av: 部分",
                        "AV evidence must state matter, time, place, method and officers; add them under `av:`"
                    ),
                ),
                v,
                &c.manifest_rel,
                m.pos_of("av"),
            ));
        }
    }
    out
}

fn pages_mismatch(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        for m in &c.materials {
            let (Some(declared), Some(real)) = (m.declared_pages, m.pages()) else {
                continue;
            };
            if m.files.is_empty() || declared == real {
                continue;
            }
            out.push(at(
                Finding::error(
                    "pages-mismatch",
                    t!(
                        format!("“{}”声明 {declared} 页，文件实际 {real} 页", m.title),
                        format!("“{}” declares {declared} pages; its files have {real}", m.title)
                    ),
                    t!(
                        format!("请核对是否缺页或多页；确认无误后把 pages 改为 {real}，或删除 pages 由工具自动计数"),
                        format!("check for missing or extra pages; then set pages to {real}, or remove it to count automatically")
                    ),
                ),
                v,
                &c.manifest_rel,
                m.declared_pages_pos,
            ));
        }
    }
    out
}

fn one_case_one_volume(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in a.volumes.iter().filter(|v| v.kind == VolumeKind::Combined) {
        for c in &v.cases {
            if c.kind == "行政处罚" && c.procedure == "简易程序" {
                continue;
            }
            let pos = c
                .key_pos
                .get("procedure")
                .or(c.key_pos.get("kind"))
                .copied()
                .unwrap_or(c.pos);
            let what = if c.procedure.is_empty() {
                c.kind.clone()
            } else {
                format!("{}（{}）", c.kind, c.procedure)
            };
            out.push(at(
                Finding::error(
                    "one-case-one-volume",
                    t!(
                        format!("合订卷中只能汇集简易程序行政处罚案件，此案是{what}"),
                        format!("only simple-procedure penalty cases may be gathered; this case is {what}")
                    ),
                    t!(
                        "一案一卷（办法 第三条）：请把此案件文件夹移出合订卷文件夹，单独成卷",
                        "one case, one volume (Art. 3): move this case folder out of the combined volume"
                    ),
                ),
                v,
                &c.manifest_rel,
                pos,
            ));
        }
    }
    out
}

fn not_closed(a: &Archive, mode: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, c) in cases(a) {
        if c.status != CaseStatus::Open {
            continue;
        }
        let msg = t!(
            "案件状态为“办理中”，尚未结案",
            "the case is still open (办理中)"
        );
        let help = t!(
            "归档需已结案：结案后把 status 改为 已结案 并填写 closed 日期",
            "archiving needs a closed case: set status to 已结案 and fill in `closed`"
        );
        let f = match mode {
            Mode::Check => Finding::warning("not-closed", msg, help),
            Mode::Build => Finding::error("not-closed", msg, help),
        };
        let pos = c.key_pos.get("status").copied().unwrap_or(c.pos);
        out.push(at(f, v, &c.manifest_rel, pos));
    }
    out
}

fn volume_split(a: &Archive, _: Mode) -> Vec<Finding> {
    let max = a.settings.max_volume_pages.max(1);
    let mut out = Vec::new();
    for v in &a.volumes {
        let pages = v.known_pages();
        if pages > max {
            let parts = pages.div_ceil(max);
            out.push(
                Finding::warning(
                    "volume-split",
                    t!(
                        format!("本卷共 {pages} 页，超过每卷 {max} 页的上限，将分为约 {parts} 册装订"),
                        format!("{pages} pages exceed the {max}-page limit; the volume will be bound as about {parts} parts")
                    ),
                    t!(
                        "分册在材料之间进行，每册有自己的封面、目录和备考表；如需调整上限，请修改 archive.yaml 的 max_volume_pages",
                        "parts split between materials, each with its own cover, TOC and 备考表; change max_volume_pages in archive.yaml to adjust"
                    ),
                )
                .at(v.manifest_rel.clone(), Pos { line: 1, column: 1 })
                .in_volume(v.id.clone()),
            );
        }
    }
    out
}
