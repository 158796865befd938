//! `anjuan build`: check, then render every volume into a staging folder and make each
//! result appear atomically in OUT (rename), so an interrupted build leaves either the
//! previous complete output or none, and the source tree is never touched.
//!
//! It streams through the archive: [`check_streaming`] loads, lays out, checks and keys one
//! volume per core and drops it (keeping a [`Head`]); only if nothing is an error,
//! [`write_outputs_planned`] loads each volume to rebuild again ([`Streamed`]), renders it and
//! drops it. Memory is that of the volumes in flight, not of the archive.

use crate::cache::{self, Cache};
use crate::check::{self, Mode};
use crate::cli::{fatal, resolve_lang, resolve_lang_in, use_color, Format};
use crate::finding::{Finding, Text};
use crate::i18n::Lang;
use crate::load;
use crate::render::{self, Context, Options};
use crate::t;
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Which outputs, with which theme.
    #[command(flatten)]
    pub outputs: Outputs,
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
    /// Ignore the incremental-build cache.
    #[arg(long, help = "忽略增量缓存，重新生成每一卷")]
    pub force: bool,
    /// Build only one shard of the volumes.
    #[arg(
        long,
        value_name = "K/N",
        value_parser = parse_shard,
        help = "只生成第 K 份（共 N 份，K 从 1 起）：卷号散列到 K 的卷；各份完成后用 anjuan index 生成总目录页"
    )]
    pub shard: Option<(u32, u32)>,
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("“{s}”不是 K/N 形式（如 1/4，K 从 1 到 N） / not K/N such as 1/4");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u32 = k.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Whether volume `id` belongs to shard `k` of `n` (1-based): by the SHA-256 of the id, so
/// every machine agrees without talking to the others.
pub fn in_shard(id: &str, shard: Option<(u32, u32)>) -> bool {
    use sha2::Digest;
    let Some((k, n)) = shard else { return true };
    let d = sha2::Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    (u64::from_be_bytes(first) % n as u64) as u32 == k - 1
}

const RENDERERS: &[&str] = &["html", "pdf", "ledger", "package"];

/// The outputs a build (or `index`) writes and the theme they use; shared by `build` and
/// `index`, whose archive pages must match what the shards built.
#[derive(clap::Args, Debug, Clone)]
pub struct Outputs {
    /// Renderers to run.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "输出",
        help = "只生成部分输出：html,pdf,ledger,package（默认全部；index 时与各分片 build 相同）"
    )]
    pub only: Vec<String>,
    /// Theme name.
    #[arg(
        long,
        value_name = "主题",
        default_value = "default",
        hide_default_value = true,
        help = "主题名：读取 根目录/themes/主题名/ 中的覆盖文件（默认 default）"
    )]
    pub theme: String,
}

impl Outputs {
    /// An unknown `--only` name, as a message.
    pub fn unknown(&self) -> Option<Text> {
        self.only
            .iter()
            .find(|o| !RENDERERS.contains(&o.as_str()))
            .map(|o| {
                t!(
                    format!("--only 不认识“{o}”；可用：{}", RENDERERS.join(",")),
                    format!("--only: unknown “{o}”; use {}", RENDERERS.join(","))
                )
            })
    }

    /// Render options for these outputs.
    pub fn options(&self, ledger_blank_pages: u32) -> Options {
        let enabled: Vec<&'static str> = RENDERERS
            .iter()
            .copied()
            .filter(|r| self.only.is_empty() || self.only.iter().any(|o| o == r))
            .collect();
        Options {
            ledger_blank_pages,
            enabled,
            ..Options::default()
        }
    }
}

