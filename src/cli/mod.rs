//! Command-line interface: argument parsing (help in Chinese) and the subcommands.

mod new;

use crate::check::{self, Mode};
use crate::finding::Text;
use crate::i18n::Lang;
use crate::load;
use crate::profile::{ProfileSet, ProfileSource};
use crate::t;
use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

pub(crate) const HELP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}{after-help}";

/// 案卷（anjuan）：把行政执法案件文件夹整理、检查并生成归档案卷（网页版、装订 PDF、查阅台账）
#[derive(Parser, Debug)]
#[command(
    name = "anjuan",
    version,
    about = "案卷（anjuan）：检查行政执法案件文件夹，生成归档案卷（网页版、装订 PDF、查阅（复印）台账）",
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    after_help = "\n示例：\n  anjuan check sample-cases            检查示例案卷\n  anjuan build sample-cases            生成到 sample-cases/_site\n  anjuan new case 处罚/2024-0100 --profile penalty-ordinary"
)]
pub struct Cli {
    /// Message language.
    #[arg(
        long,
        global = true,
        value_name = "语言",
        help = "消息语言：zh-CN（默认）或 en；生成的文书始终为中文"
    )]
    pub lang: Option<String>,
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help = "显示帮助")]
    help: Option<bool>,
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help = "显示版本")]
    version: Option<bool>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text.
    Text,
    /// spec §6 JSON.
    Json,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Checks an archive and writes nothing.
    #[command(about = "检查案卷：列出所有问题（文件、行号、怎么改），不写任何文件", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Check {
        #[arg(
            value_name = "根目录",
            default_value = ".",
            hide_default_value = true,
            help = "案卷根目录（存放各案件文件夹），默认为当前目录"
        )]
        root: PathBuf,
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "格式",
            hide_possible_values = true,
            hide_default_value = true,
            help = "输出格式：text（默认）或 json"
        )]
        format: Format,
    },
    /// Checks, then builds the dossiers.
    #[command(about = "生成案卷：先检查，有错误则不写任何文件；否则生成网页版、装订 PDF、台账和封装包", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Build(crate::build::BuildArgs),
    /// Writes the archive pages over the output of sharded builds.
    #[command(about = "分片构建（build --shard）全部完成后，为合并的输出目录生成总目录、检索页和台账登记簿", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Index(crate::build::IndexArgs),
    /// Lists or shows profiles.
    #[command(about = "列出规则配置，或用 show 输出一个配置（YAML）以便复制修改", help_template = HELP_TEMPLATE, subcommand_help_heading = "命令", subcommand_value_name = "命令", next_help_heading = "选项")]
    Profiles {
        #[arg(
            long,
            value_name = "根目录",
            default_value = ".",
            hide_default_value = true,
            help = "案卷根目录（读取其中 profiles/ 的本地配置），默认为当前目录"
        )]
        root: PathBuf,
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
    /// Exports what one requester may see.
    #[command(about = "导出：按对象（法院、复议机关、有关机关、申请人、代理律师）筛选材料，生成封装包和移送清单", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Export(crate::export::ExportArgs),
    /// Verifies sealed packages.
    #[command(about = "校验封装包：检查完整性和校验值，列出每个被改动、缺失、添加或改名的文件", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Verify {
        #[arg(
            value_name = "路径",
            help = "封装包 .zip、解压后的封装包文件夹，或 build 的输出目录"
        )]
        path: PathBuf,
        #[arg(
            long,
            help = "快速校验：只核对文件名、个数和总字节数（Payload-Oxum），不计算校验值"
        )]
        fast: bool,
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "格式",
            hide_possible_values = true,
            hide_default_value = true,
            help = "输出格式：text（默认）或 json"
        )]
        format: Format,
    },
    /// Creates skeletons.
    #[command(about = "新建：new case 目录 --profile 配置，生成按装订顺序列出全部材料类型的 case.yaml 模板", help_template = HELP_TEMPLATE, subcommand_help_heading = "命令", subcommand_value_name = "命令", next_help_heading = "选项")]
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Theme files of the HTML dossier.
    #[command(about = "网页版主题：theme export 目录，导出内置模板、CSS、JS 以便修改", help_template = HELP_TEMPLATE, subcommand_help_heading = "命令", subcommand_value_name = "命令", next_help_heading = "选项")]
    Theme {
        #[command(subcommand)]
        action: crate::render::html::export::ThemeAction,
    },
    /// The lookup and copy ledger.
    #[command(about = "查阅（复印）台账：ledger add 登记一次查阅，ledger list 列出记录", help_template = HELP_TEMPLATE, subcommand_help_heading = "命令", subcommand_value_name = "命令", next_help_heading = "选项")]
    Ledger {
        #[command(subcommand)]
        action: crate::ledger::cli::LedgerAction,
    },
}

/// `profiles` actions.
#[derive(Subcommand, Debug)]
pub enum ProfilesAction {
    /// Prints one profile as YAML.
    #[command(about = "以 YAML 输出一个规则配置", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Show {
        #[arg(value_name = "配置编号", help = "如 penalty-ordinary")]
        id: String,
    },
}

/// `new` targets.
#[derive(Subcommand, Debug)]
pub enum NewWhat {
    /// A case folder skeleton.
    #[command(about = "新建案件文件夹及 case.yaml 模板", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Case {
        #[arg(value_name = "目录", help = "新案件文件夹（不存在则创建）")]
        dir: PathBuf,
        #[arg(
            long,
            value_name = "配置编号",
            default_value = "penalty-ordinary",
            hide_default_value = true,
            help = "规则配置，如 penalty-ordinary（默认）、penalty-simple、licensing"
        )]
        profile: String,
        #[arg(
            long,
            value_name = "根目录",
            help = "案卷根目录（使用其 profiles/ 中的本地配置）"
        )]
        root: Option<PathBuf>,
    },
}

