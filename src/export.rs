//! `anjuan export`: a sealed bag holding exactly what one requester may see (办法 第七条、
//! 第八条): conclusive documents only for applicants and their lawyers, no state secrets for
//! anyone, commercial secrets and privacy only with a named approval; with a 移送清单 of
//! everything included and withheld, and dossiers that keep the original 页号.

use crate::check::{self, Mode};
use crate::cli::{fatal, resolve_lang, use_color};
use crate::finding::Text;
use crate::i18n::Lang;
use crate::model::{Archive, Secret, Volume};
use crate::paging::{page_label, Paging};
use crate::render::{self, Context, Options};
use crate::t;
use crate::theme::Theme;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Who an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// 法院.
    Court,
    /// 复议机关.
    Review,
    /// 有关机关 (纪检、公安、检察、审计 …).
    Authority,
    /// 申请人 / 当事人.
    Applicant,
    /// 代理律师.
    Lawyer,
}

impl Requester {
    /// Parses the `--for` value.
    pub fn parse(s: &str) -> Option<Requester> {
        Some(match s.trim() {
            "法院" | "court" => Requester::Court,
            "复议机关" | "review" => Requester::Review,
            "有关机关" | "authority" => Requester::Authority,
            "申请人" | "applicant" => Requester::Applicant,
            "代理律师" | "lawyer" => Requester::Lawyer,
            _ => return None,
        })
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Requester::Court => "法院",
            Requester::Review => "复议机关",
            Requester::Authority => "有关机关",
            Requester::Applicant => "申请人",
            Requester::Lawyer => "代理律师",
        }
    }
    /// The ledger category (spec §4) an export to this requester is recorded under.
    pub fn ledger_category(self) -> &'static str {
        match self {
            Requester::Court | Requester::Review => "复议诉讼机关",
            Requester::Authority => "有关机关",
            Requester::Applicant => "申请人",
            Requester::Lawyer => "代理律师",
        }
    }
    fn conclusive_only(self) -> bool {
        matches!(self, Requester::Applicant | Requester::Lawyer)
    }
}

/// Why a material is withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// The reason.
    pub reason: &'static str,
    /// The clause it rests on.
    pub clause: &'static str,
}

/// Decides, for each material of a volume in binding order, whether it goes to `who`.
pub fn decide(
    volume: &Volume,
    who: Requester,
    include_confidential: bool,
) -> Vec<Option<Withheld>> {
    let mut out = Vec::new();
    for c in &volume.cases {
        let mut host_conclusive = false;
        for m in &c.materials {
            let ty = m.type_index.and_then(|i| c.profile.type_at(i));
            // A 送达回证 (or any attaching type) follows the document it proves served.
            let conclusive = match ty {
                Some(t) if t.conclusive => true,
                Some(t) if t.attach && !t.conclusive && t.attach_to.is_empty() => host_conclusive,
                _ => false,
            };
            if ty.is_some_and(|t| !t.attach) || conclusive {
                host_conclusive = conclusive;
            }
            let d = if m.confidential.contains(&Secret::State) {
                Some(Withheld {
                    reason: "涉及国家秘密",
                    clause: "办法 第七条；《政府信息公开条例》第十四条",
                })
            } else if !include_confidential && m.confidential.contains(&Secret::Commercial) {
                Some(Withheld {
                    reason: "涉及商业秘密，未经批准不提供",
                    clause: "办法 第七条、第八条（九）；《政府信息公开条例》第十五条",
                })
            } else if !include_confidential && m.confidential.contains(&Secret::Personal) {
                Some(Withheld {
                    reason: "涉及个人隐私，未经批准不提供",
                    clause: "办法 第七条、第八条（九）；《政府信息公开条例》第十五条",
                })
            } else if who.conclusive_only() && !conclusive {
                Some(Withheld {
                    reason: "非行政执法结论性文件",
                    clause: "办法 第八条（三）",
                })
            } else {
                None
            };
            out.push(d);
        }
    }
    out
}

