//! Clients that call an API through generic request helpers, end to end on
//! `fixtures/payload-wrappers` (an Express API, `api`; a web client, `web`,
//! with a SvelteKit-style `send({ method, path, data })` helper behind
//! `get` / `post`, a superagent `requests` object, and a typed axios
//! `request<T>(url, method, data)`) with `plans/payload-wrappers.yaml`:
//! each helper call is a client call of the right route, with the body it
//! sends and the keys its caller reads from what the helper returns.

mod common;

use common::{Finding, audit};
use std::path::Path;

fn report() -> common::Report {
    let (r, code, stderr) = audit(
        Path::new("plans/payload-wrappers.yaml"),
        Path::new("fixtures/payload-wrappers"),
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    r
}

fn callers(f: &Finding) -> Vec<(&str, &str)> {
    f.caller_matches
        .iter()
        .map(|c| (c.location.as_str(), c.strength.as_str()))
        .collect()
}

const APP: &str = "api/src/app.ts";

#[test]
fn a_call_through_two_helpers_is_a_client_call_with_its_body_and_reads() {
    let r = report();
    // `api.post('users/login', { user })` → `post(path, data)` →
    // `send({ method: 'POST', path, data })` → `fetch(`${base}/${path}`,
    // opts)` with `opts.body = JSON.stringify(data)`; `send` returns
    // `JSON.parse(text)`, so `body.user.token` is a key of the response.
    // The body's keys are where they are written (line 5), not at the call.
    let f = r.finding("route:POST /api/users/login");
    assert_eq!(callers(f), [("web/src/routes/login.js:4", "path")]);
    assert_eq!(
        f.payload_keys("request"),
        [
            (
                "user.email",
                vec!["web/src/routes/login.js:5"],
                vec![format!("{APP}:6").as_str()]
            ),
            (
                "user.password",
                vec!["web/src/routes/login.js:5"],
                vec![format!("{APP}:6").as_str()]
            ),
        ]
    );
    // `body.errors` is no key the handler renders, but the payload of an
    // error thrown in the app (`throw new HttpError(422, { errors })`),
    // which its error middleware renders: no problem, and only listed
    // because it is read.
    let (s7, s34) = (format!("{APP}:7"), format!("{APP}:34"));
    assert_eq!(
        f.payload_keys("response"),
        [
            ("errors", vec![s34.as_str()], vec!["web/src/routes/login.js:7"]),
            ("user.email", vec![s7.as_str()], vec![]),
            ("user.image", vec![], vec!["web/src/routes/login.js:7"]),
            ("user.token", vec![s7.as_str()], vec!["web/src/routes/login.js:7"]),
            ("user.username", vec![s7.as_str()], vec![]),
        ]
    );
    assert_eq!(f.codes(), ["response-key-read-never-sent"]);
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`user.image` is read by web/src/routes/login.js:7"),
        "{m}"
    );
}

#[test]
fn a_placeholder_path_is_tied_to_the_placeholder_route_not_a_literal_sibling() {
    let r = report();
    // `api.get(`articles/${slug}`)` is `GET /api/articles/:slug`; the
    // literal `/api/articles/feed` also matches it segment by segment but
    // is not what it requests.
    let f = r.finding("route:GET /api/articles/:slug");
    assert_eq!(callers(f), [("web/src/routes/login.js:11", "path")]);
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`article.author.username` is read by web/src/routes/login.js:12"),
        "{m}"
    );
    // And the reverse: `api.get('articles/feed')` spells the literal
    // route, not `/api/articles/:slug`.
    let feed = r.finding("route:GET /api/articles/feed");
    assert_eq!(callers(feed), [("web/src/routes/login.js:21", "path")]);
}

