//! Findings, problems, risk and the finished `Report`.
//!
//! Input: what the checks conclude. Output: a `Report` with findings
//! deduplicated by id and sorted by risk (high first), then id in byte
//! order. These types are also the JSON wire format (schema_version 1):
//! field names and order here are the contract's, so change them only with
//! a new schema version.

use crate::text::Text;
use schemars::JsonSchema;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    None,
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// A problem code and its default risk (contract §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    MissingDefinition,
    PrivateEntryPoint,
    NoCallers,
    TestOnlyCallers,
    MissingExpectedCaller,
    JsonKeyReadNeverWritten,
    ConfigNotWired,
    DynamicCallersOnly,
    UnexpectedLocation,
    JsonKeyWrittenNeverRead,
    AmbiguousDefinition,
    ConfigNeverRead,
    AcceptedProblemExpired,
    MissingLayer,
    JobArgumentsMismatch,
    QueueNotConsumed,
    JobArgumentsNotSerializable,
    PolicyCopiedFromSibling,
    ParamsKeyNeverSent,
    ResponseKeyReadNeverSent,
    RequestKeySentNeverRead,
    WebhookUnverified,
    WebhookProcessedInline,
    WebhookNoDedup,
    OutboundCallWithoutTimeout,
}

impl Code {
    /// Every code this version can report (documented in docs/reference.md).
    pub const ALL: [Code; 25] = [
        Code::MissingDefinition,
        Code::PrivateEntryPoint,
        Code::NoCallers,
        Code::TestOnlyCallers,
        Code::MissingExpectedCaller,
        Code::JsonKeyReadNeverWritten,
        Code::ConfigNotWired,
        Code::DynamicCallersOnly,
        Code::UnexpectedLocation,
        Code::JsonKeyWrittenNeverRead,
        Code::AmbiguousDefinition,
        Code::ConfigNeverRead,
        Code::AcceptedProblemExpired,
        Code::MissingLayer,
        Code::JobArgumentsMismatch,
        Code::QueueNotConsumed,
        Code::JobArgumentsNotSerializable,
        Code::PolicyCopiedFromSibling,
        Code::ParamsKeyNeverSent,
        Code::ResponseKeyReadNeverSent,
        Code::RequestKeySentNeverRead,
        Code::WebhookUnverified,
        Code::WebhookProcessedInline,
        Code::WebhookNoDedup,
        Code::OutboundCallWithoutTimeout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingDefinition => "missing-definition",
            Code::PrivateEntryPoint => "private-entry-point",
            Code::NoCallers => "no-callers",
            Code::TestOnlyCallers => "test-only-callers",
            Code::MissingExpectedCaller => "missing-expected-caller",
            Code::JsonKeyReadNeverWritten => "json-key-read-never-written",
            Code::ConfigNotWired => "config-not-wired",
            Code::DynamicCallersOnly => "dynamic-callers-only",
            Code::UnexpectedLocation => "unexpected-location",
            Code::JsonKeyWrittenNeverRead => "json-key-written-never-read",
            Code::AmbiguousDefinition => "ambiguous-definition",
            Code::ConfigNeverRead => "config-never-read",
            Code::AcceptedProblemExpired => "accepted-problem-expired",
            Code::MissingLayer => "missing-layer",
            Code::JobArgumentsMismatch => "job-arguments-mismatch",
            Code::QueueNotConsumed => "queue-not-consumed",
            Code::JobArgumentsNotSerializable => "job-arguments-not-serializable",
            Code::PolicyCopiedFromSibling => "policy-copied-from-sibling",
            Code::ParamsKeyNeverSent => "params-key-never-sent",
            Code::ResponseKeyReadNeverSent => "response-key-read-never-sent",
            Code::RequestKeySentNeverRead => "request-key-sent-never-read",
            Code::WebhookUnverified => "webhook-unverified",
            Code::WebhookProcessedInline => "webhook-processed-inline",
            Code::WebhookNoDedup => "webhook-no-dedup",
            Code::OutboundCallWithoutTimeout => "outbound-call-without-timeout",
        }
    }

    pub fn risk(self) -> Risk {
        match self {
            Code::MissingDefinition
            | Code::PrivateEntryPoint
            | Code::NoCallers
            | Code::TestOnlyCallers
            | Code::MissingExpectedCaller
            | Code::JsonKeyReadNeverWritten
            | Code::MissingLayer
            | Code::JobArgumentsMismatch
            | Code::QueueNotConsumed
            | Code::ParamsKeyNeverSent
            | Code::ResponseKeyReadNeverSent
            | Code::WebhookUnverified => Risk::High,
            Code::ConfigNotWired
            | Code::DynamicCallersOnly
            | Code::UnexpectedLocation
            | Code::JobArgumentsNotSerializable
            | Code::WebhookProcessedInline
            | Code::OutboundCallWithoutTimeout => Risk::Medium,
            Code::JsonKeyWrittenNeverRead
            | Code::AmbiguousDefinition
            | Code::ConfigNeverRead
            | Code::AcceptedProblemExpired
            | Code::PolicyCopiedFromSibling
            | Code::RequestKeySentNeverRead
            | Code::WebhookNoDedup => Risk::Low,
        }
    }

    /// One line on what the code means (for Markdown and SARIF rules).
    pub fn description(self) -> &'static str {
        match self {
            Code::MissingDefinition => "nothing defines the point under that name",
            Code::PrivateEntryPoint => "visibility stops an expected caller",
            Code::NoCallers => "no code at all calls it",
            Code::TestOnlyCallers => "only test code calls it",
            Code::MissingExpectedCaller => "a repo the plan names as a caller never calls it",
            Code::JsonKeyReadNeverWritten => "a reader expects a key no writer writes",
            Code::ConfigNotWired => "code reads the env var or flag but no config file defines it",
            Code::DynamicCallersOnly => "only dynamic dispatch could reach it",
            Code::UnexpectedLocation => "defined, but not in the repo the plan names",
            Code::JsonKeyWrittenNeverRead => "a writer stores a key nobody reads",
            Code::AmbiguousDefinition => "several definitions match the name",
            Code::ConfigNeverRead => "defined in config but no code reads it",
            Code::AcceptedProblemExpired => {
                "an `accept:` entry's `until` date has passed, or it matches no problem any more"
            }
            Code::MissingLayer => "a route, action, job or event lacks one of its layers",
            Code::JobArgumentsMismatch => {
                "a producer passes a different number of arguments than `perform` takes"
            }
            Code::QueueNotConsumed => "a job is enqueued on a queue that no worker configuration listens to",
            Code::JobArgumentsNotSerializable => {
                "a Sidekiq producer passes a value that is not JSON-native (a model, a symbol, a Time)"
            }
            Code::PolicyCopiedFromSibling => {
                "a policy method's body is identical to a sibling's: confirm by hand"
            }
            Code::ParamsKeyNeverSent => "a controller action reads a params key that no form or client sends",
            Code::ResponseKeyReadNeverSent => "a client reads a response key that the server never sends",
            Code::RequestKeySentNeverRead => "a client sends a request key that the server never reads",
            Code::WebhookUnverified => "an inbound webhook does its work without a signature check first",
            Code::WebhookProcessedInline => {
                "an inbound webhook writes or calls out in the request instead of enqueuing"
            }
            Code::WebhookNoDedup => {
                "an inbound webhook never looks up or uniquely stores the sender's event id"
            }
            Code::OutboundCallWithoutTimeout => {
                "an HTTP call in a planned method/job/handler has no timeout at the call or on its client"
            }
        }
    }
}