/// Arguments of `anjuan export`.
#[derive(clap::Args, Debug, Clone)]
pub struct ExportArgs {
    /// The case or combined-volume folder.
    #[arg(
        value_name = "目录",
        help = "案件文件夹（含 case.yaml）或合订卷文件夹（含 volume.yaml）"
    )]
    pub dir: PathBuf,
    /// Requester.
    #[arg(
        long = "for",
        value_name = "对象",
        help = "导出对象：法院 | 复议机关 | 有关机关 | 申请人 | 代理律师"
    )]
    pub for_: String,
    /// Reader / receiving person.
    #[arg(long, value_name = "姓名", help = "调取人或查阅人姓名")]
    pub reader: String,
    /// Output zip.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "文件",
        help = "输出的 .zip 文件"
    )]
    pub out: PathBuf,
    /// Record in the ledger.
    #[arg(long, help = "把本次导出记入 ledger.yaml（与 ledger add 相同的规则）")]
    pub ledger: bool,
    /// Include commercial secrets and privacy.
    #[arg(
        long = "include-confidential",
        help = "包含涉及商业秘密、个人隐私的材料（须用 --approved-by 写明批准人；国家秘密始终扣除）"
    )]
    pub include_confidential: bool,
    /// Approver.
    #[arg(
        long = "approved-by",
        value_name = "姓名",
        help = "批准人（部门负责人）"
    )]
    pub approved_by: Option<String>,
    /// Escorting archivist (for the ledger entry).
    #[arg(
        long,
        value_name = "姓名",
        help = "档案管理机构经办人（陪同人），记入台账时必填"
    )]
    pub escort: Option<String>,
    /// Credentials shown.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "凭证",
        help = "出示的凭证，逗号分隔，如 调卷函,工作证"
    )]
    pub credentials: Vec<String>,
    /// Organization.
    #[arg(long, value_name = "单位", help = "调取单位")]
    pub organization: Option<String>,
    /// ID document.
    #[arg(long = "id-document", value_name = "证件", help = "调取人证件")]
    pub id_document: Option<String>,
    /// Purpose.
    #[arg(long, value_name = "事由", help = "事由，如 行政诉讼")]
    pub purpose: Option<String>,
    /// Archive root.
    #[arg(long, value_name = "根目录", help = "案卷根目录（默认自动查找）")]
    pub root: Option<PathBuf>,
}

use crate::render::escape_html as esc;

/// One row of the 移送清单.
pub struct ListRow {
    /// 序号 in the original volume.
    pub seq: usize,
    /// Shown title (the type only, for withheld materials: a title may itself be protected).
    pub title: String,
    /// 文号.
    pub doc_no: String,
    /// 日期.
    pub date: String,
    /// 页号 in the original volume.
    pub pages: String,
    /// Withheld reason, if any.
    pub withheld: Option<Withheld>,
}

/// The rows of the transmittal list in binding order.
pub fn transmittal_rows(
    volume: &Volume,
    paging: &Paging,
    decisions: &[Option<Withheld>],
) -> Vec<ListRow> {
    let mut rows = Vec::new();
    let mut i = 0;
    for (ci, c) in volume.cases.iter().enumerate() {
        for (mi, m) in c.materials.iter().enumerate() {
            let p = paging.find(ci, mi);
            let d = decisions.get(i).cloned().flatten();
            i += 1;
            let ty = m
                .type_name
                .clone()
                .unwrap_or_else(|| m.type_written.clone());
            rows.push(ListRow {
                seq: i,
                title: if d.is_some() { ty } else { m.title.clone() },
                doc_no: if d.is_some() {
                    String::new()
                } else {
                    m.doc_no.clone()
                },
                date: m
                    .date
                    .map(|d| d.format("%Y%m%d").to_string())
                    .unwrap_or_default(),
                pages: p
                    .map(|p| page_label(p.first, p.last, true))
                    .unwrap_or_default(),
                withheld: d,
            });
        }
    }
    rows
}

