//! `route:` points (`VERB /path`): the route layer (a Rails route that
//! matches, from the static route tables), the handler layer (the
//! controller action it leads to: a public method of the controller, a
//! parent or a concern, or a view Rails renders implicitly), and the
//! callers (Rails path/URL helpers with the verb their `link_to` /
//! `button_to` / `form_with` implies, literal paths in HTTP clients and
//! request specs).

use super::{Ctx, Merged};
use crate::ancestors::Side;
use crate::facts::{Access, DefKind, FileIdx};
use crate::findings::{CallerMatch, Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::msg;
use crate::plan::{Kind, Plan, RouteName};
use crate::routing::{Route, Target, paths_match, segments};
use crate::text::Text;
use std::collections::BTreeSet;

/// Does a route's verb serve the planned verb?
pub fn verb_serves(route_verb: &str, planned: &str) -> bool {
    planned == "ANY" || route_verb == "ANY" || route_verb.split('|').any(|v| v == planned)
}

/// The routes that serve a planned `VERB /path`: in each repo, the first
/// route of the table (Rails tries them in order) whose verb serves it and
/// whose path matches it.
///
/// A route with a glob segment (`match "*path", to: "errors#not_found"`, a
/// catch-all) or of placeholders only (`get '/:lang'`) matches every path
/// (of that length): it serves the point only when no other route does, in
/// any app of the workspace.
pub fn matching<'r>(rn: &RouteName, routes: &'r [Route], repo_of: impl Fn(u32) -> u32) -> Vec<&'r Route> {
    let mut seen = BTreeSet::new();
    let mut hits: Vec<(usize, &Route)> = routes
        .iter()
        .enumerate()
        .filter(|(_, r)| verb_serves(&r.verb, &rn.verb) && same_path(&r.path, &rn.path))
        .collect();
    let specific = hits.iter().any(|(_, r)| !catch_all(r));
    hits.retain(|(_, r)| !specific || !catch_all(r));
    // A static route wins over a catch-all that also matches (Next.js
    // serves `/api/auth/guest` before `/api/auth/[...nextauth]`), and in
    // Next.js over a dynamic segment too (`/api/reports/goal` before
    // `/api/reports/[reportId]`); elsewhere the table's order decides.
    let dynamic = |r: &Route| match &r.target {
        Target::Code {
            framework: crate::facts::Framework::Next,
            ..
        } => segments(&r.path).iter().filter(|s| s.starts_with(':')).count(),
        _ => 0,
    };
    hits.sort_by_key(|(i, r)| (is_glob(r), dynamic(r), *i));
    // One route per app serves a request (the first that matches); a
    // planned `ANY` asks for each verb's.
    hits.retain(|(_, r)| {
        let verb = if rn.verb == "ANY" {
            r.verb.clone()
        } else {
            String::new()
        };
        seen.insert((repo_of(r.file), verb))
    });
    hits.sort_by_key(|(i, _)| *i);
    hits.into_iter().map(|(_, r)| r).collect()
}

/// Can a Ruby file at `path` (relative to its repo) call route helpers
/// without including them? Not under `app/models`, `app/jobs`,
/// `app/workers`, `app/sidekiq`, `app/services`, `app/policies`,
/// `app/lib`, `lib` or `db`.
fn helpers_live_in(path: &str) -> bool {
    const NOT: [&str; 9] = [
        "app/models/",
        "app/jobs/",
        "app/workers/",
        "app/sidekiq/",
        "app/services/",
        "app/policies/",
        "app/lib/",
        "lib/",
        "db/",
    ];
    !NOT.iter()
        .any(|d| path.starts_with(d) || path.contains(&format!("/{d}")))
}

/// Is the route a catch-all at its app's root: a glob with no static
/// segment before it (`/*path`, `(/*rest)`), or a path of placeholders
/// only (`/:lang`, `/:org/:project`), which every path of that many
/// segments matches?
fn root_glob(r: &Route) -> bool {
    let segs = segments(&r.path);
    let placeholders_only = !segs.is_empty() && segs.iter().all(|s| crate::routing::is_placeholder(s));
    (segs
        .iter()
        .take_while(|s| !glob_segment(s))
        .all(|s| crate::routing::is_placeholder(s))
        && is_glob(r))
        || placeholders_only
}

/// A route that matches paths whatever their words: a glob, or a path of
/// placeholders only. It serves a planned path only when no other route
/// does, in any app of the workspace.
fn catch_all(r: &Route) -> bool {
    is_glob(r) || root_glob(r)
}

/// Is a segment a glob: `*path`, or an optional one, `(/*rest)` or
/// `(*path)` (`get "/(*path)"`: any path, or none)?
fn glob_segment(s: &str) -> bool {
    s.trim_start_matches('(').starts_with('*') || s.contains("(/*")
}

/// Does a planned path hold a glob segment (`/api/auth/*nextauth`)?
fn planned_glob(path: &str) -> bool {
    segments(path).iter().any(|s| glob_segment(s))
}

/// Does a route's path hold a glob segment (`/*path`, `/files/*rest`, an
/// optional `(/*rest)` or `/(*path)`)?
pub fn is_glob(r: &Route) -> bool {
    segments(&r.path).iter().any(|s| glob_segment(s))
}