/// Why an output folder is refused.
/// `volumes` gives each volume's folder (relative, for messages) and the absolute folders
/// of the volume and its cases.
pub fn refuse_out(root: &Path, out: &Path, volumes: &[(String, Vec<PathBuf>)]) -> Option<Text> {
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
    for (dir_rel, dirs) in volumes {
        for d in dirs {
            if let Ok(cd) = d.canonicalize() {
                if canon_out.starts_with(&cd) && cd != canon_root {
                    return Some(t!(
                        format!("输出目录不能放在案件文件夹 {dir_rel} 之内"),
                        format!("the output folder cannot be inside the case folder {dir_rel}")
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

fn print_report(
    report: &check::Report,
    sources: &BTreeMap<String, Arc<str>>,
    lang: Lang,
    format: Format,
    quiet: bool,
) {
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
                    crate::report::finding_text(f, sources, lang, use_color())
                );
                eprintln!();
            }
            eprintln!("{}", crate::report::summary_line(report, lang));
        }
    }
}

/// Runs `build`; returns the exit status.
pub fn run(args: BuildArgs, flag: Option<&str>) -> i32 {
    if let Some(j) = args.jobs {
        // Before anything runs in parallel (load hashes in parallel too): the global pool is
        // fixed by its first use. A second build in the same process keeps the first pool.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
    let out = args.out.clone().unwrap_or_else(|| args.root.join("_site"));
    // Only an anjuan output folder has a cache worth reading.
    let cache = if args.force || !out.join(MARKER).is_file() {
        Cache::none_saving(&out, &cache::state_file(args.shard))
    } else {
        Cache::open(&out, &cache::state_file(args.shard))
    };
    let prepared = match load::prepare(&args.root) {
        Ok(p) => p,
        Err(e) => return fatal(resolve_lang(flag, None), &e.message),
    };
    let lang = resolve_lang_in(flag, Some(&prepared.settings));
    if let Some(why) = args.outputs.unknown() {
        return fatal(lang, &why);
    }
    let theme = match load_theme(&args.root, &args.outputs.theme, lang) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let options = args.outputs.options(args.ledger_blank_pages);
    let common = cache::common_key(&prepared.settings, &prepared.profiles, &theme, &options);
    // Pass 1: every volume loaded, laid out and checked, then dropped (see `check_streaming`).
    let checked = check_streaming(&prepared, &cache, &common, Mode::Build);
    let folders: Vec<(String, Vec<PathBuf>)> = checked
        .heads
        .iter()
        .map(|h| (h.dir_rel.clone(), h.dirs_abs(&prepared.root)))
        .collect();
    if let Some(why) = refuse_out(&args.root, &out, &folders) {
        return fatal(lang, &why);
    }
    if let Some(p) = &cache.dropped {
        eprintln!(
            "{}",
            lang.pick(
                &format!("注意：增量缓存 {p} 已损坏，将全部重新生成"),
                &format!("note: the build cache {p} is damaged; rebuilding everything")
            )
        );
    }
    let report = &checked.report;
    if report.has_errors() {
        print_report(report, &checked.sources, lang, args.format, args.quiet);
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
        // Warnings too: a build that goes ahead should still say what to look at.
        print_report(report, &checked.sources, lang, args.format, args.quiet);
    }
    let selected = checked
        .heads
        .iter()
        .filter(|h| in_shard(&h.id, args.shard))
        .count();
    let plan = Plan {
        cache: &cache,
        shard: args.shard,
        progress: Progress::new(selected, lang, args.quiet),
        warnings: !args.quiet,
    };
    let streamed = Streamed {
        prepared: &prepared,
        heads: &checked.heads,
        cache: &cache,
        common,
    };
    match write_outputs_planned(&streamed, &theme, &options, &out, &plan) {
        Ok(done) => {
            plan.progress.finish();
            // --quiet: errors only (render findings are warnings).
            for f in done.findings.iter().filter(|f| !args.quiet || f.is_error()) {
                eprint!(
                    "{}",
                    crate::report::finding_text(f, &done.sources, lang, use_color())
                );
            }
            if !args.quiet {
                let (k, n) = args.shard.unwrap_or((1, 1));
                let (kept, shown) = (selected - done.rebuilt, out.display());
                let shard_note = |zh: bool| match (args.shard.is_some(), zh) {
                    (false, _) => String::new(),
                    (true, true) => {
                        format!("；这是第 {k} 份，共 {n} 份：全部完成后请运行 anjuan index {shown}")
                    }
                    (true, false) => {
                        format!("; shard {k} of {n}: when all are done, run anjuan index {shown}")
                    }
                };
                eprintln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "已生成 {selected} 卷到 {shown}（重新生成 {} 卷，{kept} 卷未变沿用）{}",
                            done.rebuilt,
                            shard_note(true)
                        ),
                        &format!(
                            "built {selected} volumes into {shown} ({} rebuilt, {kept} unchanged){}",
                            done.rebuilt,
                            shard_note(false)
                        )
                    )
                );
            }
            0
        }
        Err(e) => {
            plan.progress.finish();
            fatal(lang, &e.message)
        }
    }
}

fn load_theme(root: &Path, name: &str, lang: Lang) -> Result<Theme, i32> {
    Theme::load(root, name).map_err(|e| {
        fatal(
            lang,
            &t!(
                format!("无法读取主题 {name}：{e}"),
                format!("cannot read theme {name}: {e}")
            ),
        )
    })
}

/// How a build runs beyond what it renders: the cache, the shard, progress.
pub struct Plan<'a> {
    /// The incremental-build cache of OUT.
    pub cache: &'a Cache,
    /// Build only this shard (K, N); the archive pages are left to `anjuan index`.
    pub shard: Option<(u32, u32)>,
    /// Progress display.
    pub progress: Progress,
    /// Whether the renderers' warnings are kept for the report (not with `--quiet`, which
    /// shows errors only: a thousand unshown warnings are memory held for nothing).
    pub warnings: bool,
}

