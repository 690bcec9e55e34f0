//! Method bodies and what they do: the bodies a controller action runs
//! (the action, the `before_action` callbacks that cover it, and the
//! methods they call without a receiver, a bounded number of hops), the
//! effects recorded in them (signature checks, writes, outbound calls,
//! enqueues, dedup lookups), and `outbound-call-without-timeout` for the
//! points that own a body (route handlers, webhooks, jobs, methods).

use super::Ctx;
use crate::ancestors::Side;
use crate::facts::{Effect, EffectKind, FactIndex, FileFacts, FileIdx, Recv};
use crate::findings::{Code, Finding};
use crate::routing::{Route, Target, controller_class};
use std::collections::BTreeSet;

/// How many calls deep a body is followed (`action` → `verify!` →
/// `valid_signature?`).
pub const HOPS: usize = 3;

/// A set of method bodies: methods named `names` of the owners in `chain`.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub chain: Vec<String>,
    pub names: BTreeSet<String>,
    /// The app the bodies belong to, when known: another repo's class of
    /// the same name (every Rails app has an `ApplicationController`) is
    /// another class.
    pub repo: Option<u32>,
}

impl Body {
    /// Is a fact at (`owner`, `scope`) of `ff` inside one of the bodies?
    pub fn holds(&self, ix: &FactIndex, fi: usize, owner: Option<&str>, scope: Option<u32>) -> bool {
        let (Some(o), Some(s)) = (owner, scope) else {
            return false;
        };
        let ff: &FileFacts = &ix.facts[fi];
        self.repo.is_none_or(|r| ix.file(fi as FileIdx).repo == r)
            && self.chain.iter().any(|c| c == o)
            && ff
                .scopes
                .get(s as usize)
                .is_some_and(|sc| self.names.contains(&sc.name))
    }

    /// The effects recorded in the bodies, in workspace order.
    pub fn effects<'a>(&self, ix: &'a FactIndex) -> Vec<(FileIdx, &'a Effect)> {
        // Only effects inside the chain's owners can be held.
        let mut at: Vec<(FileIdx, u32)> = self
            .chain
            .iter()
            .flat_map(|o| ix.effects_of(o))
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .filter_map(|(fi, i)| {
                let e = &ix.facts[fi as usize].effects[i as usize];
                self.holds(ix, fi as usize, e.owner.as_deref(), e.scope)
                    .then_some((fi, e))
            })
            .collect()
    }
}

/// The owners `class` inherits instance methods from, itself first (as
/// the app in `repo` sees it, when given: each app its own
/// `ApplicationController`).
pub fn chain_of(ix: &FactIndex, class: &str, repo: Option<u32>) -> Vec<String> {
    let mut chain: Vec<String> = ix
        .classes
        .lookup_in(class, Side::Instance, repo)
        .chain
        .into_iter()
        .filter(|(_, s, _)| *s == Side::Instance)
        .map(|(o, _, _)| o)
        .collect();
    if chain.is_empty() {
        chain.push(class.to_string());
    }
    chain
}

/// `before_action` callbacks of the chain that cover `action`.
pub fn callbacks(
    ix: &FactIndex,
    chain: &[String],
    action: &str,
    repo: Option<u32>,
) -> Vec<(String, FileIdx, u32)> {
    let mut out = Vec::new();
    let mut skipped = BTreeSet::new();
    for (fi, ff) in ix.facts.iter().enumerate() {
        if repo.is_some_and(|r| ix.file(fi as FileIdx).repo != r) {
            continue;
        }
        for cb in &ff.callbacks {
            if !chain.contains(&cb.owner) {
                continue;
            }
            if covers(cb, action) {
                for m in &cb.methods {
                    if cb.skip {
                        skipped.insert(m.clone());
                    } else {
                        out.push((m.clone(), fi as FileIdx, cb.line));
                    }
                }
            }
        }
    }
    // `skip_before_action :m`: `m` does not run for the action.
    out.retain(|(m, _, _)| !skipped.contains(m));
    out
}

/// Does a callback's `only:` / `except:` cover `action`?
pub fn covers(cb: &crate::facts::Callback, action: &str) -> bool {
    cb.only.as_ref().is_none_or(|o| o.iter().any(|a| a == action)) && !cb.except.iter().any(|a| a == action)
}

