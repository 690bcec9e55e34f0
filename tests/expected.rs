//! The bundled example against its hand-computed answer:
//! `fixtures/render-pipeline/EXPECTED.md` is parsed (its tables) and compared
//! with the report of `plans/render-pipeline.yaml`, so the prose and the
//! binary cannot drift apart.

mod common;

use common::{Report, audit};
use std::path::Path;

/// A markdown table: the header's cells and the rows' cells.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h.starts_with(name))
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim().trim_start_matches('|').trim_end_matches('|');
    t.split('|').map(|c| c.trim().to_string()).collect()
}

/// The first table after the heading that starts with `heading`.
fn table(doc: &str, heading: &str) -> Table {
    let start = doc
        .lines()
        .position(|l| l.starts_with(heading))
        .unwrap_or_else(|| panic!("EXPECTED.md has no heading {heading}"));
    let mut lines = doc
        .lines()
        .skip(start + 1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = cells(lines.next().expect("table header"));
    let rows: Vec<Vec<String>> = lines.skip(1).map(cells).collect();
    assert!(!rows.is_empty(), "empty table under {heading}");
    Table { header, rows }
}

/// Backquoted spans of a cell.
fn quoted(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn is_location(s: &str) -> bool {
    s.rsplit_once(':')
        .is_some_and(|(p, l)| p.contains('/') && !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
}

/// Every `repo/path:line` in a cell, sorted.
fn locations(cell: &str) -> Vec<String> {
    let mut v: Vec<String> = quoted(cell).into_iter().filter(|s| is_location(s)).collect();
    v.sort();
    v
}

fn id_of(cell: &str) -> String {
    quoted(cell)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no `id` in {cell}"))
}

fn report() -> (Report, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("fixtures/render-pipeline/EXPECTED.md")).unwrap();
    let (r, code, _) = audit(
        Path::new("plans/render-pipeline.yaml"),
        Path::new("fixtures/render-pipeline"),
        &[],
    );
    assert_eq!(code, 1, "the example has high findings and exits 1");
    (r, doc)
}

#[test]
fn findings_risks_and_problem_codes_match_expected_md() {
    let (r, doc) = report();
    let t = table(&doc, "## Summary");
    let (id, risk, conf, problems) = (t.col("id"), t.col("risk"), t.col("confidence"), t.col("problems"));
    let expected: Vec<(String, String, String, Vec<String>)> = t
        .rows
        .iter()
        .map(|row| {
            let codes: Vec<String> = row[problems]
                .split(',')
                .map(|c| c.split_whitespace().next().unwrap_or("").to_string())
                .filter(|c| !c.is_empty() && c != "-")
                .collect();
            (id_of(&row[id]), row[risk].clone(), row[conf].clone(), codes)
        })
        .collect();
    let actual: Vec<(String, String, String, Vec<String>)> = r
        .findings
        .iter()
        .map(|f| {
            let codes = f.codes().into_iter().map(str::to_string).collect();
            (f.id.clone(), f.risk.clone(), f.confidence.clone(), codes)
        })
        .collect();
    assert_eq!(actual, expected, "report (left) vs EXPECTED.md Summary (right)");
    assert_eq!(r.stats.parse_errors, 0);
    let route = r.finding("route:POST /videos/:id/render");
    assert_eq!(route.exists, Some(false));
    let layers = route.layers.as_ref().unwrap();
    assert_eq!(
        layers
            .iter()
            .map(|l| (l.layer.as_str(), l.found))
            .collect::<Vec<_>>(),
        [("route", false), ("handler", false)]
    );
    assert!(
        route.problems[0]
            .message
            .contains("GET /videos/:id (cms-service/config/routes.rb:2)"),
        "{}",
        route.problems[0].message
    );
}

#[test]
fn method_evidence_matches_expected_md() {
    let (r, doc) = report();
    let t = table(&doc, "## Method points");
    let (id, defs, callers, tests, wired) = (
        t.col("id"),
        t.col("definitions"),
        t.col("callers_found"),
        t.col("test_callers"),
        t.col("config_wired"),
    );
    for row in &t.rows {
        let f = r.finding(&id_of(&row[id]));
        let mut got: Vec<String> = f.definitions.iter().map(|d| d.location.clone()).collect();
        got.sort();
        assert_eq!(got, locations(&row[defs]), "{} definitions", f.id);
        // The access written after each location: `loc` (private...).
        for d in &f.definitions {
            let cell = &row[defs];
            let after = &cell[cell.find(&d.location).unwrap() + d.location.len()..];
            let access = after.trim_start_matches('`').trim_start().trim_start_matches('(');
            let a = d.access.as_deref().unwrap_or("");
            assert!(
                access.starts_with(a),
                "{}: {} is {a}, EXPECTED.md says {after}",
                f.id,
                d.location,
            );
        }
        assert_eq!(
            f.callers_found,
            locations(&row[callers]),
            "{} callers_found",
            f.id
        );
        assert_eq!(f.test_callers, locations(&row[tests]), "{} test_callers", f.id);
        let want = match row[wired].as_str() {
            "true" => Some(true),
            "false" => Some(false),
            "null" => None,
            other => panic!("config_wired cell {other}"),
        };
        assert_eq!(f.config_wired, want, "{} config_wired", f.id);
    }
}

#[test]
fn env_evidence_matches_expected_md() {
    let (r, doc) = report();
    let t = table(&doc, "## Env points");
    let (id, read, defined) = (t.col("id"), t.col("read_at"), t.col("defined_at"));
    for row in &t.rows {
        let f = r.finding(&id_of(&row[id]));
        let c = f
            .config
            .iter()
            .find(|c| f.id == format!("env:{}", c.name))
            .expect("own config entry");
        assert_eq!(c.read_at, locations(&row[read]), "{} read_at", f.id);
        assert_eq!(c.defined_at, locations(&row[defined]), "{} defined_at", f.id);
    }
}

#[test]
fn jsonb_keys_match_expected_md() {
    let (r, doc) = report();
    let t = table(&doc, "## `jsonb:Video.metadata`");
    let (key, written, read) = (t.col("key"), t.col("written_at"), t.col("read_at"));
    let keys = r.finding("jsonb:Video.metadata").keys.as_ref().expect("keys");
    let got: Vec<(String, Vec<String>, Vec<String>)> = keys
        .iter()
        .map(|k| (k.key.clone(), k.written_at.clone(), k.read_at.clone()))
        .collect();
    let want: Vec<(String, Vec<String>, Vec<String>)> = t
        .rows
        .iter()
        .map(|row| (id_of(&row[key]), locations(&row[written]), locations(&row[read])))
        .collect();
    assert_eq!(got, want);
}
