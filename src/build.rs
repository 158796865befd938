//! `anjuan build`: check, then render every volume into a staging folder and make each
//! result appear atomically in OUT (rename), so an interrupted build leaves either the
//! previous complete output or none, and the source tree is never touched.

use crate::check::{self, Mode};
use crate::cli::{fatal, resolve_lang, use_color, Format};
use crate::finding::{Finding, Text};
use crate::i18n::Lang;
use crate::load::{self, Loaded};
use crate::render::{self, Context, Options};
use crate::t;
use crate::theme::Theme;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Marker file that makes a folder an anjuan output folder: the only kind of folder the tool
/// ever deletes anything in.
pub const MARKER: &str = ".anjuan-output";

/// Arguments of `anjuan build`.
#[derive(clap::Args, Debug, Clone)]
pub struct BuildArgs {
    /// Archive root.
    #[arg(
        value_name = "根目录",
        default_value = ".",
        hide_default_value = true,
        help = "案卷根目录，默认为当前目录"
    )]
    pub root: PathBuf,
    /// Output folder.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "输出目录",
        help = "输出目录（默认 根目录/_site）"
    )]
    pub out: Option<PathBuf>,
    /// Renderers to run.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "输出",
        help = "只生成部分输出：html,pdf,ledger,package（默认全部）"
    )]
    pub only: Vec<String>,
    /// Extra blank ledger pages.
    #[arg(
        long = "ledger-blank-pages",
        value_name = "页数",
        default_value_t = 0,
        hide_default_value = true,
        help = "台账表另加空白页的页数（默认 0）"
    )]
    pub ledger_blank_pages: u32,
    /// Parallel jobs.
    #[arg(
        long,
        value_name = "线程数",
        help = "并行处理的卷数（默认为 CPU 核数）"
    )]
    pub jobs: Option<usize>,
    /// Theme name.
    #[arg(
        long,
        value_name = "主题",
        default_value = "default",
        hide_default_value = true,
        help = "主题名：读取 根目录/themes/主题名/ 中的覆盖文件（默认 default）"
    )]
    pub theme: String,
    /// Findings format.
    #[arg(
        long,
        value_enum,
        default_value = "text",
        value_name = "格式",
        hide_possible_values = true,
        hide_default_value = true,
        help = "检查结果的输出格式：text（默认）或 json"
    )]
    pub format: Format,
    /// Quiet.
    #[arg(long, short = 'q', help = "只输出错误")]
    pub quiet: bool,
}

const RENDERERS: &[&str] = &["html", "pdf", "ledger", "package"];

/// Why an output folder is refused.
pub fn refuse_out(root: &Path, out: &Path, loaded: &Loaded) -> Option<Text> {
    let canon_root = root.canonicalize().ok()?;
    // The output may not exist yet: judge by its nearest existing ancestor.
    let abs_out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(out)
    };
    let mut existing = abs_out.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        let name = existing.file_name()?.to_owned();
        tail.push(name);
        existing = existing.parent()?.to_path_buf();
    }
    let mut canon_out = existing.canonicalize().ok()?;
    for n in tail.into_iter().rev() {
        canon_out.push(n);
    }
    if canon_out.parent().is_none() {
        return Some(t!(
            "不能把输出写到文件系统根目录 /",
            "refusing to write output to /"
        ));
    }
    if canon_out == canon_root || canon_root.starts_with(&canon_out) {
        return Some(t!(
            "输出目录不能是案卷根目录或其上级目录（会与原始材料混在一起）",
            "the output folder cannot be the archive root or one of its parents"
        ));
    }
    for v in &loaded.archive.volumes {
        let dirs = std::iter::once(&v.dir_abs).chain(v.cases.iter().map(|c| &c.dir_abs));
        for d in dirs {
            if let Ok(cd) = d.canonicalize() {
                if canon_out.starts_with(&cd) && cd != canon_root {
                    return Some(t!(
                        format!("输出目录不能放在案件文件夹 {} 之内", v.dir_rel),
                        format!(
                            "the output folder cannot be inside the case folder {}",
                            v.dir_rel
                        )
                    ));
                }
                if cd == canon_root && canon_out.starts_with(&cd) {
                    // A root that is itself a case folder: only an ignored `_`/`.` child is fine.
                    let rel = canon_out.strip_prefix(&cd).ok()?;
                    let first = rel
                        .components()
                        .next()?
                        .as_os_str()
                        .to_string_lossy()
                        .into_owned();
                    if !load::is_ignored_name(&first) {
                        return Some(t!(
                            "根目录本身是案件文件夹时，输出目录须以 _ 开头（如 _site）",
                            "when the root is a case folder, the output folder must start with _ (e.g. _site)"
                        ));
                    }
                }
            }
        }
    }
    if abs_out.is_dir() {
        let empty = std::fs::read_dir(&abs_out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !abs_out.join(MARKER).is_file() {
            return Some(t!(
                format!("{} 已存在且不是 anjuan 的输出目录（没有 {MARKER} 标记），为免误删不会写入", abs_out.display()),
                format!("{} exists and is not an anjuan output folder (no {MARKER}); refusing to write into it", abs_out.display())
            ));
        }
    } else if abs_out.exists() {
        return Some(t!(
            format!("{} 是文件，不是文件夹", abs_out.display()),
            format!("{} is a file, not a folder", abs_out.display())
        ));
    }
    None
}

