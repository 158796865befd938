//! `anjuan new case DIR --profile ID`: a case.yaml skeleton listing every material type of
//! the profile, in binding order, as commented entries.

use crate::finding::Text;
use crate::i18n::Lang;
use crate::profile::{Profile, ProfileSet};
use crate::t;
use std::fmt::Write;
use std::path::Path;

/// Renders the skeleton text for a profile.
pub fn skeleton(p: &Profile, folder: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 案件清单（case.yaml）。由 `anjuan new case` 按规则配置 {}（{}）生成。",
        p.id, p.name
    );
    let _ = writeln!(
        s,
        "# 填写 case 和 archive 两部分；在 materials 中按顺序取消注释并填写实际的材料文件。"
    );
    let _ = writeln!(s, "# 格式说明见 README；写好后运行 `anjuan check` 检查。");
    let _ = writeln!(s, "case:");
    let _ = writeln!(
        s,
        "  id: {}                      # 案卷编号（输出文件夹名），默认为文件夹名",
        yaml_scalar(folder)
    );
    let _ = writeln!(
        s,
        "  number: \"\"                  # 案件编号 / 立案号（必填）"
    );
    let _ = writeln!(
        s,
        "  title: \"\"                   # 案件名称：当事人 + 违法行为/事项 + 案（必填）"
    );
    let _ = writeln!(
        s,
        "  kind: {}                 # 行政处罚 | 行政许可 | 行政强制 | 行政检查",
        p.kind
    );
    if let Some(proc_) = p.procedures.first() {
        let _ = writeln!(s, "  procedure: {proc_}");
    }
    let _ = writeln!(s, "  profile: {}", p.id);
    let _ = writeln!(
        s,
        "  party: \"\"                   # 当事人 / 申请人 / 被检查人"
    );
    let _ = writeln!(
        s,
        "  handlers: []                # 承办人（现场执法不少于 2 人），如 [张三, 李四]"
    );
    let _ = writeln!(s, "  decision_no: \"\"             # 决定书文号");
    let _ = writeln!(s, "  opened: 2024-01-01          # 立案 / 受理日期（必填）");
    let _ = writeln!(s, "  # decided: 2024-01-01       # 决定日期");
    let _ = writeln!(
        s,
        "  # closed: 2024-01-01        # 结案 / 执行完毕日期（已结案时必填）"
    );
    let _ = writeln!(s, "  status: 办理中                # 已结案 | 办理中");
    let facts: Vec<&str> = {
        let mut f: Vec<&str> = p
            .materials
            .iter()
            .flat_map(|t| t.required_if.iter().map(String::as_str))
            .collect();
        f.sort();
        f.dedup();
        f
    };
    if !facts.is_empty() {
        let _ = writeln!(
            s,
            "  facts:                      # 情形开关：为 true 时相应材料必备"
        );
        for fact in facts {
            let needs: Vec<&str> = p
                .materials
                .iter()
                .filter(|t| t.required_if.iter().any(|x| x == fact))
                .map(|t| t.name.as_str())
                .collect();
            let _ = writeln!(
                s,
                "    {fact}: false              # 需要：{}",
                needs.join("、")
            );
        }
    }
    let _ = writeln!(s, "archive:");
    let _ = writeln!(s, "  catalog: \"\"                 # 目录号");
    let _ = writeln!(s, "  volume_no: \"\"               # 案卷号");
    let _ = writeln!(
        s,
        "  filing_no: \"\"               # 归档号（年度 4 位 + 序号 4 位）"
    );
    let _ = writeln!(
        s,
        "  retention: {}                # 永久 | 30年 | 10年（本配置默认 {}）",
        p.retention, p.retention
    );
    let _ = writeln!(
        s,
        "  secrecy: 无                  # 无 | 秘密 | 机密 | 绝密"
    );
    let _ = writeln!(s, "  filed_by: \"\"                # 立卷人");
    let _ = writeln!(s, "  checked_by: \"\"              # 检查人");
    let _ = writeln!(
        s,
        "  # filed_on: 2024-01-01      # 立卷归档日期：结案后 30 日内"
    );
    let _ = writeln!(
        s,
        "  remarks: \"\"                 # 本卷情况说明（印在备考表上）"
    );
    let _ = writeln!(
        s,
        "materials:                    # 按装订顺序；每件材料一项"
    );
    for (i, t) in p.materials.iter().enumerate() {
        let mut flags = Vec::new();
        if t.required {
            flags.push("必备".to_string());
        }
        if !t.required_if.is_empty() {
            flags.push(format!("{} 为 true 时必备", t.required_if.join("/")));
        }
        if t.group.is_some() {
            let alts: Vec<&str> = p
                .materials
                .iter()
                .filter(|x| x.group == t.group && x.name != t.name)
                .map(|x| x.name.as_str())
                .collect();
            flags.push(format!("可与{}择一", alts.join("、")));
        }
        if t.repeat {
            flags.push("可多份".into());
        }
        if t.attach {
            flags.push("可紧随相关文书".into());
        }
        if t.conclusive {
            flags.push("结论性文件".into());
        }
        if t.internal {
            flags.push("副卷".into());
        }
        let flags = if flags.is_empty() {
            "可选".to_string()
        } else {
            flags.join("，")
        };
        let _ = writeln!(s, "  # - type: {}    # {}", t.name, flags);
        let _ = writeln!(s, "  #   file: {:02}-{}.pdf", i + 1, t.name);
        let _ = writeln!(s, "  #   date: 2024-01-01");
        if matches!(t.name.as_str(), n if n.contains("视频") || n.contains("录音") || n.contains("录像"))
        {
            let _ = writeln!(s, "  #   av: {{ matter: \"\", start: 2024-01-01T09:00:00+08:00, end: 2024-01-01T09:30:00+08:00, place: \"\", method: 执法记录仪, officers: [], retention: 同案卷 }}");
        }
    }
    s
}

