//! `anjuan ledger add DIR`: records one lookup in the volume's `ledger.yaml`.
//!
//! The entry is checked with the same 第八条 rules `check` applies ([`super::rules::check_entry`]);
//! a refusal prints the findings, exits 1 and writes nothing. An accepted entry is appended —
//! the file is never rewritten, so every earlier byte (comments included) stays — under an
//! exclusive lock held from reading the file to the final fsync, so two `ledger add` at once
//! both land. After appending, the whole file is parsed again; if it did not come out as the
//! old entries plus exactly this one, the file is truncated back to its old length.

use super::rules::{check_entry, VolumeFacts};
use super::{emit, CopyRecord, LedgerEntry};
use crate::cli::{fatal, resolve_lang, use_color};
use crate::finding::{Finding, Text};
use crate::i18n::Lang;
use crate::load::fields::{parse_date, parse_datetime, Fields};
use crate::t;
use crate::yaml::Value;
use chrono::{DateTime, FixedOffset};
use fs2::FileExt;
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Arguments of `anjuan ledger add`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AddArgs {
    /// The case or combined-volume folder.
    #[arg(
        value_name = "目录",
        help = "案件文件夹（含 case.yaml）或合订卷文件夹（含 volume.yaml）；记录追加到其中的 ledger.yaml"
    )]
    pub dir: PathBuf,
    #[arg(
        long,
        value_name = "根目录",
        help = "案卷根目录（默认：向上查找含 archive.yaml 的文件夹）"
    )]
    pub root: Option<PathBuf>,
    #[arg(
        long = "from",
        value_name = "文件",
        help = "从 YAML 文件读取一条记录（键同 ledger.yaml）；命令行选项优先"
    )]
    pub from: Option<PathBuf>,
    #[arg(
        long,
        value_name = "时间",
        help = "查阅时间，如 2024-06-03T09:00:00+08:00 或 \"2024-06-03 09:00\"（省略时区按 +08:00；默认为当前时间）"
    )]
    pub at: Option<String>,
    #[arg(long, value_name = "时间", help = "归还（结束）时间")]
    pub until: Option<String>,
    #[arg(long, value_name = "姓名", help = "查阅人（必填）")]
    pub reader: Option<String>,
    #[arg(
        long,
        value_name = "类别",
        help = "身份类别（必填）：本机关工作人员 | 有关机关 | 申请人 | 代理律师 | 复议诉讼机关 | 其他"
    )]
    pub category: Option<String>,
    #[arg(
        long,
        value_name = "身份",
        help = "决定作出前查阅时的身份：承办人 | 承办机构负责人 | 分管领导 | 主要领导"
    )]
    pub role: Option<String>,
    #[arg(long, value_name = "单位", help = "查阅人单位")]
    pub organization: Option<String>,
    #[arg(
        long = "id-document",
        value_name = "证件",
        help = "证件类型及号码，如 \"律师执业证 13101201xxxx\""
    )]
    pub id_document: Option<String>,
    #[arg(
        long,
        value_name = "凭证",
        value_delimiter = ',',
        help = "凭证材料，逗号分隔，如 法院立案通知书,授权委托书,律师执业证"
    )]
    pub credentials: Option<Vec<String>>,
    #[arg(long, value_name = "事由", help = "查阅事由 / 用途")]
    pub purpose: Option<String>,
    #[arg(
        long,
        value_name = "范围",
        help = "查阅范围：全卷 | 正卷 | 结论性文件 | 页码如 1-12,25"
    )]
    pub scope: Option<String>,
    #[arg(long, value_name = "姓名", help = "档案管理机构陪同查阅人（必填）")]
    pub escort: Option<String>,
    #[arg(
        long = "copy-content",
        value_name = "内容",
        help = "复印内容（文书名称 / 页号）；复印时须同时填写 --copies 和 --approved-by"
    )]
    pub copy_content: Option<String>,
    #[arg(long, value_name = "份数", help = "复印份数")]
    pub copies: Option<u32>,
    #[arg(
        long = "approved-by",
        value_name = "姓名",
        help = "批准复印的部门负责人"
    )]
    pub approved_by: Option<String>,
    #[arg(
        long = "approved-on",
        value_name = "日期",
        help = "批准日期 YYYY-MM-DD"
    )]
    pub approved_on: Option<String>,
    #[arg(long, value_name = "情况", help = "归还 / 检查情况，如 完好")]
    pub returned: Option<String>,
    #[arg(long, value_name = "备注", help = "备注")]
    pub remarks: Option<String>,
}