fn print_report(report: &check::Report, loaded: &Loaded, lang: Lang, format: Format, quiet: bool) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&crate::report::to_json(report, lang)).unwrap_or_default()
        ),
        Format::Text => {
            for f in &report.findings {
                if quiet && !f.is_error() {
                    continue;
                }
                eprint!(
                    "{}",
                    crate::report::finding_text(f, &loaded.sources, lang, use_color())
                );
                eprintln!();
            }
            eprintln!("{}", crate::report::summary_line(report, lang));
        }
    }
}

/// Runs `build`; returns the exit status.
pub fn run(args: BuildArgs, flag: Option<&str>) -> i32 {
    let loaded = match load::load(&args.root) {
        Ok(l) => l,
        Err(e) => return fatal(resolve_lang(flag, None), &e.message),
    };
    let lang = resolve_lang(flag, Some(&loaded));
    for o in &args.only {
        if !RENDERERS.contains(&o.as_str()) {
            return fatal(
                lang,
                &t!(
                    format!("--only 不认识“{o}”；可用：{}", RENDERERS.join(",")),
                    format!("--only: unknown “{o}”; use {}", RENDERERS.join(","))
                ),
            );
        }
    }
    let out = args.out.clone().unwrap_or_else(|| args.root.join("_site"));
    if let Some(why) = refuse_out(&args.root, &out, &loaded) {
        return fatal(lang, &why);
    }
    let mut loaded = loaded;
    crate::layout_pages(&mut loaded);
    let report = check::run(&loaded, Mode::Build);
    if report.has_errors() {
        print_report(&report, &loaded, lang, args.format, args.quiet);
        eprintln!(
            "{}",
            lang.pick(
                "有错误，未生成任何文件。请按上面的提示修改后重试。",
                "errors found: nothing was written. Fix them and run again."
            )
        );
        return 1;
    }
    if !args.quiet || args.format == Format::Json {
        print_report(&report, &loaded, lang, args.format, true);
    }
    let theme = match Theme::load(&args.root, &args.theme) {
        Ok(t) => t,
        Err(e) => {
            return fatal(
                lang,
                &t!(
                    format!("无法读取主题 {}：{e}", args.theme),
                    format!("cannot read theme {}: {e}", args.theme)
                ),
            )
        }
    };
    let enabled: Vec<&'static str> = RENDERERS
        .iter()
        .copied()
        .filter(|r| args.only.is_empty() || args.only.iter().any(|o| o == r))
        .collect();
    let options = Options {
        ledger_blank_pages: args.ledger_blank_pages,
        enabled,
        ..Options::default()
    };
    if let Some(j) = args.jobs {
        // A second build in the same process keeps the first pool; that is fine.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
    match write_outputs(&loaded, &theme, &options, &out) {
        Ok(findings) => {
            for f in &findings {
                eprint!(
                    "{}",
                    crate::report::finding_text(f, &loaded.sources, lang, use_color())
                );
            }
            if !args.quiet {
                eprintln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "已生成 {} 卷到 {}",
                            loaded.archive.volumes.len(),
                            out.display()
                        ),
                        &format!(
                            "built {} volumes into {}",
                            loaded.archive.volumes.len(),
                            out.display()
                        )
                    )
                );
            }
            0
        }
        Err(e) => fatal(lang, &e.message),
    }
}

fn io_err(what: &str, p: &Path, e: std::io::Error) -> render::RenderError {
    render::RenderError::io(what, p, e)
}

