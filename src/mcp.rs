//! `seamscan mcp`: a Model Context Protocol server on stdio (the official
//! Rust SDK, rmcp) for agents. Tools: `audit` (the JSON report as
//! structured content), `explain` (a finding's locations with the source
//! lines around them) and `plan_from_diff` (a draft plan of what a git range
//! introduced). Bad input is a tool result with `isError` and a message
//! naming the file; the server keeps serving. Nothing but JSON-RPC is
//! written to stdout, and nothing is ever written to a workspace.

use crate::audit::{self, Options};
use crate::findings::{Finding, Problem, Report};
use crate::plan;
use crate::report;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{Json, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Source lines shown before and after each location by `explain`.
pub const CONTEXT_LINES: usize = 3;
/// At most this many locations per `explain` answer (the rest are counted).
pub const MAX_EXPLAINED: usize = 100;

/// Which plan to audit, and where.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AuditInput {
    /// Path of a plan file (YAML, version 1), relative to the server's
    /// working directory. Give this or `plan_yaml`.
    #[serde(default)]
    pub plan: Option<String>,
    /// The plan itself, as YAML text. Give this or `plan`.
    #[serde(default)]
    pub plan_yaml: Option<String>,
    /// Directory of checked-out repos (or a single repo); default: the
    /// server's working directory.
    #[serde(default)]
    pub workspace: Option<String>,
}

/// A finding to explain: the audit to run and the finding's id.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExplainInput {
    #[serde(flatten)]
    pub audit: AuditInput,
    /// A finding id from the report, e.g. `method:Video#publish!`.
    pub id: String,
}

/// A git range to draft a plan from.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PlanFromDiffInput {
    /// `BASE..HEAD`, e.g. `main..HEAD`.
    pub range: String,
    /// Directory of checked-out repos (or a single repo); default: the
    /// server's working directory.
    #[serde(default)]
    pub workspace: Option<String>,
}

/// The JSON report (`seamscan audit --format json`), as structured content.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ReportContent(pub serde_json::Value);

impl JsonSchema for ReportContent {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Report".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        report::json::report_json_schema(g)
    }
}

/// One source line.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SourceLine {
    pub line: usize,
    pub text: String,
}

/// A location of a finding and the source around it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExplainedLocation {
    /// `definition`, `caller`, `test caller`, `dynamic dispatch`,
    /// `env NAME read`, `env NAME defined`, `key K written`, `key K read`.
    pub role: String,
    /// `repo/path:line`, as in the report.
    pub location: String,
    /// The line and up to three lines either side; empty when the file
    /// cannot be read (then `error` says why).
    pub lines: Vec<SourceLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A finding with its evidence opened.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Explanation {
    pub id: String,
    pub risk: crate::findings::Risk,
    pub problems: Vec<Problem>,
    pub notes: crate::text::Text,
    pub locations: Vec<ExplainedLocation>,
    /// Locations left out past the first 100.
    pub more_locations: usize,
}

/// A draft plan of what a git range introduced.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DraftPlan {
    /// The plan as YAML (version 1), ready to edit and audit.
    pub plan_yaml: String,
    /// Repos skipped, and why (not a git checkout, range missing).
    pub skipped: Vec<String>,
}