/// What a build did.
pub struct Done {
    /// Findings raised while rendering (warnings).
    pub findings: Vec<Finding>,
    /// Volumes rendered anew (the rest were current).
    pub rebuilt: usize,
    /// The manifest texts those findings point at.
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Volumes done / total: a progress bar with ETA on a terminal, plain lines otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    lang: Lang,
}

impl Progress {
    /// A display for `total` volumes; silent when `quiet`.
    pub fn new(total: usize, lang: Lang, quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let tty = std::io::stderr().is_terminal();
        let bar = (!quiet && tty && total > 0).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            let tpl = lang.pick(
                "{bar:30} {pos}/{len} 卷 · 剩余约 {eta} · {msg}",
                "{bar:30} {pos}/{len} volumes · ETA {eta} · {msg}",
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(tpl) {
                b.set_style(style);
            }
            b
        });
        Progress {
            bar,
            plain: !quiet && !tty,
            total,
            done: Default::default(),
            lang,
        }
    }

    /// One volume finished (rendered anew or kept).
    pub fn volume_done(&self, id: &str, rebuilt: bool) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(b) = &self.bar {
            b.set_message(id.to_string());
            b.inc(1);
        } else if self.plain {
            let what = match (rebuilt, self.lang) {
                (true, Lang::Zh) => "已生成",
                (false, Lang::Zh) => "未变，沿用",
                (true, Lang::En) => "built",
                (false, Lang::En) => "unchanged",
            };
            eprintln!("[{n}/{}] {id} {what}", self.total);
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn io_err(what: &str, p: &Path, e: std::io::Error) -> render::RenderError {
    render::RenderError::io(what, p, e)
}

/// The name that ties staging folders and locks to one build: parallel shards writing into
/// one shared OUT never touch each other's.
fn tag(shard: Option<(u32, u32)>) -> String {
    match shard {
        Some((k, n)) => format!("shard-{k}-of-{n}"),
        None => "all".into(),
    }
}

/// Prepares OUT: the marker, an exclusive lock for this build (returned: held until
/// dropped), recovery of what an interrupted build of the same shard left.
fn open_out(out: &Path, shard: Option<(u32, u32)>) -> Result<std::fs::File, render::RenderError> {
    use fs2::FileExt;
    std::fs::create_dir_all(out).map_err(|e| io_err("创建输出目录", out, e))?;
    let marker = out.join(MARKER);
    if !marker.exists() {
        std::fs::write(
            &marker,
            "anjuan output folder: the tool may replace anything in here.\n",
        )
        .map_err(|e| io_err("写入标记文件", &marker, e))?;
    }
    let cdir = out.join(cache::DIR);
    std::fs::create_dir_all(&cdir).map_err(|e| io_err("创建缓存目录", &cdir, e))?;
    let lock_path = cdir.join(format!("lock-{}", tag(shard)));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| io_err("创建锁文件", &lock_path, e))?;
    if lock.try_lock_exclusive().is_err() {
        return Err(render::RenderError::msg(
            format!(
                "另一个 anjuan 正在写入 {}（{}）；请等它完成后再运行",
                out.display(),
                tag(shard)
            ),
            format!(
                "another anjuan is writing into {} ({}); wait for it to finish",
                out.display(),
                tag(shard)
            ),
        ));
    }
    recover(out, &|id| in_shard(id, shard), &tag(shard))?;
    Ok(lock)
}