impl Code {
    /// One stable sentence on what to check or fix (the `help` of every
    /// problem, Markdown under each problem, SARIF `help`). docs/reference.md
    /// quotes each one verbatim (tests/docs.rs).
    pub fn help(self) -> &'static str {
        match self {
            Code::MissingDefinition => {
                "Add the definition, or fix the name in the plan (the message lists similar definitions)."
            }
            Code::PrivateEntryPoint => {
                "Make it public or export it, or route the call through a public method."
            }
            Code::NoCallers => {
                "Wire up the caller the plan promised or remove the dead code, after checking for callers outside the scanned repos."
            }
            Code::TestOnlyCallers => "Call it from the production path, or drop it.",
            Code::MissingExpectedCaller => {
                "Add the call in the repo the plan names, or fix `callers:` in the plan."
            }
            Code::JsonKeyReadNeverWritten => {
                "Align the key names between the writer and the readers (the message suggests a likely rename)."
            }
            Code::ConfigNotWired => {
                "Define the env var (or flag) in the reading repo's config (dotenv, compose, k8s, flag seeds, ...), or, when the hosting platform sets it, accept the problem with a reason."
            }
            Code::DynamicCallersOnly => "Confirm by hand that the dynamic call reaches it.",
            Code::UnexpectedLocation => "Move it to the repo the plan names, or fix `repo:` in the plan.",
            Code::JsonKeyWrittenNeverRead => "Remove the write, or add the reader the plan promised.",
            Code::AmbiguousDefinition => {
                "Qualify the name in the plan (`Owner#name`), or remove the duplicate definition."
            }
            Code::ConfigNeverRead => "Remove the stale config, or add the read.",
            Code::AcceptedProblemExpired => "Fix the problem, extend `until`, or remove the `accept:` entry.",
            Code::MissingLayer => {
                "Add the missing layer or side (route, handler, policy, model, producer, consumer), make a private action public, or remove the dead one."
            }
            Code::PolicyCopiedFromSibling => {
                "Confirm the two rules are meant to be the same, or write the right one."
            }
            Code::JobArgumentsMismatch => {
                "Make the producer and `perform` agree, minding jobs already queued with the old arguments."
            }
            Code::QueueNotConsumed => {
                "Add the queue to the worker's `:queues:` / `-q` list, or enqueue on a queue a worker consumes."
            }
            Code::JobArgumentsNotSerializable => "Pass ids and strings, and load the record in `perform`.",
            Code::ParamsKeyNeverSent => {
                "Rename the form field or the permitted key so both sides agree, or drop the read."
            }
            Code::ResponseKeyReadNeverSent => {
                "Render the key again (or both names while old clients remain), or update the client to the new name the message suggests."
            }
            Code::RequestKeySentNeverRead => {
                "Read the key on the server (permit it), or stop sending it; check for a rename on either side."
            }
            Code::WebhookUnverified => {
                "Verify the sender's signature (Stripe::Webhook.construct_event, an HMAC compared with secure_compare) before any side effect."
            }
            Code::WebhookProcessedInline => {
                "Enqueue a job with the event id and answer 2xx at once; do the writes and calls in the job."
            }
            Code::WebhookNoDedup => {
                "Record the sender's event id with a unique index and skip events already seen (senders retry)."
            }
            Code::OutboundCallWithoutTimeout => {
                "Set a timeout at the call or on the client (`timeout:`, `default_timeout`, `Faraday.new(request: {timeout:})`, `read_timeout =`)."
            }
        }
    }

    /// Tags for code-scanning UIs (SARIF `properties.tags`).
    pub fn tags(self) -> &'static [&'static str] {
        match self {
            Code::MissingDefinition | Code::AmbiguousDefinition | Code::UnexpectedLocation => {
                &["integration", "definition"]
            }
            Code::PrivateEntryPoint => &["integration", "visibility"],
            Code::NoCallers
            | Code::TestOnlyCallers
            | Code::MissingExpectedCaller
            | Code::DynamicCallersOnly => &["integration", "callers"],
            Code::JsonKeyReadNeverWritten | Code::JsonKeyWrittenNeverRead => &["integration", "json-keys"],
            Code::ConfigNotWired | Code::ConfigNeverRead => &["integration", "configuration"],
            Code::AcceptedProblemExpired => &["integration", "suppression"],
            Code::MissingLayer => &["integration", "layers"],
            Code::PolicyCopiedFromSibling => &["security", "authorization"],
            Code::ParamsKeyNeverSent => &["integration", "params"],
            Code::ResponseKeyReadNeverSent | Code::RequestKeySentNeverRead => &["integration", "payload"],
            Code::WebhookUnverified => &["security", "webhook"],
            Code::WebhookProcessedInline | Code::WebhookNoDedup => &["integration", "webhook"],
            Code::OutboundCallWithoutTimeout => &["reliability", "http"],
            Code::JobArgumentsMismatch | Code::QueueNotConsumed | Code::JobArgumentsNotSerializable => {
                &["integration", "jobs"]
            }
        }
    }
}

