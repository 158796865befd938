//! Rule profiles: one per case type, as data (YAML), built in and overridable per archive.
//!
//! A profile lists material types in binding order, with for each type whether it is always
//! required, required when a `facts` flag is set, may repeat, may attach to the document
//! before it (送达回证 after each served document), is a conclusive document (结论性文件) or
//! belongs in the internal part (副卷). See the README for the format.

use crate::finding::Finding;
use crate::t;
use crate::yaml::Pos;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The built-in profiles, embedded in the binary: (id, YAML source).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "penalty-ordinary",
        include_str!("../../profiles/penalty-ordinary.yaml"),
    ),
    (
        "penalty-simple",
        include_str!("../../profiles/penalty-simple.yaml"),
    ),
    ("licensing", include_str!("../../profiles/licensing.yaml")),
    (
        "coercion-measure",
        include_str!("../../profiles/coercion-measure.yaml"),
    ),
    (
        "coercion-enforcement",
        include_str!("../../profiles/coercion-enforcement.yaml"),
    ),
    ("inspection", include_str!("../../profiles/inspection.yaml")),
];

/// Where page numbers are stamped.
#[derive(Debug, Hash, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum StampPosition {
    /// Top right (文书档案 practice, the default).
    #[default]
    TopRight,
    /// Top left.
    TopLeft,
    /// Bottom right (科技档案 practice).
    BottomRight,
    /// Bottom centre.
    BottomCenter,
}

/// Page numbering settings (users disagree, so they are profile data).
#[derive(Debug, Hash, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// Where the 页号 goes on front pages.
    #[serde(default)]
    pub position: StampPosition,
    /// Whether 封面 and 卷内文件目录 count in the numbering.
    #[serde(default)]
    pub count_front_matter: bool,
    /// Duplex: even (back) pages get the mirrored corner.
    #[serde(default)]
    pub duplex: bool,
}

impl Default for Numbering {
    fn default() -> Self {
        Numbering {
            position: StampPosition::TopRight,
            count_front_matter: false,
            duplex: false,
        }
    }
}

/// One material type of a profile.
#[derive(Debug, Hash, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialType {
    /// Canonical name, e.g. `立案审批表`.
    pub name: String,
    /// Other names accepted in manifests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Always required.
    #[serde(default)]
    pub required: bool,
    /// Required when any of these `facts` flags is true.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_if: Vec<String>,
    /// A group of alternatives: a required type is satisfied by any type of the same group
    /// (受理通知书 or 不予受理决定书).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// May appear several times.
    #[serde(default)]
    pub repeat: bool,
    /// May follow the document before it instead of holding its own place in the order.
    #[serde(default)]
    pub attach: bool,
    /// With `attach`: the types it may follow (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attach_to: Vec<String>,
    /// A conclusive document (结论性文件): the party and its lawyer may see it.
    #[serde(default)]
    pub conclusive: bool,
    /// Belongs in the internal part (副卷).
    #[serde(default)]
    pub internal: bool,
}

/// A rule profile.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Stable id, e.g. `penalty-ordinary`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The case kind it serves (行政处罚, …).
    pub kind: String,
    /// Procedures that select it by default (empty: any procedure of the kind).
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Default 保管期限.
    pub retention: String,
    /// Page numbering settings.
    #[serde(default)]
    pub numbering: Numbering,
    /// Material types in binding order.
    pub materials: Vec<MaterialType>,
}

impl Profile {
    /// Finds a type by canonical name or alias: (index in order, type).
    pub fn find_type(&self, name: &str) -> Option<(usize, &MaterialType)> {
        let name = name.trim();
        self.materials
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == name)
            .or_else(|| {
                self.materials
                    .iter()
                    .enumerate()
                    .find(|(_, t)| t.aliases.iter().any(|a| a == name))
            })
    }

    /// The type at an index of the order.
    pub fn type_at(&self, index: usize) -> Option<&MaterialType> {
        self.materials.get(index)
    }
}

/// Where a profile came from.
#[derive(Debug, Clone)]
pub enum ProfileSource {
    /// Embedded in the binary.
    Builtin,
    /// `<root>/profiles/<file>` (relative path).
    Local(String),
}

