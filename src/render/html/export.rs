//! `anjuan theme export DIR`: writes the built-in theme out as a starting point for
//! `ROOT/themes/<name>/` overrides (mdBook's `init --theme`).

use crate::i18n::Lang;
use crate::theme::Theme;
use std::path::{Path, PathBuf};

/// `theme` actions.
#[derive(clap::Subcommand, Debug)]
pub enum ThemeAction {
    /// Writes the default theme's files to a folder.
    #[command(
        about = "把内置主题（模板、CSS、JS）写到目录中，作为 根目录/themes/主题名/ 的起点；已有文件不覆盖",
        next_help_heading = "选项"
    )]
    Export {
        #[arg(value_name = "目录", help = "写入的目录，如 案卷根目录/themes/本局")]
        dir: PathBuf,
    },
}

/// Runs a `theme` action; returns the exit status.
pub fn run(action: ThemeAction, lang: Lang) -> i32 {
    match action {
        ThemeAction::Export { dir } => export(&dir, lang),
    }
}

fn export(dir: &Path, lang: Lang) -> i32 {
    if dir.exists() && !dir.is_dir() {
        eprintln!(
            "{}: {}",
            lang.pick("错误", "error"),
            lang.pick(
                "目标是文件，不是文件夹",
                "the target is a file, not a folder"
            )
        );
        return 2;
    }
    match Theme::export_builtin(dir) {
        Ok(written) => {
            let total = Theme::builtin().files.len();
            for p in &written {
                println!("{}", p.display());
            }
            let skipped = total - written.len();
            if skipped > 0 {
                eprintln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "已写入 {} 个文件；{skipped} 个已存在，未覆盖。",
                            written.len()
                        ),
                        &format!(
                            "wrote {} files; {skipped} already existed and were kept.",
                            written.len()
                        )
                    )
                );
            } else {
                eprintln!(
                    "{}",
                    lang.pick(
                        &format!("已写入 {} 个文件。", written.len()),
                        &format!("wrote {} files.", written.len())
                    )
                );
            }
            0
        }
        Err(e) => {
            eprintln!(
                "{}: {} {}: {e}",
                lang.pick("错误", "error"),
                lang.pick("无法写入主题到", "cannot write the theme to"),
                dir.display()
            );
            2
        }
    }
}