/// The 移送清单 as a self-contained HTML page.
pub fn transmittal_html(
    volume: &Volume,
    settings: &crate::model::ArchiveSettings,
    who: Requester,
    reader: &str,
    approved_by: Option<&str>,
    rows: &[ListRow],
) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str(&format!(
        "<title>移送清单 · {}</title>\n",
        esc(&volume.title)
    ));
    h.push_str("<style>body{font-family:\"Noto Serif CJK SC\",\"Songti SC\",SimSun,serif;margin:2em auto;max-width:60em;color:#111}h1{text-align:center;letter-spacing:.5em}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #333;padding:.3em .5em;font-size:.95em}th{background:#f2f2f2}.meta td:first-child{width:9em;background:#fafafa}.sign{margin-top:3em;display:flex;justify-content:space-between}@page{size:A4;margin:18mm}@media print{body{margin:0}}</style>\n</head>\n<body>\n");
    h.push_str("<h1>案卷材料移送清单</h1>\n<table class=\"meta\">\n");
    let code = volume.archive_code(settings);
    let included = rows.iter().filter(|r| r.withheld.is_none()).count();
    let meta = [
        ("案卷题名", volume.title.clone()),
        ("档号", code),
        ("接收对象", who.label().to_string()),
        ("调取人", reader.to_string()),
        ("批准人", approved_by.unwrap_or("").to_string()),
        (
            "移送材料",
            format!("{included} 件（扣除 {} 件）", rows.len() - included),
        ),
        (
            "页号说明",
            "页号为原案卷页号，保持不变，以便引用".to_string(),
        ),
    ];
    for (k, v) in meta {
        h.push_str(&format!("<tr><td>{k}</td><td>{}</td></tr>\n", esc(&v)));
    }
    h.push_str("</table>\n<h2>一、移送的材料</h2>\n<table>\n<tr><th>序号</th><th>题名</th><th>文号</th><th>日期</th><th>页号</th></tr>\n");
    for r in rows.iter().filter(|r| r.withheld.is_none()) {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            r.seq,
            esc(&r.title),
            esc(&r.doc_no),
            esc(&r.date),
            esc(&r.pages)
        ));
    }
    h.push_str("</table>\n<h2>二、未移送的材料</h2>\n<table>\n<tr><th>序号</th><th>材料类型</th><th>页号</th><th>理由</th><th>依据</th></tr>\n");
    for r in rows.iter() {
        if let Some(w) = &r.withheld {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                r.seq,
                esc(&r.title),
                esc(&r.pages),
                esc(w.reason),
                esc(w.clause)
            ));
        }
    }
    h.push_str("</table>\n<div class=\"sign\"><span>移送人（签字）：</span><span>接收人（签字）：</span><span>日期：　　年　　月　　日</span></div>\n</body>\n</html>\n");
    h
}

/// A volume holding only the included materials (manifest indices kept) and no ledgers.
pub fn filtered(volume: &Volume, decisions: &[Option<Withheld>]) -> Volume {
    let mut v = volume.clone();
    let mut i = 0;
    for c in v.cases.iter_mut() {
        let keep: Vec<bool> = c
            .materials
            .iter()
            .map(|_| {
                let k = decisions.get(i).is_none_or(|d| d.is_none());
                i += 1;
                k
            })
            .collect();
        let mut it = keep.iter();
        c.materials.retain(|_| *it.next().unwrap_or(&true));
    }
    v.ledgers.clear();
    v.loose_files.clear();
    v
}

fn refusal(lang: Lang, msg: Text) -> i32 {
    eprintln!(
        "{}: {}",
        lang.pick("拒绝导出", "export refused"),
        msg.get(lang)
    );
    1
}