/// Renders everything into `out`, volume by volume, each swapped in atomically.
pub fn write_outputs(
    loaded: &Loaded,
    theme: &Theme,
    options: &Options,
    out: &Path,
) -> Result<Vec<Finding>, render::RenderError> {
    std::fs::create_dir_all(out).map_err(|e| io_err("创建输出目录", out, e))?;
    let marker = out.join(MARKER);
    if !marker.exists() {
        std::fs::write(
            &marker,
            "anjuan output folder: the tool may replace anything in here.\n",
        )
        .map_err(|e| io_err("写入标记文件", &marker, e))?;
    }
    recover(out)?;
    let staging = out.join(format!(".anjuan-staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| io_err("清理临时目录", &staging, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| io_err("创建临时目录", &staging, e))?;
    let ctx = Context {
        archive: &loaded.archive,
        profiles: &loaded.profiles,
        theme,
        options,
        seals: Default::default(),
    };
    let renderers: Vec<Box<dyn render::Renderer>> = render::all()
        .into_iter()
        .filter(|r| options.has(r.name()))
        .collect();
    // The ledger forms are not part of the sealed volume (they record who saw it, and carry
    // the package's digest), so they are drawn after sealing.
    let (after_seal, before_seal): (Vec<_>, Vec<_>) =
        renderers.iter().partition(|r| r.name() == "ledger");
    let packages = staging.join("_packages");
    std::fs::create_dir_all(&packages).map_err(|e| io_err("创建临时目录", &packages, e))?;

    let results: Vec<Result<Vec<Finding>, render::RenderError>> = loaded
        .archive
        .volumes
        .par_iter()
        .map(|v| {
            let dir = staging.join(&v.id);
            std::fs::create_dir_all(&dir).map_err(|e| io_err("创建临时目录", &dir, e))?;
            let mut findings = Vec::new();
            for r in &before_seal {
                findings.extend(r.render_volume(&ctx, v, &dir)?);
            }
            if options.has("package") {
                let zip = packages.join(format!("{}.zip", v.id));
                let sealed = crate::package::seal_volume(
                    loaded,
                    v,
                    &dir,
                    &zip,
                    options.has("html") && dir.join("files").is_dir(),
                )
                .map_err(|e| io_err("封装", &zip, e))?;
                if let Ok(mut m) = ctx.seals.lock() {
                    m.insert(v.id.clone(), sealed.manifest_sha256);
                }
            }
            for r in &after_seal {
                findings.extend(r.render_volume(&ctx, v, &dir)?);
            }
            // Swap the finished volume in: old → .anjuan-old-<id>, new → <id>, drop old.
            let target = out.join(&v.id);
            let old = out.join(format!(".anjuan-old-{}", v.id));
            if target.exists() {
                std::fs::rename(&target, &old).map_err(|e| io_err("替换旧输出", &target, e))?;
            }
            std::fs::rename(&dir, &target).map_err(|e| io_err("移入新输出", &target, e))?;
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| io_err("删除旧输出", &old, e))?;
            }
            let zip = packages.join(format!("{}.zip", v.id));
            if zip.exists() {
                let dest = out.join(format!("{}.zip", v.id));
                std::fs::rename(&zip, &dest).map_err(|e| io_err("移入封装包", &dest, e))?;
            }
            Ok(findings)
        })
        .collect();
    let mut findings = Vec::new();
    for r in results {
        findings.extend(r?);
    }
    // Archive-wide files: staged, then renamed one by one (a rename replaces atomically).
    let arch = staging.join("_archive");
    std::fs::create_dir_all(&arch).map_err(|e| io_err("创建临时目录", &arch, e))?;
    for r in renderers.iter() {
        findings.extend(r.render_archive(&ctx, &arch)?);
    }
    move_tree(&arch, out)?;
    write_manifest_of_volumes(out, loaded)?;
    std::fs::remove_dir_all(&staging).map_err(|e| io_err("清理临时目录", &staging, e))?;
    Ok(findings)
}

/// Moves every file below `from` to the same place below `to`, replacing files.
fn move_tree(from: &Path, to: &Path) -> Result<(), render::RenderError> {
    for e in walkdir::WalkDir::new(from).min_depth(1).sort_by_file_name() {
        let e = e.map_err(|e| {
            render::RenderError::msg(
                format!("读取临时目录失败：{e}"),
                format!("reading staging failed: {e}"),
            )
        })?;
        let rel = e.path().strip_prefix(from).unwrap_or(e.path());
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(|er| io_err("创建文件夹", &dest, er))?;
        } else {
            std::fs::rename(e.path(), &dest).map_err(|er| io_err("移入新输出", &dest, er))?;
        }
    }
    Ok(())
}

/// Records which volume folders this tool owns, and removes the ones no longer in the
/// archive (only those it recorded itself).
fn write_manifest_of_volumes(out: &Path, loaded: &Loaded) -> Result<(), render::RenderError> {
    let list = out.join(".anjuan-volumes");
    let previous: Vec<String> = std::fs::read_to_string(&list)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let current: Vec<String> = loaded
        .archive
        .volumes
        .iter()
        .map(|v| v.id.clone())
        .collect();
    for p in previous {
        if !p.is_empty() && !current.contains(&p) && !p.contains('/') && !p.starts_with('.') {
            let d = out.join(&p);
            if d.is_dir() {
                std::fs::remove_dir_all(&d).map_err(|e| io_err("删除已不存在的卷", &d, e))?;
            }
        }
    }
    std::fs::write(&list, current.join("\n") + "\n").map_err(|e| io_err("写入卷清单", &list, e))
}

/// Finishes or rolls back what an interrupted build left: a `.anjuan-old-<id>` without its
/// `<id>` is restored; stale staging folders are removed.
pub fn recover(out: &Path) -> Result<(), render::RenderError> {
    let Ok(rd) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if let Some(id) = name.strip_prefix(".anjuan-old-") {
            let target = out.join(id);
            if target.exists() {
                std::fs::remove_dir_all(&path).map_err(|er| io_err("删除旧输出", &path, er))?;
            } else {
                std::fs::rename(&path, &target).map_err(|er| io_err("恢复旧输出", &target, er))?;
            }
        } else if name.starts_with(".anjuan-staging-") {
            std::fs::remove_dir_all(&path).map_err(|er| io_err("清理临时目录", &path, er))?;
        }
    }
    Ok(())
}