#[derive(Clone)]
pub struct Server {
    tool_router: ToolRouter<Self>,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

/// Run an audit for a tool call; errors name the file.
pub fn run_audit(input: &AuditInput) -> Result<Report, String> {
    let (display, text) = match (&input.plan, &input.plan_yaml) {
        (Some(p), None) => (
            p.clone(),
            plan::read(Path::new(p)).map_err(|e| format!("{p}: {e}"))?,
        ),
        (None, Some(y)) => ("<plan_yaml>".to_string(), y.clone()),
        (Some(_), Some(_)) => return Err("give either `plan` or `plan_yaml`, not both".into()),
        (None, None) => return Err("give `plan` (a plan file) or `plan_yaml` (the plan text)".into()),
    };
    let plan = plan::parse(&display, &text).map_err(|e| e.to_string())?;
    let ws = input.workspace.clone().unwrap_or_else(|| ".".into());
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let opts = Options {
        jobs,
        progress: None,
        cache: default_cache(Path::new(&ws)),
        exits_after: false,
    };
    audit::run(&plan, Path::new(&ws), &ws, &opts).map_err(|e| e.to_string())
}

/// The file behind a `repo/path` of a report.
fn file_of(report: &Report, ws: &Path, repo_path: &str) -> Option<PathBuf> {
    let (repo, rest) = repo_path.split_once('/')?;
    // Locations come from the report; refuse anything that could leave
    // the workspace all the same.
    if rest.split('/').any(|c| c == ".." || c.is_empty()) || repo == ".." {
        return None;
    }
    Some(if report.single_repo {
        ws.join(rest)
    } else {
        ws.join(repo).join(rest)
    })
}

fn context(report: &Report, ws: &Path, role: String, location: &str) -> ExplainedLocation {
    let mut out = ExplainedLocation {
        role,
        location: location.to_string(),
        lines: Vec::new(),
        error: None,
    };
    let Some((path, line)) = location
        .rsplit_once(':')
        .and_then(|(p, l)| Some((p, l.parse::<usize>().ok()?)))
    else {
        out.error = Some("not a repo/path:line location".into());
        return out;
    };
    let Some(file) = file_of(report, ws, path) else {
        out.error = Some("not a path inside the workspace".into());
        return out;
    };
    match std::fs::metadata(&file) {
        Ok(m) if m.len() > audit::MAX_READ_BYTES => {
            out.error = Some(format!("{}: too large to show", file.display()));
            return out;
        }
        Err(e) => {
            out.error = Some(format!("{}: {e}", file.display()));
            return out;
        }
        Ok(_) => {}
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let first = line.saturating_sub(CONTEXT_LINES).max(1);
            out.lines = text
                .lines()
                .enumerate()
                .skip(first - 1)
                .take(line + CONTEXT_LINES + 1 - first)
                .map(|(i, t)| SourceLine {
                    line: i + 1,
                    text: t.to_string(),
                })
                .collect();
        }
        Err(e) => out.error = Some(format!("{}: {e}", file.display())),
    }
    out
}

/// Every location of a finding with its role, in report order.
fn roles(f: &Finding) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    for d in &f.definitions {
        v.push(("definition".into(), d.location.clone()));
    }
    for c in &f.callers_found {
        v.push(("caller".into(), c.clone()));
    }
    for c in &f.test_callers {
        v.push(("test caller".into(), c.clone()));
    }
    for c in f.dynamic_callers.iter().flatten() {
        v.push(("dynamic dispatch".into(), c.clone()));
    }
    for c in &f.config {
        for r in &c.read_at {
            v.push((format!("env {} read", c.name), r.clone()));
        }
        for d in &c.defined_at {
            v.push((format!("env {} defined", c.name), d.clone()));
        }
    }
    for k in f.keys.iter().flatten() {
        for w in &k.written_at {
            v.push((format!("key {} written", k.key), w.clone()));
        }
        for r in &k.read_at {
            v.push((format!("key {} read", k.key), r.clone()));
        }
    }
    v
}

/// Explain one finding of an audit.
pub fn explain(input: &ExplainInput) -> Result<Explanation, String> {
    let report = run_audit(&input.audit)?;
    let ws = PathBuf::from(input.audit.workspace.clone().unwrap_or_else(|| ".".into()));
    let Some(f) = report.findings.iter().find(|f| f.id == input.id) else {
        let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).take(50).collect();
        return Err(format!(
            "no finding `{}` in this audit (ids: {})",
            input.id,
            ids.join(", ")
        ));
    };
    let all = roles(f);
    let more = all.len().saturating_sub(MAX_EXPLAINED);
    let locations = all
        .into_iter()
        .take(MAX_EXPLAINED)
        .map(|(role, loc)| context(&report, &ws, role, &loc))
        .collect();
    Ok(Explanation {
        id: f.id.clone(),
        risk: f.risk,
        problems: f.problems.clone(),
        notes: f.notes.clone(),
        locations,
        more_locations: more,
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("internal error: {e}"))?
}

