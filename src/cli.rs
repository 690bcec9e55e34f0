//! Command line: clap args → `Config` → audit → report → exit code.
//!
//! Exit 0: no finding at or above `--fail-on`; 1: at least one; 2: usage
//! error, unreadable or invalid plan, unreadable workspace. Errors go to
//! stderr as `seamscan: FILE[:LINE:COL]: message`. Everything written to
//! stderr goes through `text::terminal`: a plan, a path or an argument that
//! holds control characters shows them as `\u{1b}`.

use crate::audit::{self, AuditError, Options};
use crate::baseline::Baseline;
use crate::findings::{Report, Risk};
use crate::plan;
use crate::report;
use crate::text;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "seamscan",
    version,
    about = "Audit integration points across repositories",
    after_help = "Examples:\n  seamscan audit --plan plans/render-pipeline.yaml fixtures/render-pipeline\n  seamscan schema > report.schema.json\n\nReference: docs/reference.md"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Audit the points of a plan over a workspace of checked-out repos.
    #[command(
        after_help = "Example:\n  seamscan audit --plan plans/render-pipeline.yaml fixtures/render-pipeline --format markdown"
    )]
    Audit(AuditArgs),
    /// Draft a plan (YAML) of what a git range introduced in each repo of a workspace.
    #[command(after_help = "Example:\n  seamscan plan --from-diff main..HEAD ws --output plans/draft.yaml")]
    Plan(PlanArgs),
    /// Serve the Model Context Protocol on stdio (tools: audit, explain, plan_from_diff).
    #[command(
        after_help = "Example (an MCP client config):\n  {\"mcpServers\": {\"seamscan\": {\"command\": \"seamscan\", \"args\": [\"mcp\"]}}}"
    )]
    Mcp,
    /// Print the JSON Schema (draft 2020-12) of the JSON report.
    #[command(after_help = "Example:\n  seamscan schema > report.schema.json")]
    Schema(SchemaArgs),
    /// Fill the fact cache with every source file of a workspace (no plan), so that audits after it parse only what changed.
    #[command(after_help = "Example:\n  seamscan index ws && seamscan audit --plan plans/render.yaml ws")]
    Index(IndexArgs),
    /// Manage the fact cache.
    #[command(subcommand)]
    Cache(CacheCommand),
}

#[derive(Subcommand, Debug)]
pub enum CacheCommand {
    /// Remove every entry of the fact cache.
    #[command(after_help = "Example:\n  seamscan cache clean --cache-dir ~/.cache/seamscan")]
    Clean(CacheDirArg),
}