/// The planned path names the route's path: the same segments, where a
/// route placeholder matches anything and a planned placeholder only a
/// placeholder (`/proposals/:id` is not `/proposals/search`; `:id` and
/// `:proposal_id` differ only in name); optional groups may be taken or
/// left.
fn same_path(route: &str, planned: &str) -> bool {
    let p = segments(planned);
    crate::routing::expand_optional(route).iter().any(|r| {
        let r = segments(r);
        let mut ok = true;
        for (i, rs) in r.iter().enumerate() {
            if rs.starts_with('*') {
                return ok && p.len() > i;
            }
            let Some(ps) = p.get(i) else { return false };
            let placeholder = crate::routing::is_placeholder;
            ok &= if placeholder(ps) {
                placeholder(rs)
            } else {
                placeholder(rs) || rs == ps
            };
        }
        ok && r.len() == p.len()
    })
}

/// The names of the routes with the same path as `r` in its app (`PATCH
/// /proposals/:id` has no name of its own; its helper is `proposal_path`).
fn helper_names(r: &Route, routes: &[Route], ix_repo: impl Fn(u32) -> u32) -> BTreeSet<String> {
    routes
        .iter()
        .filter(|o| o.path == r.path && ix_repo(o.file) == ix_repo(r.file))
        .filter_map(|o| o.name.clone())
        .collect()
}

/// Prefilter words for the plan's route points, from the route tables:
/// the helper names of the routes they name (`proposal_path`,
/// `proposal_url`) and their actions (`def show`).
///
/// Also the words of the other routes of the served route's namespace
/// (`namespace_routes`): its first segment, which a literal client path
/// spells, and their helpers, so that a request of any of them is seen.
pub fn prefilter_words(plan: &Plan, routes: &[Route], repo_of: impl Fn(u32) -> u32) -> Vec<String> {
    let mut out = BTreeSet::new();
    for p in &plan.points {
        if p.kind != Kind::Route && p.kind != Kind::Webhook {
            continue;
        }
        let Ok(rn) = RouteName::parse(&p.name) else {
            continue;
        };
        // The repo is not known here: every app's first match.
        for r in matching(&rn, routes, |f| f) {
            if let Some((ns, sibs)) = namespace_routes(r, routes, &repo_of) {
                // A literal client path spells its namespace's last segment.
                out.insert(ns.rsplit('/').next().unwrap_or(&ns).to_string());
                for n in sibs.iter().filter_map(|o| o.name.as_ref()) {
                    out.insert(format!("{n}_path"));
                    out.insert(format!("{n}_url"));
                }
            }
            // The served route's helpers, and those of a route declared with
            // the planned path that an earlier one shadows (see `check`).
            for o in routes
                .iter()
                .filter(|o| o.path == r.path || crate::routing::same_path(&o.path, &rn.path))
            {
                if let Some(n) = &o.name {
                    out.insert(format!("{n}_path"));
                    out.insert(format!("{n}_url"));
                }
            }
            if let Target::Action { action, .. } = &r.target {
                out.insert(format!("def {action}"));
                // A polymorphic target names the route by its record
                // (`[organization, @credential]` for
                // `organization_credential`): the last resource, singular.
                if let Some(last) = segments(&r.path)
                    .iter()
                    .rev()
                    .find(|s| !crate::routing::is_placeholder(s) && !matches!(**s, "edit" | "new"))
                    && last.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                {
                    out.insert(crate::inflect::singularize(last));
                }
            }
        }
    }
    out.into_iter().collect()
}

/// At most this many routes make a namespace whose clients are looked for.
const MAX_NAMESPACE: usize = 400;

/// The static segments that name `path`'s namespace: up to its first
/// version segment (`/v2/feeds` → `v2`, `/api/v1/users` → `api/v1`), else
/// its first segment (`/mcp`, `/admin/reports`), past an `api` prefix that
/// a whole app's routes share (`/api/reports` → `api/reports`). `None`
/// when a placeholder comes first.
fn namespace_of(path: &str) -> Option<Vec<&str>> {
    let segs = segments(path);
    let version = |s: &str| s.len() >= 2 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::new();
    for s in segs {
        if crate::routing::is_placeholder(s) || s.contains('.') {
            return None;
        }
        out.push(s);
        if version(s) || !s.eq_ignore_ascii_case("api") {
            return Some(out);
        }
    }
    None
}

/// The routes of `r`'s app in the same namespace (`namespace_of`), with
/// the namespace's path. `None` when `r` has no namespace or it holds more
/// than `MAX_NAMESPACE` routes.
fn namespace_routes<'r>(
    r: &Route,
    routes: &'r [Route],
    repo_of: impl Fn(u32) -> u32,
) -> Option<(String, Vec<&'r Route>)> {
    let ns = namespace_of(&r.path)?;
    let repo = repo_of(r.file);
    let sibs: Vec<&Route> = routes
        .iter()
        .filter(|o| {
            repo_of(o.file) == repo && !is_glob(o) && {
                let segs = segments(&o.path);
                segs.len() >= ns.len() && segs[..ns.len()] == ns[..]
            }
        })
        .collect();
    (sibs.len() <= MAX_NAMESPACE).then(|| (ns.join("/"), sibs))
}

/// Does non-test code request, link or spell the URL of any of `routes`
/// (a client path, a Rails path helper of their app, a URL mention)?
fn any_requested(ctx: &Ctx, routes: &[&Route]) -> bool {
    let ix = ctx.ix;
    let repos: BTreeSet<u32> = routes.iter().map(|r| ix.file(r.file).repo).collect();
    let counted = |fi: FileIdx| !ix.is_test(fi) && !crate::routing::is_routes_file(&ix.file(fi).path);
    let requested = client_calls(ctx, routes, "ANY", &[])
        .iter()
        .any(|h| counted(h.file));
    // A helper in the namespace's own controllers (`render location:
    // api_v2_subscription_url(...)`) answers a request; it makes none.
    let own: BTreeSet<String> = routes
        .iter()
        .filter_map(|r| match &r.target {
            Target::Action { controller, .. } => Some(format!("app/controllers/{controller}_controller.rb")),
            _ => None,
        })
        .collect();
    let helped = || {
        routes.iter().filter_map(|r| r.name.as_ref()).any(|n| {
            ix.path_helpers_by_route
                .get(n)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .any(|(fi, _)| {
                    let m = ix.file(*fi);
                    repos.contains(&m.repo)
                        && counted(*fi)
                        && !own.iter().any(|o| m.path.ends_with(o.as_str()))
                })
        })
    };
    requested || helped() || !url_mentions(ctx, routes).is_empty()
}