/// Renders the selected volumes into `out` (those the cache shows current are kept), each
/// swapped in atomically, then the archive pages (not for a shard: `anjuan index` does
/// those once every shard is done).
pub fn write_outputs_planned(
    volumes: &Streamed,
    theme: &Theme,
    options: &Options,
    out: &Path,
    plan: &Plan,
) -> Result<Done, render::RenderError> {
    let prepared = volumes.prepared;
    let _lock = open_out(out, plan.shard)?;
    if let Ok(root) = prepared.root.canonicalize() {
        let f = out.join(ROOT_FILE);
        let text = format!("{}\n", root.display());
        if std::fs::read_to_string(&f).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&f, text).map_err(|e| io_err("写入根目录记录", &f, e))?;
        }
    }
    let staging = out.join(format!(".anjuan-staging-{}", tag(plan.shard)));
    std::fs::create_dir_all(&staging).map_err(|e| io_err("创建临时目录", &staging, e))?;
    let renderers = render::enabled(options);
    // The ledger forms are not part of the sealed volume (they record who saw it, and carry
    // the package's digest), so they are drawn after sealing.
    let (after_seal, before_seal): (Vec<_>, Vec<_>) =
        renderers.iter().partition(|r| r.name() == "ledger");
    let packages = staging.join("_packages");
    std::fs::create_dir_all(&packages).map_err(|e| io_err("创建临时目录", &packages, e))?;
    let rebuilt = std::sync::atomic::AtomicUsize::new(0);

    type VolumeResult = Result<(Vec<Finding>, BTreeMap<String, Arc<str>>), render::RenderError>;
    let results: Vec<VolumeResult> = volumes
        .heads
        .par_iter()
        .filter(|h| in_shard(&h.id, plan.shard))
        .map(|h| {
            if plan.cache.volume_is_current(out, &h.id, &h.key) {
                plan.progress.volume_done(&h.id, false);
                return Ok(Default::default());
            }
            // Loaded again (its files' hashes, examinations and page counts are cached by
            // now), rendered, and dropped: one volume per core in memory.
            let (archive, sources) = volumes.reload(h)?;
            let v = &archive.volumes[0];
            let ctx = Context {
                archive: &archive,
                volumes: &archive.volumes,
                profiles: &prepared.profiles,
                theme,
                options,
                seals: Default::default(),
            };
            let dir = staging.join(&v.id);
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| io_err("清理临时目录", &dir, e))?;
            }
            std::fs::create_dir_all(&dir).map_err(|e| io_err("创建临时目录", &dir, e))?;
            let mut findings = Vec::new();
            for r in &before_seal {
                findings.extend(r.render_volume(&ctx, v, &dir)?);
            }
            let zip = packages.join(format!("{}.zip", v.id));
            if options.has("package") {
                let sealed = crate::package::seal_volume(
                    &archive,
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
            let dest = out.join(format!("{}.zip", v.id));
            if zip.exists() {
                std::fs::rename(&zip, &dest).map_err(|e| io_err("移入封装包", &dest, e))?;
            } else if dest.exists() {
                // Built without a package this time: an old package would no longer match.
                std::fs::remove_file(&dest).map_err(|e| io_err("删除旧封装包", &dest, e))?;
            }
            plan.cache.record_volume(
                &v.id,
                cache::VolumeState {
                    key: h.key.clone(),
                    outputs: cache::outputs_digest(out, &v.id).unwrap_or_default(),
                    paths: Vec::new(),
                },
            );
            rebuilt.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            plan.progress.volume_done(&v.id, true);
            if !plan.warnings {
                findings.retain(Finding::is_error);
                // An emptied vector keeps its buffer, held per volume to the end.
                findings.shrink_to_fit();
            }
            // Only the manifest texts a finding quotes are kept (for its snippet).
            let sources = quoted(&[&findings], sources);
            Ok((findings, sources))
        })
        .collect();
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let mut first_error = None;
    for r in results {
        match r {
            Ok((f, s)) => {
                findings.extend(f);
                sources.extend(s);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    // Volumes that did finish are recorded even when another failed, so the retry is short.
    let save = if rebuilt.load(std::sync::atomic::Ordering::Relaxed) > 0 || first_error.is_some() {
        plan.cache.save()
    } else {
        Ok(())
    };
    if let Some(e) = first_error {
        return Err(e);
    }
    let rebuilt = rebuilt.into_inner();
    let keys: Vec<(String, String)> = volumes
        .heads
        .iter()
        .map(|h| (h.id.clone(), h.key.clone()))
        .collect();
    let ids: Vec<String> = keys.iter().map(|(id, _)| id.clone()).collect();
    if plan.shard.is_none() {
        // Nothing changed and the archive pages are intact: keep them too.
        let common = volumes.common_archive();
        let ctx = Context {
            archive: &common,
            volumes,
            profiles: &prepared.profiles,
            theme,
            options,
            seals: Default::default(),
        };
        let akey = cache::archive_key(&volumes.common, &keys);
        if rebuilt > 0 || !plan.cache.archive_is_current(out, &akey) {
            let (more, paths) = render_archive_pages(&ctx, &renderers, &staging, out, &ids)?;
            findings.extend(more);
            plan.cache.record_archive(out, akey, paths);
        }
    } else {
        remove_dropped_shard_volumes(out, &ids, plan)?;
    }
    let present: std::collections::BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    plan.cache
        .retain_volumes(&|id| in_shard(id, plan.shard) && present.contains(id));
    save.and(plan.cache.save())
        .map_err(|e| io_err("写入增量缓存", &out.join(cache::DIR), e))?;
    std::fs::remove_dir_all(&staging).map_err(|e| io_err("清理临时目录", &staging, e))?;
    Ok(Done {
        findings,
        rebuilt,
        sources,
    })
}

/// What the first pass keeps of a volume once it is checked: enough to decide whether to
/// rebuild it, to refuse an output folder inside it, and to load it again.
#[derive(Debug, Clone)]
pub struct Head {
    /// Output id.
    pub id: String,
    /// The volume's folder (relative).
    pub dir_rel: String,
    /// Its manifest (relative).
    pub manifest_rel: String,
    /// Its cases' folders (relative), for naming findings' volumes.
    pub case_dirs: Vec<String>,
    /// Its unit in the prepared archive.
    pub unit: usize,
    /// The build key (see [`cache::volume_key`]).
    pub key: String,
}

impl Head {
    /// The volume's folder and its cases' folders (absolute), for [`refuse_out`]; made
    /// when needed rather than held for every volume.
    pub fn dirs_abs(&self, root: &Path) -> Vec<PathBuf> {
        std::iter::once(&self.dir_rel)
            .chain(&self.case_dirs)
            .map(|rel| load::abs_dir(root, rel))
            .collect()
    }
}

/// The first pass of a build, as data.
pub struct Checked {
    /// The volumes, ids unique, in id order.
    pub heads: Vec<Head>,
    /// Every finding, in report order, with the counts.
    pub report: check::Report,
    /// The manifest texts of the files findings point at (for snippets).
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Of a volume's manifest texts, only those its findings quote (a finding with a line in
/// that file): the rest would be held, unread, until the report is printed.
fn quoted(
    findings: &[&[Finding]],
    sources: BTreeMap<String, Arc<str>>,
) -> BTreeMap<String, Arc<str>> {
    // Collected anew: a map emptied in place keeps its root node (held per volume until the
    // end of the build).
    sources
        .into_iter()
        .filter(|(file, _)| {
            findings
                .iter()
                .flat_map(|fs| fs.iter())
                .any(|f| f.line > 0 && f.file.as_deref() == Some(file.as_str()))
        })
        .collect()
}

/// An archive of one volume: what a streaming build checks and renders at a time.
fn one_volume(prepared: &load::Prepared, v: crate::model::Volume) -> crate::model::Archive {
    crate::model::Archive {
        root: prepared.root.clone(),
        settings: prepared.settings.clone(),
        volumes: vec![v],
    }
}

/// The first pass of a build: every unit loaded, laid out, checked and keyed, one per core,
/// then dropped, keeping its [`Head`], its findings and the manifest texts they quote. Memory stays that of the volumes in flight, whatever the archive's size; the
/// findings are those `check` gives for the loaded archive (same rules, same order).
pub fn check_streaming(
    prepared: &load::Prepared,
    cache: &Cache,
    common: &str,
    mode: Mode,
) -> Checked {
    use crate::check::Summary;
    struct One {
        head: Option<Head>,
        load_findings: Vec<Finding>,
        rule_findings: Vec<Finding>,
        sources: BTreeMap<String, Arc<str>>,
        counts: (usize, usize, u64),
    }
    let ones: Vec<One> = prepared
        .units
        .par_iter()
        .enumerate()
        .map(|(unit, u)| {
            let ul = load::load_unit(prepared, u, cache);
            let mut one = One {
                head: None,
                load_findings: ul.findings,
                rule_findings: Vec::new(),
                sources: BTreeMap::new(),
                counts: (0, 0, 0),
            };
            if let Some(v) = ul.volume {
                let mut a = one_volume(prepared, v);
                crate::layout_pages_in(&mut a, cache);
                one.rule_findings = check::rules(&a, mode);
                let v = &a.volumes[0];
                one.counts = (v.cases.len(), v.item_count(), v.known_pages() as u64);
                one.head = Some(Head {
                    id: v.id.clone(),
                    dir_rel: v.dir_rel.clone(),
                    manifest_rel: v.manifest_rel.clone(),
                    case_dirs: v.cases.iter().map(|c| c.dir_rel.clone()).collect(),
                    unit,
                    key: cache::volume_key(common, v),
                });
            }
            one.sources = quoted(&[&one.load_findings, &one.rule_findings], ul.sources);
            one
        })
        .collect();

    let mut findings = prepared.findings.clone();
    let mut sources = prepared.sources.clone();
    // Ids unique and folders named exactly as `load::assemble` does.
    let with_head: Vec<(usize, &Head)> = ones
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.head.as_ref().map(|h| (i, h)))
        .collect();
    let refs: Vec<load::VolumeRef> = with_head
        .iter()
        .map(|&(_, h)| load::VolumeRef {
            id: &h.id,
            dir_rel: &h.dir_rel,
            manifest_rel: &h.manifest_rel,
            case_dirs: h.case_dirs.iter().map(String::as_str).collect(),
        })
        .collect();
    let mut kept = vec![false; ones.len()];
    let mut counts = Summary::default();
    let mut heads = Vec::new();
    let mut folders = prepared.folders.clone();
    let mut volume_dirs = Vec::new();
    for r in load::unique_ids(&refs, &mut findings) {
        let (i, h) = with_head[r];
        kept[i] = true;
        load::name_folders(&mut folders, &refs[r]);
        volume_dirs.extend(refs[r].dirs());
        counts.volumes += 1;
        counts.cases += ones[i].counts.0;
        counts.materials += ones[i].counts.1;
        counts.pages += ones[i].counts.2;
        heads.push(h.clone());
    }
    let mut dirs = folders;
    dirs.extend(volume_dirs);
    for (i, one) in ones.into_iter().enumerate() {
        findings.extend(one.load_findings);
        // A duplicate volume is dropped before the rules run on it, as in `check`.
        if kept[i] {
            findings.extend(one.rule_findings);
        }
        sources.extend(one.sources);
    }
    check::assign_volumes(dirs, &mut findings);
    check::order(&mut findings);
    // A finding raised after its unit was dropped (a duplicate id) quotes its file read again.
    for f in findings.iter().filter(|f| f.line > 0) {
        let Some(file) = f.file.as_deref() else {
            continue;
        };
        if !sources.contains_key(file) {
            if let Ok(text) = std::fs::read_to_string(prepared.root.join(file)) {
                sources.insert(file.to_string(), Arc::from(text.as_str()));
            }
        }
    }
    Checked {
        heads,
        report: check::report(findings, counts),
        sources,
    }
}

/// The volumes of a streaming build: the prepared archive's units, loaded again one at a
/// time when a renderer needs them.
pub struct Streamed<'a> {
    /// The prepared archive.
    pub prepared: &'a load::Prepared,
    /// Its checked volumes, in id order.
    pub heads: &'a [Head],
    /// The build's cache (the first pass filled it: reloading hashes nothing again).
    pub cache: &'a Cache,
    /// The key every volume shares (see [`cache::common_key`]).
    pub common: String,
}

impl Streamed<'_> {
    /// The volume of `h` as an archive of one volume, laid out, with its manifest texts.
    /// Its key must still be the one checked: a source changed since is an error, not a
    /// volume built from files nobody checked.
    fn reload(
        &self,
        h: &Head,
    ) -> Result<(crate::model::Archive, BTreeMap<String, Arc<str>>), render::RenderError> {
        let changed = || {
            render::RenderError::msg(
                format!(
                    "{} 在生成过程中被修改；请确认后重新运行 build",
                    h.manifest_rel
                ),
                format!(
                    "{} changed during the build; check it and run build again",
                    h.manifest_rel
                ),
            )
        };
        let unit = self.prepared.units.get(h.unit).ok_or_else(changed)?;
        let ul = load::load_unit(self.prepared, unit, self.cache);
        let v = ul.volume.ok_or_else(changed)?;
        let mut a = one_volume(self.prepared, v);
        crate::layout_pages_in(&mut a, self.cache);
        if a.volumes[0].id != h.id || cache::volume_key(&self.common, &a.volumes[0]) != h.key {
            return Err(changed());
        }
        Ok((a, ul.sources))
    }

    /// The archive as the archive pages see it without its volumes: root and settings.
    fn common_archive(&self) -> crate::model::Archive {
        crate::model::Archive {
            root: self.prepared.root.clone(),
            settings: self.prepared.settings.clone(),
            volumes: Vec::new(),
        }
    }
}

