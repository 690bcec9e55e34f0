//! The route table of the TypeScript/JavaScript servers of a workspace,
//! once per audit, from the per-file server facts: each route's full path
//! follows the mounts that reach its router or plugin (`app.use('/api',
//! router)` with `router` imported from another module, Fastify's
//! `register(plugin, { prefix })`, Hono's `app.route('/api', sub)`, Koa
//! router prefixes, NestJS `setGlobalPrefix`), and its handler is found
//! where it is defined (in the module or through its import). Next.js
//! routes come from file paths (`app/**/route.ts` exporting `GET`...,
//! `pages/api/**`).
//!
//! Mount chains are followed with a visited set and a hop bound; a router
//! mounted nowhere serves its routes at the root.

use super::resolve::{Resolver, is_script};
use super::{FileFacts, FileIdx, FileMeta, Framework, Imported, MountChild};
use crate::routing::{Route, Target};
use std::collections::{BTreeMap, BTreeSet};

/// Mount chains longer than this are cut.
const MAX_MOUNT_DEPTH: usize = 16;
/// At most this many prefixes per router (one per mount path to it).
const MAX_PREFIXES: usize = 16;

/// A router or plugin: the module and the binding it is known by there.
type Node = (FileIdx, String);

/// The HTTP verbs a Next.js route module may export.
const NEXT_VERBS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Every TypeScript/JavaScript route of the workspace, in file order.
pub fn routes(files: &[FileMeta], facts: &[FileFacts]) -> Vec<Route> {
    if !files
        .iter()
        .zip(facts)
        .any(|(m, f)| is_script(m) && (!f.server_routes.is_empty() || next_route(&m.path).is_some()))
    {
        return Vec::new();
    }
    let r = Resolver::new(files, facts);
    // Mounts by the node they attach: (parent node, prefix).
    let mut parents: BTreeMap<Node, Vec<(Node, String)>> = BTreeMap::new();
    for (gi, (m, ff)) in files.iter().zip(facts).enumerate() {
        if !is_script(m) {
            continue;
        }
        let g = gi as FileIdx;
        for mt in &ff.route_mounts {
            let Some(on) = mt.plugin.clone().or_else(|| mt.on.clone()) else {
                continue;
            };
            let child = match &mt.child {
                MountChild::Binding(c) => binding_node(&r, ff, g, c),
                MountChild::Module(spec) => r
                    .resolve(g, spec)
                    .and_then(|t| r.export(t, "default"))
                    .or_else(|| r.resolve(g, spec).map(|t| (t, "default".to_string()))),
            };
            if let Some(child) = child
                && child != (g, on.clone())
            {
                parents
                    .entry(child)
                    .or_default()
                    .push(((g, on), mt.prefix.clone()));
            }
        }
    }
    // Own prefixes (Koa `new Router({prefix})`, Hono `basePath`).
    let mut own: BTreeMap<Node, String> = BTreeMap::new();
    // Global prefixes of NestJS apps, by repo.
    let mut global: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    // URI versioning of NestJS apps, by repo: (prefix, default version).
    let mut versioning: BTreeMap<u32, (String, Option<String>)> = BTreeMap::new();
    for (fi, (m, ff)) in files.iter().zip(facts).enumerate() {
        for p in &ff.router_prefixes {
            own.entry((fi as FileIdx, p.router.clone()))
                .or_insert_with(|| p.prefix.clone());
        }
        if let Some(v) = ff.uri_versioning.first() {
            versioning.entry(m.repo).or_insert_with(|| v.clone());
        }
        for (p, _) in &ff.global_prefixes {
            let v = global.entry(m.repo).or_default();
            if !v.contains(p) {
                v.push(p.clone());
            }
        }
    }
    let mut memo: BTreeMap<Node, Vec<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for (fi, (m, ff)) in files.iter().zip(facts).enumerate() {
        if !is_script(m) {
            continue;
        }
        let f = fi as FileIdx;
        // In line order (a chain's calls are visited outermost first).
        let mut in_order: Vec<&super::ServerRoute> = ff.server_routes.iter().collect();
        in_order.sort_by_key(|r| r.line);
        for sr in in_order {
            let prefixes: Vec<String> = match (&sr.plugin, &sr.on) {
                (_, None) => {
                    let globals = global
                        .get(&m.repo)
                        .cloned()
                        .unwrap_or_else(|| vec![String::new()]);
                    // `/{global prefix}/v{version}/{controller}/{path}`.
                    match versioning.get(&m.repo) {
                        Some((vp, default)) => match sr.version.as_ref().or(default.as_ref()) {
                            Some(v) => globals.iter().map(|g| join(g, &format!("{vp}{v}"))).collect(),
                            None => globals,
                        },
                        None => globals,
                    }
                }
                (plugin, Some(on)) => {
                    let node = (f, plugin.clone().unwrap_or_else(|| on.clone()));
                    let mut p = prefixes_of(&node, &parents, &own, &mut memo, &mut BTreeSet::new(), 0);
                    // A plugin's own router binding may carry a prefix too.
                    if plugin.is_some()
                        && let Some(o) = own.get(&(f, on.clone()))
                    {
                        p = p.iter().map(|x| join(x, o)).collect();
                    }
                    p
                }
            };
            let (hf, hl) = handler_at(
                &r,
                ff,
                f,
                sr.handler.as_deref(),
                sr.handler_line,
                sr.class.is_some(),
            );
            let mut seen = BTreeSet::new();
            for p in prefixes {
                let path = join(&p, &sr.path);
                if !seen.insert(path.clone()) {
                    continue;
                }
                out.push(Route {
                    verb: sr.verb.clone(),
                    path,
                    target: Target::Code {
                        framework: sr.framework,
                        name: sr.handler.as_ref().map(|h| match &sr.class {
                            Some(c) => format!("{c}#{h}"),
                            None => h.clone(),
                        }),
                        file: hf,
                        line: hl,
                    },
                    name: None,
                    file: f,
                    line: sr.line,
                });
            }
        }
        // Next.js file routes.
        if let Some((path, api)) = next_route(&m.path) {
            let verbs: Vec<(&str, u32, &str)> = if api {
                ff.exports
                    .iter()
                    .filter(|e| e.name == "default")
                    .map(|e| ("ANY", e.line, "default"))
                    .take(1)
                    .collect()
            } else {
                // Re-exports count too (`export { GET, POST } from
                // '@/auth'`, NextAuth's handlers).
                ff.exports
                    .iter()
                    .filter(|e| NEXT_VERBS.contains(&e.name.as_str()))
                    .map(|e| (e.name.as_str(), e.line, e.name.as_str()))
                    .collect()
            };
            for (verb, line, name) in verbs {
                // A re-exported handler is where its module defines it,
                // when that is a function; else the export line.
                let (hf, hl) = match r.export(f, name) {
                    Some((t, real)) if t != f => r
                        .facts_of(t)
                        .defs
                        .iter()
                        .filter(|d| d.name == real && d.owner.is_none())
                        .map(|d| d.line)
                        .min()
                        .map_or((f, line), |l| (t, l)),
                    _ => (f, line),
                };
                out.push(Route {
                    verb: verb.to_string(),
                    path: path.clone(),
                    target: Target::Code {
                        framework: Framework::Next,
                        name: Some(name.to_string()),
                        file: hf,
                        line: hl,
                    },
                    name: None,
                    file: f,
                    line,
                });
            }
        }
    }
    out
}

