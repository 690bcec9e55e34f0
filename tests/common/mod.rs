//! Test-side wire types of the JSON report (schema_version 1) and helpers
//! shared by the integration tests.
//!
//! The types are written from the contract, not derived from the crate's
//! own types, and deny unknown fields: a renamed, added or removed field in
//! the report fails every test that reads a report through them.
#![allow(dead_code)]

use assert_cmd::Command;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub plan: String,
    pub workspace: String,
    pub stats: Stats,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub warnings: Vec<String>,
    #[serde(default)]
    pub fixed: Option<Vec<Fixed>>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    pub id: String,
    pub code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stats {
    pub repos: usize,
    pub files_scanned: usize,
    pub files_parsed: usize,
    pub parse_errors: usize,
    pub elapsed_ms: u64,
    pub files_skipped: usize,
    /// Unparsed code and templates, by extension.
    pub unread_files: std::collections::BTreeMap<String, usize>,
    pub cache_hits: usize,
    pub cache_misses: usize,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub none: usize,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub layer: String,
    pub found: bool,
    pub locations: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `payload` of route and action findings.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub request: Vec<PayloadEntry>,
    pub response: Vec<PayloadEntry>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PayloadEntry {
    pub key: String,
    pub sent_at: Vec<String>,
    pub read_at: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub integration_point: String,
    pub kind: String,
    pub phases: Vec<String>,
    pub exists: Option<bool>,
    pub definitions: Vec<Definition>,
    /// `null` for kinds without visibility (env, jsonb, not audited).
    pub access_modifier: Option<String>,
    pub callers_found: Vec<String>,
    pub test_callers: Vec<String>,
    /// `null` for kinds without callers to dispatch to.
    pub dynamic_callers: Option<Vec<String>>,
    pub dynamic_call_sites: Option<Vec<DynamicSite>>,
    pub caller_matches: Vec<CallerMatch>,
    pub config_wired: Option<bool>,
    pub config: Vec<ConfigEntry>,
    /// `null` for every kind but jsonb.
    pub keys: Option<Vec<KeyEntry>>,
    #[serde(default)]
    pub layers: Option<Vec<Layer>>,
    /// `null` for every kind but route and action.
    pub payload: Option<Payload>,
    pub problems: Vec<Problem>,
    pub risk: String,
    pub confidence: String,
    pub notes: String,
    #[serde(default)]
    pub plan_note: Option<String>,
}

impl Finding {
    pub fn codes(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.code.as_str()).collect()
    }

    pub fn has(&self, code: &str) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    pub fn problem(&self, code: &str) -> &Problem {
        self.problems
            .iter()
            .find(|p| p.code == code)
            .unwrap_or_else(|| panic!("{}: no {code} problem in {:?}", self.id, self.codes()))
    }

    /// (key, sent_at, read_at) of one side (`request` or `response`) of
    /// the payload of a route or action finding.
    #[allow(dead_code)]
    pub fn payload_keys(&self, side: &str) -> Vec<(&str, Vec<&str>, Vec<&str>)> {
        let p = self
            .payload
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no payload", self.id));
        let v = if side == "request" {
            &p.request
        } else {
            &p.response
        };
        v.iter()
            .map(|e| {
                (
                    e.key.as_str(),
                    e.sent_at.iter().map(String::as_str).collect(),
                    e.read_at.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub location: String,
    pub access: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicSite {
    pub location: String,
    pub code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallerMatch {
    pub location: String,
    #[serde(rename = "match")]
    pub strength: String,
    pub test: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigEntry {
    pub name: String,
    pub read_at: Vec<String>,
    pub defined_at: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub key: String,
    pub written_at: Vec<String>,
    pub read_at: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub code: String,
    pub risk: String,
    pub message: String,
    pub help: String,
    #[serde(default)]
    pub accepted: Option<Accepted>,
    #[serde(default)]
    pub baseline: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub reason: String,
    pub until: Option<String>,
}

impl Report {
    pub fn finding(&self, id: &str) -> &Finding {
        self.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
            let ids: Vec<&str> = self.findings.iter().map(|f| f.id.as_str()).collect();
            panic!("no finding {id} among {ids:?}")
        })
    }
}

pub fn seamscan() -> Command {
    let mut c = Command::cargo_bin("seamscan").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("RUST_BACKTRACE", "0");
    c
}

/// Run an audit; the typed report, the exit code and stderr. Panics when
/// stdout is not a report or stderr shows a panic.
pub fn audit(plan: &Path, ws: &Path, extra: &[&str]) -> (Report, i32, String) {
    let out = seamscan()
        .arg("audit")
        .arg("--plan")
        .arg(plan)
        .arg(ws)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let r: Report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not a report: {e}\nstderr: {stderr}"));
    (r, out.status.code().expect("exit code"), stderr)
}

/// Write `(path, contents)` pairs under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (p, c) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}