#[tool_router(router = tool_router)]
impl Server {
    pub fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    /// Audit a plan over a workspace; returns the JSON report.
    #[tool(
        name = "audit",
        description = "Audit the integration points of a plan (a plan file path or inline plan YAML) over a workspace of checked-out repos. Returns seamscan's JSON report (schema_version 1): one finding per point with its problems, risk, evidence locations (repo/path:line) and a help sentence per problem."
    )]
    async fn audit(&self, Parameters(input): Parameters<AuditInput>) -> Result<Json<ReportContent>, String> {
        let report = blocking(move || run_audit(&input)).await?;
        Ok(Json(ReportContent(report::json::to_value(&report))))
    }

    /// Open the evidence of one finding.
    #[tool(
        name = "explain",
        description = "Run the audit and open the evidence of one finding (by id, e.g. `method:Video#publish!`): each definition, caller, env read/definition and JSON key location with the source lines around it."
    )]
    async fn explain(
        &self,
        Parameters(input): Parameters<ExplainInput>,
    ) -> Result<Json<Explanation>, String> {
        Ok(Json(blocking(move || explain(&input)).await?))
    }

    /// Draft a plan from a git range.
    #[tool(
        name = "plan_from_diff",
        description = "Draft a seamscan plan (YAML, version 1) of what a git range BASE..HEAD introduced in each repo of the workspace: new public methods and exported functions, env vars read, JSON keys written. Reads git objects only; never writes to the repos."
    )]
    async fn plan_from_diff(
        &self,
        Parameters(input): Parameters<PlanFromDiffInput>,
    ) -> Result<Json<DraftPlan>, String> {
        let draft = blocking(move || {
            let ws = input.workspace.unwrap_or_else(|| ".".into());
            crate::diffplan::draft(Path::new(&ws), &input.range).map_err(|e| e.to_string())
        })
        .await?;
        Ok(Json(DraftPlan {
            plan_yaml: draft.yaml,
            skipped: draft.skipped,
        }))
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "seamscan",
    instructions = "seamscan audits integration points between checked-out repos. Call `audit` with a plan (file or inline YAML) and a workspace; call `explain` with a finding id to see its source; call `plan_from_diff` with BASE..HEAD to draft a plan for a change."
)]
impl ServerHandler for Server {}

/// Serve MCP on stdin/stdout until the client closes the connection.
pub fn serve_stdio() -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the MCP runtime: {e}"))?;
    rt.block_on(async {
        let service = Server::new()
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| format!("MCP handshake failed: {e}"))?;
        service
            .waiting()
            .await
            .map_err(|e| format!("MCP server stopped: {e}"))?;
        Ok(())
    })
}

/// The default fact cache, as `seamscan audit` without `--cache-dir` uses
/// it (agents re-audit the same workspace again and again); a warning goes
/// to stderr, never to the protocol's stdout.
fn default_cache(workspace: &Path) -> Option<std::sync::Arc<crate::cache::Cache>> {
    let dir = crate::cache::default_dir_from_env()?;
    match crate::cache::open_for(&dir, false, workspace) {
        Ok((cache, warning)) => {
            if let Some(w) = warning {
                eprintln!("seamscan: warning: {}", crate::text::terminal(&w));
            }
            cache.map(std::sync::Arc::new)
        }
        Err(e) => {
            eprintln!(
                "seamscan: warning: {}; running without the cache",
                crate::text::terminal(&e)
            );
            None
        }
    }
}