/// The bodies reached from `start` in `chain`: the methods they call
/// without a receiver that the chain defines, `hops` deep.
pub fn body(ix: &FactIndex, chain: &[String], start: &[String], hops: usize, repo: Option<u32>) -> Body {
    let mut b = Body {
        chain: chain.to_vec(),
        names: start.iter().cloned().collect(),
        repo,
    };
    for _ in 0..hops {
        let mut more = BTreeSet::new();
        for (fi, ff) in ix.facts.iter().enumerate() {
            for c in &ff.calls {
                if !matches!(c.recv, Recv::Implicit | Recv::SelfRef) || b.names.contains(c.name.as_str()) {
                    continue;
                }
                if !b.holds(ix, fi, c.owner.as_deref(), c.scope) {
                    continue;
                }
                let defined = ix.defs_by_name.get(c.name.as_str()).is_some_and(|v| {
                    v.iter().any(|(f, i)| {
                        ix.facts[*f as usize].defs[*i as usize]
                            .owner
                            .as_deref()
                            .is_some_and(|o| chain.iter().any(|x| x == o))
                    })
                });
                if defined {
                    more.insert(c.name.to_string());
                }
            }
        }
        if more.is_empty() {
            break;
        }
        b.names.extend(more);
    }
    b
}

/// The class a Rails controller path names (`api/v1/github_secret_scanning`
/// → `Api::V1::GithubSecretScanningController`), or the declared class
/// that differs from it only in letter case (an acronym inflection such as
/// `GitHub`).
pub fn controller_owner(ix: &FactIndex, controller: &str) -> String {
    let class = controller_class(controller);
    if ix.classes.declared_at(&class).is_empty()
        && let Some(c) = ix.classes.declared_ignoring_case(&class)
    {
        return c;
    }
    class
}

/// The bodies a Rails action runs: the action, its covering callbacks,
/// and what they call.
pub fn action_body(ix: &FactIndex, controller: &str, action: &str, repo: Option<u32>) -> Body {
    let class = controller_owner(ix, controller);
    let chain = chain_of(ix, &class, repo);
    let mut start = vec![action.to_string()];
    start.extend(callbacks(ix, &chain, action, repo).into_iter().map(|(m, _, _)| m));
    body(ix, &chain, &start, HOPS, repo)
}

/// The bodies of a controller action without its callbacks: the action
/// and the methods it calls.
pub fn action_own_body(ix: &FactIndex, controller: &str, action: &str, repo: Option<u32>) -> Body {
    let class = controller_owner(ix, controller);
    let chain = chain_of(ix, &class, repo);
    body(ix, &chain, &[action.to_string()], HOPS, repo)
}

/// Outbound calls in `body` with no timeout at the call, on a client
/// configured in the same class, or in the same method: (location, what).
pub fn untimed_calls(ctx: &Ctx, body: &Body) -> Vec<(String, String)> {
    let ix = ctx.ix;
    let mut out = Vec::new();
    for (fi, e) in body.effects(ix) {
        if e.kind != EffectKind::Http {
            continue;
        }
        let timed = ix.facts.iter().enumerate().any(|(gi, ff)| {
            ff.effects.iter().any(|t| {
                t.kind == EffectKind::Timeout
                    && ((gi as FileIdx == fi && t.scope == e.scope && t.scope.is_some())
                        || t.owner
                            .as_deref()
                            .is_some_and(|o| body.chain.iter().any(|c| c == o))
                        || (gi as FileIdx == fi && t.owner == e.owner))
            })
        });
        if !timed {
            out.push((ctx.loc(fi, e.line), e.what.clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Add `outbound-call-without-timeout` for the calls of `body`.
pub fn report_untimed(ctx: &Ctx, body: &Body, whose: &str, f: &mut Finding) {
    for (loc, what) in untimed_calls(ctx, body) {
        f.problem(
            Code::OutboundCallWithoutTimeout,
            format!("{whose} calls `{what}` at {loc} with no timeout at the call or on its client"),
        );
    }
}

/// `outbound-call-without-timeout` for the handlers of routes.
pub fn outbound_for_routes(ctx: &Ctx, routes: &[&Route], f: &mut Finding) {
    for r in routes {
        if let Target::Action { controller, action } = &r.target {
            let b = action_body(ctx.ix, controller, action, Some(ctx.ix.file(r.file).repo));
            report_untimed(ctx, &b, &format!("the handler `{}`", r.target.display()), f);
        }
    }
}