impl render::Volumes for Streamed<'_> {
    fn count(&self) -> usize {
        self.heads.len()
    }
    fn each(&self, f: &mut dyn FnMut(&crate::model::Volume)) -> std::io::Result<()> {
        // A few volumes per core are loaded at once, then handed over in order.
        let window = 4 * rayon::current_num_threads().max(1);
        for chunk in self.heads.chunks(window) {
            let loaded: Vec<_> = chunk.par_iter().map(|h| self.reload(h)).collect();
            for l in loaded {
                let (a, _) = l.map_err(|e| {
                    std::io::Error::other(format!("{} / {}", e.message.zh, e.message.en))
                })?;
                f(&a.volumes[0]);
            }
        }
        Ok(())
    }
}

/// The archive-wide pages (index, search, register): staged, then renamed one by one (a
/// rename replaces atomically); volumes no longer in the archive are removed.
fn render_archive_pages(
    ctx: &Context,
    renderers: &[Box<dyn render::Renderer>],
    staging: &Path,
    out: &Path,
    ids: &[String],
) -> Result<(Vec<Finding>, Vec<String>), render::RenderError> {
    let arch = staging.join("_archive");
    if arch.exists() {
        std::fs::remove_dir_all(&arch).map_err(|e| io_err("清理临时目录", &arch, e))?;
    }
    std::fs::create_dir_all(&arch).map_err(|e| io_err("创建临时目录", &arch, e))?;
    let mut findings = Vec::new();
    for r in renderers.iter() {
        findings.extend(r.render_archive(ctx, &arch)?);
    }
    let paths = move_tree(&arch, out)?;
    write_manifest_of_volumes(out, ids)?;
    Ok((findings, paths))
}

