//! `webhook:` points (`VERB /path`): an inbound webhook endpoint. Layers
//! **route** and **handler** (as for `route`), **verification** (a
//! signature check in the handler, or in a `before_action` that covers it
//! or what they call, before the handler's first side effect) and
//! **enqueue** (the job it hands off to, whose class must define
//! `perform`). Problems: `webhook-unverified` (a plain `==` on a signature
//! is named as timing-unsafe), `webhook-processed-inline`,
//! `webhook-no-dedup` (low confidence: dedup may live in a model or a
//! unique index), and `outbound-call-without-timeout` on the path.

use super::effects::{Body, action_body, chain_of, report_untimed};
use super::route::{Handler, find_action, matching};
use super::{Ctx, Merged};
use crate::facts::{EffectKind, FileIdx, leaf};
use crate::findings::{Code, Confidence, DefinitionEvidence, Finding, Layer, Risk};
use crate::msg;
use crate::plan::{Kind, RouteName};
use crate::routing::Target;
use crate::text::Text;

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new(Kind::Webhook.as_str(), &m.name);
    let Ok(rn) = RouteName::parse(&m.name) else {
        f.exists = None;
        return f;
    };
    let repo_of = |file: u32| ix.file(file).repo;
    let mut routes = matching(&rn, &ix.routes, repo_of);
    if let Some(repo) = &m.repo {
        let want = ctx.repo_index(repo);
        routes.retain(|r| Some(repo_of(r.file)) == want);
    }
    let route_locs: Vec<String> = routes.iter().map(|r| ctx.loc(r.file, r.line)).collect();
    let mut layers = vec![Layer {
        layer: "route".to_string(),
        found: !routes.is_empty(),
        locations: route_locs.clone(),
        note: None,
    }];
    f.exists = Some(!routes.is_empty());
    if routes.is_empty() {
        f.problem(
            Code::MissingLayer,
            format!("route: no route serves {} {}", rn.verb, rn.path),
        );
    }
    // Handler.
    let mut handler = None;
    let mut handler_repo: Option<u32> = None;
    // A TypeScript/JavaScript handler: (file, its lines, what it is).
    let mut code = None;
    for r in &routes {
        if let Target::Code { file, line, .. } = &r.target {
            if code.is_none() && handler.is_none() {
                let loc = ctx.loc(*file, *line);
                f.definitions.push(DefinitionEvidence {
                    location: loc.clone(),
                    access: None,
                });
                code = Some((
                    *file,
                    super::payload::code_span(ix, *file, *line),
                    r.target.display(),
                    loc,
                ));
            }
            continue;
        }
        let Target::Action { controller, action } = &r.target else {
            continue;
        };
        match find_action(ctx, controller, action, repo_of(r.file)) {
            Handler::Method(loc) => {
                f.definitions.push(DefinitionEvidence {
                    location: loc.clone(),
                    access: Some("public".to_string()),
                });
                handler = Some((controller.clone(), action.clone(), loc));
                handler_repo = Some(repo_of(r.file));
                break;
            }
            Handler::Hidden(loc, access, owner) => f.problem(
                Code::MissingLayer,
                format!(
                    "handler: `{action}` is {} in {owner} ({loc}), so Rails will not route to it",
                    access.as_str()
                ),
            ),
            Handler::NoController(c) => {
                f.problem(Code::MissingLayer, format!("handler: no `{c}` in the workspace"))
            }
            Handler::NoAction(c) | Handler::View(c) | Handler::Other(c) => f.problem(
                Code::MissingLayer,
                format!("handler: no public `{action}` method in {c}"),
            ),
        }
    }
    layers.push(Layer {
        layer: "handler".to_string(),
        found: handler.is_some() || code.is_some(),
        locations: handler
            .iter()
            .map(|(_, _, l)| l.clone())
            .chain(code.iter().map(|c| c.3.clone()))
            .collect(),
        note: None,
    });
    f.access_modifier = handler.as_ref().map(|_| "public".to_string());
    if handler.is_none()
        && let Some((file, span, what, _)) = &code
    {
        // Middleware registered with the route is not read: a check there
        // is not seen.
        let (a, b) = span.unwrap_or((0, 0));
        let effects: Vec<(FileIdx, &crate::facts::Effect)> = ix.facts[*file as usize]
            .effects
            .iter()
            .filter(|e| e.owner.is_none() && e.scope.is_none() && a <= e.line && e.line <= b)
            .map(|e| (*file, e))
            .collect();
        judge(
            ctx,
            &mut f,
            &mut layers,
            what,
            &effects,
            &|_, _| true,
            &Body::default(),
            true,
        );
        f.layers = Some(layers);
        super::env::wire(ctx, &m.env, &mut f);
        return f;
    }
    let Some((controller, action, _)) = handler else {
        layers.push(Layer {
            layer: "verification".to_string(),
            found: false,
            locations: Vec::new(),
            note: None,
        });
        layers.push(Layer {
            layer: "enqueue".to_string(),
            found: false,
            locations: Vec::new(),
            note: None,
        });
        f.layers = Some(layers);
        super::env::wire(ctx, &m.env, &mut f);
        return f;
    };
    let body = action_body(ix, &controller, &action, handler_repo);
    let mut effects = body.effects(ix);
    // Class-level checks (`http_basic_authenticate_with`) cover every action.
    for (fi, ff) in ix.facts.iter().enumerate() {
        for e in &ff.effects {
            if e.kind == EffectKind::Verify
                && e.scope.is_none()
                && e.owner
                    .as_deref()
                    .is_some_and(|o| body.chain.iter().any(|c| c == o))
            {
                effects.push((fi as FileIdx, e));
            }
        }
    }
    // Which method each effect is in: the action's own body is ordered by
    // line; callbacks run before it.
    let in_action = |fi: FileIdx, scope: Option<u32>| {
        scope
            .and_then(|s| ix.facts[fi as usize].scopes.get(s as usize))
            .is_some_and(|s| s.name == action)
    };
    let who = format!("`{}#{action}`", super::effects::controller_owner(ix, &controller));
    judge(ctx, &mut f, &mut layers, &who, &effects, &in_action, &body, false);
    f.layers = Some(layers);
    super::env::wire(ctx, &m.env, &mut f);
    f
}