/// Runs `anjuan export`.
pub fn run(args: ExportArgs, flag: Option<&str>) -> i32 {
    let lang0 = resolve_lang(flag, None);
    let Some(who) = Requester::parse(&args.for_) else {
        return fatal(
            lang0,
            &t!(
                format!(
                    "--for 不认识“{}”；可用：法院、复议机关、有关机关、申请人、代理律师",
                    args.for_
                ),
                format!(
                    "--for: unknown “{}”; use 法院, 复议机关, 有关机关, 申请人 or 代理律师",
                    args.for_
                )
            ),
        );
    };
    if args.reader.trim().is_empty() {
        return fatal(lang0, &t!("--reader 不能为空", "--reader cannot be empty"));
    }
    if args.include_confidential
        && args
            .approved_by
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        return refusal(lang0, t!("包含商业秘密、个人隐私材料须经批准：请用 --approved-by 写明批准人（办法 第七条、第八条（九））", "including confidential materials needs an approval: name the approver with --approved-by"));
    }
    let located = match crate::ledger::locate::locate(&args.dir, args.root.as_deref()) {
        Ok(x) => x,
        Err(e) => return fatal(lang0, &e),
    };
    let ledger_path = located.ledger_path();
    let idx = located.volume;
    let loaded = located.loaded;
    let lang = resolve_lang(flag, Some(&loaded));
    let report = check::run(&loaded, Mode::Build);
    let volume = loaded.archive.volumes[idx].clone();
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.is_error() && f.volume.as_deref() == Some(volume.id.as_str()))
        .collect();
    if !errors.is_empty() {
        for f in &errors {
            eprint!(
                "{}",
                crate::report::finding_text(f, &loaded.sources, lang, use_color())
            );
        }
        eprintln!(
            "{}",
            lang.pick(
                "该卷有错误，未导出。请先修正。",
                "the volume has errors: nothing exported. Fix them first."
            )
        );
        return 1;
    }
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(canon) = parent.canonicalize() {
            let inside = loaded
                .archive
                .volumes
                .iter()
                .flat_map(|v| std::iter::once(&v.dir_abs).chain(v.cases.iter().map(|c| &c.dir_abs)))
                .any(|d| d.canonicalize().is_ok_and(|d| canon.starts_with(&d)));
            if inside {
                return fatal(
                    lang,
                    &t!(
                        "导出文件不能写在案件文件夹之内",
                        "the export cannot be written inside a case folder"
                    ),
                );
            }
        }
    }
    // The ledger entry is validated before anything is written.
    let decisions = decide(&volume, who, args.include_confidential);
    let full_paging = Paging::of(&volume, loaded.archive.settings.max_volume_pages, 0);
    let rows = transmittal_rows(&volume, &full_paging, &decisions);
    let included = rows.iter().filter(|r| r.withheld.is_none()).count();
    let entry = if args.ledger {
        match ledger_entry(&args, who, &volume, &rows, &full_paging) {
            Ok(e) => Some(e),
            Err(msg) => return refusal(lang, msg),
        }
    } else {
        None
    };
    if let Some(e) = &entry {
        let facts = crate::ledger::rules::VolumeFacts { volume: &volume };
        let problems = crate::ledger::rules::check_entry(e, &facts);
        if !problems.is_empty() {
            for f in &problems {
                eprint!(
                    "{}",
                    crate::report::finding_text(f, &Default::default(), lang, use_color())
                );
            }
            eprintln!(
                "{}",
                lang.pick(
                    "台账记录不符合第八条，未导出。",
                    "the ledger entry breaks Art. 8: nothing exported."
                )
            );
            return 1;
        }
    }
    let part = filtered(&volume, &decisions);
    match write_export(&loaded, &part, &volume, who, &args, &rows, &full_paging) {
        Ok(()) => {}
        Err(e) => return fatal(lang, &e.message),
    }
    if let Some(e) = entry {
        if let Err(err) = crate::ledger::add::append(&ledger_path, &e) {
            let msg = match err {
                crate::ledger::add::AppendError::Refused(t)
                | crate::ledger::add::AppendError::Io(t) => t,
            };
            eprintln!(
                "{}",
                lang.pick(
                    "导出包已写好，但台账未能记录：",
                    "the export was written, but the ledger entry was not: "
                )
            );
            return fatal(lang, &msg);
        }
    }
    println!(
        "{}",
        lang.pick(
            &format!(
                "已导出 {included} 件材料（扣除 {} 件）到 {}",
                rows.len() - included,
                args.out.display()
            ),
            &format!(
                "exported {included} materials ({} withheld) to {}",
                rows.len() - included,
                args.out.display()
            )
        )
    );
    0
}