/// The only place the tool reads the clock: the default of `--at`, in the machine's local
/// offset, to the second.
/// The current local time: the one place the tool reads the clock (ledger entries).
pub fn now() -> DateTime<FixedOffset> {
    use chrono::Timelike;
    let n = chrono::Local::now().fixed_offset();
    n.with_nanosecond(0).unwrap_or(n)
}

/// What the user typed, made into an entry, with the problems found while reading it.
struct Input {
    entry: LedgerEntry,
    /// Findings from reading `--from` and the flags (schema, bad times).
    findings: Vec<Finding>,
    /// `--from` file as (relative-ish display name, text), for snippets.
    source: Option<(String, Arc<str>)>,
}

fn schema(zh: String, en: String, help_zh: &str, help_en: &str) -> Finding {
    Finding::error("schema", t!(zh, en), t!(help_zh, help_en))
}

fn clean(s: &str) -> String {
    s.trim().to_string()
}

/// Builds the entry from `--from` (if any) and the flags (which win).
fn read_input(a: &AddArgs) -> Input {
    let mut entry = LedgerEntry::default();
    let mut findings = Vec::new();
    let mut source = None;
    if let Some(from) = &a.from {
        let name = from.display().to_string();
        match std::fs::read(from) {
            Err(e) => findings.push(schema(
                format!("无法读取 {name}：{e}"),
                format!("cannot read {name}: {e}"),
                "请检查 --from 的文件路径",
                "check the --from path",
            )),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => findings.push(schema(
                    format!("{name} 不是 UTF-8 编码"),
                    format!("{name} is not UTF-8"),
                    "请以 UTF-8 保存该文件",
                    "save the file as UTF-8",
                )),
                Ok(text) => {
                    let mut fields = Fields::new(&name);
                    match crate::yaml::parse(&text) {
                        Err(e) => findings.push(crate::load::yaml_finding(&name, &e)),
                        Ok(node) => {
                            // A mapping (one entry) or a list of exactly one.
                            let list = match &node.value {
                                Value::Map(_) => crate::yaml::Node {
                                    pos: node.pos,
                                    value: Value::Seq(vec![node.clone()]),
                                },
                                _ => node.clone(),
                            };
                            let mut entries = super::entries_from_node(&list, &mut fields);
                            if entries.len() == 1 {
                                entry = entries.remove(0);
                            } else if fields.findings.is_empty() {
                                findings.push(
                                    schema(
                                        format!("{name} 应只含一条记录（一个映射），实有 {} 条", entries.len()),
                                        format!("{name} must hold exactly one entry (a mapping), found {}", entries.len()),
                                        "每次 ledger add 只登记一次查阅",
                                        "ledger add records one lookup at a time",
                                    )
                                    .at(name.clone(), node.pos),
                                );
                            }
                        }
                    }
                    findings.extend(fields.findings);
                    source = Some((name, Arc::from(text.as_str())));
                }
            },
        }
    }
    let set = |dst: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            *dst = clean(v);
        }
    };
    set(&mut entry.reader, &a.reader);
    set(&mut entry.category, &a.category);
    set(&mut entry.role, &a.role);
    set(&mut entry.organization, &a.organization);
    set(&mut entry.id_document, &a.id_document);
    set(&mut entry.purpose, &a.purpose);
    set(&mut entry.scope, &a.scope);
    set(&mut entry.escort, &a.escort);
    set(&mut entry.returned, &a.returned);
    set(&mut entry.remarks, &a.remarks);
    if let Some(c) = &a.credentials {
        // `,` splits already; also split the full-width separators people type.
        entry.credentials = c
            .iter()
            .flat_map(|s| s.split(['，', '、']))
            .map(clean)
            .filter(|s| !s.is_empty())
            .collect();
    }
    let time = |flag: &str, v: &str, findings: &mut Vec<Finding>| {
        let t = parse_datetime(v);
        if t.is_none() {
            findings.push(schema(
                format!("{flag} 的时间“{v}”无效"),
                format!("{flag}: “{v}” is not a valid time"),
                "时间格式如 2024-06-03T09:00:00+08:00 或 \"2024-06-03 09:00\"（省略时区按 +08:00）",
                "write a time like 2024-06-03T09:00:00+08:00 (offset defaults to +08:00)",
            ));
        }
        t
    };
    if let Some(v) = &a.at {
        entry.at = time("--at", v, &mut findings);
    } else if entry.at.is_none()
        && !(a.from.is_some() && findings.iter().any(|f| f.rule == "schema"))
    {
        entry.at = Some(now());
    }
    if let Some(v) = &a.until {
        entry.until = time("--until", v, &mut findings);
    }
    let copy_given = a.copy_content.is_some()
        || a.copies.is_some()
        || a.approved_by.is_some()
        || a.approved_on.is_some();
    if copy_given {
        let c = entry.copy.get_or_insert_with(CopyRecord::default);
        set(&mut c.content, &a.copy_content);
        set(&mut c.approved_by, &a.approved_by);
        if a.copies.is_some() {
            c.copies = a.copies;
        }
        if let Some(d) = &a.approved_on {
            c.approved_on = parse_date(d);
            if c.approved_on.is_none() {
                findings.push(schema(
                    format!("--approved-on 的日期“{d}”无效"),
                    format!("--approved-on: “{d}” is not a valid date"),
                    "日期格式为 YYYY-MM-DD，如 2024-06-02",
                    "write a date as YYYY-MM-DD, e.g. 2024-06-02",
                ));
            }
        }
    }
    Input {
        entry,
        findings,
        source,
    }
}