/// A shard removes the volumes it built before that are no longer in the archive.
fn remove_dropped_shard_volumes(
    out: &Path,
    ids: &[String],
    plan: &Plan,
) -> Result<(), render::RenderError> {
    let current: std::collections::BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    for id in plan.cache.volume_ids() {
        if !current.contains(id.as_str()) {
            remove_volume_output(out, &id)?;
        }
    }
    Ok(())
}

/// Removes a volume's folder and package from OUT (an id is a single safe path segment).
fn remove_volume_output(out: &Path, id: &str) -> Result<(), render::RenderError> {
    if id.is_empty() || id.contains('/') || id.contains('\\') || id.starts_with('.') {
        return Ok(());
    }
    let d = out.join(id);
    if d.is_dir() {
        std::fs::remove_dir_all(&d).map_err(|e| io_err("删除已不存在的卷", &d, e))?;
    }
    let z = out.join(format!("{id}.zip"));
    if z.is_file() {
        std::fs::remove_file(&z).map_err(|e| io_err("删除已不存在的卷", &z, e))?;
    }
    Ok(())
}

/// Moves every file below `from` to the same place below `to`, replacing files; returns
/// their paths relative to `to`, `/`-separated, in order.
fn move_tree(from: &Path, to: &Path) -> Result<Vec<String>, render::RenderError> {
    let mut moved = Vec::new();
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
            moved.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(moved)
}