fn ledger_entry(
    args: &ExportArgs,
    who: Requester,
    volume: &Volume,
    rows: &[ListRow],
    paging: &Paging,
) -> Result<crate::ledger::LedgerEntry, Text> {
    let _ = (volume, paging);
    let escort = args.escort.clone().unwrap_or_default();
    let pages: Vec<String> = rows
        .iter()
        .filter(|r| r.withheld.is_none() && !r.pages.is_empty())
        .map(|r| r.pages.clone())
        .collect();
    let scope = if who.conclusive_only() {
        "结论性文件".to_string()
    } else if pages.is_empty() {
        "全卷".into()
    } else {
        pages.join(",")
    };
    let included = rows.iter().filter(|r| r.withheld.is_none()).count();
    Ok(crate::ledger::LedgerEntry {
        at: Some(crate::ledger::add::now()),
        reader: args.reader.clone(),
        category: who.ledger_category().to_string(),
        organization: args.organization.clone().unwrap_or_default(),
        id_document: args.id_document.clone().unwrap_or_default(),
        credentials: args.credentials.clone(),
        purpose: args
            .purpose
            .clone()
            .unwrap_or_else(|| format!("向{}导出电子案卷", who.label())),
        scope,
        escort,
        copy: Some(crate::ledger::CopyRecord {
            content: format!(
                "电子导出 {included} 件（{}）",
                args.out
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            copies: Some(1),
            approved_by: args.approved_by.clone().unwrap_or_default(),
            approved_on: None,
            pos: Default::default(),
        }),
        remarks: if args.include_confidential {
            "含经批准的商业秘密/个人隐私材料".into()
        } else {
            String::new()
        },
        ..Default::default()
    })
}

fn write_export(
    loaded: &crate::load::Loaded,
    part: &Volume,
    full: &Volume,
    who: Requester,
    args: &ExportArgs,
    rows: &[ListRow],
    full_paging: &Paging,
) -> Result<(), render::RenderError> {
    let out = &args.out;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent)
        .map_err(|e| render::RenderError::io("创建文件夹", &parent, e))?;
    let staging = parent.join(format!(".anjuan-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        let data = staging.join("data");
        std::fs::create_dir_all(data.join(&part.id))
            .map_err(|e| render::RenderError::io("创建临时目录", &data, e))?;
        // The export's archive holds only the filtered volume, so the search index and the
        // archive page cannot mention anything withheld.
        let archive = Archive {
            root: loaded.archive.root.clone(),
            settings: loaded.archive.settings.clone(),
            volumes: vec![part.clone()],
        };
        let theme = Theme::load(&loaded.archive.root, "default").map_err(|e| {
            render::RenderError::msg(
                format!("无法读取主题：{e}"),
                format!("cannot read the theme: {e}"),
            )
        })?;
        let options = Options {
            enabled: vec!["html", "pdf"],
            keep_numbers: Some(Arc::new(full_paging.by_material(full))),
            export_for: Some(who.label().to_string()),
            ..Options::default()
        };
        let ctx = Context {
            archive: &archive,
            volumes: &archive.volumes,
            profiles: &loaded.profiles,
            theme: &theme,
            options: &options,
            seals: Default::default(),
        };
        for r in render::enabled(&options) {
            r.render_volume(&ctx, part, &data.join(&part.id))?;
            r.render_archive(&ctx, &data)?;
        }
        let html = transmittal_html(
            full,
            &loaded.archive.settings,
            who,
            &args.reader,
            args.approved_by
                .as_deref()
                .filter(|_| args.include_confidential),
            rows,
        );
        render::write_file(&data.join("移送清单.html"), html.as_bytes())?;
        let pdf = transmittal_pdf(
            full,
            &loaded.archive.settings,
            who,
            &args.reader,
            args.approved_by
                .as_deref()
                .filter(|_| args.include_confidential),
            rows,
        )
        .map_err(|e| {
            render::RenderError::msg(
                format!("生成移送清单 PDF 失败：{e}"),
                format!("transmittal list PDF failed: {e}"),
            )
        })?;
        render::write_file(&data.join("移送清单.pdf"), &pdf)?;
        let s = &loaded.archive.settings;
        let mut info: crate::package::BagInfo = vec![
            (
                "Source-Organization".into(),
                if s.fonds_name.is_empty() {
                    full.cases
                        .first()
                        .map(|c| c.agency.clone())
                        .unwrap_or_default()
                } else {
                    s.fonds_name.clone()
                },
            ),
            (
                "Bagging-Date".into(),
                full.archive
                    .filed_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            (
                "Bag-Software-Agent".into(),
                format!("anjuan {}", env!("CARGO_PKG_VERSION")),
            ),
            ("External-Identifier".into(), format!("{}-export", full.id)),
            ("External-Description".into(), full.title.clone()),
            ("Anjuan-Archive-Code".into(), full.archive_code(s)),
            ("Anjuan-Export-For".into(), who.label().into()),
            ("Anjuan-Reader".into(), args.reader.clone()),
        ];
        if args.include_confidential {
            info.push((
                "Anjuan-Confidential-Approved-By".into(),
                args.approved_by.clone().unwrap_or_default(),
            ));
        }
        info.retain(|(_, v)| !v.is_empty());
        let entries = crate::package::entries_below(&data, "")
            .map_err(|e| render::RenderError::io("读取导出内容", &data, e))?;
        let tmp_zip = staging.join("export.zip");
        let name = format!("{}-{}", full.id, who.label());
        crate::package::write_bag(&tmp_zip, &name, entries, &info)
            .map_err(|e| render::RenderError::io("写入导出包", &tmp_zip, e))?;
        std::fs::rename(&tmp_zip, out)
            .map_err(|e| render::RenderError::io("移入导出包", out, e))?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// The 移送清单 as an A4 PDF (same content as the HTML), drawn with the shared PDF text
/// primitives; deterministic (no clock, fixed document id).
pub fn transmittal_pdf(
    volume: &Volume,
    settings: &crate::model::ArchiveSettings,
    who: Requester,
    reader: &str,
    approved_by: Option<&str>,
    rows: &[ListRow],
) -> Result<Vec<u8>, String> {
    use crate::render::pdf::text::{
        draw_text_box, line, stroke_rect, text_box_height, Align, Style, VAlign, A4_H, A4_W, MM,
    };
    use krilla::page::PageSettings;
    let mut doc = krilla::Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(format!("移送清单 · {}", volume.title))
            .language("zh-CN".into())
            .creator("anjuan".into())
            .document_id(format!("anjuan:{}:export:{}", volume.id, who.label())),
    );
    let left = 18.0 * MM;
    let width = A4_W - 2.0 * left;
    let bottom = A4_H - 18.0 * MM;
    let body = Style::new(10.0);
    let head = Style::new(10.0).bold();
    // Blocks: (kind, cells, column widths as fractions).
    enum Block {
        Title(String),
        Heading(String),
        Row(Vec<String>, &'static [f32], bool),
        Text(String),
    }
    let meta_w: &'static [f32] = &[0.22, 0.78];
    let inc_w: &'static [f32] = &[0.08, 0.46, 0.2, 0.12, 0.14];
    let wh_w: &'static [f32] = &[0.08, 0.26, 0.12, 0.26, 0.28];
    let included = rows.iter().filter(|r| r.withheld.is_none()).count();
    let mut blocks = vec![Block::Title("案卷材料移送清单".into())];
    for (k, v) in [
        ("案卷题名", volume.title.clone()),
        ("档号", volume.archive_code(settings)),
        ("接收对象", who.label().to_string()),
        ("调取人", reader.to_string()),
        ("批准人", approved_by.unwrap_or("").to_string()),
        (
            "移送材料",
            format!("{included} 件（扣除 {} 件）", rows.len() - included),
        ),
        ("页号说明", "页号为原案卷页号，保持不变，以便引用".into()),
    ] {
        blocks.push(Block::Row(vec![k.into(), v], meta_w, false));
    }
    blocks.push(Block::Heading("一、移送的材料".into()));
    blocks.push(Block::Row(
        ["序号", "题名", "文号", "日期", "页号"]
            .map(String::from)
            .to_vec(),
        inc_w,
        true,
    ));
    for r in rows.iter().filter(|r| r.withheld.is_none()) {
        blocks.push(Block::Row(
            vec![
                r.seq.to_string(),
                r.title.clone(),
                r.doc_no.clone(),
                r.date.clone(),
                r.pages.clone(),
            ],
            inc_w,
            false,
        ));
    }
    blocks.push(Block::Heading("二、未移送的材料".into()));
    blocks.push(Block::Row(
        ["序号", "材料类型", "页号", "理由", "依据"]
            .map(String::from)
            .to_vec(),
        wh_w,
        true,
    ));
    for r in rows.iter() {
        if let Some(w) = &r.withheld {
            blocks.push(Block::Row(
                vec![
                    r.seq.to_string(),
                    r.title.clone(),
                    r.pages.clone(),
                    w.reason.into(),
                    w.clause.into(),
                ],
                wh_w,
                false,
            ));
        }
    }
    blocks.push(Block::Text(
        "移送人（签字）：　　　　　　　接收人（签字）：　　　　　　　日期：　　年　　月　　日"
            .into(),
    ));
    // Paginate first (heights are known), then draw page by page.
    let mut pages: Vec<Vec<(usize, f32, f32)>> = Vec::new();
    let mut y = bottom + 1.0;
    for (bi, b) in blocks.iter().enumerate() {
        let h = match b {
            Block::Title(_) => 16.0 * MM,
            Block::Heading(_) => 10.0 * MM,
            Block::Text(_) => 16.0 * MM,
            Block::Row(cells, w, _) => cells
                .iter()
                .zip(w.iter())
                .map(|(c, f)| text_box_height(width * f, 4.0, &body, c))
                .fold(7.0 * MM, f32::max),
        };
        if y + h > bottom {
            pages.push(Vec::new());
            y = 18.0 * MM;
        }
        if let Some(p) = pages.last_mut() {
            p.push((bi, y, h));
        }
        y += h;
    }
    for items in &pages {
        let ps = PageSettings::from_wh(A4_W, A4_H).ok_or("page size")?;
        let mut page = doc.start_page_with(ps);
        let mut s = page.surface();
        for &(bi, y, h) in items {
            match &blocks[bi] {
                Block::Title(t) => {
                    draw_text_box(
                        &mut s,
                        left,
                        y,
                        width,
                        h,
                        0.0,
                        &Style::new(18.0).bold(),
                        t,
                        Align::Center,
                        VAlign::Middle,
                    );
                }
                Block::Heading(t) => {
                    draw_text_box(
                        &mut s,
                        left,
                        y,
                        width,
                        h,
                        0.0,
                        &Style::new(12.0).bold(),
                        t,
                        Align::Left,
                        VAlign::Bottom,
                    );
                }
                Block::Text(t) => {
                    draw_text_box(
                        &mut s,
                        left,
                        y,
                        width,
                        h,
                        0.0,
                        &body,
                        t,
                        Align::Left,
                        VAlign::Bottom,
                    );
                }
                Block::Row(cells, w, header) => {
                    let mut x = left;
                    for (c, f) in cells.iter().zip(w.iter()) {
                        let cw = width * f;
                        stroke_rect(&mut s, x, y, cw, h, 0.6);
                        draw_text_box(
                            &mut s,
                            x,
                            y,
                            cw,
                            h,
                            4.0,
                            if *header { &head } else { &body },
                            c,
                            if *header { Align::Center } else { Align::Left },
                            VAlign::Middle,
                        );
                        x += cw;
                    }
                    if *header {
                        line(&mut s, left, y + h, left + width, y + h, 0.9);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| format!("{e:?}"))
}
