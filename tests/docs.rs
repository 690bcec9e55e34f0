//! docs/reference.md stays in step with the code: every problem code the
//! binary can emit is documented with its risk (and nothing else is), and
//! every built-in test and config glob is listed.

use seamscan::findings::Code;
use seamscan::workspace::{BUILTIN_CONFIG, BUILTIN_TESTS};

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md")).unwrap()
}

/// (code, risk) of every row of the "Problem codes" table.
fn documented_codes(doc: &str) -> Vec<(String, String)> {
    let start = doc.find("## Problem codes").expect("a Problem codes section");
    doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn every_problem_code_is_documented_with_its_risk() {
    let documented = documented_codes(&doc());
    let emitted: Vec<(String, String)> = Code::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.risk().as_str().to_string()))
        .collect();
    for e in &emitted {
        assert!(
            documented.contains(e),
            "{e:?} is not in docs/reference.md's Problem codes table"
        );
    }
    for d in &documented {
        assert!(
            emitted.contains(d),
            "docs/reference.md documents {d:?}, which the binary cannot emit"
        );
    }
}

/// Issue 18: each code's `help` sentence is the reference's last column,
/// verbatim, so the docs and every report say the same thing.
#[test]
fn every_help_sentence_is_documented_verbatim() {
    let doc = doc();
    let start = doc.find("## Problem codes").unwrap();
    for c in Code::ALL {
        let row = doc[start..]
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", c.as_str())))
            .unwrap_or_else(|| panic!("no row for {}", c.as_str()));
        let last = row.trim_end_matches('|').rsplit(" | ").next().unwrap().trim();
        assert_eq!(last, c.help(), "help of {}", c.as_str());
        assert!(c.help().ends_with('.'), "one sentence: {}", c.help());
    }
}

#[test]
fn every_builtin_glob_is_documented() {
    let doc = doc();
    for g in BUILTIN_TESTS.iter().chain(BUILTIN_CONFIG.iter()) {
        assert!(
            doc.contains(&format!("`{g}`")),
            "glob `{g}` is not in docs/reference.md"
        );
    }
}

#[test]
fn readme_links_to_the_reference_and_not_to_shared() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("docs/reference.md"));
    assert!(!readme.contains("../shared"), "a clone has no ../shared");
}

/// Issue 19: every `stats` field of the report is in the reference's field
/// table, and every subcommand in its command-line block.
#[test]
fn every_stats_field_and_subcommand_is_documented() {
    let doc = doc();
    let stats = serde_json::to_value(seamscan::findings::Stats::default()).unwrap();
    for key in stats.as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("| `stats.{key}` |")),
            "stats.{key} is not in docs/reference.md's field table"
        );
    }
    use clap::CommandFactory;
    let start = doc.find("## Command line").unwrap();
    let block = &doc[start..start + doc[start..].find("\n```\n\n").unwrap()];
    for sub in seamscan::cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        assert!(
            block.contains(&format!("seamscan {name}")),
            "seamscan {name} is not in the command-line block"
        );
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long()
                && !["help", "version"].contains(&long)
            {
                let documented =
                    block.contains(&format!("--{long}")) || sub.get_subcommands().next().is_some();
                assert!(
                    documented,
                    "seamscan {name} --{long} is not in the command-line block"
                );
            }
        }
    }
}