/// Controller namespaces whose controllers live in Rails or a common gem,
/// not in the app (`rails/pwa#manifest`, `active_storage/disk#show`).
const FRAMEWORK_NAMESPACES: [&str; 8] = [
    "rails",
    "active_storage",
    "action_mailbox",
    "action_text",
    "devise",
    "doorkeeper",
    "turbo",
    "mission_control",
];

/// Where the handler of a Rails route is.
pub enum Handler {
    /// A public method (location).
    Method(String),
    /// No method, a view template Rails renders (location of the view).
    View(String),
    /// A method that is not public: (location, access, owner).
    Hidden(String, Access, String),
    /// No controller class in the workspace.
    NoController(String),
    /// A controller, but neither a method nor a view.
    NoAction(String),
    /// A redirect or a mounted app: nothing to look up.
    Other(String),
}

fn handler(ctx: &Ctx, r: &Route) -> Handler {
    match &r.target {
        Target::Action { controller, action } => {
            find_action(ctx, controller, action, ctx.ix.file(r.file).repo)
        }
        Target::Redirect => Handler::Other("a redirect".to_string()),
        Target::Mounted(app) => Handler::Other(format!("the mounted app `{app}`")),
        // TypeScript/JavaScript: where the handler function or method is.
        Target::Code { file, line, .. } => Handler::Method(ctx.loc(*file, *line)),
    }
}

/// The public method (or implicitly rendered view) that serves
/// `controller#action` in `repo`.
pub fn find_action(ctx: &Ctx, controller: &str, action: &str, repo: u32) -> Handler {
    let ix = ctx.ix;
    let class = super::effects::controller_owner(ix, controller);
    if ix.classes.declared_at(&class).is_empty() {
        // Controllers that Rails itself or a well-known gem provides.
        let first = controller.split('/').next().unwrap_or(controller);
        if controller.contains('/') && FRAMEWORK_NAMESPACES.contains(&first) {
            return Handler::Other(format!(
                "`{class}`, which `{first}` (a framework or gem) provides"
            ));
        }
        return Handler::NoController(class);
    }
    let chain = ix.classes.lookup_in(&class, Side::Instance, Some(repo)).chain;
    let defs = ix.defs_by_name.get(action).map(Vec::as_slice).unwrap_or(&[]);
    for (owner, side, _) in &chain {
        if *side != Side::Instance {
            continue;
        }
        // The planned app's controller, not another app's of the same name.
        let found = defs
            .iter()
            .filter(|(fi, _)| ix.file(*fi).repo == repo)
            .find_map(|(fi, i)| {
                let d = &ix.facts[*fi as usize].defs[*i as usize];
                (d.owner.as_deref() == Some(owner.as_str()) && d.kind == DefKind::Instance)
                    .then_some((*fi, d))
            });
        if let Some((fi, d)) = found {
            let loc = ctx.loc(fi, d.line);
            return if d.access == Access::Public {
                Handler::Method(loc)
            } else {
                Handler::Hidden(loc, d.access, owner.clone())
            };
        }
    }
    // Implicit rendering: `app/views/<controller>/<action>.*`.
    let prefix = format!("app/views/{controller}/{action}.");
    let view = ix.files.iter().enumerate().find(|(_, m)| {
        m.repo == repo && m.path.starts_with(&prefix) && !m.path[prefix.len()..].contains('/')
    });
    match view {
        Some((fi, _)) => Handler::View(ctx.loc(fi as FileIdx, 1)),
        None => Handler::NoAction(class),
    }
}

/// Requests with a literal path (HTTP clients, `link_to`, request specs)
/// to one of `paths` with the planned verb: (file, line, match strength).
/// A prefix held in a variable is stripped and the rest may match the end
/// of the path (`path-prefix-var`).
fn literal_requests(ctx: &Ctx, rn: &RouteName, paths: &[&str]) -> Vec<(FileIdx, u32, &'static str)> {
    requests_to(ctx, &rn.verb, paths, &[])
        .into_iter()
        .map(|(fi, i, strength)| (fi, ctx.ix.facts[fi as usize].http_calls[i].line, strength))
        .collect()
}

/// The HTTP calls to one of `paths` with `verb`: (file, index into its
/// `http_calls`, match strength). `serving`: the repos whose routes these
/// are (empty when not known).
pub fn requests_to(
    ctx: &Ctx,
    verb: &str,
    paths: &[&str],
    serving: &[u32],
) -> Vec<(FileIdx, usize, &'static str)> {
    requests_matching(ctx, verb, paths, serving, &[])
        .into_iter()
        .map(|h| (h.file, h.call as usize, h.strength))
        .collect()
}

/// An HTTP client call that requests a route.
pub struct ClientHit {
    pub file: FileIdx,
    /// Index into the file's `http_calls`.
    pub call: u32,
    pub line: u32,
    pub strength: &'static str,
    /// Matched through a URL prefix held in a variable.
    pub prefix_var: bool,
}