/// The node a binding of module `g` stands for: an import's definition,
/// or the binding itself.
fn binding_node(r: &Resolver, ff: &FileFacts, g: FileIdx, name: &str) -> Option<Node> {
    match ff.imports.iter().find(|i| i.local == name) {
        Some(imp) => {
            let exported = match &imp.imported {
                Imported::Name(n) => n.as_str(),
                Imported::Default => "default",
                Imported::Namespace => return None,
            };
            let t = r.resolve(g, &imp.from)?;
            r.export(t, exported)
        }
        None => Some((g, name.to_string())),
    }
}

/// The prefixes under which a router's routes are served: each mount path
/// to it, then its own prefix; the root when it is mounted nowhere.
fn prefixes_of(
    node: &Node,
    parents: &BTreeMap<Node, Vec<(Node, String)>>,
    own: &BTreeMap<Node, String>,
    memo: &mut BTreeMap<Node, Vec<String>>,
    visiting: &mut BTreeSet<Node>,
    depth: usize,
) -> Vec<String> {
    if let Some(p) = memo.get(node) {
        return p.clone();
    }
    let own_prefix = own.get(node).map(String::as_str).unwrap_or("");
    let mut out: Vec<String> = Vec::new();
    match parents.get(node) {
        Some(ps) if depth < MAX_MOUNT_DEPTH && visiting.insert(node.clone()) => {
            for (parent, prefix) in ps {
                for pp in prefixes_of(parent, parents, own, memo, visiting, depth + 1) {
                    let p = join(&join(&pp, prefix), own_prefix);
                    if out.len() < MAX_PREFIXES && !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
            visiting.remove(node);
        }
        _ => {}
    }
    if out.is_empty() {
        out.push(join("", own_prefix));
    }
    if depth == 0 {
        memo.insert(node.clone(), out.clone());
    }
    out
}

/// `/api` + `/users` → `/api/users`; the root is `/`.
fn join(prefix: &str, path: &str) -> String {
    crate::lang::ts_http::join_paths(prefix, path)
}

/// Where a route's handler is defined: a function of the module, an
/// imported function (or a method of an imported controller object), or
/// the handler argument itself.
fn handler_at(
    r: &Resolver,
    ff: &FileFacts,
    f: FileIdx,
    handler: Option<&str>,
    at: u32,
    method: bool,
) -> (FileIdx, u32) {
    let Some(h) = handler else { return (f, at) };
    if method {
        return (f, at);
    }
    let facts = |t: FileIdx| -> &FileFacts { r.facts_of(t) };
    let def_line = |t: FileIdx, name: &str, member: bool| -> Option<u32> {
        facts(t)
            .defs
            .iter()
            .filter(|d| d.name == name && (member || d.owner.is_none()))
            .map(|d| d.line)
            .min()
    };
    let (obj, name) = match h.split_once('.') {
        Some((o, n)) => (Some(o), n),
        None => (None, h),
    };
    match obj {
        None => {
            if let Some(l) = def_line(f, name, false) {
                return (f, l);
            }
            if let Some((t, real)) = binding_node(r, ff, f, name).filter(|(t, _)| *t != f)
                && let Some(l) = def_line(t, &real, false).or_else(|| def_line(t, &real, true))
            {
                return (t, l);
            }
        }
        Some("this") => {
            if let Some(l) = def_line(f, name, true) {
                return (f, l);
            }
        }
        Some(o) => {
            // `ctrl.list` with `ctrl` imported (a namespace, an object of
            // functions or a controller instance): `list` in that module.
            if let Some(imp) = ff.imports.iter().find(|i| i.local == o)
                && let Some(t) = r.resolve(f, &imp.from)
            {
                let target = match &imp.imported {
                    Imported::Namespace => Some(t),
                    Imported::Default => r.export(t, "default").map(|(t, _)| t),
                    Imported::Name(n) => r.export(t, n).map(|(t, _)| t),
                };
                if let Some(t) = target
                    && let Some(l) = def_line(t, name, true)
                {
                    return (t, l);
                }
            } else if let Some(l) = def_line(f, name, true) {
                return (f, l);
            }
        }
    }
    (f, at)
}

/// A Next.js route file: (route path, whether it is a `pages/api` file
/// whose default export serves every verb).
pub fn next_route(path: &str) -> Option<(String, bool)> {
    let (stem, ext) = path.rsplit_once('.')?;
    if !matches!(ext, "ts" | "tsx" | "js" | "jsx" | "mjs") {
        return None;
    }
    let parts: Vec<&str> = stem.split('/').collect();
    let root = |name: &str| -> Option<usize> {
        // `app/` or `src/app/` at the repo's root or a package's (`apps/web/app`).
        parts.iter().position(|p| *p == name).filter(|&i| {
            i == 0
                || parts[i - 1] == "src"
                || parts
                    .get(i.wrapping_sub(2))
                    .is_some_and(|q| *q == "apps" || *q == "packages")
        })
    };
    let mut segs: Vec<String> = Vec::new();
    let api;
    if let Some(i) = root("pages").filter(|&i| parts.get(i + 1) == Some(&"api")) {
        let rest = &parts[i + 1..];
        if rest.iter().any(|p| p.starts_with('_')) {
            return None;
        }
        for (k, p) in rest.iter().enumerate() {
            if k + 1 == rest.len() && *p == "index" {
                continue;
            }
            segs.push(next_segment(p)?);
        }
        api = true;
    } else if parts.last() == Some(&"route")
        && let Some(i) = root("app")
    {
        for p in &parts[i + 1..parts.len() - 1] {
            if p.starts_with('(') && p.ends_with(')') || p.starts_with('@') {
                continue;
            }
            segs.push(next_segment(p)?);
        }
        api = false;
    } else {
        return None;
    }
    let mut out = String::new();
    for s in &segs {
        if s.starts_with('(') {
            out.push_str(s);
        } else {
            out.push('/');
            out.push_str(s);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    Some((out, api))
}

/// `[id]` → `:id`, `[...slug]` → `*slug`, `[[...slug]]` → `(/*slug)`.
fn next_segment(p: &str) -> Option<String> {
    if let Some(inner) = p.strip_prefix("[[...").and_then(|s| s.strip_suffix("]]")) {
        return Some(format!("(/*{inner})"));
    }
    if let Some(inner) = p.strip_prefix("[...").and_then(|s| s.strip_suffix(']')) {
        return Some(format!("*{inner}"));
    }
    if let Some(inner) = p.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return Some(format!(":{inner}"));
    }
    (!p.is_empty()).then(|| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route table of a one-repo workspace of (path, text) files, as
    /// `VERB /path route-file:line -> handler-file:line`.
    fn table(files: &[(&str, &str)]) -> Vec<String> {
        let (metas, facts) = crate::facts::resolve::tests::ws(files);
        let mut out: Vec<String> = routes(&metas, &facts)
            .iter()
            .map(|r| {
                let Target::Code { file, line, .. } = &r.target else {
                    unreachable!()
                };
                format!(
                    "{} {} {}:{} -> {}:{}",
                    r.verb, r.path, metas[r.file as usize].path, r.line, metas[*file as usize].path, line
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn express_routers_mounted_across_modules() {
        let t = table(&[
            (
                "src/app.ts",
                "import express from 'express';\nimport users from './routes/users';\nconst api = express.Router();\napi.use('/users', users);\nconst app = express();\napp.use('/api', api);\napp.get('/health', (req, res) => res.send('ok'));\n",
            ),
            (
                "src/routes/users.ts",
                "import { Router } from 'express';\nimport * as ctrl from '../controllers/users';\nconst router = Router();\nrouter.get('/', ctrl.list);\nrouter.route('/:id')\n  .get(ctrl.show)\n  .delete(asyncHandler(remove));\nfunction remove(req, res) {}\nexport default router;\n",
            ),
            (
                "src/controllers/users.ts",
                "export function list(req, res) {}\n\nexport const show = async (req, res) => {};\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "DELETE /api/users/:id src/routes/users.ts:7 -> src/routes/users.ts:8",
                "GET /api/users src/routes/users.ts:4 -> src/controllers/users.ts:1",
                "GET /api/users/:id src/routes/users.ts:6 -> src/controllers/users.ts:3",
                "GET /health src/app.ts:7 -> src/app.ts:7",
            ]
        );
    }

    #[test]
    fn commonjs_routers_and_route_functions_handed_the_app() {
        let t = table(&[
            (
                "server.js",
                "const express = require('express');\nconst app = express();\napp.use('/v1/orders', require('./orders'));\nrequire('./admin')(app);\n",
            ),
            (
                "orders.js",
                "const router = require('express').Router();\nrouter.post('/', function create(req, res) {});\nmodule.exports = router;\n",
            ),
            (
                "admin.js",
                "module.exports = function (app) {\n  app.delete('/admin/cache', (req, res) => {});\n};\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "DELETE /admin/cache admin.js:2 -> admin.js:2",
                "POST /v1/orders orders.js:2 -> orders.js:2",
            ]
        );
    }

    #[test]
    fn routers_built_by_chains_and_exported_anonymously() {
        // node-express-realworld-example-app's layout.
        let t = table(&[
            (
                "src/app/routes/routes.ts",
                "import { Router } from 'express';\nimport tags from './tag/tag.controller';\nconst api = Router()\n  .use(tags);\n\nexport default Router().use('/api', api);\n",
            ),
            (
                "src/app/routes/tag/tag.controller.ts",
                "import { Router } from 'express';\nconst router = Router();\nrouter.get('/tags', async (req, res) => {});\nexport default router;\n",
            ),
            (
                "src/main.ts",
                "import express from 'express';\nimport routes from './app/routes/routes';\nconst app = express();\napp.use(routes);\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "GET /api/tags src/app/routes/tag/tag.controller.ts:3 -> src/app/routes/tag/tag.controller.ts:3"
            ]
        );
    }

    #[test]
    fn clients_and_maps_are_not_routes() {
        let t = table(&[(
            "src/client.ts",
            "import axios from 'axios';\nconst api = axios.create({ baseURL: '/api' });\napi.get('/users', config);\naxios.post('/orders', body);\ncache.get('/x');\nconst m = new Map();\nm.get('/users', x);\nfetch('/users', { method: 'POST' });\n",
        )]);
        assert!(t.is_empty(), "{t:?}");
    }

    #[test]
    fn koa_router_prefixes_and_nesting() {
        let t = table(&[
            (
                "src/index.ts",
                "import Koa from 'koa';\nimport Router from '@koa/router';\nimport items from './items';\nconst app = new Koa();\nconst api = new Router({ prefix: '/api' });\napi.use('/shop', items.routes(), items.allowedMethods());\napp.use(api.routes());\n",
            ),
            (
                "src/items.ts",
                "import Router from '@koa/router';\nconst router = new Router();\nrouter.get('item', '/items/:id', async (ctx) => {});\nrouter.prefix('/v2');\nexport default router;\n",
            ),
        ]);
        assert_eq!(t, ["GET /api/shop/v2/items/:id src/items.ts:3 -> src/items.ts:3"]);
    }

    #[test]
    fn fastify_routes_and_plugins_registered_with_a_prefix() {
        let t = table(&[
            (
                "src/server.ts",
                "import Fastify from 'fastify';\nimport notes from './notes';\nconst fastify = Fastify();\nfastify.register(notes, { prefix: '/notes' });\nfastify.route({\n  method: ['GET', 'HEAD'],\n  url: '/status',\n  handler: status,\n});\nasync function status() {}\n",
            ),
            (
                "src/notes.ts",
                "import { FastifyInstance } from 'fastify';\nexport default async function (fastify: FastifyInstance) {\n  fastify.get('/:id', async (req) => {});\n  fastify.post('/', { schema }, create);\n}\nasync function create() {}\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "GET /notes/:id src/notes.ts:3 -> src/notes.ts:3",
                "GET /status src/server.ts:5 -> src/server.ts:10",
                "HEAD /status src/server.ts:5 -> src/server.ts:10",
                "POST /notes src/notes.ts:4 -> src/notes.ts:6",
            ]
        );
    }

    /// fastify-realworld-example-app: `path: options.prefix + 'articles'`
    /// (the prefix from config), also as a template; the prefix is one
    /// placeholder segment named after the variable.
    #[test]
    fn route_paths_behind_a_prefix_variable() {
        let t = table(&[(
            "lib/routes/articles/index.js",
            "async function articles (server, options) {\n  server.route({\n    method: 'GET',\n    path: options.prefix + 'articles/:slug',\n    handler: onGet\n  })\n  async function onGet (req) {}\n  server.get(`${options.prefix}/tags`, async () => {})\n  server.get(prefix + base, async () => {})\n}\nmodule.exports = articles\n",
        )]);
        assert_eq!(
            t,
            [
                "GET /:prefix/articles/:slug lib/routes/articles/index.js:2 -> lib/routes/articles/index.js:7",
                "GET /:prefix/tags lib/routes/articles/index.js:8 -> lib/routes/articles/index.js:8",
            ]
        );
    }

    #[test]
    fn hono_sub_apps_and_base_paths() {
        let t = table(&[
            (
                "src/index.ts",
                "import { Hono } from 'hono';\nimport { books } from './books';\nconst app = new Hono().basePath('/api');\napp.route('/books', books);\nexport default app;\n",
            ),
            (
                "src/books.ts",
                "import { Hono } from 'hono';\nexport const books = new Hono();\nbooks.get('/', (c) => c.json([])).post('/', (c) => c.json({}));\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "GET /api/books src/books.ts:3 -> src/books.ts:3",
                "POST /api/books src/books.ts:3 -> src/books.ts:3",
            ]
        );
    }

    #[test]
    fn nest_global_prefix_held_in_a_constant() {
        let t = table(&[
            (
                "src/main.ts",
                "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  const globalPrefix = \"api\";\n  app.setGlobalPrefix(globalPrefix);\n}\n",
            ),
            (
                "src/auth.controller.ts",
                "@Controller('auth')\nexport class AuthController {\n  @Post('login')\n  login() {}\n}\n",
            ),
        ]);
        assert_eq!(
            t,
            ["POST /api/auth/login src/auth.controller.ts:3 -> src/auth.controller.ts:4"]
        );
    }

    #[test]
    fn nest_controllers_with_a_global_prefix() {
        let t = table(&[
            (
                "src/main.ts",
                "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix('v1');\n}\n",
            ),
            (
                "src/teams/teams.controller.ts",
                "@Controller('teams')\nexport class TeamsController {\n  @Get()\n  list() {}\n\n  @Post(':id/members')\n  @HttpCode(201)\n  addMember(@Param('id') id: string) {}\n\n  helper() {}\n}\n",
            ),
            (
                "src/health.controller.ts",
                "@Controller({ path: 'health' })\nexport class HealthController {\n  @Get(['live', 'ready'])\n  check() {}\n}\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "GET /v1/health/live src/health.controller.ts:3 -> src/health.controller.ts:4",
                "GET /v1/health/ready src/health.controller.ts:3 -> src/health.controller.ts:4",
                "GET /v1/teams src/teams/teams.controller.ts:3 -> src/teams/teams.controller.ts:4",
                "POST /v1/teams/:id/members src/teams/teams.controller.ts:6 -> src/teams/teams.controller.ts:8",
            ]
        );
        assert!(
            t.iter()
                .all(|l| l.starts_with("GET /v1/") || l.starts_with("POST /v1/")),
            "{t:?}"
        );
        // URI versioning: the controller's or the method's version after the
        // global prefix.
        let t = table(&[
            (
                "src/main.ts",
                "const app = await NestFactory.create(AppModule);\napp.setGlobalPrefix('api');\napp.enableVersioning({ type: VersioningType.URI });\n",
            ),
            (
                "src/auth.controller.ts",
                "@Controller({ path: 'auth', version: '1' })\nexport class AuthController {\n  @Post('login')\n  login() {}\n\n  @Version('2')\n  @Get('me')\n  me() {}\n}\n",
            ),
            (
                "src/ping.controller.ts",
                "@Controller('ping')\nexport class PingController {\n  @Get()\n  ping() {}\n}\n",
            ),
        ]);
        assert_eq!(
            t,
            [
                "GET /api/ping src/ping.controller.ts:3 -> src/ping.controller.ts:4",
                "GET /api/v2/auth/me src/auth.controller.ts:7 -> src/auth.controller.ts:8",
                "POST /api/v1/auth/login src/auth.controller.ts:3 -> src/auth.controller.ts:4",
            ]
        );
    }

    #[test]
    fn next_app_and_pages_routes() {
        let t = table(&[
            (
                "app/api/projects/[id]/route.ts",
                "export async function GET(req: Request) {}\n\nexport const DELETE = withAuth(async () => {});\nexport function helper() {}\n",
            ),
            (
                "src/app/(admin)/docs/[...slug]/route.ts",
                "export function POST() {}\n",
            ),
            (
                "pages/api/users/index.ts",
                "export default async function handler(req, res) {}\n",
            ),
            ("pages/api/_lib.ts", "export default function x() {}\n"),
            (
                "app/api/auth/[...nextauth]/route.ts",
                "export { GET, POST } from '@/auth';\n",
            ),
            (
                "src/auth.ts",
                "export const { handlers: { GET } } = NextAuth({});\nexport async function POST() {}\n",
            ),
            (
                "tsconfig.json",
                "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }",
            ),
            ("src/app/app.component.ts", "export function GET() {}\n"),
        ]);
        assert_eq!(
            t,
            [
                "ANY /api/users pages/api/users/index.ts:1 -> pages/api/users/index.ts:1",
                "DELETE /api/projects/:id app/api/projects/[id]/route.ts:3 -> app/api/projects/[id]/route.ts:3",
                "GET /api/auth/*nextauth app/api/auth/[...nextauth]/route.ts:1 -> app/api/auth/[...nextauth]/route.ts:1",
                "GET /api/projects/:id app/api/projects/[id]/route.ts:1 -> app/api/projects/[id]/route.ts:1",
                "POST /api/auth/*nextauth app/api/auth/[...nextauth]/route.ts:1 -> src/auth.ts:2",
                "POST /docs/*slug src/app/(admin)/docs/[...slug]/route.ts:1 -> src/app/(admin)/docs/[...slug]/route.ts:1",
            ]
        );
    }

    #[test]
    fn mount_cycles_end() {
        let t = table(&[(
            "src/a.ts",
            "const a = express.Router();\nconst b = express.Router();\na.use('/b', b);\nb.use('/a', a);\nb.get('/x', h);\n",
        )]);
        assert_eq!(t.len(), 1, "{t:?}");
        assert!(
            t[0].starts_with("GET /") && t[0].ends_with("/x src/a.ts:5 -> src/a.ts:5"),
            "{t:?}"
        );
    }
}