/// Whether to colour output.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints an error that stops the tool (exit 2).
pub fn fatal(lang: Lang, msg: &Text) -> i32 {
    eprintln!("{}: {}", lang.pick("错误", "error"), msg.get(lang));
    2
}

/// Resolves the message language: the flag, else archive.yaml, else Chinese.
pub fn resolve_lang(flag: Option<&str>, loaded: Option<&load::Loaded>) -> Lang {
    resolve_lang_in(flag, loaded.map(|l| &l.archive.settings))
}

/// [`resolve_lang`] from the archive settings alone (a streaming build has no model).
pub fn resolve_lang_in(
    flag: Option<&str>,
    settings: Option<&crate::model::ArchiveSettings>,
) -> Lang {
    if let Some(l) = flag.and_then(Lang::parse) {
        return l;
    }
    settings
        .and_then(|s| s.language.as_deref())
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if let Some(l) = cli.lang.as_deref() {
        if Lang::parse(l).is_none() {
            return fatal(
                Lang::Zh,
                &t!(
                    format!("不支持的语言“{l}”，可用 zh-CN 或 en"),
                    format!("unsupported language “{l}”: use zh-CN or en")
                ),
            );
        }
    }
    let flag = cli.lang.clone();
    match cli.command {
        Command::Check { root, format } => run_check(&root, format, flag.as_deref()),
        Command::Build(args) => crate::build::run(args, flag.as_deref()),
        Command::Index(args) => crate::build::run_index(args, flag.as_deref()),
        Command::Profiles { root, action } => {
            run_profiles(&root, action, resolve_lang(flag.as_deref(), None))
        }
        Command::Export(args) => crate::export::run(args, flag.as_deref()),
        Command::Verify { path, fast, format } => {
            run_verify(&path, fast, format, resolve_lang(flag.as_deref(), None))
        }
        Command::New {
            what: NewWhat::Case { dir, profile, root },
        } => new::run_new_case(
            &dir,
            &profile,
            root.as_deref(),
            resolve_lang(flag.as_deref(), None),
        ),
        Command::Theme { action } => {
            crate::render::html::export::run(action, resolve_lang(flag.as_deref(), None))
        }
        Command::Ledger { action } => crate::ledger::cli::run(&action, flag.as_deref()),
    }
}

fn run_check(root: &std::path::Path, format: Format, flag: Option<&str>) -> i32 {
    let loaded = match load::load(root) {
        Ok(l) => l,
        Err(e) => return fatal(resolve_lang(flag, None), &e.message),
    };
    let lang = resolve_lang(flag, Some(&loaded));
    let mut loaded = loaded;
    crate::layout_pages(&mut loaded);
    let report = check::run(&loaded, Mode::Check);
    match format {
        Format::Json => {
            let v = crate::report::to_json(&report, lang);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Text => print!(
            "{}",
            crate::report::to_text(&report, &loaded.sources, lang, use_color())
        ),
    }
    if report.has_errors() {
        1
    } else {
        0
    }
}

fn run_profiles(root: &std::path::Path, action: Option<ProfilesAction>, lang: Lang) -> i32 {
    let (set, findings) = if root.is_dir() {
        ProfileSet::load(root)
    } else {
        (ProfileSet::builtin(), Vec::new())
    };
    for f in &findings {
        eprint!(
            "{}",
            crate::report::finding_text(f, &Default::default(), lang, false)
        );
    }
    match action {
        None => {
            println!("{}", lang.pick("编号                  类别      名称                  材料类型数  保管期限  来源", "id                    kind      name                  types  retention  source"));
            for (id, (p, src, _)) in &set.profiles {
                let src = match src {
                    ProfileSource::Builtin => lang.pick("内置", "built-in").to_string(),
                    ProfileSource::Local(f) => f.clone(),
                };
                println!(
                    "{:<22}{:<10}{:<22}{:<12}{:<10}{}",
                    id,
                    p.kind,
                    p.name,
                    p.materials.len(),
                    p.retention,
                    src
                );
            }
            println!();
            println!(
                "{}",
                lang.pick(
                    "用 `anjuan profiles show 编号` 查看某一配置的全部材料类型及顺序。",
                    "`anjuan profiles show ID` prints one profile."
                )
            );
            0
        }
        Some(ProfilesAction::Show { id }) => match set.source(&id) {
            Some(src) => {
                print!("{src}");
                if !src.ends_with('\n') {
                    println!();
                }
                0
            }
            None => {
                let ids: Vec<&str> = set.profiles.keys().map(String::as_str).collect();
                fatal(
                    lang,
                    &t!(
                        format!("没有编号为“{id}”的规则配置；可用：{}", ids.join("、")),
                        format!("no profile “{id}”; available: {}", ids.join(", "))
                    ),
                )
            }
        },
    }
}

fn run_verify(path: &std::path::Path, fast: bool, format: Format, lang: Lang) -> i32 {
    match crate::package::verify::verify(path, fast) {
        Ok(results) => {
            match format {
                Format::Json => {
                    let whole = results.iter().all(|r| r.problems.is_empty());
                    let v = serde_json::json!({ "whole": whole, "results": results });
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                }
                Format::Text => print!("{}", crate::package::verify::to_text(&results, lang)),
            }
            if results.iter().all(|r| r.problems.is_empty()) {
                0
            } else {
                1
            }
        }
        Err(e) => fatal(lang, &t!(e.clone(), e)),
    }
}