/// All profiles available to an archive.
#[derive(Debug, Clone, Default)]
pub struct ProfileSet {
    /// By id.
    pub profiles: BTreeMap<String, (Arc<Profile>, ProfileSource, Arc<str>)>,
}

fn parse_profile(text: &str) -> Result<Profile, (Pos, String)> {
    serde_saphyr::from_str::<Profile>(text).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos {
                line: l.line() as u32,
                column: l.column() as u32,
            })
            .unwrap_or_default();
        let msg = e
            .to_string()
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("invalid profile")
            .to_string();
        (pos, msg)
    })
}

/// Checks a profile for internal contradictions (a name used twice).
fn validate(p: &Profile) -> Vec<String> {
    let mut seen = BTreeMap::new();
    let mut problems = Vec::new();
    for t in &p.materials {
        for n in std::iter::once(&t.name).chain(t.aliases.iter()) {
            if let Some(prev) = seen.insert(n.clone(), t.name.clone()) {
                if prev != t.name {
                    problems.push(format!("`{n}` names both `{prev}` and `{}`", t.name));
                }
            }
        }
    }
    if p.materials.is_empty() {
        problems.push("no material types".into());
    }
    problems
}

impl ProfileSet {
    /// The built-in profiles only.
    pub fn builtin() -> ProfileSet {
        let mut set = ProfileSet::default();
        for (id, text) in BUILTIN {
            // Built-in profiles are tested (`builtin_profiles_parse`); a broken one is a bug.
            if let Ok(p) = parse_profile(text) {
                set.profiles.insert(
                    (*id).to_string(),
                    (Arc::new(p), ProfileSource::Builtin, Arc::from(*text)),
                );
            }
        }
        set
    }