#[derive(clap::Args, Debug)]
pub struct CacheDirArg {
    /// The fact cache directory (default: $XDG_CACHE_HOME/seamscan, else
    /// ~/.cache/seamscan).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    /// Directory of checked-out repos (or a single repo).
    #[arg(value_name = "WORKSPACE", default_value = ".")]
    pub workspace: PathBuf,
    #[command(flatten)]
    pub cache: CacheDirArg,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// No progress or summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// The git range BASE..HEAD whose new public methods, exported
    /// functions, env var reads and JSON key writes become plan points.
    #[arg(long, value_name = "BASE..HEAD", required = true)]
    pub from_diff: String,
    /// Directory of checked-out repos (or a single repo).
    #[arg(value_name = "WORKSPACE", default_value = ".")]
    pub workspace: PathBuf,
    /// Write the plan here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Print the schema of one `--format jsonl` line (a finding) instead.
    #[arg(long)]
    pub finding: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The JSON report (schema_version 1).
    Json,
    /// One finding per line, for streaming into agents.
    Jsonl,
    /// A report a reviewer reads top to bottom.
    Markdown,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    High,
    Medium,
    Low,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// The plan file (YAML, version 1).
    #[arg(long, value_name = "PLAN.yaml")]
    pub plan: PathBuf,
    /// Directory of checked-out repos (or a single repo).
    #[arg(value_name = "WORKSPACE", default_value = ".")]
    pub workspace: PathBuf,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write the report here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a problem is at or above this risk (with --baseline,
    /// only new problems count).
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// An earlier JSON report: mark each problem new or unchanged (by
    /// finding id and code) and list the fixed ones.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// No progress or summary on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Print where the time went (walk, queries, read, prefilter, parse,
    /// extract, cache hash/load/store, checks, report) on stderr.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub cache: CacheDirArg,
    /// Parse every file; neither read nor write the fact cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

/// Resolved configuration (no I/O happened yet).
pub struct Config {
    pub plan: PathBuf,
    pub workspace: PathBuf,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub fail_on: Option<Risk>,
    pub baseline: Option<PathBuf>,
    pub jobs: usize,
    pub quiet: bool,
    pub timings: bool,
    /// The fact cache's directory (`None`: `--no-cache`) and whether the
    /// user named it.
    pub cache: Option<(PathBuf, bool)>,
}

fn jobs(j: Option<u16>) -> usize {
    j.map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// `--cache-dir`, else the default location; the flag says it was named.
/// `None` when no default can be found (neither variable set).
fn cache_dir(arg: &CacheDirArg) -> Option<(PathBuf, bool)> {
    match &arg.cache_dir {
        Some(d) => Some((d.clone(), true)),
        None => crate::cache::default_dir_from_env().map(|d| (d, false)),
    }
}

impl Config {
    pub fn from_args(a: AuditArgs) -> Config {
        let jobs = jobs(a.jobs);
        let cache = if a.no_cache { None } else { cache_dir(&a.cache) };
        Config {
            cache,
            plan: a.plan,
            workspace: a.workspace,
            format: a.format,
            output: a.output,
            fail_on: match a.fail_on {
                FailOn::High => Some(Risk::High),
                FailOn::Medium => Some(Risk::Medium),
                FailOn::Low => Some(Risk::Low),
                FailOn::Never => None,
            },
            baseline: a.baseline,
            jobs,
            quiet: a.quiet,
            timings: a.timings,
        }
    }
}

/// Run the CLI with these arguments; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // clap echoes the offending argument; keep its colours unless
            // that argument holds control characters.
            let plain = e.render().to_string();
            match text::terminal(&plain) {
                std::borrow::Cow::Owned(escaped) if e.use_stderr() => eprint!("{escaped}"),
                _ => {
                    let _ = e.print();
                }
            }
            return code;
        }
    };
    match cli.command {
        Command::Audit(a) => run_audit(Config::from_args(a)),
        Command::Schema(a) => run_schema(&a),
        Command::Plan(a) => run_plan(&a),
        Command::Index(a) => run_index(&a),
        Command::Cache(CacheCommand::Clean(a)) => run_cache_clean(&a),
        Command::Mcp => match crate::mcp::serve_stdio() {
            Ok(()) => 0,
            Err(e) => error(e),
        },
    }
}

fn run_plan(a: &PlanArgs) -> i32 {
    let draft = match crate::diffplan::draft(&a.workspace, &a.from_diff) {
        Ok(d) => d,
        Err(e) => return error(e),
    };
    for s in &draft.skipped {
        eprintln!("seamscan: {s}; skipped");
    }
    if draft.points == 0 {
        eprintln!(
            "seamscan: {} introduced no public method, exported function, env read, JSON key write, route, action, job, event or flag; the draft has no points",
            a.from_diff
        );
    }
    let written = match &a.output {
        Some(p) => std::fs::write(p, &draft.yaml).map_err(|e| (p.display().to_string(), e)),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(draft.yaml.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| ("stdout".to_string(), e))
        }
    };
    match written {
        Ok(()) => 0,
        Err((_, e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err((target, e)) => error(format!("{target}: cannot write plan: {e}")),
    }
}

fn run_schema(a: &SchemaArgs) -> i32 {
    let schema = if a.finding {
        report::json::finding_schema()
    } else {
        report::json::schema()
    };
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &schema)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => error(format!("stdout: cannot write schema: {e}")),
    }
}

fn error(msg: impl std::fmt::Display) -> i32 {
    eprintln!("seamscan: {}", text::terminal(&msg.to_string()));
    2
}

