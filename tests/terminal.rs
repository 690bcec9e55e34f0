//! Progress and help (issue 18): a progress bar on stderr only when stderr
//! is a terminal (a pseudo-terminal from util-linux `script`), none with
//! `--quiet` or when piped, no colour with `NO_COLOR`; `--help` lists every
//! subcommand with a sentence and each one's help has an example.

mod common;

use common::seamscan;
use std::process::Command;

const AUDIT: &str =
    "audit --plan plans/render-pipeline.yaml fixtures/render-pipeline --output /dev/null --fail-on never";

/// Run seamscan under a pseudo-terminal; everything it wrote to it.
fn on_terminal(args: &str, no_color: bool) -> String {
    let bin = env!("CARGO_BIN_EXE_seamscan");
    let mut c = Command::new("script");
    c.args(["-qec", &format!("'{bin}' {args}"), "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c.output().expect("util-linux `script` runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_progress_bar_only_on_a_terminal() {
    let tty = on_terminal(AUDIT, false);
    assert!(
        tty.contains(" files (") && tty.contains("0/"),
        "no progress on a terminal: {tty:?}"
    );
    assert!(tty.contains("\u{1b}[36m"), "no colour: {tty:?}");
    assert!(tty.contains("seamscan: 21 findings"), "{tty:?}");
    let plain = on_terminal(AUDIT, true);
    assert!(plain.contains(" files ("), "{plain:?}");
    assert!(!plain.contains("\u{1b}[3"), "colour despite NO_COLOR: {plain:?}");
    let quiet = on_terminal(&format!("{AUDIT} --quiet"), false);
    assert_eq!(quiet, "", "--quiet wrote to the terminal");
    // Piped: no bar, no escape codes, only the summary line.
    let out = seamscan().args(AUDIT.split(' ')).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("seamscan: 21 findings") && err.lines().count() == 1,
        "{err:?}"
    );
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn help_lists_every_subcommand_with_an_example() {
    let out = seamscan().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for sub in ["audit", "plan", "mcp", "schema"] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{sub} ")))
            .unwrap_or_else(|| panic!("{sub} not in --help:\n{help}"));
        assert!(
            line.trim_end()
                .ends_with(|c: char| c.is_alphanumeric() || c == ')'),
            "{line}"
        );
        assert!(line.split_whitespace().count() > 3, "no sentence: {line}");
        let out = seamscan().args(["help", sub]).output().unwrap();
        let sub_help = String::from_utf8(out.stdout).unwrap();
        assert!(sub_help.contains("Example"), "{sub}: {sub_help}");
        assert!(
            sub_help.contains(&format!("seamscan {sub}")) || sub_help.contains("\"mcp\""),
            "{sub}: {sub_help}"
        );
    }
}