/// Literal paths in HTTP clients, `link_to` and request specs that request
/// one of `routes` with `verb`.
/// `also`: the planned path, when there is one. A glob route's path matches
/// any request: its callers are those of the planned path, not of the glob;
/// and a route with a placeholder where the planned path has a literal
/// (`/:lang` for `/organizations`) is requested by a client only where the
/// client requests the planned path too (`/databases` is no request of
/// `GET /organizations`).
pub fn client_calls(ctx: &Ctx, routes: &[&Route], verb: &str, also: &[&str]) -> Vec<ClientHit> {
    let mut paths: Vec<&str> = routes
        .iter()
        .filter(|r| !is_glob(r))
        .map(|r| r.path.as_str())
        .collect();
    if routes.iter().any(|r| is_glob(r)) {
        paths.extend(also);
    }
    let mut serving: Vec<u32> = routes.iter().map(|r| ctx.ix.file(r.file).repo).collect();
    serving.sort_unstable();
    serving.dedup();
    requests_matching(ctx, verb, &paths, &serving, also)
}

/// The HTTP calls to one of `paths` with `verb` (`GET|POST` for either).
/// A prefix held in a variable is stripped and the rest may match the end
/// of the path (`path-prefix-var`). `serving`: the repos whose routes
/// `paths` are (empty when not known). `planned`: when not empty, the
/// request must match one of these paths too.
fn requests_matching(
    ctx: &Ctx,
    verb: &str,
    paths: &[&str],
    serving: &[u32],
    planned: &[&str],
) -> Vec<ClientHit> {
    let ix = ctx.ix;
    let mut out = Vec::new();
    for (fi, facts) in ix.facts.iter().enumerate() {
        let fi = fi as FileIdx;
        if facts.http_calls.is_empty() || crate::routing::is_routes_file(&ix.file(fi).path) {
            continue;
        }
        for (ci, c) in facts.http_calls.iter().enumerate() {
            if !(c.verb == "ANY" || verb == "ANY" || verb.split('|').any(|v| v == c.verb)) {
                continue;
            }
            // The client's base path (`base_uri`, `Faraday.new(url:)`,
            // `axios.create({ baseURL })`), in this module or, for an
            // imported instance, in the module that made it.
            let base = c.owner.as_ref().and_then(|o| {
                let here = (!c.base_elsewhere)
                    .then(|| facts.http_bases.iter().find(|(bo, _)| bo == o))
                    .flatten()
                    .map(|(_, b)| b.clone());
                here.or_else(|| ix.resolution.http_bases.get(&(fi, o.clone())).cloned())
            });
            // An import not named like a client is one only when it
            // resolves to a client instance.
            if c.imported_instance && base.is_none() {
                continue;
            }
            let relative = !(c.url.starts_with('/') || c.url.contains("://"));
            let (url, prefix_var) = match &base {
                Some(b) if !c.url.contains("://") && !c.prefix_var => {
                    let bp = segments(b).join("/");
                    (format!("/{bp}/{}", c.url.trim_start_matches('/')), false)
                }
                // A base set in another module that was not found.
                _ => (c.url.clone(), c.prefix_var || c.base_elsewhere || relative),
            };
            let exact = paths.iter().any(|p| paths_match(p, &url, false));
            let tail = !exact && prefix_var && paths.iter().any(|p| paths_match(p, &url, true));
            let planned_ok = planned.is_empty() || planned.iter().any(|p| paths_match(p, &url, tail));
            // A path without a host (`fetch("/api/...")`) goes to the server
            // that served the page: in a repo that serves a route of that
            // path itself, it is that route, not another repo's.
            let same_origin = base.is_none() && c.url.starts_with('/') && !prefix_var;
            // Likewise a client whose base is unknown (`get(`/users/${id}`)`
            // from `useApi()`) in a repo that serves a route ending with
            // that path (`/api/users/:userId`) calls its own server.
            let own_server = !serving.is_empty()
                && !serving.contains(&ix.file(fi).repo)
                && ((same_origin && serves_here(ctx, ix.file(fi).repo, &c.verb, &url, false))
                    || ((prefix_var || tail) && serves_here(ctx, ix.file(fi).repo, &c.verb, &url, true)));
            if (exact || tail)
                && planned_ok
                && !own_server
                && !closer_route_elsewhere(ctx, &c.verb, &url, paths, tail)
            {
                out.push(ClientHit {
                    file: fi,
                    call: ci as u32,
                    line: c.line,
                    strength: if prefix_var || tail {
                        "path-prefix-var"
                    } else {
                        "path"
                    },
                    prefix_var: prefix_var || tail,
                });
            }
        }
    }
    out
}

