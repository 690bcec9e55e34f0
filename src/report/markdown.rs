//! `--format markdown`: a report a reviewer reads top to bottom.
//!
//! Every name, location, key and message part that comes from a scanned
//! repo is written as a code span (`text::md_code`, `text::md_text`);
//! plan-authored prose (title, phase names, notes) is backslash-escaped
//! (`text::md_inert`). No text from a repo or plan can make a link, an
//! image, HTML or a new block, and no control character is written raw.

use crate::findings::{BaselineState, Confidence, Finding, Report, Risk};
use crate::text::{md_cell, md_code, md_inert, md_text};
use std::collections::BTreeMap;
use std::io::Write;

fn mark(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✅",
        Some(false) => "❌",
        None => "—",
    }
}

fn steps(f: &Finding) -> [Option<bool>; 4] {
    use crate::findings::Code::*;
    let exists = f.exists;
    if exists.is_none() {
        return [None; 4];
    }
    let reachable = match f.kind.as_str() {
        "method" if exists == Some(true) => Some(!f.has(PrivateEntryPoint)),
        // Every layer present (a handler that is public, a policy...).
        "route" | "action" if exists == Some(true) => Some(!f.has(MissingLayer)),
        _ => None,
    };
    let called = match f.kind.as_str() {
        "method" | "env" | "route" | "action" if exists == Some(true) => Some(
            !(f.has(NoCallers)
                || f.has(TestOnlyCallers)
                || f.has(DynamicCallersOnly)
                || f.has(MissingExpectedCaller)),
        ),
        "jsonb" => Some(!f.has(JsonKeyReadNeverWritten)),
        _ => None,
    };
    [exists, reachable, called, f.config_wired]
}

/// Locations in a table cell: the first three, then how many more.
fn cell_locations(v: &[String]) -> String {
    if v.is_empty() {
        return "—".to_string();
    }
    let shown: Vec<String> = v.iter().take(3).map(|s| md_code(s)).collect();
    let more = if v.len() > 3 {
        format!(" and {} more", v.len() - 3)
    } else {
        String::new()
    };
    md_cell(&format!("{}{more}", shown.join(", ")))
}

