//! `--format json`: the contract's schema_version 1. Strings are escaped by
//! `text::json_to_writer`: no raw control character reaches the output.

use crate::findings::{Finding, Report, Stats, Summary};
use crate::text::{self, Text};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Wire<'a> {
    schema_version: u32,
    tool: Tool,
    plan: &'a str,
    workspace: &'a str,
    stats: &'a Stats,
    summary: Summary,
    findings: &'a [Finding],
    warnings: &'a [Text],
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let wire = Wire {
        schema_version: 1,
        tool: Tool {
            name: "seamscan",
            version: env!("CARGO_PKG_VERSION"),
        },
        plan: &report.plan,
        workspace: &report.workspace,
        stats: &report.stats,
        summary: report.summary(),
        findings: &report.findings,
        warnings: &report.warnings,
    };
    text::json_to_writer(&mut *out, &wire)?;
    out.write_all(b"\n")
}