#[test]
fn an_object_of_superagent_helpers_is_called_in_its_own_module() {
    let r = report();
    // `requests.get(url)` = `superagent.get(`${API_ROOT}${url}`)
    // .then(responseBody)`, called by `Profile.get` and `bioOf`.
    let f = r.finding("route:GET /api/profiles/:username");
    assert_eq!(
        callers(f),
        [("web/src/agent.js:12", "path"), ("web/src/agent.js:16", "path")]
    );
    let s19 = format!("{APP}:19");
    assert_eq!(
        f.payload_keys("response"),
        [
            ("profile", vec![s19.as_str()], vec!["web/src/agent.js:16"]),
            ("profile.bio", vec![s19.as_str()], vec!["web/src/agent.js:17"]),
            ("profile.following", vec![], vec!["web/src/agent.js:17"]),
            ("profile.username", vec![s19.as_str()], vec![]),
        ]
    );
}

#[test]
fn a_typed_axios_helper_with_the_verb_as_an_argument() {
    let r = report();
    // `request<T>('/user', 'PUT', { user: { bio } })` → `axios({ url:
    // `/api${url}`, method, data })`, returning `res.data`; and the
    // superagent `requests.put('/user', {...})`.
    let f = r.finding("route:PUT /api/user");
    assert_eq!(
        callers(f),
        [("web/src/agent.js:21", "path"), ("web/src/settings.ts:4", "path")]
    );
    let (s23, s24) = (format!("{APP}:23"), format!("{APP}:24"));
    assert_eq!(
        f.payload_keys("request"),
        [
            ("user.bio", vec!["web/src/settings.ts:4"], vec![s23.as_str()]),
            ("user.email", vec!["web/src/agent.js:21"], vec![s23.as_str()]),
            ("user.image", vec!["web/src/agent.js:21"], vec![s23.as_str()]),
        ]
    );
    assert_eq!(
        f.payload_keys("response"),
        [
            ("user.bio", vec![s24.as_str()], vec!["web/src/settings.ts:5"]),
            ("user.email", vec![s24.as_str()], vec![]),
        ]
    );
    assert!(f.problems.is_empty(), "{:?}", f.codes());
}

#[test]
fn keys_read_from_array_elements_in_a_callback_are_under_brackets() {
    let r = report();
    // `const { tags } = await api.get('tags')` then `tags.map((t) =>
    // [t.name, t.label])`: `tags[].name` is rendered, `tags[].label` not.
    let f = r.finding("route:GET /api/tags");
    let s = format!("{APP}:28");
    assert_eq!(
        f.payload_keys("response"),
        [
            ("tags", vec![s.as_str()], vec!["web/src/routes/login.js:16"]),
            ("tags[].count", vec![s.as_str()], vec![]),
            ("tags[].label", vec![], vec!["web/src/routes/login.js:17"]),
            (
                "tags[].name",
                vec![s.as_str()],
                vec!["web/src/routes/login.js:17"]
            ),
        ]
    );
    assert_eq!(f.codes(), ["response-key-read-never-sent"]);
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`tags[].label` is read by web/src/routes/login.js:17"),
        "{m}"
    );
}

#[test]
fn the_markdown_report_lists_each_payload_key_with_its_sites_and_problem() {
    let out = common::seamscan()
        .args([
            "audit",
            "--plan",
            "plans/payload-wrappers.yaml",
            "fixtures/payload-wrappers",
            "--quiet",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let section = md
        .split("### HIGH `route:GET /api/tags`")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect(&md);
    // The message's key and locations are code spans, not one span around
    // the whole message.
    assert!(
        section.contains(
            "`tags[].label` is read by `web/src/routes/login.js:17` but `Express inline handler` never sends it"
        ),
        "{section}"
    );
    assert!(
        section.ends_with(
            "\n\n| side | key | sent at | read at | problem |\n\
             |---|---|---|---|---|\n\
             | response | `tags` | `api/src/app.ts:28` | `web/src/routes/login.js:16` |  |\n\
             | response | `tags[].count` | `api/src/app.ts:28` | — |  |\n\
             | response | `tags[].label` | — | `web/src/routes/login.js:17` | response-key-read-never-sent |\n\
             | response | `tags[].name` | `api/src/app.ts:28` | `web/src/routes/login.js:17` |  |\n"
        ),
        "{section}"
    );
}
