//! The lookup and copy ledger (查阅（复印）台账, 办法 第八条): `ledger.yaml` entries and their rules.
//!
//! Parsing keeps every entry's position so `check` can point at the offending line; the rules
//! are shared by `check` (on existing ledgers) and `ledger add` (before appending).

pub mod add;
pub mod cli;
pub mod emit;
pub mod list;
pub mod locate;
pub mod rules;

use crate::finding::Finding;
use crate::load::fields::Fields;
use crate::yaml::{Node, Pos, Value};
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::sync::Arc;

/// Reader categories of spec §4.
pub const CATEGORIES: &[&str] = &[
    "本机关工作人员",
    "有关机关",
    "申请人",
    "代理律师",
    "复议诉讼机关",
    "其他",
];

/// Roles that may read a file before the decision (办法 第八条（七）).
pub const PREDECISION_ROLES: &[&str] = &["承办人", "承办机构负责人", "分管领导", "主要领导"];

/// A `ledger.yaml` file.
#[derive(Debug, Clone, Hash)]
pub struct Ledger {
    /// Path relative to the root.
    pub rel: String,
    /// The file text (kept for snippets; never rewritten).
    pub source: Arc<str>,
    /// Entries in file order.
    pub entries: Vec<LedgerEntry>,
}

/// A copy made during a lookup.
#[derive(Debug, Hash, Clone, Default)]
pub struct CopyRecord {
    /// 复印内容.
    pub content: String,
    /// 份数.
    pub copies: Option<u32>,
    /// 批准人 (部门负责人).
    pub approved_by: String,
    /// 批准日期.
    pub approved_on: Option<NaiveDate>,
    /// Where the `copy:` key is written.
    pub pos: Pos,
}

/// One lookup (查阅) entry.
#[derive(Debug, Clone, Default, Hash)]
pub struct LedgerEntry {
    /// 查阅时间 (start).
    pub at: Option<DateTime<FixedOffset>>,
    /// 归还 / end.
    pub until: Option<DateTime<FixedOffset>>,
    /// 查阅人.
    pub reader: String,
    /// 身份类别.
    pub category: String,
    /// Optional role for pre-decision reading (承办人 …), an extension of spec §4.
    pub role: String,
    /// 单位.
    pub organization: String,
    /// 证件.
    pub id_document: String,
    /// 凭证材料.
    pub credentials: Vec<String>,
    /// 事由.
    pub purpose: String,
    /// 查阅范围.
    pub scope: String,
    /// 陪同查阅人.
    pub escort: String,
    /// Copy made, if any.
    pub copy: Option<CopyRecord>,
    /// 归还 / 检查情况 (extension).
    pub returned: String,
    /// 备注.
    pub remarks: String,
    /// Where the entry starts.
    pub pos: Pos,
}

/// Keys an entry may have.
pub const ENTRY_KEYS: &[&str] = &[
    "at",
    "until",
    "reader",
    "category",
    "role",
    "organization",
    "id_document",
    "credentials",
    "purpose",
    "scope",
    "escort",
    "copy",
    "returned",
    "remarks",
];

/// Reads entries from a parsed `ledger.yaml` (a list of mappings). Type problems become
/// `schema` findings through `fields`.
pub fn entries_from_node(node: &Node, fields: &mut Fields) -> Vec<LedgerEntry> {
    let items = match &node.value {
        Value::Null => return Vec::new(),
        Value::Seq(items) => items,
        other => {
            fields.type_error(
                node.pos,
                "ledger.yaml",
                "列表（每次查阅一项）",
                "a list (one item per lookup)",
                other,
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        if item.as_map().is_none() {
            fields.type_error(item.pos, "台账条目", "映射", "a mapping", &item.value);
            continue;
        }
        fields.unknown_keys(item, ENTRY_KEYS, "ledger entry");
        let copy = item.get("copy").and_then(|c| {
            if c.is_null() {
                return None;
            }
            if c.as_map().is_none() {
                fields.type_error(c.pos, "copy", "映射", "a mapping", &c.value);
                return None;
            }
            fields.unknown_keys(
                c,
                &["content", "copies", "approved_by", "approved_on"],
                "copy",
            );
            Some(CopyRecord {
                content: fields.string(c, "content").unwrap_or_default(),
                copies: fields.count(c, "copies"),
                approved_by: fields.string(c, "approved_by").unwrap_or_default(),
                approved_on: fields.date(c, "approved_on"),
                pos: item.key_pos("copy").unwrap_or(c.pos),
            })
        });
        out.push(LedgerEntry {
            at: fields.datetime(item, "at"),
            until: fields.datetime(item, "until"),
            reader: fields.string(item, "reader").unwrap_or_default(),
            category: fields.string(item, "category").unwrap_or_default(),
            role: fields.string(item, "role").unwrap_or_default(),
            organization: fields.string(item, "organization").unwrap_or_default(),
            id_document: fields.string(item, "id_document").unwrap_or_default(),
            credentials: fields.string_list(item, "credentials"),
            purpose: fields.string(item, "purpose").unwrap_or_default(),
            scope: fields.string(item, "scope").unwrap_or_default(),
            escort: fields.string(item, "escort").unwrap_or_default(),
            copy,
            returned: fields.string(item, "returned").unwrap_or_default(),
            remarks: fields.string(item, "remarks").unwrap_or_default(),
            pos: item.pos,
        });
    }
    out
}

/// Parses a ledger file's text; findings (yaml, schema) are appended to `findings`.
pub fn parse(rel: &str, text: &str, findings: &mut Vec<Finding>) -> Option<Ledger> {
    let mut fields = Fields::new(rel);
    let node = match crate::yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            findings.push(crate::load::yaml_finding(rel, &e));
            return None;
        }
    };
    let entries = entries_from_node(&node, &mut fields);
    findings.extend(fields.findings);
    Some(Ledger {
        rel: rel.to_string(),
        source: Arc::from(text),
        entries,
    })
}