/// Which command-line options fill the fields a rule is about, for the refusal text.
fn flags_for(rule: &str) -> &'static str {
    match rule {
        "ledger-incomplete" => "--reader、--at、--escort、--category、--copy-content、--copies",
        "ledger-copy-unapproved" => "--approved-by、--approved-on",
        "ledger-credentials" => "--credentials、--id-document",
        "ledger-scope" => "--scope",
        "ledger-predecision" => "--role、--category",
        _ => "",
    }
}

fn print_findings(findings: &[Finding], sources: &BTreeMap<String, Arc<str>>, lang: Lang) {
    let color = use_color();
    for f in findings {
        eprint!("{}", crate::report::finding_text(f, sources, lang, color));
        let flags = flags_for(f.rule);
        if !flags.is_empty() {
            let flags = if lang == Lang::En {
                flags.replace('、', ", ")
            } else {
                flags.to_string()
            };
            eprintln!("  = {}: {flags}", lang.pick("对应选项", "options"));
        }
        eprintln!();
    }
}

/// Runs `ledger add`; returns the exit status.
pub fn run(a: &AddArgs, flag: Option<&str>) -> i32 {
    let located = match super::locate::locate(&a.dir, a.root.as_deref()) {
        Ok(l) => l,
        Err(msg) => return fatal(resolve_lang(flag, None), &msg),
    };
    let lang = resolve_lang(flag, Some(&located.loaded));
    let input = read_input(a);
    let mut sources = BTreeMap::new();
    if let Some((name, text)) = &input.source {
        sources.insert(name.clone(), text.clone());
    }
    let refused_line = lang.pick(
        "已拒绝：未写入台账，ledger.yaml 未改动。",
        "refused: nothing was written; ledger.yaml is unchanged.",
    );
    if !input.findings.is_empty() {
        print_findings(&input.findings, &sources, lang);
        eprintln!("{refused_line}");
        return 1;
    }
    let facts = VolumeFacts {
        volume: located.volume(),
    };
    let mut refusals = check_entry(&input.entry, &facts);
    if let Some((name, _)) = &input.source {
        refusals = refusals
            .into_iter()
            .map(|f| f.at(name.clone(), input.entry.pos))
            .collect();
    }
    let refusals: Vec<Finding> = refusals
        .into_iter()
        .map(|f| f.in_volume(located.volume().id.clone()))
        .collect();
    if refusals.iter().any(Finding::is_error) {
        print_findings(&refusals, &sources, lang);
        eprintln!("{refused_line}");
        return 1;
    }
    match append(&located.ledger_path(), &input.entry) {
        Ok(n) => {
            println!(
                "{}",
                lang.pick(
                    &format!(
                        "已登记：{} 第 {n} 条查阅记录（{}，{}）",
                        located.ledger_rel,
                        input.entry.reader,
                        input
                            .entry
                            .at
                            .map(|t| emit::time_text(&t))
                            .unwrap_or_default()
                    ),
                    &format!(
                        "recorded entry {n} in {} ({}, {})",
                        located.ledger_rel,
                        input.entry.reader,
                        input
                            .entry
                            .at
                            .map(|t| emit::time_text(&t))
                            .unwrap_or_default()
                    ),
                )
            );
            0
        }
        Err(AppendError::Refused(msg)) => {
            eprintln!("{}: {}", lang.pick("错误", "error"), msg.get(lang));
            eprintln!("{refused_line}");
            1
        }
        Err(AppendError::Io(msg)) => fatal(lang, &msg),
    }
}

/// Why an append did not happen.
#[derive(Debug)]
pub enum AppendError {
    /// The existing file cannot safely take an appended entry (nothing written).
    Refused(Text),
    /// Reading or writing failed (the file is as before, or truncated back).
    Io(Text),
}