fn run_audit(cfg: Config) -> i32 {
    let plan_display = cfg.plan.display().to_string();
    let text = match plan::read(&cfg.plan) {
        Ok(t) => t,
        Err(msg) => return error(format!("{plan_display}: {msg}")),
    };
    let plan = match plan::parse(&plan_display, &text) {
        Ok(p) => p,
        Err(e) => return error(e),
    };
    // The baseline is read before the audit: a bad one fails fast.
    let baseline = match &cfg.baseline {
        Some(p) => match read_baseline(p) {
            Ok(b) => Some(b),
            Err(msg) => return error(format!("{}: {msg}", p.display())),
        },
        None => None,
    };
    let ws_display = cfg.workspace.display().to_string();
    let cache = match &cfg.cache {
        Some((dir, named)) => match open_cache(dir, *named, &cfg.workspace) {
            Ok(c) => c,
            Err(msg) => return error(msg),
        },
        None => None,
    };
    let opts = Options {
        jobs: cfg.jobs,
        progress: progress_bar(cfg.quiet),
        cache,
        exits_after: true,
    };
    let mut report = match audit::run(&plan, &cfg.workspace, &ws_display, &opts) {
        Ok(r) => r,
        Err(AuditError::Plan(e)) => return error(e),
        Err(e) => return error(e),
    };
    for a in &report.alerts {
        eprintln!("seamscan: warning: {}", text::terminal_text(a));
    }
    if let Some(b) = &baseline {
        b.apply(&mut report);
    }
    let t = std::time::Instant::now();
    let written = write_report(&cfg, &report);
    if cfg.timings {
        print_timings(&report, t.elapsed());
    }
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 0;
        }
        let target = cfg
            .output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "stdout".into());
        return error(format!("{target}: cannot write report: {e}"));
    }
    if !cfg.quiet {
        let s = report.summary();
        eprintln!(
            "seamscan: {} findings (high {}, medium {}, low {}, none {}); {} files scanned, {} parsed, {} parse errors, {} ms",
            report.findings.len(),
            s.high,
            s.medium,
            s.low,
            s.none,
            report.stats.files_scanned,
            report.stats.files_parsed,
            report.stats.parse_errors,
            report.stats.elapsed_ms
        );
    }
    match cfg.fail_on {
        Some(level) if report.failing_risk() >= level && report.failing_risk() > Risk::None => 1,
        _ => 0,
    }
}

/// Open the fact cache in `dir` for a run over `workspace`
/// (`cache::open_for`); a warning goes to stderr.
fn open_cache(
    dir: &std::path::Path,
    named: bool,
    workspace: &std::path::Path,
) -> Result<Option<std::sync::Arc<crate::cache::Cache>>, String> {
    let (cache, warning) = crate::cache::open_for(dir, named, workspace)?;
    if let Some(w) = warning {
        eprintln!("seamscan: warning: {}", text::terminal(&w));
    }
    Ok(cache.map(std::sync::Arc::new))
}

fn run_index(a: &IndexArgs) -> i32 {
    let Some((dir, _)) = cache_dir(&a.cache) else {
        return error("no cache directory: set XDG_CACHE_HOME or HOME, or give --cache-dir");
    };
    if let Err(e) = crate::workspace::discover(&a.workspace) {
        return error(e);
    }
    let cache = match open_cache(&dir, true, &a.workspace) {
        Ok(Some(c)) => c,
        Ok(None) => return 2,
        Err(msg) => return error(msg),
    };
    let opts = Options {
        jobs: jobs(a.jobs),
        progress: progress_bar(a.quiet),
        cache: None,
        exits_after: true,
    };
    let start = std::time::Instant::now();
    match audit::index(&a.workspace, &cache, &opts) {
        Ok(s) => {
            if !a.quiet {
                eprintln!(
                    "seamscan: indexed {} source files of {} repos into {}: {} already cached, {} parsed and stored, {} skipped; {} ms",
                    s.files,
                    s.repos,
                    text::terminal(&dir.display().to_string()),
                    s.hits,
                    s.stored,
                    s.skipped,
                    start.elapsed().as_millis()
                );
            }
            if s.store_errors > 0 {
                return error(format!(
                    "{}: {} cache entries could not be written",
                    dir.display(),
                    s.store_errors
                ));
            }
            0
        }
        Err(e) => error(e),
    }
}

fn run_cache_clean(a: &CacheDirArg) -> i32 {
    let Some((dir, _)) = cache_dir(a) else {
        return error("no cache directory: set XDG_CACHE_HOME or HOME, or give --cache-dir");
    };
    match crate::cache::clean(&dir) {
        Ok(u) => {
            eprintln!(
                "seamscan: removed {} cache entries ({:.1} MiB) from {}",
                u.entries,
                u.bytes as f64 / (1u64 << 20) as f64,
                text::terminal(&dir.display().to_string())
            );
            0
        }
        Err(e) => error(format!("{}: cannot clean the fact cache: {e}", dir.display())),
    }
}

