//! The ledger renderer: each volume's 案卷查阅（复印）台账 form (`ledger.pdf`, A4 landscape,
//! and `ledger.html` with the same layout), and the archive-wide register of lookups
//! (`ledger-register.html` / `.csv`).

pub mod form;
pub mod pdf;
pub mod qr;
pub mod register;

use super::{write_file, Context, RenderError, Rendered, Renderer};
use crate::model::Volume;
use std::path::Path;

/// Theme files of the ledger outputs.
const FORM_TEMPLATE: &str = "ledger/ledger.html";
const FORM_CSS: &str = "ledger/ledger.css";
const REGISTER_TEMPLATE: &str = "ledger/register.html";
const REGISTER_CSS: &str = "ledger/register.css";
const REGISTER_JS: &str = "ledger/register.js";

/// Renders the ledger output.
pub struct LedgerRenderer;

fn theme_text<'a>(ctx: &'a Context, rel: &str) -> Result<&'a str, RenderError> {
    ctx.theme.text(rel).ok_or_else(|| {
        RenderError::msg(
            format!("主题缺少文件或不是 UTF-8：{rel}"),
            format!("the theme lacks {rel} (or it is not UTF-8)"),
        )
    })
}

/// Renders a theme template with a context.
fn render_template(
    ctx: &Context,
    rel: &str,
    context: &tera::Context,
) -> Result<String, RenderError> {
    let mut tera = tera::Tera::new();
    tera.set_escape_fn(crate::render::tera_escape);
    tera.add_raw_template(rel, theme_text(ctx, rel)?)
        .map_err(|e| {
            RenderError::msg(
                format!("模板 {rel} 有错误：{e}"),
                format!("template {rel}: {e}"),
            )
        })?;
    tera.render(rel, context).map_err(|e| {
        RenderError::msg(
            format!("渲染模板 {rel} 失败：{e}"),
            format!("rendering {rel} failed: {e}"),
        )
    })
}

/// The ledger HTML of a form.
pub fn form_html(ctx: &Context, f: &form::Form) -> Result<String, RenderError> {
    let mut c = tera::Context::new();
    c.insert("form", f);
    c.insert("css", theme_text(ctx, FORM_CSS)?);
    render_template(ctx, FORM_TEMPLATE, &c)
}

impl Renderer for LedgerRenderer {
    fn name(&self) -> &'static str {
        "ledger"
    }

    fn render_volume(&self, ctx: &Context, volume: &Volume, dir: &Path) -> Rendered {
        let f = form::build(ctx, volume).map_err(|e| {
            RenderError::io(
                "读取案卷清单",
                &ctx.archive.root.join(&volume.manifest_rel),
                e,
            )
        })?;
        write_file(&dir.join("ledger.html"), form_html(ctx, &f)?.as_bytes())?;
        write_file(&dir.join("ledger.pdf"), &pdf::render(&f)?)?;
        Ok(Vec::new())
    }

    fn render_archive(&self, ctx: &Context, out: &Path) -> Rendered {
        let rows = register::rows(ctx.archive, ctx.volumes)
            .map_err(|e| RenderError::io("读取案卷", &ctx.archive.root, e))?;
        let mut c = tera::Context::new();
        c.insert("rows", &rows);
        c.insert("columns", register::COLUMNS);
        c.insert("css", theme_text(ctx, REGISTER_CSS)?);
        c.insert("fonds", &ctx.archive.settings.fonds);
        c.insert("fonds_name", &ctx.archive.settings.fonds_name);
        c.insert("volume_count", &ctx.volumes.count());
        write_file(
            &out.join("ledger-register.html"),
            render_template(ctx, REGISTER_TEMPLATE, &c)?.as_bytes(),
        )?;
        write_file(
            &out.join("ledger-register.js"),
            theme_text(ctx, REGISTER_JS)?.as_bytes(),
        )?;
        write_file(
            &out.join("ledger-register.csv"),
            register::csv(&rows).as_bytes(),
        )?;
        Ok(Vec::new())
    }
}