/// The payload keys of a route or action finding, one row per key, with
/// the payload problem that names it.
fn payload_table(f: &Finding, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::findings::Code::*;
    let Some(p) = &f.payload else { return Ok(()) };
    if p.request.is_empty() && p.response.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| side | key | sent at | read at | problem |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    let rows = p
        .request
        .iter()
        .map(|e| ("request", e))
        .chain(p.response.iter().map(|e| ("response", e)));
    // The key a payload problem is about: the first key of its side it
    // quotes (a likely rename it also names comes after).
    let about = |pr: &crate::findings::Problem, side: &[crate::findings::PayloadEntry]| {
        pr.message
            .code_parts()
            .find(|c| side.iter().any(|e| e.key == *c))
            .map(str::to_string)
    };
    for (side, e) in rows {
        let (codes, entries): (&[crate::findings::Code], &[crate::findings::PayloadEntry]) =
            if side == "request" {
                (&[ParamsKeyNeverSent, RequestKeySentNeverRead], &p.request)
            } else {
                (&[ResponseKeyReadNeverSent], &p.response)
            };
        let problem: Vec<&str> = f
            .problems
            .iter()
            .filter(|pr| codes.contains(&pr.code) && about(pr, entries).as_deref() == Some(e.key.as_str()))
            .map(|pr| pr.code.as_str())
            .collect();
        writeln!(
            out,
            "| {side} | {} | {} | {} | {} |",
            md_cell(&md_code(&e.key)),
            cell_locations(&e.sent_at),
            cell_locations(&e.read_at),
            if problem.is_empty() {
                String::new()
            } else {
                problem.join(", ")
            }
        )?;
    }
    Ok(())
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = report.summary();
    writeln!(out, "# {}", md_inert(&report.title))?;
    writeln!(out)?;
    writeln!(
        out,
        "seamscan {} audit of {} with plan {}: {} repos, {} files scanned, {} parsed, {} parse errors.",
        env!("CARGO_PKG_VERSION"),
        md_code(&report.workspace),
        md_code(&report.plan),
        report.stats.repos,
        report.stats.files_scanned,
        report.stats.files_parsed,
        report.stats.parse_errors
    )?;
    writeln!(out)?;
    writeln!(out, "## Summary")?;
    writeln!(out)?;
    writeln!(out, "| risk | findings |")?;
    writeln!(out, "|---|---|")?;
    for (r, n) in [
        ("high", s.high),
        ("medium", s.medium),
        ("low", s.low),
        ("none", s.none),
    ] {
        writeln!(out, "| {r} | {n} |")?;
    }
    writeln!(out)?;
    let by_id: BTreeMap<&str, &Finding> = report.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    for (phase, ids) in &report.phase_points {
        writeln!(out, "## {}", md_inert(phase))?;
        writeln!(out)?;
        writeln!(
            out,
            "| point | exists | reachable | called | wired | risk | confidence |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for id in ids {
            let Some(f) = by_id.get(id.as_str()) else { continue };
            let [e, r, c, w] = steps(f);
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md_cell(&md_code(&f.id)),
                mark(e),
                mark(r),
                mark(c),
                mark(w),
                f.risk.as_str(),
                if f.confidence == Confidence::Low {
                    "low"
                } else {
                    "high"
                }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Marks: ✅ passes, ❌ fails, — not applicable or not audited."
    )?;
    writeln!(out)?;
    writeln!(out, "## Findings")?;
    writeln!(out)?;
    let mut any = false;
    for f in report
        .findings
        .iter()
        .filter(|f| f.risk >= Risk::Low || f.exists.is_none() || !f.problems.is_empty())
    {
        any = true;
        writeln!(out, "### {} {}", f.risk.as_str().to_uppercase(), md_code(&f.id))?;
        writeln!(out)?;
        writeln!(out, "{}", md_text(&f.notes))?;
        writeln!(out)?;
        if let Some(n) = &f.plan_note {
            writeln!(out, "Plan note: {}", md_inert(n))?;
            writeln!(out)?;
        }
        for p in &f.problems {
            let accepted = match &p.accepted {
                Some(a) => format!(
                    " (accepted by the plan{}: {})",
                    a.until
                        .as_deref()
                        .map(|u| format!(" until {}", md_inert(u)))
                        .unwrap_or_default(),
                    md_inert(&a.reason)
                ),
                None => String::new(),
            };
            let baseline = match p.baseline {
                Some(BaselineState::New) => " *(new)*",
                Some(BaselineState::Unchanged) => " *(unchanged since the baseline)*",
                None => "",
            };
            writeln!(
                out,
                "- **{}** ({}){baseline}: {}{accepted}",
                p.code.as_str(),
                p.risk.as_str(),
                md_text(&p.message)
            )?;
            // seamscan's own Markdown (code spans intended), not scanned text.
            writeln!(out, "  - Help: {}", p.help)?;
        }
        let list = |label: &str, v: &[String], out: &mut dyn Write| -> std::io::Result<()> {
            if !v.is_empty() {
                let shown: Vec<String> = v.iter().take(20).map(|s| md_code(s)).collect();
                let more = if v.len() > 20 {
                    format!(" and {} more", v.len() - 20)
                } else {
                    String::new()
                };
                writeln!(out, "- {label}: {}{more}", shown.join(", "))?;
            }
            Ok(())
        };
        let defs: Vec<String> = f
            .definitions
            .iter()
            .map(|d| match &d.access {
                Some(a) => format!("{} ({a})", d.location),
                None => d.location.clone(),
            })
            .collect();
        match &f.layers {
            // Jobs and events: their layers say it all.
            Some(layers) => {
                for l in layers {
                    let state = if l.found { "found" } else { "**missing**" };
                    let at: Vec<String> = l.locations.iter().take(20).map(|s| md_code(s)).collect();
                    let more = if l.locations.len() > 20 {
                        format!(" and {} more", l.locations.len() - 20)
                    } else {
                        String::new()
                    };
                    let sep = if at.is_empty() { "" } else { ": " };
                    writeln!(
                        out,
                        "- Layer {}: {state}{sep}{}{more}",
                        md_inert(&l.layer),
                        at.join(", ")
                    )?;
                }
            }
            None => {
                list("Definitions", &defs, out)?;
                if f.keys.is_none() {
                    list("Callers", &f.callers_found, out)?;
                }
            }
        }
        list("Test callers", &f.test_callers, out)?;
        let dynamic: Vec<String> = f
            .dynamic_call_sites
            .iter()
            .flatten()
            .map(|d| format!("{} ({})", d.location, d.code))
            .collect();
        list("Dynamic dispatch", &dynamic, out)?;
        for c in &f.config {
            list(&format!("{} read at", md_code(&c.name)), &c.read_at, out)?;
            list(&format!("{} defined at", md_code(&c.name)), &c.defined_at, out)?;
        }
        if let Some(layers) = &f.layers {
            for l in layers {
                let at = if l.locations.is_empty() {
                    String::new()
                } else {
                    format!(
                        " at {}",
                        l.locations
                            .iter()
                            .map(|s| md_code(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let note = l
                    .note
                    .as_deref()
                    .map(|n| format!(" ({})", md_inert(n)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "- layer {} {} {}{at}{note}",
                    md_code(&l.layer),
                    mark(Some(l.found)),
                    if l.found { "found" } else { "missing" }
                )?;
            }
        }
        if let Some(keys) = &f.keys {
            for k in keys {
                writeln!(
                    out,
                    "- key {}: written at {}; read at {}",
                    md_code(&k.key),
                    if k.written_at.is_empty() {
                        "nowhere".into()
                    } else {
                        k.written_at
                            .iter()
                            .map(|s| md_code(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    if k.read_at.is_empty() {
                        "nowhere".into()
                    } else {
                        k.read_at
                            .iter()
                            .map(|s| md_code(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )?;
            }
        }
        if !f.verify.is_empty() {
            let items: Vec<String> = f.verify.iter().map(md_text).collect();
            writeln!(out, "- Verify by hand: {}", items.join("; "))?;
        }
        payload_table(f, out)?;
        writeln!(out)?;
    }
    if !any {
        writeln!(out, "No finding at risk low or above.")?;
        writeln!(out)?;
    }
    if let Some(fixed) = &report.fixed {
        writeln!(out, "## Fixed since the baseline")?;
        writeln!(out)?;
        if fixed.is_empty() {
            writeln!(out, "No problem of the baseline is gone.")?;
        }
        for x in fixed {
            // Ids and codes come from the baseline file: untrusted.
            writeln!(out, "- {} {}", md_code(&x.id), md_code(&x.code))?;
        }
        writeln!(out)?;
    }
    if !report.warnings.is_empty() {
        writeln!(out, "## Warnings")?;
        writeln!(out)?;
        for w in &report.warnings {
            writeln!(out, "- {}", md_text(w))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_in_their_table_cell_and_code_span() {
        let mut f = Finding::new("env", "A|B`\n# x");
        f.exists = None;
        let report = Report {
            title: "T [x](http://e)".into(),
            phase_points: vec![("P".into(), vec![f.id.clone()])],
            findings: vec![f],
            ..Report::default()
        };
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.starts_with("# T \\[x\\](http://e)\n"), "{md}");
        let row = md.lines().find(|l| l.contains("A\\|B")).expect(&md);
        assert_eq!(row, "| ``env:A\\|B`\\u{a}# x`` | — | — | — | — | none | high |");
        assert!(md.contains("### NONE ``env:A|B`\\u{a}# x``\n"), "{md}");
    }
}