/// Records which volume folders this tool owns, and removes the ones no longer in the
/// archive (only those it recorded itself).
fn write_manifest_of_volumes(out: &Path, ids: &[String]) -> Result<(), render::RenderError> {
    let list = out.join(".anjuan-volumes");
    let previous: Vec<String> = std::fs::read_to_string(&list)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    for p in previous {
        if !ids.contains(&p) {
            remove_volume_output(out, &p)?;
        }
    }
    std::fs::write(&list, ids.join("\n") + "\n").map_err(|e| io_err("写入卷清单", &list, e))
}

/// Finishes or rolls back what an interrupted build left: a `.anjuan-old-<id>` without its
/// `<id>` is restored; this build's stale staging folder is removed. Only volumes `mine`
/// accepts are touched (a shard leaves the others' to them).
pub fn recover(
    out: &Path,
    mine: &dyn Fn(&str) -> bool,
    tag: &str,
) -> Result<(), render::RenderError> {
    let Ok(rd) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if let Some(id) = name.strip_prefix(".anjuan-old-") {
            if !mine(id) {
                continue;
            }
            let target = out.join(id);
            if target.exists() {
                std::fs::remove_dir_all(&path).map_err(|er| io_err("删除旧输出", &path, er))?;
            } else {
                std::fs::rename(&path, &target).map_err(|er| io_err("恢复旧输出", &target, er))?;
            }
        } else if let Some(rest) = name.strip_prefix(".anjuan-staging-") {
            // Ours, or one left by an older anjuan that named staging folders by process id.
            if rest == tag || rest.chars().all(|c| c.is_ascii_digit()) {
                std::fs::remove_dir_all(&path).map_err(|er| io_err("清理临时目录", &path, er))?;
            }
        }
    }
    Ok(())
}