    /// Built-in profiles plus `<root>/profiles/*.yaml` (a local id replaces a built-in one).
    /// Problems in local profiles are returned as `schema` / `yaml` findings.
    pub fn load(root: &Path) -> (ProfileSet, Vec<Finding>) {
        let mut set = ProfileSet::builtin();
        let mut findings = Vec::new();
        let dir = root.join("profiles");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return (set, findings);
        };
        let mut files: Vec<_> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e == "yaml" || e == "yml")
            })
            .collect();
        files.sort();
        for path in files {
            let rel = format!(
                "profiles/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let text = match std::fs::read(&path) {
                Ok(b) => match String::from_utf8(b) {
                    Ok(s) => s,
                    Err(_) => {
                        findings.push(
                            Finding::error(
                                "yaml",
                                t!("规则配置文件不是 UTF-8 编码", "profile is not UTF-8"),
                                t!("请将文件另存为 UTF-8 编码", "save the file as UTF-8"),
                            )
                            .in_file(rel),
                        );
                        continue;
                    }
                },
                Err(e) => {
                    findings.push(
                        Finding::error(
                            "yaml",
                            t!(
                                format!("无法读取规则配置文件：{e}"),
                                format!("cannot read profile: {e}")
                            ),
                            t!("请检查文件权限", "check the file's permissions"),
                        )
                        .in_file(rel),
                    );
                    continue;
                }
            };
            match parse_profile(&text) {
                Ok(p) => {
                    let problems = validate(&p);
                    if !problems.is_empty() {
                        findings.push(
                            Finding::error(
                                "schema",
                                t!(
                                    format!("规则配置 {} 自相矛盾：{}", p.id, problems.join("；")),
                                    format!(
                                        "profile {} contradicts itself: {}",
                                        p.id,
                                        problems.join("; ")
                                    )
                                ),
                                t!(
                                    "每个材料名称（含别名）只能对应一种材料类型",
                                    "each name or alias may name one material type only"
                                ),
                            )
                            .in_file(rel),
                        );
                        continue;
                    }
                    set.profiles.insert(
                        p.id.clone(),
                        (
                            Arc::new(p),
                            ProfileSource::Local(rel),
                            Arc::from(text.as_str()),
                        ),
                    );
                }
                Err((pos, msg)) => findings.push(
                    Finding::error(
                        "schema",
                        t!(
                            format!("规则配置文件格式错误：{msg}"),
                            format!("invalid profile: {msg}")
                        ),
                        t!(
                            "用 `anjuan profiles show penalty-ordinary` 查看正确格式，对照修改",
                            "compare with `anjuan profiles show penalty-ordinary`"
                        ),
                    )
                    .at(rel, pos),
                ),
            }
        }
        (set, findings)
    }

    /// A profile by id.
    pub fn get(&self, id: &str) -> Option<Arc<Profile>> {
        self.profiles.get(id).map(|(p, _, _)| p.clone())
    }

    /// The YAML source of a profile (for `profiles show`).
    pub fn source(&self, id: &str) -> Option<&str> {
        self.profiles.get(id).map(|(_, _, s)| &**s)
    }

    /// The default profile for a case kind and procedure.
    pub fn default_for(&self, kind: &str, procedure: &str) -> Option<Arc<Profile>> {
        let of_kind: Vec<_> = self
            .profiles
            .values()
            .filter(|(p, _, _)| p.kind == kind)
            .collect();
        if !procedure.is_empty() {
            if let Some((p, _, _)) = of_kind
                .iter()
                .find(|(p, _, _)| p.procedures.iter().any(|x| x == procedure))
            {
                return Some(p.clone());
            }
        }
        // No procedure given (or not listed): the kind's first profile in the built-in order.
        for (id, _) in BUILTIN {
            if let Some((p, _, _)) = of_kind.iter().find(|(p, _, _)| p.id == *id) {
                if procedure.is_empty() || p.procedures.is_empty() {
                    return Some(p.clone());
                }
            }
        }
        if procedure.is_empty() {
            of_kind.first().map(|(p, _, _)| p.clone())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_parse() {
        for (id, text) in BUILTIN {
            let p = parse_profile(text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert_eq!(&p.id, id);
            assert!(validate(&p).is_empty(), "{id}: {:?}", validate(&p));
        }
        assert_eq!(ProfileSet::builtin().profiles.len(), BUILTIN.len());
    }

    #[test]
    fn penalty_ordinary_has_spec_order() {
        let set = ProfileSet::builtin();
        let p = set.get("penalty-ordinary").unwrap();
        let spec = [
            "案件来源登记表",
            "立案审批表",
            "询问笔录",
            "现场检查笔录",
            "现场照片",
            "执法记录仪视频",
            "当事人身份证明",
            "证据材料",
            "案件调查终结报告",
            "法制审核意见书",
            "集体讨论记录",
            "行政处罚事先告知书",
            "陈述申辩笔录",
            "听证通知书",
            "听证笔录",
            "行政处罚决定审批表",
            "行政处罚决定书",
            "送达回证",
            "罚没款缴款凭证",
            "结案报告",
        ];
        let idx: Vec<usize> = spec
            .iter()
            .map(|n| {
                let (i, t) = p.find_type(n).unwrap();
                assert_eq!(&t.name, n);
                i
            })
            .collect();
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "{idx:?}");
        let s = set.get("penalty-simple").unwrap();
        let spec = [
            "当场行政处罚决定书",
            "现场照片",
            "执法记录仪视频",
            "罚没款缴款凭证",
            "备案登记表",
        ];
        let idx: Vec<usize> = spec.iter().map(|n| s.find_type(n).unwrap().0).collect();
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "{idx:?}");
    }

    #[test]
    fn defaults_by_kind_and_procedure() {
        let set = ProfileSet::builtin();
        let id = |k: &str, p: &str| set.default_for(k, p).map(|p| p.id.clone());
        assert_eq!(
            id("行政处罚", "普通程序").as_deref(),
            Some("penalty-ordinary")
        );
        assert_eq!(
            id("行政处罚", "简易程序").as_deref(),
            Some("penalty-simple")
        );
        assert_eq!(id("行政处罚", "").as_deref(), Some("penalty-ordinary"));
        assert_eq!(id("行政许可", "").as_deref(), Some("licensing"));
        assert_eq!(id("行政强制", "").as_deref(), Some("coercion-measure"));
        assert_eq!(
            id("行政强制", "行政强制执行").as_deref(),
            Some("coercion-enforcement")
        );
        assert_eq!(id("行政检查", "").as_deref(), Some("inspection"));
    }
}
