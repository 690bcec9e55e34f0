//! `action:` points (`controller#action`): the Rails four-layer contract.
//! One finding, a layer each: **route** (a route leads to the action),
//! **policy** (the Pundit policy of the controller's model, namespaced
//! first, has the query method `action?`, or the one `authorize x, :q?`
//! names, in the class `policy_class:` names), **controller** (a public
//! action, or a view rendered implicitly, that calls `authorize` itself or
//! through a `before_action` whose `only:`/`except:` covers it) and, when
//! the plan names it with `model:`, **model** (a public method of the
//! model). Every absent layer is a `missing-layer` problem naming it.

use super::route::{Handler, find_action};
use super::{Ctx, Merged};
use crate::ancestors::Side;
use crate::facts::{Access, DefKind, FileIdx};
use crate::findings::{Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::inflect::singularize;
use crate::plan::{Kind, MethodName};
use crate::routing::{Target, controller_class};

fn camel(seg: &str) -> String {
    seg.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The first public definition of `name` along `owner`'s ancestors:
/// (location, access, the owner that defines it).
fn lookup(ctx: &Ctx, owner: &str, name: &str, side: Side) -> Option<(String, Access)> {
    let ix = ctx.ix;
    let defs = ix.defs_by_name.get(name).map(Vec::as_slice).unwrap_or(&[]);
    let kind = match side {
        Side::Instance => DefKind::Instance,
        Side::Singleton => DefKind::Singleton,
    };
    for (o, s, _) in ix.classes.lookup(owner, side).chain {
        if s != side {
            continue;
        }
        let found = defs.iter().find_map(|(fi, i)| {
            let d = &ix.facts[*fi as usize].defs[*i as usize];
            (d.owner.as_deref() == Some(o.as_str()) && d.kind == kind).then_some((*fi, d))
        });
        if let Some((fi, d)) = found {
            return Some((ctx.loc(fi, d.line), d.access));
        }
    }
    None
}

/// `authorize` calls that cover `action` of `class`: in the action's body,
/// or in a `before_action` method whose `only:`/`except:` covers it. Each
/// as (location, query, policy_class).
fn authorizations(ctx: &Ctx, class: &str, action: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let ix = ctx.ix;
    let chain: Vec<String> = ix
        .classes
        .lookup(class, Side::Instance)
        .chain
        .into_iter()
        .map(|(o, _, _)| o)
        .collect();
    // The methods whose body counts: the action and its callbacks.
    let mut bodies = vec![action.to_string()];
    for ff in &ix.facts {
        for cb in &ff.callbacks {
            if !chain.contains(&cb.owner) {
                continue;
            }
            let covered = cb.only.as_ref().is_none_or(|o| o.iter().any(|a| a == action))
                && !cb.except.iter().any(|a| a == action);
            if covered {
                bodies.extend(cb.methods.iter().cloned());
            }
        }
    }
    let mut out = Vec::new();
    for (fi, ff) in ix.facts.iter().enumerate() {
        for a in &ff.authorizes {
            let in_chain = a.owner.as_ref().is_some_and(|o| chain.contains(o));
            let body = a
                .scope
                .and_then(|s| ff.scopes.get(s as usize))
                .is_some_and(|s| bodies.contains(&s.name));
            if in_chain && body {
                out.push((
                    ctx.loc(fi as FileIdx, a.line),
                    a.query.clone(),
                    a.policy_class.clone(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Bodies this short (`true`, `admin?`) are alike by nature.
const MIN_COPIED_TOKENS: u32 = 3;

/// `policy-copied-from-sibling`: the query method's body is token for token
/// another query method's of the same policy (a copy-paste that may grant
/// the wrong people).
fn copied_from_sibling(ctx: &Ctx, policy: &str, query: &str, f: &mut Finding) {
    let ix = ctx.ix;
    let mut bodies = Vec::new();
    for (fi, ff) in ix.facts.iter().enumerate() {
        for b in &ff.policy_bodies {
            if b.owner == policy {
                bodies.push((fi as FileIdx, b));
            }
        }
    }
    let Some((qf, q)) = bodies.iter().find(|(_, b)| b.name == query) else {
        return;
    };
    if q.tokens < MIN_COPIED_TOKENS {
        return;
    }
    for (sf, s) in &bodies {
        if s.name != query && s.hash == q.hash && s.tokens == q.tokens {
            f.problem(
                Code::PolicyCopiedFromSibling,
                format!(
                    "policy: `{policy}#{query}` ({}) has the same body as `{}` ({}): confirm the rule is meant to be the same",
                    ctx.loc(*qf, q.line),
                    s.name,
                    ctx.loc(*sf, s.line)
                ),
            );
        }
    }
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new(Kind::Action.as_str(), &m.name);
    let Some((controller, action)) = m.name.split_once('#') else {
        f.exists = None;
        return f;
    };
    let want_repo = m.repo.as_deref().and_then(|r| ctx.repo_index(r));
    let class = controller_class(controller);
    let mut layers = Vec::new();

    // Route.
    let routes: Vec<_> = ix
        .routes
        .iter()
        .filter(|r| matches!(&r.target, Target::Action { controller: c, action: a } if c == controller && a == action))
        .filter(|r| want_repo.is_none_or(|w| ix.file(r.file).repo == w))
        .collect();
    let route_locs: Vec<String> = routes.iter().map(|r| ctx.loc(r.file, r.line)).collect();
    layers.push(Layer {
        layer: "route".to_string(),
        found: !routes.is_empty(),
        locations: route_locs.clone(),
        note: None,
    });
    if routes.is_empty() {
        f.problem(
            Code::MissingLayer,
            format!("route: no route leads to `{controller}#{action}`"),
        );
        if !ix.routes_unread.is_empty() {
            f.confidence = Confidence::Low;
            let unread: Vec<String> = ix
                .routes_unread
                .iter()
                .map(|(fi, line, what)| format!("{} ({what})", ctx.loc(*fi, *line)))
                .collect();
            f.verify
                .push(format!("routing code seamscan cannot read: {}", unread.join("; ")).into());
        }
    }

    // Controller.
    let repo = want_repo
        .or_else(|| routes.first().map(|r| ix.file(r.file).repo))
        .or_else(|| {
            ix.classes
                .declared_at(&class)
                .first()
                .map(|l| ix.file(l.file).repo)
        })
        .unwrap_or(0);
    let handler = find_action(ctx, controller, action, repo);
    let auths = authorizations(ctx, &class, action);
    let mut controller_layer = Layer {
        layer: "controller".to_string(),
        found: false,
        locations: Vec::new(),
        note: None,
    };
    let mut action_ok = false;
    match handler {
        Handler::Method(loc) => {
            controller_layer.locations.push(loc.clone());
            f.definitions.push(DefinitionEvidence {
                location: loc,
                access: Some("public".to_string()),
            });
            action_ok = true;
        }
        Handler::View(loc) => {
            controller_layer.locations.push(loc);
            controller_layer.note = Some(format!("`{action}` has no method: Rails renders its view implicitly"));
            action_ok = true;
        }
        Handler::Hidden(loc, access, owner) => {
            f.definitions.push(DefinitionEvidence {
                location: loc.clone(),
                access: Some(access.as_str().to_string()),
            });
            f.problem(
                Code::MissingLayer,
                format!(
                    "controller: `{action}` is {} in {owner} ({loc}), so Rails will not route to it",
                    access.as_str()
                ),
            );
        }
        Handler::NoController(c) => {
            f.problem(Code::MissingLayer, format!("controller: no `{c}` in the workspace"));
        }
        Handler::NoAction(c) => f.problem(
            Code::MissingLayer,
            format!("controller: {c} has no public `{action}` and there is no app/views/{controller}/{action} template"),
        ),
        Handler::Other(_) => {}
    }
    f.access_modifier = f.definitions.first().and_then(|d| d.access.clone());
    if action_ok {
        if auths.is_empty() {
            f.problem(
                Code::MissingLayer,
                format!(
                    "controller: `{class}#{action}` never calls `authorize` (in the action or a `before_action` that covers it)"
                ),
            );
        } else {
            controller_layer.found = true;
            controller_layer
                .locations
                .extend(auths.iter().map(|(l, _, _)| l.clone()));
        }
    }
    layers.push(controller_layer);

    // Policy: namespaced first (`Admin::ReportPolicy`), then top level.
    let segs: Vec<&str> = controller.split('/').collect();
    let model = camel(&singularize(segs.last().copied().unwrap_or(controller)));
    let ns: Vec<String> = segs[..segs.len() - 1].iter().map(|s| camel(s)).collect();
    let query = auths
        .iter()
        .find_map(|(_, q, _)| q.clone())
        .unwrap_or_else(|| format!("{action}?"));
    let named = auths.iter().find_map(|(_, _, p)| p.clone());
    let mut candidates = Vec::new();
    match &named {
        Some(p) => candidates.push(p.clone()),
        None => {
            if !ns.is_empty() {
                candidates.push(format!("{}::{model}Policy", ns.join("::")));
            }
            candidates.push(format!("{model}Policy"));
        }
    }
    let policy = candidates.iter().find(|c| !ix.classes.declared_at(c).is_empty());
    let mut policy_layer = Layer {
        layer: "policy".to_string(),
        found: false,
        locations: Vec::new(),
        note: None,
    };
    match policy {
        None => f.problem(
            Code::MissingLayer,
            format!("policy: no {} in the workspace", candidates.join(" or ")),
        ),
        Some(p) => match lookup(ctx, p, &query, Side::Instance) {
            Some((loc, Access::Public)) => {
                policy_layer.found = true;
                policy_layer.locations.push(loc);
                copied_from_sibling(ctx, p, &query, &mut f);
            }
            Some((loc, access)) => f.problem(
                Code::MissingLayer,
                format!(
                    "policy: `{p}#{query}` is {} ({loc}): Pundit cannot call it",
                    access.as_str()
                ),
            ),
            None => f.problem(Code::MissingLayer, format!("policy: {p} has no `{query}`")),
        },
    }
    layers.insert(1, policy_layer);

    // Model, when the plan names it.
    match m.model.as_deref().map(MethodName::parse) {
        Some(Ok(mn)) => {
            let owner = mn.owner.clone().unwrap_or_default();
            let side = if mn.singleton {
                Side::Singleton
            } else {
                Side::Instance
            };
            let mut layer = Layer {
                layer: "model".to_string(),
                found: false,
                locations: Vec::new(),
                note: None,
            };
            let shown = m.model.clone().unwrap_or_default();
            match lookup(ctx, &owner, &mn.name, side) {
                Some((loc, Access::Public)) => {
                    layer.found = true;
                    layer.locations.push(loc);
                }
                Some((loc, access)) => f.problem(
                    Code::MissingLayer,
                    format!(
                        "model: `{shown}` is {} ({loc}): the controller cannot call it",
                        access.as_str()
                    ),
                ),
                None => f.problem(Code::MissingLayer, format!("model: nothing defines `{shown}`")),
            }
            layers.push(layer);
        }
        _ => f.verify.push(crate::text::Text::ours_marked(
            "the model layer: name the model method with `model: Model#method` to check it",
        )),
    }
    f.exists = Some(!routes.is_empty() || action_ok);
    f.layers = Some(layers);
    super::env::wire(ctx, &m.env, &mut f);
    f
}
