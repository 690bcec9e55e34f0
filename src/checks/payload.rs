//! Payload keys of `route` and `action` points: what clients send against
//! what the handler reads (`params`, strong params), and what the handler
//! renders (literals, serializers by name or convention, jbuilder views
//! and partials) against what clients read. Problems:
//! `response-key-read-never-sent` and `request-key-sent-never-read`, with a
//! likely rename named; a response whose shape cannot be seen gives no
//! response problem and low confidence.

use super::Ctx;
use super::effects::{Body, action_body};
use super::route::ClientHit;
use crate::facts::{FileIdx, KeyFormat, PayloadRole, RenderRef, RenderTarget, close_names, join_key};
use crate::findings::{Code, Finding, Payload, PayloadEntry};
use crate::inflect::singularize;
use crate::msg;
use crate::routing::{Route, Target, is_placeholder, segments};
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

/// How many serializers / partials deep a response is followed.
const MAX_REF_DEPTH: usize = 6;

/// A key without its array markers (`items[].sku` → `items.sku`).
fn norm(k: &str) -> String {
    let k = k.replace("[]", "");
    k.split('.')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// Drop the entries that are only parents of other entries (`customer`
/// when `customer.email` is listed) and were not used on their own by the
/// other side.
fn leaves(entries: Vec<PayloadEntry>, own: impl Fn(&PayloadEntry) -> bool) -> Vec<PayloadEntry> {
    let keys: Vec<String> = entries.iter().map(|e| norm(&e.key)).collect();
    entries
        .into_iter()
        .enumerate()
        .filter(|(i, e)| {
            let k = &keys[*i];
            let parent = keys
                .iter()
                .any(|o| o.len() > k.len() && o.starts_with(&format!("{k}.")));
            !parent || own(e)
        })
        .map(|(_, e)| e)
        .collect()
}

/// Does one key cover the other: the same path, or one inside the other
/// (a value read whole, a leaf holding a hash)?
fn covers(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

/// The last segment and the parent path of a key.
fn split(k: &str) -> (String, String) {
    let n = norm(k);
    match n.rsplit_once('.') {
        Some((p, l)) => (p.to_string(), l.to_string()),
        None => (String::new(), n),
    }
}

/// Are two key names a likely rename of each other (`email` /
/// `email_address`, `fgColor` / `fg_color`, one typo)?
fn renamed(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let flat = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
    flat(a) == flat(b)
        || a.starts_with(&format!("{b}_"))
        || b.starts_with(&format!("{a}_"))
        || a.ends_with(&format!("_{b}"))
        || b.ends_with(&format!("_{a}"))
        || close_names(a, b)
}

/// A key of `others` that `key` may have been renamed from or to.
fn rename_of<'a>(key: &str, others: impl Iterator<Item = &'a String>) -> Option<String> {
    let (parent, leaf) = split(key);
    let mut c: Vec<&String> = others
        .filter(|o| {
            let (p, l) = split(o);
            p == parent && renamed(&leaf, &l)
        })
        .collect();
    c.sort();
    c.first().map(|s| s.to_string())
}

/// The keys a server renders, and what hides the rest.
#[derive(Default)]
struct Shape {
    keys: BTreeMap<String, BTreeSet<String>>,
    /// Why part of the response cannot be seen.
    hidden: Vec<String>,
}

enum Src {
    View(FileIdx),
    Class(String),
}

fn find_view(ctx: &Ctx, repo: u32, stem: &str) -> Option<FileIdx> {
    let prefix = format!("{stem}.json");
    ctx.ix
        .files
        .iter()
        .position(|m| m.repo == repo && (m.path == prefix || m.path.starts_with(&format!("{prefix}."))))
        .map(|i| i as FileIdx)
}

/// Classes that are serializers (own rendered keys or references).
fn serializer_owners(ctx: &Ctx) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for ff in &ctx.ix.facts {
        for k in &ff.payload_keys {
            if k.role == PayloadRole::Rendered
                && k.scope.is_none()
                && let Some(o) = &k.owner
            {
                out.insert(o.clone());
            }
        }
        for r in &ff.render_refs {
            if r.scope.is_none()
                && let Some(o) = &r.owner
            {
                out.insert(o.clone());
            }
        }
    }
    out
}

fn leaf(s: &str) -> &str {
    s.rsplit("::").next().unwrap_or(s)
}