/// Where non-test code spells the path of one of `routes` in a string that
/// is no request (`FileFacts::url_mentions`), at most five, in file order.
/// A file that registers a route of the path itself is not counted (its
/// strings are the route's own), nor a path of placeholders only, nor a
/// path without a host in a repo that does not serve the route.
fn url_mentions(ctx: &Ctx, routes: &[&Route]) -> Vec<String> {
    let ix = ctx.ix;
    let paths: Vec<&str> = routes
        .iter()
        .filter(|r| {
            !is_glob(r)
                && segments(&r.path)
                    .iter()
                    .any(|s| !crate::routing::is_placeholder(s))
        })
        .map(|r| r.path.as_str())
        .collect();
    let mut out = Vec::new();
    if paths.is_empty() {
        return out;
    }
    let serving: BTreeSet<u32> = routes.iter().map(|r| ix.file(r.file).repo).collect();
    for (fi, facts) in ix.facts.iter().enumerate() {
        let fi = fi as FileIdx;
        if facts.url_mentions.is_empty()
            || ix.is_test(fi)
            || crate::routing::is_routes_file(&ix.file(fi).path)
        {
            continue;
        }
        for m in &facts.url_mentions {
            // A path that starts with a value (`/${slug}/users`) says too
            // little to be a route's.
            if segments(&m.url)
                .first()
                .is_none_or(|s| crate::routing::is_placeholder(s))
            {
                continue;
            }
            // A path without a host goes to the server of its own repo's
            // pages; a mount or prefix statement is routing, not a URL.
            let relative = !m.prefix_var && !m.url.contains("://");
            if (relative && !serving.contains(&ix.file(fi).repo))
                || facts.route_mounts.iter().any(|x| x.line == m.line)
                || facts.router_prefixes.iter().any(|x| x.line == m.line)
                || !paths
                    .iter()
                    .any(|p| paths_match(p, &m.url, false) || template_tail(p, &m.url))
            {
                continue;
            }
            let own = ix
                .routes
                .iter()
                .any(|r| r.file == fi && !is_glob(r) && paths_match(&r.path, &m.url, false));
            if own {
                continue;
            }
            let loc = ctx.loc(fi, m.line);
            if out.last() == Some(&loc) {
                continue;
            }
            out.push(loc);
            if out.len() == 5 {
                return out;
            }
        }
    }
    out
}

/// A path spelled as a URI template (`/envelope/{envelopeId}/download`,
/// OpenAPI's and Swagger's way): it documents an API relative to a base
/// URL declared elsewhere, so it may be the end of the route's path.
/// Such a path matches the end of a route's segment by segment: a
/// placeholder where the route has one, each literal as spelt.
fn template_tail(route: &str, url: &str) -> bool {
    let t = segments(url);
    let template = |s: &str| s.len() > 2 && s.starts_with('{') && s.ends_with('}') && !s.starts_with("{{");
    if !t.iter().any(|s| template(s)) || t.first().is_none_or(|s| template(s)) {
        return false;
    }
    crate::routing::expand_optional(route).iter().any(|r| {
        let r = segments(r);
        r.len() > t.len()
            && r[r.len() - t.len()..].iter().zip(&t).all(|(a, b)| {
                if template(b) {
                    crate::routing::is_placeholder(a)
                } else {
                    !crate::routing::is_placeholder(a) && a == b
                }
            })
    })
}

/// Does a route of `repo` (not a catch-all) serve `verb url` (`tail`: a
/// route whose path ends with `url`'s)?
fn serves_here(ctx: &Ctx, repo: u32, verb: &str, url: &str, tail: bool) -> bool {
    ctx.ix.routes.iter().any(|r| {
        ctx.ix.file(r.file).repo == repo
            && !is_glob(r)
            && (verb == "ANY" || r.verb == "ANY" || r.verb.split('|').any(|v| v == verb))
            && paths_match(&r.path, url, tail)
    })
}

