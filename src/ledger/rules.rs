//! The 办法 第八条 rules over ledger entries (spec §4), shared by `check` and `ledger add`.

use super::{LedgerEntry, PREDECISION_ROLES};
use crate::check::Mode;
use crate::finding::Finding;
use crate::model::{Archive, CaseStatus, Volume};
use crate::t;

/// What the rules need to know about the volume an entry belongs to.
pub struct VolumeFacts<'a> {
    /// The volume.
    pub volume: &'a Volume,
}

impl VolumeFacts<'_> {
    /// Spec §4 equates "before the decision" with `status: 办理中`.
    fn decided(&self) -> bool {
        self.volume
            .cases
            .iter()
            .all(|c| c.status == CaseStatus::Closed)
    }
    fn handlers(&self) -> impl Iterator<Item = &String> {
        self.volume.cases.iter().flat_map(|c| c.handlers.iter())
    }
    /// Page ranges of conclusive materials (with the 送达回证 that follow them), when pages are
    /// known.
    pub fn conclusive_pages(&self) -> Option<Vec<(u32, u32)>> {
        let mut ranges = Vec::new();
        let mut page = 1u32;
        let mut host_conclusive = false;
        for (c, m) in self.volume.materials() {
            let n = m.pages()?;
            let ty = m.type_index.and_then(|i| c.profile.type_at(i));
            let conclusive = match ty {
                Some(t) if t.conclusive => {
                    host_conclusive = true;
                    true
                }
                Some(t) if t.attach && t.name == "送达回证" => host_conclusive,
                _ => {
                    host_conclusive = false;
                    false
                }
            };
            if conclusive && n > 0 {
                ranges.push((page, page + n - 1));
            }
            page += n;
        }
        Some(ranges)
    }
}