fn print_timings(report: &Report, report_time: std::time::Duration) {
    let t = &report.timings;
    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    eprintln!(
        "seamscan: timings (ms): walk {}, query compile {}, files {} wall [cpu: read {}, prefilter {}, config scan {}, parse {}, extract {}, cache hash {}, load {}, store {}], index {} [canonicalize {}, names {}, classes {}, resolve {}, servers {}, constants {}], checks {}, report {}",
        ms(t.walk),
        ms(t.queries),
        ms(t.files),
        ms(t.read),
        ms(t.prefilter),
        ms(t.config_scan),
        ms(t.parse),
        ms(t.extract),
        ms(t.hash),
        ms(t.load),
        ms(t.store),
        ms(t.index),
        ms(t.index_steps.canonicalize),
        ms(t.index_steps.names),
        ms(t.index_steps.classes),
        ms(t.index_steps.resolve),
        ms(t.index_steps.servers),
        ms(t.index_steps.constants),
        ms(t.checks),
        ms(report_time)
    );
}

/// The per-file progress bar: on stderr, only when stderr is a terminal
/// and not `--quiet`; without colour when `NO_COLOR` is set.
struct Bar(indicatif::ProgressBar);

impl audit::Progress for Bar {
    fn start(&self, files: u64) {
        self.0.set_length(files);
    }
    fn file_done(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn progress_bar(quiet: bool) -> Option<std::sync::Arc<dyn audit::Progress>> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let template = if no_color {
        "seamscan: {bar:30} {pos}/{len} files ({elapsed})"
    } else {
        "seamscan: {bar:30.cyan/blue} {pos}/{len} files ({elapsed})"
    };
    let style = indicatif::ProgressStyle::with_template(template).expect("a valid template");
    let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr())
        .with_style(style);
    Some(std::sync::Arc::new(Bar(bar)))
}

fn read_baseline(path: &std::path::Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read baseline: {e}"))?;
    Baseline::parse(&text)
}

fn write_report(cfg: &Config, report: &Report) -> std::io::Result<()> {
    // Streamed through a buffer: a report can hold millions of locations.
    let sink: Box<dyn Write> = match &cfg.output {
        Some(p) => Box::new(std::fs::File::create(p)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, sink);
    match cfg.format {
        Format::Json => report::json::write(report, &mut out)?,
        Format::Jsonl => report::json::write_lines(report, &mut out)?,
        Format::Markdown => report::markdown::write(report, &mut out)?,
        Format::Sarif => report::sarif::write(report, &mut out)?,
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(args: &str) -> bool {
        Cli::try_parse_from(args.split_whitespace()).is_ok()
    }

    #[test]
    fn command_lines() {
        assert!(parses("seamscan audit --plan p.yaml"));
        assert!(parses(
            "seamscan audit --plan p.yaml ws --format markdown --fail-on never -j 2 --quiet"
        ));
        assert!(parses(
            "seamscan audit --plan p.yaml --format sarif --output out.sarif"
        ));
        assert!(parses("seamscan audit --plan p.yaml --timings"));
        assert!(parses(
            "seamscan audit --plan p.yaml --format jsonl --baseline old.json"
        ));
        assert!(parses("seamscan schema"));
        assert!(parses("seamscan mcp"));
        assert!(parses("seamscan plan --from-diff main..HEAD ws --output p.yaml"));
        assert!(!parses("seamscan plan ws"));
        assert!(!parses("seamscan mcp --plan p.yaml"));
        assert!(parses("seamscan schema --finding"));
        assert!(parses("seamscan audit --plan p.yaml --no-cache"));
        assert!(parses("seamscan audit --plan p.yaml --cache-dir /tmp/c"));
        assert!(!parses(
            "seamscan audit --plan p.yaml --cache-dir /tmp/c --no-cache"
        ));
        assert!(!parses("seamscan audit --plan p.yaml --cache-dir"));
        assert!(parses("seamscan index"));
        assert!(parses("seamscan index ws --cache-dir /tmp/c -j 2 --quiet"));
        assert!(!parses("seamscan index --plan p.yaml"));
        assert!(!parses("seamscan index --no-cache"));
        assert!(parses("seamscan cache clean"));
        assert!(parses("seamscan cache clean --cache-dir /tmp/c"));
        assert!(!parses("seamscan cache"));
        assert!(!parses("seamscan cache purge"));
        assert!(!parses("seamscan audit --plan p.yaml --baseline"));
        assert!(!parses("seamscan schema extra"));
        assert!(!parses("seamscan audit"));
        assert!(!parses("seamscan audit --plan p.yaml --format xml"));
        assert!(!parses("seamscan audit --plan p.yaml -j 0"));
        assert!(!parses("seamscan audit --plan p.yaml -j"));
        assert!(!parses("seamscan audit --plan p.yaml --fail-on critical"));
        assert!(!parses("seamscan scan"));
    }
}