/// The verification, enqueue, inline, dedup and timeout verdicts of a
/// handler whose effects are `effects`; `in_action` says whether an effect
/// is in the handler's own body (ordered by line) rather than a callback.
#[allow(clippy::too_many_arguments)]
fn judge(
    ctx: &Ctx,
    f: &mut Finding,
    layers: &mut Vec<Layer>,
    who: &str,
    effects: &[(FileIdx, &crate::facts::Effect)],
    in_action: &dyn Fn(FileIdx, Option<u32>) -> bool,
    body: &Body,
    code: bool,
) {
    let ix = ctx.ix;
    let locs = |kind: EffectKind| -> Vec<(String, FileIdx, u32, bool)> {
        effects
            .iter()
            .filter(|(_, e)| e.kind == kind)
            .map(|(fi, e)| (ctx.loc(*fi, e.line), *fi, e.line, in_action(*fi, e.scope)))
            .collect()
    };
    let verify = locs(EffectKind::Verify);
    let hmac = locs(EffectKind::Hmac);
    let secure = locs(EffectKind::SecureCompare);
    let plain = locs(EffectKind::PlainCompare);
    let writes = locs(EffectKind::Write);
    let http: Vec<_> = locs(EffectKind::Http)
        .into_iter()
        .chain(locs(EffectKind::HttpTimed))
        .collect();
    let enqueues: Vec<_> = effects
        .iter()
        .filter(|(_, e)| e.kind == EffectKind::Enqueue)
        .collect();
    // A signature (HMAC) or a shared token compared in constant time.
    let mut checks: Vec<&(String, FileIdx, u32, bool)> = verify.iter().collect();
    checks.extend(secure.iter());
    let hmac_locs: Vec<String> = if secure.is_empty() {
        Vec::new()
    } else {
        hmac.iter().map(|h| h.0.clone()).collect()
    };
    // The first side effect of the action's own body.
    let first_effect = writes
        .iter()
        .chain(http.iter())
        .filter(|(_, _, _, own)| *own)
        .map(|(l, _, line, _)| (*line, l.clone()))
        .chain(
            enqueues
                .iter()
                .filter(|(fi, e)| in_action(*fi, e.scope))
                .map(|(fi, e)| (e.line, ctx.loc(*fi, e.line))),
        )
        .min();
    let in_time: Vec<&&(String, FileIdx, u32, bool)> = checks
        .iter()
        .filter(|(_, _, line, own)| !*own || first_effect.as_ref().is_none_or(|(l, _)| line < l))
        .collect();
    let mut verification = Layer {
        layer: "verification".to_string(),
        found: !in_time.is_empty(),
        locations: checks
            .iter()
            .map(|(l, _, _, _)| l.clone())
            .chain(hmac_locs)
            .collect(),
        note: None,
    };
    if in_time.is_empty() {
        let mut why = if let Some((l, _, _, _)) = checks.first() {
            format!(
                "the signature is checked at {l} only after the first side effect at {}",
                first_effect.as_ref().map(|(_, l)| l.as_str()).unwrap_or("?")
            )
        } else if !plain.is_empty() {
            format!(
                "the signature is compared with a plain `==` at {} (timing-unsafe: use `secure_compare`)",
                plain.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(", ")
            )
        } else if !hmac.is_empty() {
            format!(
                "an HMAC is computed at {} but never compared with `secure_compare`",
                hmac.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(", ")
            )
        } else {
            "no signature check (`Stripe::Webhook.construct_event`, `OpenSSL::HMAC` with `secure_compare`, svix `verify`) in the handler or a `before_action` that covers it".to_string()
        };
        if !plain.is_empty() && !why.contains("plain") {
            why.push_str(&format!(
                "; a plain `==` compares the signature at {} (timing-unsafe)",
                plain.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let message = format!("{who} does its work without a signature check first: {why}");
        let delegates = locs(EffectKind::Delegate);
        if code && delegates.is_empty() && plain.is_empty() {
            f.problem_capped(Code::WebhookUnverified, Risk::Medium, message);
            f.low_confidence(Text::ours(
                "middleware registered with a TypeScript route before its handler is not read: check whether one verifies the signature",
            ));
        } else if delegates.is_empty() || !plain.is_empty() {
            f.problem(Code::WebhookUnverified, message);
        } else {
            // The payload goes to webhook code seamscan does not follow.
            let at: Vec<String> = delegates
                .iter()
                .map(|(l, fi, line, _)| {
                    let what = effects
                        .iter()
                        .find(|(g, e)| g == fi && e.line == *line && e.kind == EffectKind::Delegate)
                        .map(|(_, e)| e.what.clone())
                        .unwrap_or_default();
                    format!("`{what}` ({l})")
                })
                .collect();
            f.problem_capped(Code::WebhookUnverified, Risk::Medium, message);
            f.low_confidence(msg!(
                "the handler hands the payload to {}, which seamscan does not follow: check that the signature is verified there before anything is done",
                Text::raw(at.join(", "))
            ));
        }
        if !plain.is_empty() {
            verification.note = Some("timing-unsafe `==` on a signature".to_string());
        }
    }
    layers.push(verification);
    // Enqueue, and the job's `perform`.
    let mut enqueue = Layer {
        layer: "enqueue".to_string(),
        found: false,
        locations: Vec::new(),
        note: None,
    };
    let mut jobs = Vec::new();
    for (fi, e) in &enqueues {
        enqueue.locations.push(ctx.loc(*fi, e.line));
        if code {
            // A queue's `add`: its worker is a `job:` point's business.
            enqueue.found = true;
            enqueue.note = Some(format!("`{}`: plan a `job:` point to check its worker", e.what));
            continue;
        }
        let (class, method) = match e.what.trim_start_matches("::").split_once('#') {
            Some((c, m)) => (c.to_string(), m.to_string()),
            None => (e.what.trim_start_matches("::").to_string(), "perform".to_string()),
        };
        let declared = ix.classes.declared_at(&class);
        let perform = ix.defs_by_name.get(&method).and_then(|v| {
            v.iter().find_map(|(g, i)| {
                let d = &ix.facts[*g as usize].defs[*i as usize];
                d.owner
                    .as_deref()
                    .is_some_and(|o| o == class || leaf(o) == leaf(&class))
                    .then(|| (ctx.loc(*g, d.line), d.owner.clone().unwrap_or_default()))
            })
        });
        match perform {
            Some((loc, owner)) => {
                enqueue.found = true;
                enqueue.locations.push(loc);
                jobs.push((owner, method));
            }
            None if declared.is_empty() => f.problem(
                Code::MissingLayer,
                format!("enqueue: no `{class}` in the workspace"),
            ),
            None => f.problem(
                Code::MissingLayer,
                format!("enqueue: `{class}` defines no `{method}`"),
            ),
        }
    }
    layers.push(enqueue);
    // Inline processing.
    let inline: Vec<&String> = if enqueues.is_empty() {
        writes.iter().chain(http.iter()).map(|(l, _, _, _)| l).collect()
    } else {
        http.iter().map(|(l, _, _, _)| l).collect()
    };
    if !inline.is_empty() {
        let mut inline: Vec<&str> = inline.iter().map(|s| s.as_str()).collect();
        inline.sort();
        inline.dedup();
        f.problem(
            Code::WebhookProcessedInline,
            format!(
                "the handler {} in the request at {} instead of enqueuing a job",
                if enqueues.is_empty() {
                    "writes or calls out"
                } else {
                    "calls out"
                },
                inline.join(", ")
            ),
        );
    }
    // Dedup, on the handler or the jobs' `perform`.
    let job_bodies: Vec<Body> = jobs
        .iter()
        .map(|(j, m)| {
            super::effects::body(
                ix,
                &chain_of(ix, j, None),
                std::slice::from_ref(m),
                super::effects::HOPS,
                None,
            )
        })
        .collect();
    let dedup = effects.iter().any(|(_, e)| e.kind == EffectKind::Dedup)
        || job_bodies
            .iter()
            .any(|b| b.effects(ix).iter().any(|(_, e)| e.kind == EffectKind::Dedup));
    if !dedup {
        f.problem(
            Code::WebhookNoDedup,
            Text::ours_marked(
                "neither the handler nor the job it enqueues looks up or uniquely stores the sender's event id (`find_by(event_id:)`, `create!(event_id:)` with a unique index): a retried delivery is processed twice",
            ),
        );
        f.confidence = Confidence::Low;
        f.verify
            .push("deduplication by event id in a model callback or a unique database index".into());
    }
    report_untimed(ctx, body, "the webhook handler", f);
    for ((j, m), b) in jobs.iter().zip(&job_bodies) {
        report_untimed(ctx, b, &format!("`{j}#{m}`"), f);
    }
}