/// Resolve what a handler renders: its literal keys and references
/// (`body`), or a view (`view`), followed through serializers, views and
/// partials, `MAX_REF_DEPTH` deep.
fn shape(ctx: &Ctx, body: &Body, view: Option<FileIdx>, controller: &str, repo: u32) -> Shape {
    let ix = ctx.ix;
    let mut out = Shape::default();
    let mut work: Vec<(Src, String, usize)> = Vec::new();
    let mut refs: Vec<(FileIdx, RenderRef, String, String, usize)> = Vec::new();
    for (i, ff) in ix.facts.iter().enumerate() {
        let fi = i as FileIdx;
        for k in &ff.payload_keys {
            if k.role == PayloadRole::Rendered && body.holds(ix, i, k.owner.as_deref(), k.scope) {
                out.keys
                    .entry(k.key.clone())
                    .or_default()
                    .insert(ctx.loc(fi, k.line));
            }
        }
        for r in &ff.render_refs {
            if body.holds(ix, i, r.owner.as_deref(), r.scope) {
                refs.push((fi, r.clone(), format!("app/views/{controller}"), String::new(), 0));
            }
        }
    }
    if let Some(v) = view {
        work.push((Src::View(v), String::new(), 1));
    }
    let owners = serializer_owners(ctx);
    let mut visited = BTreeSet::new();
    // Jbuilder views that render lowerCamel keys: every view of a repo
    // with `Jbuilder.key_format camelize: :lower`, or one that says
    // `json.key_format!` itself.
    let camel = |fi: FileIdx| {
        let m = ix.file(fi);
        m.path.ends_with(".jbuilder")
            && (ix.facts[fi as usize]
                .key_formats
                .contains(&KeyFormat::JbuilderCamelLower { global: false })
                || repo_has(ctx, m.repo, |k| {
                    k == KeyFormat::JbuilderCamelLower { global: true }
                }))
    };
    loop {
        while let Some((fi, r, dir, base, depth)) = refs.pop() {
            let prefix = join_key(&base, &r.prefix);
            let at = ctx.loc(fi, r.line);
            if depth > MAX_REF_DEPTH {
                out.hidden
                    .push(format!("serializers nested deeper than {MAX_REF_DEPTH} at {at}"));
                continue;
            }
            match &r.target {
                RenderTarget::NoBody => {}
                RenderTarget::Opaque(t) => out.hidden.push(format!("`{t}` ({at})")),
                RenderTarget::Class(c) => match owners.iter().find(|o| *o == c || leaf(o) == leaf(c)) {
                    Some(o) => work.push((Src::Class(o.clone()), prefix, depth + 1)),
                    None => out
                        .hidden
                        .push(format!("`{c}` ({at}), not found in the workspace")),
                },
                RenderTarget::Conventional(n) => {
                    let names = [
                        format!("{n}Serializer"),
                        format!("{n}Blueprint"),
                        format!("{n}Resource"),
                    ];
                    match owners.iter().find(|o| names.iter().any(|x| leaf(o) == x)) {
                        Some(o) => work.push((Src::Class(o.clone()), prefix, depth + 1)),
                        None => out.hidden.push(format!(
                            "a `{n}` at {at} with no {} in the workspace (its `as_json` decides the keys)",
                            names.join(" / ")
                        )),
                    }
                }
                RenderTarget::Template(t) => {
                    let stem = if t.contains('/') {
                        format!("app/views/{}", t.trim_start_matches('/'))
                    } else {
                        format!("app/views/{controller}/{t}")
                    };
                    match find_view(ctx, repo, &stem) {
                        Some(v) => work.push((Src::View(v), prefix, depth + 1)),
                        None => out
                            .hidden
                            .push(format!("the view `{t}` ({at}): no {stem}.json.* found")),
                    }
                }
                RenderTarget::Partial(p) => {
                    let stem = match p.rsplit_once('/') {
                        Some((d, n)) => format!("app/views/{d}/_{n}"),
                        None => format!("{dir}/_{p}"),
                    };
                    match find_view(ctx, repo, &stem) {
                        Some(v) => work.push((Src::View(v), prefix, depth + 1)),
                        None => out
                            .hidden
                            .push(format!("the partial `{p}` ({at}): no {stem}.json.* found")),
                    }
                }
            }
        }
        let Some((src, prefix, depth)) = work.pop() else {
            break;
        };
        let key = match &src {
            Src::View(v) => format!("view:{v}:{prefix}"),
            Src::Class(c) => format!("class:{c}:{prefix}"),
        };
        if !visited.insert(key) {
            continue;
        }
        for (fi, ff) in ix.facts.iter().enumerate() {
            let fi = fi as FileIdx;
            let here = |owner: &Option<String>, scope: Option<u32>| match &src {
                Src::View(v) => *v == fi && owner.is_none() && scope.is_none(),
                Src::Class(c) => owner.as_deref() == Some(c.as_str()) && scope.is_none(),
            };
            let camel = matches!(src, Src::View(v) if v == fi) && camel(fi);
            for k in &ff.payload_keys {
                if k.role == PayloadRole::Rendered && here(&k.owner, k.scope) {
                    let mut key = join_key(&prefix, &k.key);
                    if camel {
                        key = crate::facts::camel_lower_key(&key);
                    }
                    out.keys.entry(key).or_default().insert(ctx.loc(fi, k.line));
                }
            }
            for r in &ff.render_refs {
                if here(&r.owner, r.scope) {
                    let dir = ix
                        .file(fi)
                        .path
                        .rsplit_once('/')
                        .map(|(d, _)| d.to_string())
                        .unwrap_or_default();
                    refs.push((fi, r.clone(), dir, prefix.clone(), depth));
                }
            }
        }
    }
    out
}