fn io(what: &str, path: &Path, e: std::io::Error) -> AppendError {
    AppendError::Io(t!(
        format!("{what}失败：{}：{e}", path.display()),
        format!("{what} failed: {}: {e}", path.display())
    ))
}

/// Header written when `ledger add` creates `ledger.yaml`.
pub const NEW_FILE_HEADER: &str =
    "# 案卷查阅（复印）台账（办法 第八条）。由 anjuan ledger add 逐条追加；已有记录请勿删改。\n";

/// Appends `entry` to the ledger at `path` (created when absent) and returns its 1-based
/// number. Holds an exclusive lock on the file from reading to fsync.
pub fn append(path: &Path, entry: &LedgerEntry) -> Result<usize, AppendError> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io("打开台账", path, e))?;
    // Released when `f` is dropped (closing the file releases its lock).
    f.lock_exclusive().map_err(|e| io("锁定台账", path, e))?;
    let mut old = Vec::new();
    f.read_to_end(&mut old)
        .map_err(|e| io("读取台账", path, e))?;
    let old_len = old.len() as u64;
    let Ok(text) = String::from_utf8(old) else {
        return Err(AppendError::Refused(t!(
            format!("{} 不是 UTF-8 编码，追加会混用编码", path.display()),
            format!(
                "{} is not UTF-8; appending would mix encodings",
                path.display()
            )
        )));
    };
    let before = match crate::yaml::parse(&text) {
        Err(e) => {
            return Err(AppendError::Refused(t!(
                format!(
                    "现有 {} 有 YAML 语法错误（第 {} 行），请先修正再登记",
                    path.display(),
                    e.pos.line
                ),
                format!(
                    "the existing {} has a YAML error (line {}); fix it first",
                    path.display(),
                    e.pos.line
                )
            )))
        }
        Ok(node) => match &node.value {
            Value::Null => 0,
            Value::Seq(items) => items.len(),
            _ => {
                return Err(AppendError::Refused(t!(
                    format!(
                        "现有 {} 不是记录列表（每条以 - 开头），无法追加",
                        path.display()
                    ),
                    format!(
                        "the existing {} is not a list of entries; cannot append",
                        path.display()
                    )
                )))
            }
        },
    };
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let indent = item_indent(&text);
    let mut add = String::new();
    if text.is_empty() {
        add.push_str(&NEW_FILE_HEADER.replace('\n', eol));
    } else if !text.ends_with('\n') {
        // Keep the last line intact: the new entry starts on a line of its own.
        add.push_str(eol);
    }
    add.push_str(&emit::entry(entry, indent, eol));
    let rollback = |f: &mut std::fs::File, why: Text| -> AppendError {
        match f.set_len(old_len).and_then(|_| f.sync_all()) {
            Ok(()) => AppendError::Refused(why),
            Err(e) => io("恢复台账", path, e),
        }
    };
    if let Err(e) = f.write_all(add.as_bytes()).and_then(|_| f.sync_all()) {
        let why = t!(
            format!("写入 {} 失败：{e}", path.display()),
            format!("writing {} failed: {e}", path.display())
        );
        return Err(rollback(&mut f, why));
    }
    // Read back and make sure the file is the old entries plus exactly this one.
    let mut all = String::new();
    let reread = f
        .seek(SeekFrom::Start(0))
        .and_then(|_| f.read_to_string(&mut all));
    let ok = reread.is_ok() && {
        let mut findings = Vec::new();
        match super::parse("ledger.yaml", &all, &mut findings) {
            Some(l)
                if l.entries.len() == before + 1 && all.as_bytes().starts_with(text.as_bytes()) =>
            {
                let last = &l.entries[before];
                !findings.iter().any(|f| f.rule == "yaml")
                    && emit::entry(last, 0, "\n") == emit::entry(entry, 0, "\n")
            }
            _ => false,
        }
    };
    if ok && old_len == 0 {
        // A new file: make its directory entry durable too.
        if let Some(parent) = path.parent() {
            if let Ok(d) = std::fs::File::open(parent) {
                let _ = d.sync_all();
            }
        }
    }
    if !ok {
        return Err(rollback(
            &mut f,
            t!(
                format!("追加后 {} 无法按原样读回，已恢复原文件；请检查文件格式（如缩进）", path.display()),
                format!("{} did not read back as expected after appending; restored it. Check its layout (indentation)", path.display())
            ),
        ));
    }
    Ok(before + 1)
}

/// The indentation of the existing list items (`  - at:` → 2), so the new item joins the
/// same list.
fn item_indent(text: &str) -> usize {
    for line in text.lines() {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with("- ") || trimmed == "-" || trimmed.starts_with("-\r") {
            return line.len() - trimmed.len();
        }
        return 0;
    }
    0
}