fn yaml_scalar(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !s.is_empty()
        && !s.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Runs `new case`.
pub fn run_new_case(dir: &Path, profile: &str, root: Option<&Path>, lang: Lang) -> i32 {
    let (set, _) = match root {
        Some(r) => ProfileSet::load(r),
        None => (ProfileSet::builtin(), Vec::new()),
    };
    let Some(p) = set.get(profile) else {
        let ids: Vec<&str> = set.profiles.keys().map(String::as_str).collect();
        return super::fatal(
            lang,
            &t!(
                format!("没有编号为“{profile}”的规则配置；可用：{}", ids.join("、")),
                format!("no profile “{profile}”; available: {}", ids.join(", "))
            ),
        );
    };
    let target = dir.join(crate::load::CASE_FILE);
    if target.exists() {
        return super::fatal(
            lang,
            &t!(
                format!("{} 已存在，不会覆盖", target.display()),
                format!("{} exists; it is not overwritten", target.display())
            ),
        );
    }
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "case".into());
    let text = skeleton(&p, &folder);
    let res: std::io::Result<()> = (|| {
        std::fs::create_dir_all(dir)?;
        // create_new: never replace a file that appeared meanwhile.
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)?;
        f.write_all(text.as_bytes())
    })();
    match res {
        Ok(()) => {
            println!(
                "{}",
                lang.pick(
                    &format!(
                        "已生成 {}（规则配置 {}，{} 种材料类型）",
                        target.display(),
                        p.id,
                        p.materials.len()
                    ),
                    &format!(
                        "wrote {} (profile {}, {} material types)",
                        target.display(),
                        p.id,
                        p.materials.len()
                    )
                )
            );
            0
        }
        Err(e) => super::fatal(
            lang,
            &Text::new(
                format!("无法写入 {}：{e}", target.display()),
                format!("cannot write {}: {e}", target.display()),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_parses_and_lists_every_type_in_order() {
        let set = ProfileSet::builtin();
        for (id, (p, _, _)) in &set.profiles {
            let s = skeleton(p, "2024-0001");
            crate::yaml::parse(&s).unwrap_or_else(|e| panic!("{id}: {e:?}\n{s}"));
            let mut last = 0;
            for t in &p.materials {
                let needle = format!("# - type: {}    #", t.name);
                let at = s
                    .find(&needle)
                    .unwrap_or_else(|| panic!("{id}: {} missing", t.name));
                assert!(at >= last, "{id}: {} out of order", t.name);
                last = at;
            }
        }
    }
}