/// Does a file of `repo` configure a key format `want` says?
fn repo_has(ctx: &Ctx, repo: u32, want: impl Fn(KeyFormat) -> bool) -> bool {
    let ix = ctx.ix;
    ix.facts
        .iter()
        .enumerate()
        .any(|(fi, ff)| ff.key_formats.iter().any(|k| want(*k)) && ix.file(fi as FileIdx).repo == repo)
}

/// The lines of the TypeScript/JavaScript function that starts at `line`
/// of `file` (the widest), or else the narrowest one around it.
pub fn code_span(ix: &crate::facts::FactIndex, file: FileIdx, line: u32) -> Option<(u32, u32)> {
    let spans = &ix.facts[file as usize].fn_spans;
    spans
        .iter()
        .filter(|(a, _)| *a == line)
        .max_by_key(|(a, b)| b - a)
        .or_else(|| {
            spans
                .iter()
                .filter(|(a, b)| *a <= line && line <= *b)
                .min_by_key(|(a, b)| b - a)
        })
        .copied()
}

/// Build the payload of the routes' handlers and report its problems.
/// `blamed`: sent keys a `params-key-never-sent` on the same finding
/// already names as the likely rename of a read key; they are listed but
/// not reported again as `request-key-sent-never-read`.
pub fn check(
    ctx: &Ctx,
    routes: &[&Route],
    hits: &[ClientHit],
    blamed: &BTreeSet<String>,
    f: &mut Finding,
) -> Payload {
    let ix = ctx.ix;
    let mut reads: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut reads_all = false;
    // The app snake_cases request keys before its actions read them.
    let mut underscored = false;
    let mut shape_all = Shape::default();
    let mut handlers = Vec::new();
    let mut wrappers = BTreeSet::new();
    let mut placeholders = BTreeSet::new();
    let mut no_render = Vec::new();
    // Keys of errors thrown in an app with an error middleware: they answer
    // a read no handler renders, and are listed only when read.
    let mut error_keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in routes {
        for s in segments(&r.path) {
            if is_placeholder(s) {
                placeholders.insert(s.trim_start_matches([':', '*']).trim_end_matches(')').to_string());
            }
        }
        if let Target::Code { file, line, .. } = &r.target {
            // A TypeScript/JavaScript handler: the facts inside its function.
            handlers.push(r.target.display());
            // An app with an error middleware may answer any route with
            // the payload of an error thrown anywhere in it.
            let repo = ix.file(*file).repo;
            let in_repo = |fi: usize| ix.file(fi as FileIdx).repo == repo;
            if ix
                .facts
                .iter()
                .enumerate()
                .any(|(fi, ff)| !ff.error_handlers.is_empty() && in_repo(fi))
            {
                for (fi, ff) in ix.facts.iter().enumerate() {
                    if !in_repo(fi) {
                        continue;
                    }
                    for (k, l) in &ff.thrown_keys {
                        error_keys
                            .entry(k.clone())
                            .or_default()
                            .insert(ctx.loc(fi as FileIdx, *l));
                    }
                }
            }
            let Some((a, b)) = code_span(ix, *file, *line) else {
                no_render.push(format!(
                    "the handler of {} {} ({})",
                    r.verb,
                    r.path,
                    ctx.loc(*file, *line)
                ));
                continue;
            };
            let ff = &ix.facts[*file as usize];
            let inside = |owner: &Option<String>, scope: Option<u32>, l: u32| {
                owner.is_none() && scope.is_none() && a <= l && l <= b
            };
            let mut rendered = false;
            // The handler hands its request to a function and reads no key
            // itself: that function may read any key.
            let mut handed_off = false;
            let mut own_reads = false;
            for k in &ff.payload_keys {
                if !inside(&k.owner, k.scope, k.line) {
                    continue;
                }
                match k.role {
                    PayloadRole::ParamRead if k.key == crate::facts::HANDED_OFF => handed_off = true,
                    // A body read into a variable (`await request.json()`)
                    // reads every key.
                    PayloadRole::ParamRead if k.key == "*" => reads_all = true,
                    PayloadRole::ParamRead => {
                        own_reads = true;
                        reads
                            .entry(k.key.clone())
                            .or_default()
                            .insert(ctx.loc(*file, k.line));
                    }
                    PayloadRole::Rendered => {
                        rendered = true;
                        shape_all
                            .keys
                            .entry(k.key.clone())
                            .or_default()
                            .insert(ctx.loc(*file, k.line));
                    }
                    _ => {}
                }
            }
            for x in &ff.render_refs {
                if inside(&x.owner, x.scope, x.line)
                    && let RenderTarget::Opaque(t) = &x.target
                {
                    rendered = true;
                    shape_all
                        .hidden
                        .push(format!("`{t}` ({})", ctx.loc(*file, x.line)));
                }
            }
            if !rendered {
                no_render.push(format!(
                    "the handler at {} renders no JSON seamscan can see",
                    ctx.loc(*file, *line)
                ));
            }
            reads_all |= handed_off && !own_reads;
            continue;
        }
        let Target::Action { controller, action } = &r.target else {
            continue;
        };
        for s in segments(&r.path) {
            if is_placeholder(s) {
                placeholders.insert(s.trim_start_matches([':', '*']).trim_end_matches(')').to_string());
            }
        }
        let repo = ix.file(r.file).repo;
        underscored |= repo_has(ctx, repo, |k| k == KeyFormat::ParamsUnderscore);
        let body = action_body(ix, controller, action, Some(repo));
        handlers.push(format!(
            "{}#{action}",
            super::effects::controller_owner(ix, controller)
        ));
        let last = controller.rsplit('/').next().unwrap_or(controller);
        wrappers.insert(singularize(last));
        for (fi, ff) in ix.facts.iter().enumerate() {
            for k in &ff.payload_keys {
                if k.role == PayloadRole::ParamRead && body.holds(ix, fi, k.owner.as_deref(), k.scope) {
                    if k.key == "*" {
                        reads_all = true;
                    } else {
                        reads
                            .entry(k.key.clone())
                            .or_default()
                            .insert(ctx.loc(fi as FileIdx, k.line));
                    }
                }
            }
        }
        // A callback's `head :unauthorized` is a guard: the action still
        // renders its view when it passes.
        let own = super::effects::action_own_body(ix, controller, action, Some(repo));
        let rendered = ix.facts.iter().enumerate().any(|(fi, ff)| {
            ff.render_refs.iter().any(|x| {
                body.holds(ix, fi, x.owner.as_deref(), x.scope)
                    && (x.target != RenderTarget::NoBody || own.holds(ix, fi, x.owner.as_deref(), x.scope))
            }) || ff
                .payload_keys
                .iter()
                .any(|k| k.role == PayloadRole::Rendered && body.holds(ix, fi, k.owner.as_deref(), k.scope))
        });
        let mut view = None;
        if !rendered {
            // No `render`: Rails renders the action's view.
            let stem = format!("app/views/{controller}/{action}");
            view = find_view(ctx, repo, &stem);
            if view.is_none() {
                no_render.push(format!(
                    "`{}#{action}` renders no JSON seamscan can see (no `render json:` and no {stem}.json.* view)",
                    super::effects::controller_owner(ix, controller)
                ));
            }
        }
        let s = shape(ctx, &body, view, controller, repo);
        for (k, v) in s.keys {
            shape_all.keys.entry(k).or_default().extend(v);
        }
        shape_all.hidden.extend(s.hidden);
    }
    // PUT and PATCH of one resource lead to the same action: named once.
    let mut seen = BTreeSet::new();
    handlers.retain(|h| seen.insert(h.clone()));
    // Client sides.
    let mut sent: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    let mut got: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for h in hits {
        let ff = &ix.facts[h.file as usize];
        let test = ix.is_test(h.file);
        let mut body_seen = false;
        for k in &ff.payload_keys {
            if k.call != Some(h.call) {
                continue;
            }
            body_seen |= k.role == PayloadRole::Sent;
            if k.key == "*" {
                continue;
            }
            let loc = ctx.loc(h.file, k.line);
            match k.role {
                PayloadRole::Sent => sent.entry(k.key.clone()).or_default().push((loc, test)),
                PayloadRole::Received => got.entry(k.key.clone()).or_default().push((loc, test)),
                _ => {}
            }
        }
        // The JSON body object of a TypeScript client (`axios.post(url,
        // {...})`, `fetch(url, { body: JSON.stringify({...}) })`), at the
        // call.
        if !body_seen && let Some(c) = ff.http_calls.get(h.call as usize) {
            // Leaves only: an object sent whole covers no read by itself.
            let parent = |k: &String| c.body_keys.iter().any(|o| o.starts_with(&format!("{k}.")));
            for k in c.body_keys.iter().filter(|k| !parent(k)) {
                sent.entry(k.clone())
                    .or_default()
                    .push((ctx.loc(h.file, c.line), test));
            }
        }
    }
    // Request.
    let read_keys: Vec<String> = reads.keys().cloned().collect();
    let req_match = |k: &str| -> Vec<String> {
        let k = if underscored {
            crate::facts::underscore_key(k)
        } else {
            k.to_string()
        };
        let k = k.as_str();
        read_keys
            .iter()
            .filter(|r| covers(k, r) || wrappers.iter().any(|w| covers(&format!("{w}.{k}"), r)))
            .cloned()
            .collect()
    };
    let mut request: BTreeMap<String, PayloadEntry> = BTreeMap::new();
    let mut matched_reads = BTreeSet::new();
    for (k, locs) in &sent {
        let m = req_match(k);
        let mut e = PayloadEntry {
            key: k.clone(),
            sent_at: locs.iter().map(|(l, _)| l.clone()).collect(),
            read_at: m.iter().flat_map(|r| reads[r].iter().cloned()).collect(),
        };
        e.sent_at.sort();
        matched_reads.extend(m.iter().cloned());
        let prod: Vec<&String> = locs.iter().filter(|(_, t)| !t).map(|(l, _)| l).collect();
        let named = blamed.contains(k) || wrappers.iter().any(|w| blamed.contains(&format!("{w}.{k}")));
        if m.is_empty() && !reads_all && !handlers.is_empty() && !prod.is_empty() && !named {
            let hint = match rename_of(k, read_keys.iter()) {
                Some(r) => msg!(" (likely renamed: the server reads {})", Text::code(r)),
                None => Text::ours(""),
            };
            f.problem(
                Code::RequestKeySentNeverRead,
                msg!(
                    "{} is sent by {} but {} never reads it{}",
                    Text::code(k),
                    Text::raw_list(&prod, ", "),
                    Text::raw_list(&handlers, ", "),
                    hint
                ),
            );
        }
        request.insert(k.clone(), e);
    }
    for (r, locs) in &reads {
        if matched_reads.contains(r) || placeholders.contains(r) {
            continue;
        }
        request.insert(
            r.clone(),
            PayloadEntry {
                key: r.clone(),
                sent_at: Vec::new(),
                read_at: locs.iter().cloned().collect(),
            },
        );
    }
    // Response.
    let sent_keys: Vec<String> = shape_all.keys.keys().cloned().collect();
    let mut response: BTreeMap<String, PayloadEntry> = BTreeMap::new();
    let mut matched_sent = BTreeSet::new();
    let visible = shape_all.hidden.is_empty() && no_render.is_empty() && !handlers.is_empty();
    let objects: BTreeSet<String> = sent_keys
        .iter()
        .map(|s| norm(s))
        .filter(|s| sent_keys.iter().any(|o| norm(o).starts_with(&format!("{s}."))))
        .collect();
    // A read matches a sent key of the same path, a sent key inside it (an
    // object read whole), or a sent leaf above it (a value whose inside
    // seamscan does not see); a sent object with known keys covers only
    // those keys.
    let resp_match = |k: &str, s: &str| {
        let (k, s) = (norm(k), norm(s));
        k == s
            || s.starts_with(&format!("{k}."))
            || (k.starts_with(&format!("{s}.")) && !objects.contains(&s))
    };
    for (k, locs) in &got {
        let m: Vec<&String> = sent_keys.iter().filter(|s| resp_match(k, s)).collect();
        // The sent key that is exactly this one, or the closest inside.
        let mut e = PayloadEntry {
            key: k.clone(),
            sent_at: m
                .iter()
                .filter(|s| norm(s) == norm(k))
                .flat_map(|s| shape_all.keys[*s].iter().cloned())
                .collect(),
            read_at: locs.iter().map(|(l, _)| l.clone()).collect(),
        };
        if e.sent_at.is_empty() {
            e.sent_at = m
                .iter()
                .flat_map(|s| shape_all.keys[*s].iter().cloned())
                .collect();
        }
        let m = if m.is_empty() {
            // An error's payload (`{ errors }` thrown and rendered by the
            // error middleware).
            let errs: Vec<&String> = error_keys.keys().filter(|s| resp_match(k, s)).collect();
            let exact: Vec<&&String> = errs.iter().filter(|s| norm(s) == norm(k)).collect();
            e.sent_at = if exact.is_empty() {
                errs.iter().flat_map(|s| error_keys[*s].iter().cloned()).collect()
            } else {
                exact
                    .iter()
                    .flat_map(|s| error_keys[**s].iter().cloned())
                    .collect()
            };
            errs
        } else {
            m
        };
        matched_sent.extend(m.iter().map(|s| s.to_string()));
        let prod: Vec<&String> = locs.iter().filter(|(_, t)| !t).map(|(l, _)| l).collect();
        if m.is_empty() && visible && !prod.is_empty() {
            let hint = match rename_of(k, sent_keys.iter()) {
                Some(s) => msg!(
                    " (likely renamed to {}, rendered at {})",
                    Text::code(s.as_str()),
                    Text::raw(shape_all.keys[&s].iter().next().cloned().unwrap_or_default())
                ),
                None => Text::ours(""),
            };
            f.problem(
                Code::ResponseKeyReadNeverSent,
                msg!(
                    "{} is read by {} but {} never sends it{}",
                    Text::code(k),
                    Text::raw_list(&prod, ", "),
                    Text::raw_list(&handlers, ", "),
                    hint
                ),
            );
        }
        response.insert(k.clone(), e);
    }
    for (s, locs) in &shape_all.keys {
        if response.contains_key(s) {
            continue;
        }
        // Parents of keys clients read are listed under those keys.
        if matched_sent.contains(s) && got.keys().any(|k| norm(k) == norm(s)) {
            continue;
        }
        response.insert(
            s.clone(),
            PayloadEntry {
                key: s.clone(),
                sent_at: locs.iter().cloned().collect(),
                read_at: Vec::new(),
            },
        );
    }
    if !shape_all.hidden.is_empty() && got.is_empty() {
        // Nothing reads the response: what to check, not a doubt.
        let mut h = shape_all.hidden.clone();
        h.sort();
        h.dedup();
        f.verify.push(msg!(
            "the response keys behind {}, if a client outside the scanned repos reads them",
            Text::raw(h.join("; "))
        ));
    } else if !shape_all.hidden.is_empty() {
        let mut h = shape_all.hidden.clone();
        h.sort();
        h.dedup();
        f.low_confidence(msg!(
            "part of the response cannot be seen: {}; no response key problem is reported, check what clients read by hand",
            Text::raw(h.join("; "))
        ));
    } else if !no_render.is_empty() && !got.is_empty() {
        f.low_confidence(msg!(
            "the response cannot be seen: {}; check the keys clients read by hand",
            Text::raw(no_render.join("; "))
        ));
    }
    if reads_all && !sent.is_empty() {
        f.verify.push(Text::ours_marked(
            "the handler reads the whole request body (`request.body`, `params.permit!`, `await request.json()` into a variable): check the keys clients send by hand",
        ));
    }
    Payload {
        request: leaves(request.into_values().collect(), |e| {
            !e.read_at.is_empty() && e.sent_at.is_empty()
        }),
        response: leaves(response.into_values().collect(), |e| !e.read_at.is_empty()),
    }
}