/// Parses a scope of page ranges like `1-12,25`; `None` when it is not one.
pub fn page_ranges(scope: &str) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::new();
    for part in scope.split([',', '，', '、']) {
        let part = part
            .trim()
            .trim_start_matches('第')
            .trim_end_matches('页')
            .trim();
        if part.is_empty() {
            continue;
        }
        let (a, b) = match part.split_once(['-', '–', '—', '~', '至']) {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n: u32 = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

fn has(creds: &[String], id_document: &str, needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|n| creds.iter().any(|c| c.contains(n)) || id_document.contains(n))
}

/// `（三）` → `(3)` for English messages.
fn clause_en(clause: &str) -> String {
    const NUMS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let inner = clause.trim_start_matches('（').trim_end_matches('）');
    match NUMS.iter().position(|n| *n == inner) {
        Some(i) => format!("({})", i + 1),
        None => String::new(),
    }
}

/// A refusal: rule id, the sub-clause of 第八条, message and help.
fn refuse(
    rule: &'static str,
    clause: &str,
    zh: String,
    en: String,
    help_zh: &str,
    help_en: &str,
) -> Finding {
    Finding::error(
        rule,
        t!(
            format!("{zh}（办法 第八条{clause}）"),
            format!("{en} (Measures Art. 8{})", clause_en(clause))
        ),
        t!(help_zh, help_en),
    )
}

/// Applies every ledger rule to one entry. Findings carry no location yet.
pub fn check_entry(e: &LedgerEntry, facts: &VolumeFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    // Reader, time and escort, always.
    let mut lacking = Vec::new();
    if e.reader.is_empty() {
        lacking.push(("查阅人 reader", "reader"));
    }
    if e.at.is_none() {
        lacking.push(("查阅时间 at", "at"));
    }
    if e.escort.is_empty() {
        lacking.push(("陪同查阅人 escort", "escort"));
    }
    if e.category.is_empty() {
        lacking.push(("身份类别 category", "category"));
    }
    if !lacking.is_empty() {
        out.push(refuse(
            "ledger-incomplete",
            "（一）",
            format!(
                "台账记录缺少：{}",
                lacking.iter().map(|l| l.0).collect::<Vec<_>>().join("、")
            ),
            format!(
                "the entry lacks: {}",
                lacking.iter().map(|l| l.1).collect::<Vec<_>>().join(", ")
            ),
            "每次查阅须记录查阅人、查阅时间和档案管理机构陪同查阅人",
            "every lookup records the reader, the time and the escorting archivist",
        ));
    } else if !super::CATEGORIES.contains(&e.category.as_str()) {
        out.push(refuse(
            "ledger-incomplete",
            "",
            format!("身份类别“{}”无效", e.category),
            format!("unknown category “{}”", e.category),
            "可选：本机关工作人员 | 有关机关 | 申请人 | 代理律师 | 复议诉讼机关 | 其他",
            "one of: 本机关工作人员 | 有关机关 | 申请人 | 代理律师 | 复议诉讼机关 | 其他",
        ));
    }
    if let (Some(a), Some(u)) = (e.at, e.until) {
        if u < a {
            out.push(refuse(
                "ledger-incomplete",
                "（一）",
                "归还时间早于查阅时间".into(),
                "`until` is before `at`".into(),
                "请核对查阅起止时间",
                "check the start and end times",
            ));
        }
    }
    // Copies need the department head's approval, with content and number recorded.
    if let Some(c) = &e.copy {
        if c.approved_by.is_empty() {
            out.push(refuse(
                "ledger-copy-unapproved",
                "（一）",
                "复印未经批准：缺少批准人 approved_by".into(),
                "copy without approval: `approved_by` is missing".into(),
                "复印案卷资料须报部门负责人批准；请填写 copy.approved_by（批准人）和 approved_on（批准日期）",
                "copies need the department head's approval: fill in copy.approved_by and approved_on",
            ));
        }
        if c.content.is_empty() || c.copies.is_none_or(|n| n == 0) {
            out.push(refuse(
                "ledger-incomplete",
                "（一）",
                "复印记录缺少复印内容或份数".into(),
                "the copy record lacks its content or number of copies".into(),
                "请按批准的内容和份数填写 copy.content 和 copy.copies",
                "fill in copy.content and copy.copies as approved",
            ));
        }
    }
    // Before the decision only the four roles may read.
    if !facts.decided() {
        let is_handler = facts.handlers().any(|h| *h == e.reader);
        let role_ok = PREDECISION_ROLES.contains(&e.role.as_str());
        if !(e.category == "本机关工作人员" && (is_handler || role_ok)) {
            out.push(refuse(
                "ledger-predecision",
                "（七）",
                format!("案件尚未作出决定，{}（{}）不得查阅", e.reader, e.category),
                format!("no decision yet: {} ({}) may not read the file", e.reader, e.category),
                "决定作出前，仅案件承办人、承办机构负责人、分管领导、主要领导可查阅；请在 role 中注明其身份",
                "before the decision only the handler, the handling unit's head, the leader in charge and the principal leader may read; state it in `role`",
            ));
        }
    }
    // Credentials and scope by category.
    match e.category.as_str() {
        "有关机关" => {
            let letter = has(
                &e.credentials,
                "",
                &["介绍信", "公函", "有关文件", "调卷函", "协查函", "文件"],
            );
            let id = !e.id_document.is_empty() || has(&e.credentials, "", &["证"]);
            if !letter || !id {
                let mut l = Vec::new();
                let mut l_en = Vec::new();
                if !letter {
                    l.push("有关文件或单位介绍信");
                    l_en.push("an official document or introduction letter");
                }
                if !id {
                    l.push("相关人员有效证件");
                    l_en.push("a valid ID");
                }
                out.push(refuse(
                    "ledger-credentials",
                    "（二）",
                    format!("有关机关查阅缺少凭证：{}", l.join("、")),
                    format!("a public body's lookup lacks: {}", l_en.join(" and ")),
                    "纪检、公安、检察、审判、司法行政、国家安全、审计等单位凭有关文件、单位介绍信、相关人员有效证件查阅；请在 credentials 和 id_document 中登记",
                    "public bodies present an official document or introduction letter and a valid ID; record them in credentials and id_document",
                ));
            }
        }
        "申请人" | "代理律师" => {
            if e.category == "代理律师" {
                let needed: [(&str, &[&str]); 3] = [
                    ("法院立案通知书", &["立案通知书", "受理通知书"]),
                    ("授权委托书", &["委托书"]),
                    ("律师执业证", &["执业证"]),
                ];
                let l: Vec<&str> = needed
                    .iter()
                    .filter(|(_, n)| !has(&e.credentials, &e.id_document, n))
                    .map(|(w, _)| *w)
                    .collect();
                if !l.is_empty() {
                    out.push(refuse(
                        "ledger-credentials",
                        "（三）",
                        format!("代理律师查阅缺少凭证：{}", l.join("、")),
                        format!("a lawyer's lookup lacks: {}", l.join(", ")),
                        "代理律师应提供法院立案通知书、当事人委托书和律师执业证；请在 credentials 中登记",
                        "a lawyer presents the court's filing notice, the power of attorney and the practising certificate; list them in credentials",
                    ));
                }
            } else {
                if e.id_document.is_empty()
                    && !has(&e.credentials, "", &["身份证", "证件", "营业执照"])
                {
                    out.push(refuse(
                        "ledger-credentials",
                        "（三）",
                        "申请人查阅缺少有效身份证件".into(),
                        "the applicant's lookup lacks a valid ID".into(),
                        "申请人凭单位介绍信及申请人有效身份证件查阅；请填写 id_document",
                        "an applicant presents an introduction letter and a valid ID; fill in id_document",
                    ));
                }
                // An organisation applies through a person it sends: the unit's letter (or
                // power of attorney) shows who they read for.
                if !e.organization.is_empty()
                    && !has(&e.credentials, "", &["介绍信", "委托书", "公函"])
                {
                    out.push(refuse(
                        "ledger-credentials",
                        "（三）",
                        format!("单位申请人（{}）查阅缺少单位介绍信", e.organization),
                        format!("an organisation applicant ({}) shows no introduction letter", e.organization),
                        "单位申请查阅的，凭单位介绍信（或授权委托书）及经办人有效身份证件；请在 credentials 中登记",
                        "an organisation applies with its introduction letter (or power of attorney) and the person's ID; list it in credentials",
                    ));
                }
            }
            if let Some(msg) = scope_problem(e, facts) {
                out.push(refuse(
                    "ledger-scope",
                    "（三）",
                    msg.0,
                    msg.1,
                    "申请人及其代理律师只可查阅、复印行政执法结论性文件；请把 scope 改为 结论性文件 或结论性文件所在页码",
                    "applicants and their lawyers see conclusive documents only: set scope to 结论性文件 or their page numbers",
                ));
            }
        }
        // 第八条（五）: the body's own retrieval request (调卷函, 协助调取通知 …) is what the
        // archive keeps on record; without one nothing shows who asked.
        "复议诉讼机关" if e.credentials.is_empty() => {
            out.push(refuse(
                "ledger-credentials",
                "（五）",
                "复议诉讼机关调取案卷未登记调卷凭证".into(),
                "a review or court body's retrieval records no retrieval letter".into(),
                "行政复议机关、审判机关、司法行政机关调取案卷的，按其要求办理并登记调卷函等凭证；请在 credentials 中登记",
                "review bodies and courts retrieve a file on their own request letter (调卷函); list it in credentials",
            ));
        }
        _ => {}
    }
    out
}

fn scope_problem(e: &LedgerEntry, facts: &VolumeFacts) -> Option<(String, String)> {
    let scope = e.scope.trim();
    if scope.is_empty() {
        // Without a scope nothing shows the reading stayed within conclusive documents.
        return Some((
            format!("{}查阅未登记查阅范围", e.category),
            format!("a lookup by a {} records no scope", e.category),
        ));
    }
    if scope == "结论性文件" || scope == "结论性文书" {
        return None;
    }
    if let Some(ranges) = page_ranges(scope) {
        let Some(allowed) = facts.conclusive_pages() else {
            // Refusing is the safe side: a range that cannot be checked may hold anything.
            return Some((
                "本卷有材料页数未知，无法核对查阅页码是否仅为结论性文件".into(),
                "some page counts of the volume are unknown, so the page range cannot be checked"
                    .into(),
            ));
        };
        let total = facts.volume.known_pages();
        // Count pages without walking a huge range page by page (`1-4000000000`).
        let mut outside: Vec<String> = Vec::new();
        let mut outside_count: u64 = 0;
        let mut beyond = false;
        for (a, b) in ranges {
            if b > total {
                beyond = true;
            }
            for p in a..=b.min(total) {
                if !allowed.iter().any(|(s, t)| p >= *s && p <= *t) {
                    outside_count += 1;
                    if outside.len() < 8 {
                        outside.push(p.to_string());
                    }
                }
            }
        }
        if beyond {
            return Some((
                format!("查阅范围“{scope}”超出本卷页数（共 {total} 页）"),
                format!("the scope “{scope}” goes beyond the volume's {total} pages"),
            ));
        }
        if outside.is_empty() {
            return None;
        }
        let list = if outside_count > outside.len() as u64 {
            format!("{} 等 {outside_count} 页", outside.join("、"))
        } else {
            outside.join("、")
        };
        return Some((
            format!("查阅范围含非结论性文件的页：第 {list} 页"),
            format!("the scope includes pages outside conclusive documents: {list}"),
        ));
    }
    Some((
        format!("{}查阅范围为“{scope}”，超出结论性文件", e.category),
        format!(
            "{} may not see “{scope}”, only conclusive documents",
            e.category
        ),
    ))
}

/// The `ledger-*` rules over every ledger of the archive.
pub fn check_archive(a: &Archive, _: Mode) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in &a.volumes {
        let facts = VolumeFacts { volume: v };
        for l in &v.ledgers {
            for e in &l.entries {
                for f in check_entry(e, &facts) {
                    out.push(f.at(l.rel.clone(), e.pos).in_volume(v.id.clone()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_clause_numbers() {
        assert_eq!(clause_en("（三）"), "(3)");
        assert_eq!(clause_en("（七）"), "(7)");
        assert_eq!(clause_en(""), "");
    }

    #[test]
    fn parses_page_ranges() {
        assert_eq!(page_ranges("1-12,25"), Some(vec![(1, 12), (25, 25)]));
        assert_eq!(page_ranges("第25-27页"), Some(vec![(25, 27)]));
        assert_eq!(page_ranges("全卷"), None);
        assert_eq!(page_ranges("5-3"), None);
    }
}