/// `anjuan index OUT`: once every shard is built into OUT, writes the archive pages (index,
/// search, ledger register) over the merged output, from the archive at ROOT (by default
/// the one the builds recorded in OUT).
pub fn run_index(args: IndexArgs, flag: Option<&str>) -> i32 {
    let out = args.out.clone();
    let recorded = std::fs::read_to_string(out.join(ROOT_FILE)).ok();
    let root = match (&args.root, &recorded) {
        (Some(r), _) => r.clone(),
        (None, Some(r)) => PathBuf::from(r.trim_end_matches('\n')),
        (None, None) => {
            return fatal(
                resolve_lang(flag, None),
                &t!(
                    format!(
                        "{} 中没有记录案卷根目录（{ROOT_FILE}）；请用 --root 指定",
                        out.display()
                    ),
                    format!(
                        "{} does not record the archive root ({ROOT_FILE}); give it with --root",
                        out.display()
                    )
                ),
            )
        }
    };
    if !out.join(MARKER).is_file() {
        return fatal(
            resolve_lang(flag, None),
            &t!(
                format!(
                    "{} 不是 anjuan 的输出目录（没有 {MARKER}）；请先运行 anjuan build",
                    out.display()
                ),
                format!(
                    "{} is not an anjuan output folder (no {MARKER}); run anjuan build first",
                    out.display()
                )
            ),
        );
    }
    let cache = Cache::open(&out, "state-index.json");
    let mut loaded = match load::load_cached(&root, &cache) {
        Ok(l) => l,
        Err(e) => return fatal(resolve_lang(flag, None), &e.message),
    };
    let lang = resolve_lang(flag, Some(&loaded));
    if let Some(why) = args.outputs.unknown() {
        return fatal(lang, &why);
    }
    crate::layout_pages_cached(&mut loaded, &cache);
    let report = check::run(&loaded, Mode::Build);
    if report.has_errors() {
        print_report(&report, &loaded.sources, lang, Format::Text, true);
        return 1;
    }
    let missing: Vec<&str> = loaded
        .archive
        .volumes
        .iter()
        .filter(|v| !out.join(&v.id).is_dir())
        .map(|v| v.id.as_str())
        .collect();
    if !missing.is_empty() {
        return fatal(
            lang,
            &t!(
                format!("以下 {} 卷还没有生成到 {}：{}。请先完成所有分片的 anjuan build --shard", missing.len(), out.display(), missing.join("、")),
                format!("{} volumes are not built into {} yet: {}. Finish every anjuan build --shard first", missing.len(), out.display(), missing.join(", "))
            ),
        );
    }
    let theme = match load_theme(&root, &args.outputs.theme, lang) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let options = args.outputs.options(0);
    let lock = match open_out(&out, None) {
        Ok(l) => l,
        Err(e) => return fatal(lang, &e.message),
    };
    let staging = out.join(format!(".anjuan-staging-{}", tag(None)));
    let ctx = Context {
        archive: &loaded.archive,
        volumes: &loaded.archive.volumes,
        profiles: &loaded.profiles,
        theme: &theme,
        options: &options,
        seals: Default::default(),
    };
    let renderers = render::enabled(&options);
    let ids: Vec<String> = loaded
        .archive
        .volumes
        .iter()
        .map(|v| v.id.clone())
        .collect();
    let result = render_archive_pages(&ctx, &renderers, &staging, &out, &ids)
        .and_then(|_| {
            std::fs::remove_dir_all(&staging).map_err(|e| io_err("清理临时目录", &staging, e))
        })
        .and_then(|_| {
            cache
                .save()
                .map_err(|e| io_err("写入增量缓存", &out.join(cache::DIR), e))
        });
    drop(lock);
    match result {
        Ok(()) => {
            if !args.quiet {
                eprintln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "已为 {} 卷写好总目录、检索页和台账登记簿：{}",
                            loaded.archive.volumes.len(),
                            out.display()
                        ),
                        &format!(
                            "wrote the archive pages for {} volumes into {}",
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

/// The file in OUT that records the archive root a build read (for `anjuan index`).
pub const ROOT_FILE: &str = ".anjuan-root";

/// Arguments of `anjuan index`.
#[derive(clap::Args, Debug, Clone)]
pub struct IndexArgs {
    /// Output folder the shards were built into.
    #[arg(value_name = "输出目录", help = "各分片共同写入（或合并后）的输出目录")]
    pub out: PathBuf,
    /// Archive root.
    #[arg(
        long,
        value_name = "根目录",
        help = "案卷根目录（默认取构建时记录在输出目录中的路径）"
    )]
    pub root: Option<PathBuf>,
    /// Which outputs (as the shards were built), with which theme.
    #[command(flatten)]
    pub outputs: Outputs,
    /// Quiet.
    #[arg(long, short = 'q', help = "只输出错误")]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_manifest_texts_findings_quote_are_kept() {
        let text = |s: &str| crate::t!(s.to_string(), s.to_string());
        let sources: BTreeMap<String, Arc<str>> = ["v/volume.yaml", "v/c/case.yaml", "v/a.pdf"]
            .iter()
            .map(|f| (f.to_string(), Arc::from("x: 1\ny: 2\n")))
            .collect();
        let findings = vec![
            Finding::warning("order", text("m"), text("h"))
                .at("v/c/case.yaml", crate::yaml::Pos { line: 2, column: 1 }),
            // A file without a line is named, not quoted.
            Finding::warning("pdf-archival", text("m"), text("h")).in_file("v/a.pdf"),
        ];
        let kept = quoted(&[&findings, &[]], sources.clone());
        assert_eq!(kept.keys().collect::<Vec<_>>(), vec!["v/c/case.yaml"]);
        assert!(quoted(&[&[]], sources).is_empty());
    }
}
