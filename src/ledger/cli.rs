//! The `anjuan ledger` subcommands (wired into the main CLI as `Command::Ledger`).

use super::{add, list};
use crate::cli::HELP_TEMPLATE;
use clap::Subcommand;

/// `ledger` actions.
#[derive(Subcommand, Debug)]
pub enum LedgerAction {
    /// Records one lookup.
    #[command(about = "登记一次查阅（复印）：按办法第八条检查后追加到 ledger.yaml（不改动已有内容）；不合规则拒绝并不写入", help_template = HELP_TEMPLATE, next_help_heading = "选项", args_override_self = true)]
    Add(Box<add::AddArgs>),
    /// Lists the entries.
    #[command(about = "以表格列出案卷的查阅（复印）记录", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    List(list::ListArgs),
}

/// Runs a `ledger` action; returns the exit status.
pub fn run(action: &LedgerAction, lang_flag: Option<&str>) -> i32 {
    match action {
        LedgerAction::Add(a) => add::run(a, lang_flag),
        LedgerAction::List(a) => list::run(a, lang_flag),
    }
}