impl JsonSchema for Code {
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "A problem code (docs/reference.md, Problem codes).",
            "type": "string",
            "enum": codes,
        })
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Problem {
    pub code: Code,
    pub risk: Risk,
    pub message: Text,
    /// One stable sentence per code on what to check or fix.
    pub help: &'static str,
    /// Set when a plan `accept:` entry covers this problem: it is still
    /// listed but counts neither for the finding's `risk` nor `--fail-on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Accepted>,
    /// With `--baseline`: whether the baseline report had this problem
    /// (same finding id and code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// A problem's state against a `--baseline` report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
}

/// A problem of the baseline report that this run no longer has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FixedProblem {
    pub id: String,
    pub code: String,
}

/// The reason (and expiry) of the plan's `accept:` entry for a problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Accepted {
    pub reason: String,
    pub until: Option<String>,
}

impl Problem {
    pub fn new(code: Code, message: impl Into<Text>) -> Problem {
        Problem {
            code,
            risk: code.risk(),
            message: message.into(),
            help: code.help(),
            accepted: None,
            baseline: None,
        }
    }

    /// A problem whose evidence is too weak for its code's default risk:
    /// `risk` is capped at `cap`.
    pub fn capped(code: Code, cap: Risk, message: impl Into<Text>) -> Problem {
        Problem {
            code,
            risk: code.risk().min(cap),
            message: message.into(),
            help: code.help(),
            accepted: None,
            baseline: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DefinitionEvidence {
    pub location: String,
    /// `null` for kinds without visibility (env reads, JSON columns).
    pub access: Option<String>,
}

/// A dynamic dispatch site (`send(name)`, `obj[key]()`, `const_get`) that
/// could reach the point: where it is and its source text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DynamicSite {
    pub location: String,
    pub code: String,
}

/// How strongly a caller was tied to the point.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CallerMatch {
    pub location: String,
    /// `receiver` (receiver resolved to the owner), `internal` (implicit or
    /// `self`/`this` inside the owner), `import` (import resolved to the
    /// defining file), `name` (name only), `symbol` (literal symbol or
    /// string: `send(:x)`, `&:x`, callbacks), `reference` (used, not called).
    #[serde(rename = "match")]
    pub strength: String,
    pub test: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ConfigEntry {
    pub name: String,
    pub read_at: Vec<String>,
    pub defined_at: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct KeyEntry {
    pub key: String,
    pub written_at: Vec<String>,
    pub read_at: Vec<String>,
}

/// One layer of a `route`, `action`, `job` or `event` point (contract §4
/// `layers`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Layer {
    pub layer: String,
    pub found: bool,
    pub locations: Vec<String>,
    /// What a reader should know about how it was found (an action
    /// rendered implicitly from its view, a route behind a conditional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The keys of a route's payloads (contract §6).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Payload {
    /// Request body keys: `sent_at` by clients, `read_at` by the server.
    pub request: Vec<PayloadEntry>,
    /// Response keys: `sent_at` where the server renders them, `read_at`
    /// where clients read them.
    pub response: Vec<PayloadEntry>,
}

/// One payload key as a dotted path (`customer.email`, `items[].sku`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PayloadEntry {
    pub key: String,
    pub sent_at: Vec<String>,
    pub read_at: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Low,
}

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub integration_point: String,
    pub kind: String,
    pub phases: Vec<String>,
    /// `None` when the kind is not audited by this version.
    pub exists: Option<bool>,
    pub definitions: Vec<DefinitionEvidence>,
    /// `None` (JSON `null`) for kinds without visibility.
    pub access_modifier: Option<String>,
    pub callers_found: Vec<String>,
    pub test_callers: Vec<String>,
    /// Locations of dynamic dispatch that could reach the point; `None` for
    /// kinds that have no callers to dispatch to.
    pub dynamic_callers: Option<Vec<String>>,
    /// The same sites with their source text.
    pub dynamic_call_sites: Option<Vec<DynamicSite>>,
    /// Every caller (test ones too) with how it was matched.
    pub caller_matches: Vec<CallerMatch>,
    pub config_wired: Option<bool>,
    pub config: Vec<ConfigEntry>,
    /// JSON column keys; `None` (JSON `null`) for other kinds.
    pub keys: Option<Vec<KeyEntry>>,
    /// `route`, `action`, `job` and `event` findings: one entry per layer,
    /// in contract order; `None` (JSON `null`) for other kinds.
    pub layers: Option<Vec<Layer>>,
    /// `route` and `action` findings: the request and response keys, where
    /// clients send and read them and where the server reads and renders
    /// them; `None` (JSON `null`) for other kinds.
    pub payload: Option<Payload>,
    pub problems: Vec<Problem>,
    pub risk: Risk,
    pub confidence: Confidence,
    pub notes: Text,
    /// The plan's `note:` for this point, copied verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_note: Option<String>,
    /// What a human must still verify by hand (Markdown shows it).
    #[serde(skip)]
    pub verify: Vec<Text>,
    /// Sentences appended to `notes` (why the confidence is low, what was
    /// not read).
    #[serde(skip)]
    pub extra_notes: Vec<Text>,
}