/// Does another route of the workspace fit the request better: a client
/// placeholder where that route has one and the planned path a literal
/// (`GET articles/${slug}` is `/articles/:slug`, not `/articles/feed`), or
/// a client literal that route spells where the planned path has a
/// placeholder (`GET articles/feed` is not `/articles/:slug`)? Equally
/// aligned, a path matched at its end is the route it ends with after
/// literal segments only (`get(`/users/${id}`)` with an unknown base is
/// `/api/users/:userId`, not `/api/teams/:teamId/users/:userId`).
fn closer_route_elsewhere(ctx: &Ctx, verb: &str, url: &str, paths: &[&str], tail: bool) -> bool {
    let fit = |p: &str| {
        (
            crate::routing::placeholders_aligned(p, url),
            tail && crate::routing::literal_base(p, url),
        )
    };
    let ours = paths
        .iter()
        .filter(|p| paths_match(p, url, tail))
        .map(|p| fit(p))
        .max()
        .unwrap_or((0, false));
    ctx.ix.routes.iter().any(|r| {
        (verb == "ANY" || r.verb == "ANY" || r.verb.split('|').any(|v| v == verb))
            && !paths.contains(&r.path.as_str())
            && paths_match(&r.path, url, tail)
            && fit(&r.path) > ours
    })
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new(Kind::Route.as_str(), &m.name);
    f.payload = Some(crate::findings::Payload::default());
    let Ok(rn) = RouteName::parse(&m.name) else {
        // The plan validated the name; nothing to check otherwise.
        f.exists = None;
        return f;
    };
    let repo_of = |file: u32| ix.file(file).repo;
    let mut routes = matching(&rn, &ix.routes, repo_of);
    // A catch-all at the root (`match "*path", to: "errors#not_found"`)
    // matches every path of its app: alone, it is no route of a planned
    // path that has no glob of its own (it is a not-found page or a
    // client-side app's shell). A glob under a static prefix
    // (`files/*rest`, Next.js `docs/[...slug]`) is a route of its family.
    let catch_alls: Vec<&Route> =
        if !routes.is_empty() && !planned_glob(&rn.path) && routes.iter().all(|r| root_glob(r)) {
            std::mem::take(&mut routes)
        } else {
            Vec::new()
        };
    if let Some(repo) = &m.repo {
        let want = ctx.repo_index(repo);
        let (inside, outside): (Vec<&Route>, Vec<&Route>) =
            routes.iter().partition(|r| Some(repo_of(r.file)) == want);
        if inside.is_empty() && !outside.is_empty() {
            let at: Vec<String> = outside.iter().map(|r| ctx.loc(r.file, r.line)).collect();
            f.problem(
                Code::UnexpectedLocation,
                msg!(
                    "routed in {} but not in {} as the plan says",
                    Text::raw_list(&at, ", "),
                    Text::code(repo)
                ),
            );
        } else {
            routes = inside;
        }
    }
    f.exists = Some(!routes.is_empty());
    let route_locs: Vec<String> = routes.iter().map(|r| ctx.loc(r.file, r.line)).collect();
    for l in &route_locs {
        f.definitions.push(DefinitionEvidence {
            location: l.clone(),
            // A route has no visibility; its handler's is judged below.
            access: None,
        });
    }
    f.access_modifier = None;
    let mut layers = vec![Layer {
        layer: "route".to_string(),
        found: !routes.is_empty(),
        locations: route_locs.clone(),
        note: None,
    }];
    // Unreadable routing code in an app that could hold the route: the
    // repos of its routes, else the planned repo, else any.
    let holders: Vec<u32> = if !routes.is_empty() {
        routes.iter().map(|r| ix.file(r.file).repo).collect()
    } else {
        m.repo
            .as_deref()
            .and_then(|r| ctx.repo_index(r))
            .into_iter()
            .collect()
    };
    let unread = ctx.unread_routing(&holders);
    if routes.is_empty() {
        // The same path with another verb first, then routes that share a
        // static segment with the planned path.
        let statics = |p: &str| -> BTreeSet<String> {
            segments(p)
                .into_iter()
                .filter(|s| !crate::routing::is_placeholder(s))
                .map(str::to_string)
                .collect()
        };
        let planned = statics(&rn.path);
        let mut ranked: Vec<(u8, &Route)> = ix
            .routes
            .iter()
            .filter_map(|r| {
                if same_path(&r.path, &rn.path) {
                    Some((0, r))
                } else if statics(&r.path).iter().any(|s| {
                    planned.contains(s)
                        || planned
                            .iter()
                            .any(|p| crate::inflect::singularize(p) == crate::inflect::singularize(s))
                }) {
                    Some((if verb_serves(&r.verb, &rn.verb) { 1 } else { 2 }, r))
                } else {
                    None
                }
            })
            .collect();
        // Closest first: more planned segments the same, or the same but
        // for singular/plural (`/bookmarks` for `/bookmark`).
        let stem = |s: &str| crate::inflect::singularize(s);
        let planned_stems: BTreeSet<String> = planned.iter().map(|s| stem(s)).collect();
        let closeness = |r: &Route| -> usize {
            statics(&r.path)
                .iter()
                .filter(|s| planned.contains(*s) || planned_stems.contains(&stem(s)))
                .count()
        };
        ranked.sort_by_key(|(rank, r)| (*rank, std::cmp::Reverse(closeness(r))));
        let similar: Vec<Text> = ranked
            .iter()
            .take(5)
            .map(|(_, r)| {
                msg!(
                    "{} ({})",
                    Text::raw(format!("{} {}", r.verb, r.path)),
                    Text::raw(ctx.loc(r.file, r.line))
                )
            })
            .collect();
        let hint = if similar.is_empty() {
            Text::default()
        } else {
            msg!("; similar: {}", Text::join(similar, ", "))
        };
        // Clients that request the planned path all the same.
        let asked: Vec<String> = literal_requests(ctx, &rn, &[rn.path.as_str()])
            .into_iter()
            .filter(|(fi, _, _)| !ix.is_test(*fi))
            .map(|(fi, line, _)| ctx.loc(fi, line))
            .collect();
        let asked = if asked.is_empty() {
            Text::default()
        } else {
            msg!(" but {} requests it", Text::raw_list(&asked, ", "))
        };
        f.problem(
            Code::MissingLayer,
            msg!(
                "route: no route serves {}{}{}",
                Text::raw(format!("{} {}", rn.verb, rn.path)),
                asked,
                hint
            ),
        );
        if !unread.is_empty() {
            f.confidence = Confidence::Low;
            f.verify.push(msg!(
                "routing code seamscan cannot read: {}",
                Text::raw_list(&unread, "; ")
            ));
        }
        if !catch_alls.is_empty() {
            let at: Vec<String> = catch_alls
                .iter()
                .map(|r| format!("{} {} ({})", r.verb, r.path, ctx.loc(r.file, r.line)))
                .collect();
            f.confidence = Confidence::Low;
            f.extra_notes.push(msg!(
                "only a catch-all route matches {}: {}; it serves every path (a not-found page or a client-side app), so whether it handles this one is not known",
                Text::raw(format!("{} {}", rn.verb, rn.path)),
                Text::raw_list(&at, ", ")
            ));
        }
    }
    // The handler layer.
    let mut handler_locs = Vec::new();
    let mut handler_notes = Vec::new();
    let mut handler_ok = !routes.is_empty();
    for r in &routes {
        match handler(ctx, r) {
            Handler::Method(loc) => handler_locs.push(loc),
            Handler::View(loc) => {
                handler_notes.push(format!(
                    "`{}` has no method: Rails renders its view implicitly",
                    r.target.display()
                ));
                handler_locs.push(loc);
            }
            Handler::Other(what) => {
                handler_notes.push(format!("the route leads to {what}"));
                handler_locs.push(ctx.loc(r.file, r.line));
            }
            Handler::Hidden(loc, access, owner) => {
                handler_ok = false;
                f.problem(
                    Code::MissingLayer,
                    msg!(
                        "handler: {} is {} in {} ({}), so Rails will not route to it",
                        Text::code(r.target.display()),
                        Text::ours(access.as_str()),
                        Text::raw(owner),
                        Text::raw(loc)
                    ),
                );
            }
            Handler::NoController(class) => {
                handler_ok = false;
                f.problem(
                    Code::MissingLayer,
                    msg!(
                        "handler: no {} for the route at {} ({})",
                        Text::code(class),
                        Text::raw(ctx.loc(r.file, r.line)),
                        Text::code(r.target.display())
                    ),
                );
            }
            Handler::NoAction(class) => {
                handler_ok = false;
                let Target::Action { action, controller } = &r.target else {
                    continue;
                };
                f.problem(
                    Code::MissingLayer,
                    msg!(
                        "handler: {} has no public {} and there is no {} template (route at {})",
                        Text::raw(class),
                        Text::code(action),
                        Text::raw(format!("app/views/{controller}/{action}")),
                        Text::raw(ctx.loc(r.file, r.line))
                    ),
                );
            }
        }
    }
    layers.push(Layer {
        layer: "handler".to_string(),
        found: handler_ok,
        locations: handler_locs,
        note: (!handler_notes.is_empty()).then(|| {
            let mut n = handler_notes;
            n.sort();
            n.dedup();
            n.join("; ")
        }),
    });
    f.layers = Some(layers);
    super::env::wire(ctx, &m.env, &mut f);
    if routes.is_empty() {
        return f;
    }
    // Callers.
    let mut low_strength = false;
    let add = |f: &mut Finding, fi: FileIdx, line: u32, strength: &str| {
        let loc = ctx.loc(fi, line);
        let test = ix.is_test(fi);
        if test {
            f.test_callers.push(loc.clone());
        } else {
            f.callers_found.push(loc.clone());
        }
        f.caller_matches.push(CallerMatch {
            location: loc,
            strength: strength.to_string(),
            test,
        });
    };
    // Helpers whose verb the code does not show, for a route other than
    // GET: no evidence of a request (see below).
    let mut unseen: Vec<String> = Vec::new();
    // Rails helpers, in the app's repo (helpers exist only there).
    let mut names = BTreeSet::new();
    // A route that serves the planned path only through a placeholder
    // (`/rooms/:id` for `GET /rooms/closeds`): its helpers (`room_url(room)`)
    // request a record's path, not the planned one.
    for r in routes
        .iter()
        .filter(|r| !crate::routing::fills_literal(&r.path, &rn.path))
    {
        for n in helper_names(r, &ix.routes, repo_of) {
            names.insert((n, repo_of(r.file)));
        }
    }
    // The helper of a route declared with the planned path itself, even
    // when an earlier placeholder route serves it (`rooms_closeds_path`
    // requests `/rooms/closeds`, whichever route Rails picks).
    let served: BTreeSet<u32> = routes.iter().map(|r| repo_of(r.file)).collect();
    for o in &ix.routes {
        if let Some(n) = &o.name
            && served.contains(&repo_of(o.file))
            && crate::routing::same_path(&o.path, &rn.path)
        {
            names.insert((n.clone(), repo_of(o.file)));
        }
    }
    for (name, repo) in &names {
        for (fi, i) in ix
            .path_helpers_by_route
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if ix.file(*fi).repo != *repo || crate::routing::is_routes_file(&ix.file(*fi).path) {
                continue;
            }
            let facts = &ix.facts[*fi as usize];
            let h = &facts.path_helpers[*i as usize];
            // Rails gives route helpers to controllers, views, helpers,
            // mailers and tests: in a model, job, service or lib file a
            // bare `feed_url` is an attribute or a method of its own.
            if !facts.url_helpers && !ix.is_test(*fi) && !helpers_live_in(&ix.file(*fi).path) {
                continue;
            }
            // A method of the file's own named like a helper (`def
            // event_url` in an agent) is that method, not a route's helper.
            if facts.defs.iter().any(|d| {
                d.name
                    .strip_suffix("_url")
                    .or_else(|| d.name.strip_suffix("_path"))
                    == Some(h.route.as_str())
            }) {
                continue;
            }
            // One routes statement that serves the helper's verb too (Rails'
            // `resources`/`resource` update is PATCH and PUT): a request of
            // either reaches the same action.
            let same_statement = |v: &str| {
                routes.iter().any(|r| {
                    ix.routes.iter().any(|o| {
                        o.file == r.file
                            && o.line == r.line
                            && o.path == r.path
                            && o.target == r.target
                            && verb_serves(&o.verb, v)
                    })
                })
            };
            match &h.verb {
                Some(v) if v == &rn.verb || rn.verb == "ANY" || same_statement(v) => {
                    add(&mut f, *fi, h.line, "helper")
                }
                Some(_) => {}
                None => {
                    // The same helper on this line with a verb said it all.
                    let told = facts
                        .path_helpers
                        .iter()
                        .any(|o| o.line == h.line && o.route == h.route && o.verb.is_some());
                    if told {
                    } else if rn.verb == "GET" || rn.verb == "ANY" {
                        add(&mut f, *fi, h.line, "helper-any-verb");
                    } else if !ix.is_test(*fi) {
                        unseen.push(ctx.loc(*fi, h.line));
                    }
                }
            }
        }
    }
    // Literal paths in HTTP clients, link_to and request specs.
    let hits = client_calls(ctx, &routes, &rn.verb, &[rn.path.as_str()]);
    for h in &hits {
        add(&mut f, h.file, h.line, h.strength);
        low_strength |= h.prefix_var;
    }
    let payload = super::payload::check(ctx, &routes, &hits, &BTreeSet::new(), &mut f);
    f.payload = Some(payload);
    super::effects::outbound_for_routes(ctx, &routes, &mut f);
    f.finish();
    // A helper whose verb the code does not show (`return_to:
    // proposal_path(p)`, a `data-` attribute, `redirect_to` of a value) is
    // most likely a GET: for a route other than GET it is no caller, only
    // a hint that one may hide there.
    unseen.sort();
    unseen.dedup();
    unseen.retain(|l| !f.callers_found.contains(l));
    if !unseen.is_empty() {
        if f.callers_found.is_empty() {
            f.low_confidence(msg!(
                "path helpers of {} appear only where the code does not show the verb (a link or redirect would be a GET): {}",
                Text::raw(format!("{} {}", rn.verb, rn.path)),
                Text::raw_list(&unseen, ", ")
            ));
        } else {
            f.extra_notes.push(msg!(
                "path helpers whose verb the code does not show are not counted as callers of {}: {}",
                Text::raw(format!("{} {}", rn.verb, rn.path)),
                Text::raw_list(&unseen, ", ")
            ));
        }
    }
    if low_strength {
        f.verify.push(
            "callers matched with a URL prefix held in a variable or env var (path-prefix-var): check that it points at this app"
                .into(),
        );
    }
    // no-callers / test-only-callers / missing-expected-caller.
    if f.callers_found.is_empty() {
        if f.test_callers.is_empty() {
            f.problem(
                Code::NoCallers,
                msg!(
                    "nothing in the workspace requests {} (no path helper, client or form)",
                    Text::raw(format!("{} {}", rn.verb, rn.path))
                ),
            );
            f.verify.push(
                "callers outside the scanned repos (mobile apps, other services, JavaScript built elsewhere)"
                    .into(),
            );
            // A webhook or callback endpoint is called by an outside
            // service (Stripe, Intercom, an OAuth provider), not the
            // scanned code.
            if segments(&rn.path).iter().any(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("webhook") || matches!(s.as_str(), "callback" | "callbacks" | "hooks" | "hook")
            }) {
                f.low_confidence(msg!(
                    "{} is named like a webhook or callback endpoint, which a service outside the scanned repos calls",
                    Text::raw(&rn.path)
                ));
            }
            // Its URL spelled outside any request: a link, a form, a
            // redirect, a URL handed to a browser or another service.
            let spelled = url_mentions(ctx, &routes);
            if !spelled.is_empty() {
                f.low_confidence(msg!(
                    "the workspace spells its URL outside any request at {}: a link, form, redirect or URL handed out, which a browser or another service requests from outside the code; whether one does is not known",
                    Text::raw_list(&spelled, ", ")
                ));
            }
            // A namespace of several routes none of which anything in the
            // workspace requests (feedbin's `/v2` API for mobile apps, an
            // MCP endpoint): its clients are outside the scanned repos.
            // Not when the plan names the repos that should request it.
            if m.callers.is_empty() && f.confidence != Confidence::Low {
                let spaces: Vec<(String, Vec<&Route>)> = routes
                    .iter()
                    .filter_map(|r| namespace_routes(r, &ix.routes, repo_of))
                    .collect();
                let distinct = |sibs: &[&Route]| {
                    sibs.iter()
                        .map(|r| (r.verb.as_str(), r.path.as_str()))
                        .collect::<BTreeSet<_>>()
                        .len()
                };
                if spaces.len() == routes.len()
                    && spaces
                        .iter()
                        .all(|(_, sibs)| distinct(sibs) >= 3 && !any_requested(ctx, sibs))
                {
                    let (ns, sibs) = &spaces[0];
                    f.low_confidence(msg!(
                        "nothing in the workspace requests any of the {} routes under {} either: their clients, if any, are outside the scanned repos (a mobile app, another service); if they should be in these repos, none is wired",
                        Text::raw(distinct(sibs).to_string()),
                        Text::raw(format!("/{ns}"))
                    ));
                }
            }
            // A Next.js route group for old URLs (`app/(redirects)/...`,
            // `app/(legacy)/...`): bookmarks and old links request them.
            let shims: Vec<String> = routes
                .iter()
                .filter(|r| {
                    ix.file(r.file).path.split('/').any(|d| {
                        let d = d.to_ascii_lowercase();
                        d.starts_with('(')
                            && d.ends_with(')')
                            && (d.contains("redirect") || d.contains("legacy"))
                    })
                })
                .map(|r| ctx.loc(r.file, r.line))
                .collect();
            if !shims.is_empty() {
                f.low_confidence(msg!(
                    "{} is served from a route group for old URLs ({}), which bookmarks and links outside the scanned repos request",
                    Text::raw(&rn.path),
                    Text::raw_list(&shims, ", ")
                ));
            }
        } else {
            f.problem(
                Code::TestOnlyCallers,
                msg!("only tests request it: {}", Text::raw_list(&f.test_callers, ", ")),
            );
            // Its URL documented or handed out outside any request (an
            // OpenAPI operation's path, a link): clients outside the code.
            let spelled = url_mentions(ctx, &routes);
            if !spelled.is_empty() {
                f.low_confidence(msg!(
                    "the workspace spells its URL outside any request at {}: an API description, link, redirect or URL handed out, which a client outside the code requests; whether one does is not known",
                    Text::raw_list(&spelled, ", ")
                ));
            }
        }
    }
    for repo in &m.callers {
        let ri = ctx.repo_index(repo);
        let calls = f.caller_matches.iter().any(|c| {
            !c.test && ri.is_some_and(|ri| c.location.starts_with(&format!("{}/", ix.repos[ri as usize])))
        });
        if !calls {
            f.problem(
                Code::MissingExpectedCaller,
                msg!(
                    "{} never requests {}",
                    Text::code(repo),
                    Text::raw(format!("{} {}", rn.verb, rn.path))
                ),
            );
        }
    }
    if !unread.is_empty() && f.callers_found.is_empty() {
        f.confidence = Confidence::Low;
    }
    f
}
