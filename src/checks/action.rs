//! `action:` points (`controller#action`): the Rails four-layer contract.
//! One finding, a layer each: **route** (a route leads to the action),
//! **policy** (the Pundit policy of the controller's model, namespaced
//! first, has the query method `action?`, or the one `authorize x, :q?`
//! names, in the class `policy_class:` names), **controller** (a public
//! action, or a view rendered implicitly, that calls `authorize` itself or
//! through a `before_action` whose `only:`/`except:` covers it) and, when
//! the plan names it with `model:`, **model** (a public method of the
//! model). Every absent layer is a `missing-layer` problem naming it.

use super::route::verb_serves;
use super::route::{Handler, find_action};
use super::{Ctx, Merged};
use crate::ancestors::Side;
use crate::facts::{Access, DefKind, FileIdx, PayloadRole};
use crate::findings::{Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::inflect::singularize;
use crate::msg;
use crate::plan::{Kind, MethodName};
use crate::routing::{Route, Target};
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

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

/// Pundit calls (`authorize`, and `skip_authorization` with `skip` set)
/// that cover `action`: in the action's body, or in a `before_action`
/// method whose `only:`/`except:` covers it, in the controller's repo
/// (another app's controller of the same name is another controller).
/// Each as (location, the call), in location order.
fn covering_authorizes<'a>(
    ctx: &Ctx<'a>,
    chain: &[String],
    action: &str,
    repo: u32,
) -> Vec<(String, &'a crate::facts::Authorize)> {
    let ix = ctx.ix;
    let bodies = covering_bodies(ctx, chain, action, Some(repo));
    let mut out = Vec::new();
    for (fi, ff) in ix.facts.iter().enumerate() {
        if ix.file(fi as FileIdx).repo != repo {
            continue;
        }
        for a in &ff.authorizes {
            let in_chain = a.owner.as_ref().is_some_and(|o| chain.contains(o));
            let body = a
                .scope
                .and_then(|s| ff.scopes.get(s as usize))
                .is_some_and(|s| bodies.contains(&s.name));
            if in_chain && body {
                out.push((ctx.loc(fi as FileIdx, a.line), a));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The methods whose bodies run for `action`: the action and the
/// `before_action` callbacks that cover it (less those a
/// `skip_before_action` covering it names).
fn covering_bodies(ctx: &Ctx, chain: &[String], action: &str, repo: Option<u32>) -> Vec<String> {
    let mut bodies = vec![action.to_string()];
    bodies.extend(
        super::effects::callbacks(ctx.ix, chain, action, repo)
            .into_iter()
            .map(|(m, _, _)| m),
    );
    bodies
}

/// Where `action` opts out of Pundit's check that every action
/// authorizes: `skip_after_action :verify_authorized` covering it in the
/// controller or an ancestor, or a covering `skip_authorization` (in
/// `calls`, from `covering_authorizes`).
fn pundit_skips(
    ctx: &Ctx,
    chain: &[String],
    action: &str,
    repo: u32,
    calls: &[(String, &crate::facts::Authorize)],
) -> Vec<String> {
    let ix = ctx.ix;
    let mut out: Vec<String> = calls
        .iter()
        .filter(|(_, a)| a.skip)
        .map(|(l, _)| l.clone())
        .collect();
    for (fi, ff) in ix.facts.iter().enumerate() {
        if ix.file(fi as FileIdx).repo != repo {
            continue;
        }
        for cb in &ff.callbacks {
            if cb.skip
                && chain.contains(&cb.owner)
                && super::effects::covers(cb, action)
                && cb.methods.iter().any(|m| m == "verify_authorized")
            {
                out.push(ctx.loc(fi as FileIdx, cb.line));
            }
        }
    }
    out.sort();
    out
}

/// `proposal.address_attributes.city` → `proposal.address.city`: nested
/// attributes are sent and permitted under either name.
fn norm_key(k: &str) -> String {
    k.split('.')
        .map(|s| s.strip_suffix("_attributes").unwrap_or(s))
        .collect::<Vec<_>>()
        .join(".")
}

/// Is key `a` the key `b` or beneath it? A `*` root (a form's model
/// class, unknown) matches any root.
fn beneath(a: &str, b: &str) -> bool {
    let split = |k: &str| -> (String, String) {
        match k.split_once('.') {
            Some((r, t)) => (r.to_string(), format!(".{t}")),
            None => (k.to_string(), String::new()),
        }
    };
    let ((ar, at), (br, bt)) = (split(a), split(b));
    let root_ok = ar == br || ar == "*" || br == "*";
    root_ok && (at == bt || at.starts_with(&format!("{bt}.")) || bt.is_empty())
}

/// Controller helper methods are followed this many calls down from the
/// action.
const MAX_HELPER_DEPTH: usize = 3;

/// The fields of the partials a form renders with its builder
/// (`render "stories/form", f: f` → `app/views/stories/_form.html.erb`),
/// under the builder's key prefix.
fn partial_fields(ctx: &Ctx, form_file: FileIdx, partials: &[(String, String, String)]) -> Vec<String> {
    let ix = ctx.ix;
    let meta = ix.file(form_file);
    let views_root = meta
        .path
        .find("app/views/")
        .map(|i| &meta.path[..i + "app/views/".len()]);
    let form_dir = meta.path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for (partial, local, prefix) in partials {
        let wanted = match partial.rsplit_once('/') {
            Some((dir, base)) => match views_root {
                Some(root) => format!("{root}{dir}/_{base}."),
                None => continue,
            },
            None => format!("{form_dir}/_{partial}."),
        };
        for (fi, m) in ix.files.iter().enumerate() {
            if m.repo != meta.repo || !m.path.starts_with(&wanted) || m.path[wanted.len()..].contains('/') {
                continue;
            }
            for b in &ix.facts[fi].builder_fields {
                if b.builder == *local || b.builder.is_empty() {
                    let key = b.key.replace("][", ".").replace('[', ".").replace(']', "");
                    out.push(norm_key(&if prefix.is_empty()
                        || b.builder.is_empty()
                        || b.key.starts_with("submit:")
                    {
                        key
                    } else {
                        format!("{prefix}.{key}")
                    }));
                }
            }
        }
    }
    out
}

/// `params-key-never-sent`: the keys the action reads (in its body, its
/// covering callbacks and the controller methods it calls, such as
/// `proposal_params`) against the keys the forms and JSON clients that
/// submit to its routes send. Route placeholders (`:id`) are sent by the
/// URL. With no sender in sight, the keys are not judged: the confidence
/// drops and the note says so.
/// Returns the sent keys it named as likely renames of a read key, so the
/// payload check does not report them again as sent and never read.
fn params_sent(
    ctx: &Ctx,
    class: &str,
    controller: &str,
    action: &str,
    routes: &[&Route],
    repo: u32,
    f: &mut Finding,
) -> BTreeSet<String> {
    let mut blamed = BTreeSet::new();
    let ix = ctx.ix;
    let chain: Vec<String> = ix
        .classes
        .lookup_in(class, Side::Instance, Some(repo))
        .chain
        .into_iter()
        .map(|(o, _, _)| o)
        .collect();
    // Another app's class of the same name (every Rails app has an
    // `ApplicationController`) is another class: only the controller's repo
    // is read.
    let in_repo = |fi: usize| ix.file(fi as FileIdx).repo == repo;
    let mut bodies = covering_bodies(ctx, &chain, action, Some(repo));
    // Controller methods the action calls (`proposal_params`), and the
    // ones they call, a few levels down.
    let mut frontier = bodies.clone();
    for _ in 0..MAX_HELPER_DEPTH {
        let mut next = Vec::new();
        for (_, ff) in ix.facts.iter().enumerate().filter(|(fi, _)| in_repo(*fi)) {
            for c in &ff.calls {
                let in_body = c.owner.as_ref().is_some_and(|o| chain.iter().any(|x| x == o))
                    && c.scope
                        .and_then(|s| ff.scopes.get(s as usize))
                        .is_some_and(|s| frontier.contains(&s.name));
                if in_body
                    && c.recv == crate::facts::Recv::Implicit
                    && !bodies.iter().any(|b| *b == c.name)
                    && !next.iter().any(|b| *b == c.name)
                {
                    next.push(c.name.to_string());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        bodies.extend(next.iter().cloned());
        frontier = next;
    }
    // What the URL carries.
    let mut from_url: BTreeSet<String> = ["format", "controller", "action"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for r in routes {
        for seg in crate::routing::segments(&r.path) {
            for part in seg.split(['(', ')', '.', '/']) {
                if let Some(p) = part.strip_prefix(':').or_else(|| part.strip_prefix('*')) {
                    from_url.insert(p.to_string());
                }
            }
        }
    }
    // key → (first location it is read at, required).
    let mut reads: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for (fi, ff) in ix.facts.iter().enumerate().filter(|(fi, _)| in_repo(*fi)) {
        for r in &ff.param_reads {
            let in_body = r.owner.as_ref().is_some_and(|o| chain.contains(o))
                && r.scope
                    .and_then(|s| ff.scopes.get(s as usize))
                    .is_some_and(|s| bodies.contains(&s.name));
            let root = r.key.split('.').next().unwrap_or(&r.key);
            if in_body && !from_url.contains(root) {
                let e = reads
                    .entry(norm_key(&r.key))
                    .or_insert_with(|| (ctx.loc(fi as FileIdx, r.line), false));
                e.1 |= r.required;
            }
        }
    }
    if reads.is_empty() {
        return blamed;
    }
    // Senders: (location, keys sent).
    let mut senders: Vec<(String, Vec<String>)> = Vec::new();
    let targets_action = |r: &Route| matches!(&r.target, Target::Action { controller: c, action: a } if c == controller && a == action);
    let model = singularize(controller.rsplit('/').next().unwrap_or(controller));
    for (fi, ff) in ix.facts.iter().enumerate() {
        for fs in &ff.form_sends {
            let hits = if let Some(name) = &fs.route {
                let paths: BTreeSet<&str> = ix
                    .routes
                    .iter()
                    .filter(|r| {
                        r.name.as_deref() == Some(name.as_str())
                            && ix.file(r.file).repo == ix.file(fi as FileIdx).repo
                    })
                    .map(|r| r.path.as_str())
                    .collect();
                routes
                    .iter()
                    .any(|r| paths.contains(r.path.as_str()) && verb_serves(&r.verb, &fs.verb))
            } else if let Some(url) = &fs.url {
                routes.iter().any(|r| {
                    crate::routing::paths_match(&r.path, url, false) && verb_serves(&r.verb, &fs.verb)
                })
            } else if let Some(m) = &fs.model {
                // `@story`, `@edit_user` for a `users` controller.
                (*m == model || m.ends_with(&format!("_{model}")))
                    && matches!(action, "create" | "update")
                    && routes.iter().any(|r| targets_action(r))
            } else {
                false
            };
            if hits {
                let mut keys: Vec<String> = fs.keys.iter().map(|(k, _)| norm_key(k)).collect();
                keys.extend(partial_fields(ctx, fi as FileIdx, &fs.partials));
                let mut seen = BTreeSet::new();
                keys.retain(|k| seen.insert(k.clone()));
                senders.push((ctx.loc(fi as FileIdx, fs.line), keys));
            }
        }
    }
    // JSON clients (Rails wraps a JSON body's keys under the controller's
    // model name too: `wrap_parameters`): a TypeScript call's body object,
    // or the body a Ruby client sends (HTTParty `body:`, Faraday's
    // second argument or `req.body =`, RestClient's payload).
    for r in routes.iter().filter(|r| !super::route::is_glob(r)) {
        for (fi, ci, _) in
            super::route::requests_to(ctx, &r.verb, &[r.path.as_str()], &[ix.file(r.file).repo])
        {
            let ff = &ix.facts[fi as usize];
            let c = &ff.http_calls[ci];
            let ruby_body: Vec<&crate::facts::PayloadKey> = ff
                .payload_keys
                .iter()
                .filter(|k| k.role == PayloadRole::Sent && k.call == Some(ci as u32))
                .collect();
            // A body held in a variable (`body: payload`): its keys are
            // not known, so it is no sender of any key list.
            if ruby_body.iter().any(|k| k.key == "*") {
                continue;
            }
            let body: Vec<&str> = if ruby_body.is_empty() {
                c.body_keys.iter().map(String::as_str).collect()
            } else {
                ruby_body.iter().map(|k| k.key.as_str()).collect()
            };
            if body.is_empty() {
                continue;
            }
            let mut keys: Vec<String> = body.iter().map(|k| norm_key(k)).collect();
            // A body already under the model's key (`{ order: {...} }`) is
            // not wrapped again: `order` is no attribute of the model.
            keys.extend(
                body.iter()
                    .filter(|k| k.split('.').next() != Some(model.as_str()))
                    .map(|k| format!("{model}.{}", norm_key(k))),
            );
            let loc = ctx.loc(fi, c.line);
            if !senders.iter().any(|(l, _)| *l == loc) {
                senders.push((loc, keys));
            }
        }
    }
    senders.sort();
    if senders.is_empty() {
        f.low_confidence(msg!(
            "no form or JSON client in the workspace submits to {}, so the params keys it reads ({}) were not checked",
            Text::code(format!("{controller}#{action}")),
            Text::join(reads.keys().map(Text::code), ", ")
        ));
        return blamed;
    }
    // A read key with deeper reads under it (`require(:user)` before
    // `permit(:email)`) is a scope, not a value.
    let scopes: BTreeSet<String> = reads
        .keys()
        .flat_map(|k| {
            let segs: Vec<&str> = k.split('.').collect();
            (1..segs.len()).map(move |i| segs[..i].join("."))
        })
        .collect();
    let submits: BTreeSet<&str> = senders
        .iter()
        .flat_map(|(_, k)| k.iter().filter_map(|s| s.strip_prefix("submit:")))
        .collect();
    let all_sent: Vec<&str> = senders
        .iter()
        .flat_map(|(_, k)| k.iter().map(|s| s.strip_prefix("submit:").unwrap_or(s)))
        .collect();
    let parent = |k: &str| k.rsplit_once('.').map_or(String::new(), |(p, _)| p.to_string());
    // A form whose fields are not visible (built by a view component's
    // DSL, a helper, or a partial not found) may send any key: with one
    // among the senders, an optional key is not judged, and a required one
    // is reported with low confidence.
    let opaque: Vec<&str> = senders
        .iter()
        .filter(|(_, keys)| keys.iter().all(|k| k.starts_with("submit:") || k == "commit"))
        .map(|(loc, _)| loc.as_str())
        .collect();
    let mut opaque_said = false;
    for (key, (at, required)) in &reads {
        let sent_it = all_sent.iter().any(|s| {
            // `*.x` (a form over `@edit_user`) only fills a scope.
            (!s.starts_with("*.") || key.contains('.') || scopes.contains(key.as_str())) && beneath(s, key)
        });
        if sent_it {
            continue;
        }
        // An optional key (`params[:x]`, a permitted one) is only suspect
        // next to a key sent beside it that the action never reads: a
        // likely rename (`notes` sent, `transition_notes` permitted).
        let p = parent(key);
        // Each key once, however many senders send it.
        let mut stray_seen = BTreeSet::new();
        let strays: Vec<&str> = all_sent
            .iter()
            .copied()
            .filter(|s| stray_seen.insert(*s))
            .filter(|s| *s != "commit" && !submits.contains(s))
            .filter(|s| {
                let sp = parent(s);
                sp == p || (!p.is_empty() && beneath(&sp, &p) && beneath(&p, &sp))
            })
            .filter(|s| {
                !reads
                    .keys()
                    .any(|r| beneath(r, s) || (beneath(s, r) && !scopes.contains(r.as_str())))
            })
            .collect();
        // An optional key is blamed only on a sibling that looks like its
        // rename (`notes` / `transition_notes`, `qty` / `quantity`), not on
        // any unread key beside it (`gift_note` sent, `shipping` permitted).
        let strays: Vec<&str> = if *required {
            strays
        } else {
            strays
                .into_iter()
                .filter(|s| renamed(leaf_of(s), leaf_of(key)))
                .collect()
        };
        if !required && strays.is_empty() {
            continue;
        }
        if !opaque.is_empty() && !opaque_said {
            opaque_said = true;
            f.low_confidence(msg!(
                "{} submits to {} without fields seen here (built by a view component, a helper or a partial not found): it may send what the other senders do not",
                Text::join(opaque.iter().take(3).map(|l| Text::raw(*l)), ", "),
                Text::code(format!("{controller}#{action}"))
            ));
        }
        if !required && !opaque.is_empty() {
            continue;
        }
        if !required {
            blamed.extend(strays.iter().map(|s| s.to_string()));
        }
        let shown: Vec<Text> = senders
            .iter()
            .take(3)
            .map(|(loc, keys)| {
                let mut ks: Vec<&str> = keys
                    .iter()
                    .map(|k| k.strip_prefix("submit:").unwrap_or(k))
                    .filter(|s| {
                        !s.contains('.')
                            || !keys.contains(&s.split('.').skip(1).collect::<Vec<_>>().join("."))
                    })
                    .collect();
                ks.truncate(6);
                if ks.is_empty() {
                    msg!("{} sends no keys", Text::raw(loc.as_str()))
                } else {
                    msg!(
                        "{} sends {}",
                        Text::raw(loc.as_str()),
                        Text::join(ks.iter().map(|k| Text::code(*k)), ", ")
                    )
                }
            })
            .collect();
        let why = if *required {
            Text::ours("it is required")
        } else {
            msg!(
                "it is sent {} instead",
                Text::join(strays.iter().take(3).map(|s| Text::code(*s)), ", ")
            )
        };
        f.problem(
            Code::ParamsKeyNeverSent,
            msg!(
                "params: {} reads {} ({}) but no form or client submitting to it sends it ({}): {}",
                Text::code(format!("{controller}#{action}")),
                Text::code(key.as_str()),
                Text::raw(at.as_str()),
                why,
                Text::join(shown, "; ")
            ),
        );
    }
    blamed
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
                msg!(
                    "policy: {} ({}) has the same body as {} ({}): confirm the rule is meant to be the same",
                    Text::code(format!("{policy}#{query}")),
                    Text::raw(ctx.loc(*qf, q.line)),
                    Text::code(s.name.as_str()),
                    Text::raw(ctx.loc(*sf, s.line))
                ),
            );
        }
    }
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new(Kind::Action.as_str(), &m.name);
    f.payload = Some(crate::findings::Payload::default());
    let Some((controller, action)) = m.name.split_once('#') else {
        f.exists = None;
        return f;
    };
    let want_repo = m.repo.as_deref().and_then(|r| ctx.repo_index(r));
    let class = super::effects::controller_owner(ctx.ix, controller);
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
            msg!(
                "route: no route leads to {}",
                Text::code(format!("{controller}#{action}"))
            ),
        );
        // Unreadable routing code of the controller's app (any app's when
        // the controller is nowhere and the plan names no repo).
        let app = want_repo.or_else(|| {
            ix.classes
                .declared_at(&class)
                .first()
                .map(|l| ix.file(l.file).repo)
        });
        let unread = ctx.unread_routing(app.as_slice());
        if !unread.is_empty() {
            f.confidence = Confidence::Low;
            f.verify.push(msg!(
                "routing code seamscan cannot read: {}",
                Text::raw_list(&unread, "; ")
            ));
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
    let chain: Vec<String> = ix
        .classes
        .lookup_in(&class, Side::Instance, Some(repo))
        .chain
        .into_iter()
        .map(|(o, _, _)| o)
        .collect();
    let pundit_calls = covering_authorizes(ctx, &chain, action, repo);
    let auths: Vec<(String, Option<String>, Option<String>)> = pundit_calls
        .iter()
        .filter(|(_, a)| !a.skip)
        .map(|(l, a)| (l.clone(), a.query.clone(), a.policy_class.clone()))
        .collect();
    // Pundit finds the policy from the record's class: `authorize
    // @membership` is `MembershipPolicy`, `authorize
    // @transfer.organization` is `OrganizationPolicy`, `authorize
    // :dashboard` is `DashboardPolicy`, whatever the controller's name.
    let record_policies: Vec<String> = pundit_calls
        .iter()
        .filter(|(_, a)| !a.skip && a.policy_class.is_none())
        .filter_map(|(_, a)| {
            let r = a.record.as_deref()?.trim();
            // `authorize [:settings, :team, @team_invitation]`: the
            // policy of the last, in the namespace of the others
            // (`Settings::Team::TeamInvitationPolicy`).
            if let Some(list) = r.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                let names: Option<Vec<String>> = list.split(',').map(pundit_class_name).collect();
                return names
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("{}Policy", n.join("::")));
            }
            pundit_class_name(r).map(|n| format!("{n}Policy"))
        })
        .collect();
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
            controller_layer.note = Some(format!(
                "`{action}` has no method: Rails renders its view implicitly"
            ));
            action_ok = true;
        }
        Handler::Hidden(loc, access, owner) => {
            f.definitions.push(DefinitionEvidence {
                location: loc.clone(),
                access: Some(access.as_str().to_string()),
            });
            f.problem(
                Code::MissingLayer,
                msg!(
                    "controller: {} is {} in {} ({}), so Rails will not route to it",
                    Text::code(action),
                    Text::ours(access.as_str()),
                    Text::raw(owner),
                    Text::raw(loc)
                ),
            );
        }
        Handler::NoController(c) => {
            f.problem(
                Code::MissingLayer,
                msg!("controller: no {} in the workspace", Text::code(c)),
            );
        }
        Handler::NoAction(c) => f.problem(
            Code::MissingLayer,
            msg!(
                "controller: {} has no public {} and there is no {} template",
                Text::raw(c),
                Text::code(action),
                Text::raw(format!("app/views/{controller}/{action}"))
            ),
        ),
        Handler::Other(_) => {}
    }
    f.access_modifier = f.definitions.first().and_then(|d| d.access.clone());
    // An app without Pundit policies (`app/policies/`) authorizes some other
    // way, or not at all: the policy layer does not apply to it. Policies of
    // ActionPolicy (`< ActionPolicy::Base`, used through `authorize!` or
    // GraphQL) are not Pundit's.
    let policy_classes: Vec<(String, String)> = ix
        .files
        .iter()
        .enumerate()
        .filter(|(_, m)| m.repo == repo && m.path.starts_with("app/policies/") && m.path.ends_with(".rb"))
        .flat_map(|(fi, _)| {
            ix.facts[fi]
                .ancestry
                .iter()
                .filter(|a| a.rel == crate::facts::Rel::Class)
                .map(|a| (a.owner.clone(), a.target.clone()))
        })
        .collect();
    let action_policy_bases: Vec<&str> = policy_classes
        .iter()
        .filter(|(_, t)| t.trim_start_matches("::").starts_with("ActionPolicy::"))
        .map(|(o, _)| o.as_str())
        .collect();
    let is_action_policy = |o: &str| {
        action_policy_bases
            .iter()
            .any(|b| *b == o || ix.classes.is_a(o, b))
    };
    let has_policies = ix
        .files
        .iter()
        .any(|m| m.repo == repo && m.path.starts_with("app/policies/") && m.path.ends_with(".rb"));
    let all_action_policy =
        !policy_classes.is_empty() && policy_classes.iter().all(|(o, _)| is_action_policy(o));
    // Plain policy objects (`AdminUserPolicy.new(user).invite?`) are no
    // Pundit: its `authorize` exists only where a class includes `Pundit`
    // (`Pundit::Authorization`), so an app with neither an include of it nor
    // any `authorize` call does not use it.
    let uses_pundit = ix.facts.iter().enumerate().any(|(fi, ff)| {
        ix.file(fi as FileIdx).repo == repo
            && (!ff.authorizes.is_empty()
                || ff.ancestry.iter().any(|a| {
                    matches!(a.rel, crate::facts::Rel::Include | crate::facts::Rel::Prepend)
                        && a.target.trim_start_matches("::").split("::").next() == Some("Pundit")
                }))
    });
    let pundit = (has_policies && !all_action_policy && uses_pundit) || !auths.is_empty();
    // Set when the app authorizes only some actions (below): a missing
    // `authorize` and policy are then low confidence.
    let mut selective: Option<Text> = None;
    let mut authorize_problem = usize::MAX;
    // An action that opts out of Pundit's `verify_authorized` and calls no
    // `authorize` uses no policy: the layer does not apply to it.
    let skips = if pundit && auths.is_empty() {
        pundit_skips(ctx, &chain, action, repo, &pundit_calls)
    } else {
        Vec::new()
    };
    if action_ok && pundit && !skips.is_empty() {
        controller_layer.note = Some(format!(
            "`{class}#{action}` opts out of Pundit's check ({}): it calls no policy",
            skips.join(", ")
        ));
    } else if action_ok && pundit {
        if auths.is_empty() {
            authorize_problem = f.problems.len();
            f.problem(
                Code::MissingLayer,
                msg!(
                    "controller: {} never calls {} (in the action or a {} that covers it)",
                    Text::code(format!("{class}#{action}")),
                    Text::code("authorize"),
                    Text::code("before_action")
                ),
            );
            // An app that never names Pundit's `verify_authorized` (no
            // `after_action :verify_authorized`) authorizes only some
            // actions: this one may be public or checked another way.
            let enforced = ix
                .calls_by_name
                .get("verify_authorized")
                .into_iter()
                .flatten()
                .any(|(fi, _)| ix.file(*fi).repo == repo && !ix.is_test(*fi));
            if !enforced {
                selective = Some(msg!(
                    "the app never enforces Pundit's {} (no {}), so it authorizes only some actions: this one may be public or authorize another way",
                    Text::code("verify_authorized"),
                    Text::code("after_action :verify_authorized")
                ));
            }
        } else {
            controller_layer.found = true;
            controller_layer
                .locations
                .extend(auths.iter().map(|(l, _, _)| l.clone()));
        }
    }
    // The action exists; only an app that authorizes with Pundit, in an
    // action that neither calls `authorize` nor opts out, lacks the layer.
    if action_ok && !(pundit && skips.is_empty() && auths.is_empty()) {
        controller_layer.found = true;
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
            candidates.extend(record_policies.iter().cloned());
            if !ns.is_empty() {
                candidates.push(format!("{}::{model}Policy", ns.join("::")));
            }
            candidates.push(format!("{model}Policy"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|c| seen.insert(c.clone()));
    let policy = candidates.iter().find(|c| !ix.classes.declared_at(c).is_empty());
    let mut policy_layer = Layer {
        layer: "policy".to_string(),
        found: false,
        locations: Vec::new(),
        note: None,
    };
    match policy {
        _ if !skips.is_empty() => {
            policy_layer.note = Some(format!(
                "`{class}#{action}` skips Pundit (`skip_after_action :verify_authorized` or `skip_authorization` at {}): the policy layer does not apply; check how it authorizes",
                skips.join(", ")
            ));
            f.verify.push(msg!(
                "{} skips Pundit ({}): how does it authorize?",
                Text::code(format!("{class}#{action}")),
                Text::raw_list(&skips, ", ")
            ));
        }
        _ if !pundit => {
            policy_layer.note = Some(format!(
                "{} uses no Pundit (no Pundit policies in app/policies/, or no `include Pundit` and no `authorize` call): the policy layer does not apply; check how it authorizes",
                ix.repos[repo as usize]
            ));
            f.verify.push(msg!(
                "{} uses no Pundit: how does {} authorize?",
                Text::raw(ix.repos[repo as usize].as_str()),
                Text::code(format!("{class}#{action}"))
            ));
        }
        None => f.problem(
            Code::MissingLayer,
            msg!(
                "policy: no {} in the workspace",
                Text::raw_list(&candidates, " or ")
            ),
        ),
        Some(p) => match lookup(ctx, p, &query, Side::Instance) {
            Some((loc, Access::Public)) => {
                policy_layer.found = true;
                policy_layer.locations.push(loc);
                copied_from_sibling(ctx, p, &query, &mut f);
            }
            Some((loc, access)) => f.problem(
                Code::MissingLayer,
                msg!(
                    "policy: {} is {} ({}): Pundit cannot call it",
                    Text::code(format!("{p}#{query}")),
                    Text::ours(access.as_str()),
                    Text::raw(loc)
                ),
            ),
            None => f.problem(
                Code::MissingLayer,
                msg!(
                    "policy: {} has no {}",
                    Text::raw(p.as_str()),
                    Text::code(query.as_str())
                ),
            ),
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
                    msg!(
                        "model: {} is {} ({}): the controller cannot call it",
                        Text::code(shown.as_str()),
                        Text::ours(access.as_str()),
                        Text::raw(loc)
                    ),
                ),
                None => f.problem(
                    Code::MissingLayer,
                    msg!("model: nothing defines {}", Text::code(shown.as_str())),
                ),
            }
            layers.push(layer);
        }
        _ => f.verify.push(crate::text::Text::ours_marked(
            "the model layer: name the model method with `model: Model#method` to check it",
        )),
    }
    let blamed = if action_ok {
        params_sent(ctx, &class, controller, action, &routes, repo, &mut f)
    } else {
        BTreeSet::new()
    };
    f.exists = Some(!routes.is_empty() || action_ok);
    f.layers = Some(layers);
    // Payload keys: the clients of every route that leads here.
    let mut hits = Vec::new();
    for r in &routes {
        hits.extend(super::route::client_calls(ctx, &[*r], &r.verb, &[]));
    }
    hits.sort_by_key(|h| (h.file, h.call));
    hits.dedup_by_key(|h| (h.file, h.call));
    f.payload = Some(super::payload::check(ctx, &routes, &hits, &blamed, &mut f));
    super::env::wire(ctx, &m.env, &mut f);
    // A selective Pundit app: the missing layers are low confidence when
    // they are all the finding says; beside another problem they are
    // capped at low risk, so that problem keeps its confidence.
    if let Some(why) = selective {
        let layer = |i: usize, p: &crate::findings::Problem| {
            p.code == Code::MissingLayer
                && (i == authorize_problem || p.message.plain().starts_with("policy:"))
        };
        if f.problems.iter().enumerate().all(|(i, p)| layer(i, p)) {
            f.low_confidence(why);
        } else {
            for (i, p) in f.problems.iter_mut().enumerate() {
                if layer(i, p) {
                    p.risk = p.risk.min(crate::findings::Risk::Low);
                }
            }
            f.extra_notes.push(why);
        }
    }
    f
}

/// The last segment of a dotted key (`order.qty` → `qty`).
fn leaf_of(k: &str) -> &str {
    k.rsplit('.').next().unwrap_or(k).trim_end_matches("[]")
}

/// Could `a` be a rename of `b` (or the reverse)? They share a word
/// (`notes` / `transition_notes`, `author` / `author_name`), or one is an
/// abbreviation of the other: its letters in order, the first ones equal
/// (`qty` / `quantity`).
fn renamed(a: &str, b: &str) -> bool {
    let words = |s: &str| -> BTreeSet<String> {
        s.split(['_', '-'])
            .filter(|w| w.len() > 1)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    if !words(a).is_disjoint(&words(b)) {
        return true;
    }
    let abbreviates = |short: &str, long: &str| {
        let (short, long) = (short.to_ascii_lowercase(), long.to_ascii_lowercase());
        if short.len() < 2 || short.len() >= long.len() || short.as_bytes()[0] != long.as_bytes()[0] {
            return false;
        }
        let mut rest = long.chars();
        short.chars().all(|c| rest.any(|l| l == c))
    };
    abbreviates(a, b) || abbreviates(b, a)
}

/// The class Pundit names a policy after for one authorized value: a
/// symbol as it is spelt (`:analytics` is `Analytics`), a constant as
/// written, a record by its variable's name, singular (`@memberships`,
/// `@transfer.organization`: `Membership`, `Organization`); `None` for
/// anything else.
fn pundit_class_name(value: &str) -> Option<String> {
    let v = value.trim();
    let last = v.rsplit('.').next().unwrap_or(v);
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if let Some(sym) = last.strip_prefix(':') {
        return (!v.contains('.') && word(sym)).then(|| camel(sym));
    }
    if last.starts_with(|c: char| c.is_ascii_uppercase()) && !v.contains('.') {
        let c = v.trim_start_matches("::");
        return c.split("::").all(word).then(|| c.to_string());
    }
    let var = last.trim_start_matches('@');
    word(var).then(|| camel(&singularize(var)))
}

#[cfg(test)]
mod tests {
    use super::renamed;

    #[test]
    fn renames_share_a_word_or_abbreviate() {
        for (a, b) in [
            ("notes", "transition_notes"),
            ("author", "author_name"),
            ("qty", "quantity"),
            ("desc", "description"),
        ] {
            assert!(renamed(a, b) && renamed(b, a), "{a} {b}");
        }
        for (a, b) in [("gift_note", "shipping"), ("sku", "quantity"), ("x", "xy")] {
            assert!(!renamed(a, b), "{a} {b}");
        }
    }
}