impl Finding {
    pub fn new(kind: &str, name: &str) -> Finding {
        Finding {
            id: format!("{kind}:{name}"),
            integration_point: name.to_string(),
            kind: kind.to_string(),
            phases: Vec::new(),
            exists: Some(false),
            definitions: Vec::new(),
            access_modifier: None,
            callers_found: Vec::new(),
            test_callers: Vec::new(),
            dynamic_callers: None,
            dynamic_call_sites: None,
            caller_matches: Vec::new(),
            config_wired: None,
            config: Vec::new(),
            keys: None,
            layers: None,
            payload: None,
            problems: Vec::new(),
            risk: Risk::None,
            confidence: Confidence::High,
            notes: Text::default(),
            plan_note: None,
            verify: Vec::new(),
            extra_notes: Vec::new(),
        }
    }

    pub fn problem(&mut self, code: Code, message: impl Into<Text>) {
        self.problems.push(Problem::new(code, message));
    }

    /// Add a problem with its risk capped (see `Problem::capped`).
    pub fn problem_capped(&mut self, code: Code, cap: Risk, message: impl Into<Text>) {
        self.problems.push(Problem::capped(code, cap, message));
    }

    /// Lower the confidence and say why in `notes`.
    pub fn low_confidence(&mut self, why: Text) {
        self.confidence = Confidence::Low;
        self.extra_notes.push(why);
    }

