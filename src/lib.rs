//! seamscan: audits the integration points between checked-out repositories.
//!
//! Data flow: `plan` → `workspace` walk → `lang` (per-file facts, each file
//! read once and parsed at most once) → `facts::FactIndex` (with the Ruby
//! class table of `ancestors`) → `checks` →
//! `findings::Report` → `report` (JSON, Markdown, SARIF). `cli` is the thin
//! command-line layer on top; nothing depends on it.

pub mod ancestors;
pub mod audit;
pub mod baseline;
pub mod cache;
pub mod checks;
pub mod cli;
pub mod diffplan;
pub mod facts;
pub mod findings;
pub mod inflect;
pub mod lang;
pub mod mcp;
pub mod plan;
pub mod report;
pub mod routing;
pub mod text;
pub mod workspace;
