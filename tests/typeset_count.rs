//! Page counts without drawing: [`typeset::count_pages`] paginates a text without making its
//! drawing operations, and every page number in every output depends on it giving exactly
//! the count of the full layout. Checked on every Markdown and text file of the fixtures and
//! the sample archive, and on random documents built from the constructs that turn pages
//! (headings kept with their text, tables repeating their header, code blocks, rules, lines
//! of nothing but forced breaks, long unbreakable runs).

use anjuan::render::pdf::typeset::{count_pages, typeset_markdown, typeset_plain};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

fn full(markdown: bool, text: &str) -> u32 {
    if markdown {
        typeset_markdown(text).pages.len() as u32
    } else {
        typeset_plain(text).pages.len() as u32
    }
}

#[test]
fn counts_equal_full_layout_on_every_fixture_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = BTreeSet::new();
    let mut pages_total = 0u32;
    for dir in ["tests/cases", "sample-cases"] {
        for e in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
        {
            let name = e.file_name().to_string_lossy().to_lowercase();
            let markdown = name.ends_with(".md");
            if !markdown && !name.ends_with(".txt") {
                continue;
            }
            let Ok(bytes) = std::fs::read(e.path()) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // Both readings of each distinct text: a material's kind decides, not its bytes.
            if !seen.insert(text.clone()) {
                continue;
            }
            for md in [markdown, !markdown] {
                let n = full(md, &text);
                assert_eq!(
                    count_pages(md, &text),
                    n,
                    "{} (as {})",
                    e.path().display(),
                    if md { "Markdown" } else { "text" }
                );
                pages_total += n;
            }
        }
    }
    // The walk really found the fixtures (a moved folder must not make this pass vacuously).
    assert!(seen.len() > 100, "only {} texts found", seen.len());
    assert!(pages_total > 2 * seen.len() as u32, "{pages_total} pages");
}

/// One block of a random document.
fn block() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "当事人",
        "张某某",
        "于2024年3月1日",
        "在本店销售过期食品，",
        "违反了《中华人民共和国食品安全法》第三十四条的规定。",
        "（星期五）",
        "「现场检查笔录」、",
        "hello",
        "world ",
        "https://example.gov.cn/a/very/long/path/without/any/break/opportunity/at/all/0123456789",
        "**加粗**",
        "*斜体*",
        "`代码`",
        "  \n",
        "\t",
        "<span>原样</span>",
        "☑",
        "𠀋",
        "\u{200B}",
    ]);
    let para = prop::collection::vec(words, 1..60).prop_map(|w| w.concat());
    prop_oneof![
        4 => para.clone().prop_map(|p| format!("{p}\n\n")),
        1 => (1usize..7, para.clone()).prop_map(|(l, p)| {
            format!("{} {}\n\n", "#".repeat(l), p.replace('\n', " "))
        }),
        1 => prop::collection::vec(para.clone(), 1..6).prop_map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let t = t.replace('\n', " ");
                    if i % 2 == 0 { format!("- {t}\n") } else { format!("  1. {t}\n") }
                })
                .collect::<String>()
                + "\n"
        }),
        1 => para.clone().prop_map(|p| format!("> {}\n\n", p.replace('\n', " "))),
        1 => (prop::collection::vec(para.clone(), 0..8)).prop_map(|lines| {
            format!("```\n{}\n```\n\n", lines.join("\n\n"))
        }),
        1 => Just("---\n\n".to_string()),
        1 => Just("#\n\n".to_string()),
        1 => Just("  \n  \n  \n\n".to_string()),
        1 => Just("\\\n\\\n\\\n\n".to_string()),
        1 => (1usize..5, 1usize..40, para).prop_map(|(cols, rows, p)| {
            let cell = p.replace(['\n', '|'], " ");
            let mut t = format!("|{}\n|{}\n", " 序号 |".repeat(cols), "---|".repeat(cols));
            for r in 0..rows {
                t.push('|');
                for c in 0..cols {
                    let len = (r * 7 + c * 13) % cell.chars().count().max(1);
                    let text: String = cell.chars().take(len).collect();
                    t.push_str(&format!(" {text} |"));
                }
                t.push('\n');
            }
            t + "\n"
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn counts_equal_full_layout_on_random_documents(
        blocks in prop::collection::vec(block(), 1..80),
        breaks in 0usize..90,
    ) {
        // A paragraph ending in a run of forced breaks and an empty link draws nothing on
        // its last lines: when they spill onto a new page, that page is blank and dropped.
        let doc = format!("{}x{}[](u)\n", blocks.concat(), "\\\n".repeat(breaks));
        prop_assert_eq!(count_pages(true, &doc), full(true, &doc));
        prop_assert_eq!(count_pages(false, &doc), full(false, &doc));
    }
}