    pub fn has(&self, code: Code) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    /// Sort and dedupe every list, and derive `risk`.
    pub fn finish(&mut self) {
        for v in [&mut self.callers_found, &mut self.test_callers, &mut self.phases] {
            v.sort();
            v.dedup();
        }
        for v in [&mut self.verify, &mut self.extra_notes] {
            v.sort();
            v.dedup();
        }
        if let Some(v) = &mut self.dynamic_callers {
            v.sort();
            v.dedup();
        }
        if let Some(v) = &mut self.dynamic_call_sites {
            v.sort();
            v.dedup();
        }
        self.definitions.sort();
        self.definitions.dedup();
        self.caller_matches.sort();
        self.caller_matches.dedup();
        for c in &mut self.config {
            c.read_at.sort();
            c.read_at.dedup();
            c.defined_at.sort();
            c.defined_at.dedup();
        }
        self.config.sort();
        self.config.dedup();
        if let Some(keys) = &mut self.keys {
            for k in keys.iter_mut() {
                k.read_at.sort();
                k.read_at.dedup();
                k.written_at.sort();
                k.written_at.dedup();
            }
            keys.sort();
        }
        if let Some(layers) = &mut self.layers {
            for l in layers.iter_mut() {
                l.locations.sort();
                l.locations.dedup();
            }
        }
        if let Some(p) = &mut self.payload {
            for v in [&mut p.request, &mut p.response] {
                for e in v.iter_mut() {
                    e.sent_at.sort();
                    e.sent_at.dedup();
                    e.read_at.sort();
                    e.read_at.dedup();
                }
                v.sort();
                v.dedup();
            }
        }
        self.problems.sort_by(|a, b| {
            b.risk
                .cmp(&a.risk)
                .then(a.code.cmp(&b.code))
                .then(a.message.cmp(&b.message))
        });
        self.problems.dedup();
        self.risk = self
            .problems
            .iter()
            .filter(|p| p.accepted.is_none())
            .map(|p| p.risk)
            .max()
            .unwrap_or(Risk::None);
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Stats {
    pub repos: usize,
    pub files_scanned: usize,
    pub files_parsed: usize,
    pub parse_errors: usize,
    pub elapsed_ms: u64,
    /// Source files not parsed because they are too large or binary.
    pub files_skipped: usize,
    /// Files of code or templates that seamscan does not parse (`.py`,
    /// `.hbs`, `.vue` ...), by extension; they are only searched for the
    /// plan's names.
    pub unread_files: std::collections::BTreeMap<String, usize>,
    /// Source files whose facts were loaded from the fact cache.
    pub cache_hits: usize,
    /// Source files parsed because the fact cache had no entry for them
    /// (their facts were then stored); 0 with `--no-cache`.
    pub cache_misses: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Summary {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub none: usize,
}

/// Where an audit's time went (`--timings`); never part of a report.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub walk: std::time::Duration,
    pub queries: std::time::Duration,
    /// Wall time of the per-file phase.
    pub files: std::time::Duration,
    /// CPU time summed over threads, per step of the per-file phase.
    pub read: std::time::Duration,
    pub prefilter: std::time::Duration,
    pub config_scan: std::time::Duration,
    pub parse: std::time::Duration,
    pub extract: std::time::Duration,
    /// Fact cache: hashing contents, loading and storing entries.
    pub hash: std::time::Duration,
    pub load: std::time::Duration,
    pub store: std::time::Duration,
    pub index: std::time::Duration,
    /// The steps of building the index.
    pub index_steps: crate::facts::IndexTimings,
    pub checks: std::time::Duration,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub title: String,
    pub plan: String,
    pub workspace: String,
    /// The workspace is itself one repo: a location's first segment (the
    /// repo name) is the workspace directory, not a directory inside it.
    pub single_repo: bool,
    pub phases: Vec<String>,
    /// Point ids per phase, in plan order (for the Markdown tables).
    pub phase_points: Vec<(String, Vec<String>)>,
    pub stats: Stats,
    pub findings: Vec<Finding>,
    /// Files and directories that could not be read, and similar.
    pub warnings: Vec<Text>,
    /// Warnings also printed on stderr: nothing (or a repo without source)
    /// was scanned.
    pub alerts: Vec<Text>,
    /// With `--baseline`: the baseline's problems this run no longer has.
    pub fixed: Option<Vec<FixedProblem>>,
    pub timings: Timings,
}

impl Report {
    pub fn sort(&mut self) {
        for f in &mut self.findings {
            f.finish();
        }
        self.findings.sort_by(|a, b| {
            b.risk
                .cmp(&a.risk)
                .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
        });
        self.warnings.sort();
        self.warnings.dedup();
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in &self.findings {
            match f.risk {
                Risk::High => s.high += 1,
                Risk::Medium => s.medium += 1,
                Risk::Low => s.low += 1,
                Risk::None => s.none += 1,
            }
        }
        s
    }

    /// The highest risk `--fail-on` counts: problems neither accepted by
    /// the plan nor `unchanged` against a `--baseline`.
    pub fn failing_risk(&self) -> Risk {
        self.findings
            .iter()
            .flat_map(|f| &f.problems)
            .filter(|p| p.accepted.is_none() && p.baseline != Some(BaselineState::Unchanged))
            .map(|p| p.risk)
            .max()
            .unwrap_or(Risk::None)
    }

    pub fn max_risk(&self) -> Risk {
        self.findings.iter().map(|f| f.risk).max().unwrap_or(Risk::None)
    }
}
