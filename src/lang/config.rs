//! Config files (dotenv, YAML, JSON, TOML, Terraform, Dockerfile, Procfile,
//! CI workflows) → env var definitions, by a line scanner.
//!
//! A definition is an assignment or declaration of the name (`X=`,
//! `export X=`, `ENV X`, `ARG X`, `X: value`, `- X=value`, `name: X`,
//! `X = "..."`, `"X":`). Reads (`${X}`, `<%= ENV['X'] %>`) and commented-out
//! lines are not definitions. To stay small on large config trees (locale
//! YAML), only names that look like env vars (no lower-case letters) or that
//! the plan names are kept.

use crate::facts::{ConfigDef, Enqueue, HttpCall, QueueListen};
use std::collections::BTreeSet;

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn wanted(name: &str, extra: &BTreeSet<String>) -> bool {
    if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    if extra.contains(name) {
        return true;
    }
    name.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && name.bytes().any(|b| b.is_ascii_uppercase())
}

/// Split a leading identifier (optionally quoted) off `s`.
fn leading_ident(s: &str) -> Option<(&str, &str)> {
    let (quote, body) = match s.as_bytes().first() {
        Some(b'"') => (Some('"'), &s[1..]),
        Some(b'\'') => (Some('\''), &s[1..]),
        _ => (None, s),
    };
    let end = body.bytes().position(|b| !is_ident_byte(b)).unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let mut rest = &body[end..];
    if let Some(q) = quote {
        rest = rest.strip_prefix(q)?;
    }
    Some((name, rest))
}

/// The quoted keys of a JSON object line: every `"X"` followed by `:`.
fn json_keys(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        if j >= b.len() {
            break;
        }
        let key = &line[start..j];
        let after = line[j + 1..].trim_start();
        if after.starts_with(':') && !key.is_empty() && key.bytes().all(is_ident_byte) {
            out.push(key);
        }
        i = j + 1;
    }
    out
}

/// Scan one config file's text.
pub fn scan(text: &str, extra: &BTreeSet<String>) -> Vec<ConfigDef> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    // A `value` beside a `name:`/`key:` line: a k8s/compose/CI env entry
    // (`- name: X` / `value: 1`, Terraform `name = "X"` / `value = ...`).
    let value_near = |i: usize| {
        let near = lines[i.saturating_sub(2)..(i + 3).min(lines.len())].iter();
        near.enumerate().any(|(j, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start_matches('"');
            j + i.saturating_sub(2) != i && (l.starts_with("value") || l.starts_with("valueFrom"))
        })
    };
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i as u32 + 1;
        let mut s = raw.trim();
        if s.is_empty() || s.starts_with('#') || s.starts_with("//") || s.starts_with("<%#") {
            continue;
        }
        let mut docker = false;
        let mut listed = false;
        loop {
            let before = s;
            if let Some(r) = s.strip_prefix("- ") {
                s = r.trim_start();
                listed = true;
            }
            for p in ["export ", "ENV ", "ARG ", "env "] {
                if let Some(r) = s.strip_prefix(p) {
                    docker |= p == "ENV " || p == "ARG ";
                    s = r.trim_start();
                }
            }
            if s == before {
                break;
            }
        }
        let mut push = |name: &str| {
            let seen = out
                .iter()
                .rev()
                .take_while(|d: &&ConfigDef| d.line == line_no)
                .any(|d| d.name == name);
            if wanted(name, extra) && !seen {
                out.push(ConfigDef {
                    name: name.to_string(),
                    line: line_no,
                });
            }
        };
        // JSON objects written on one line: every `"X":` is a key
        // (`{"env": {"X": {"value": "1"}}}` in app.json).
        if s.starts_with('{') {
            for key in json_keys(s) {
                push(key);
            }
        }
        // `RUN SECRET_KEY_BASE_DUMMY=1 ./bin/rails assets:precompile`: the
        // command's environment prefix (after any `--mount=...` flags)
        // defines the vars for that step.
        if let Some(r) = s.strip_prefix("RUN ") {
            let skip = |t: &&str| t.starts_with("--") || matches!(*t, "export" | "env");
            for tok in r.split_whitespace().skip_while(skip) {
                match tok.split_once('=') {
                    Some((n, _)) if !n.is_empty() && n.bytes().all(is_ident_byte) => push(n),
                    _ => break,
                }
            }
            continue;
        }
        if docker {
            // ENV A=1 B=2 / ENV A 1 / ARG A / ARG A=1
            let mut first = true;
            for tok in s.split_whitespace() {
                match tok.split_once('=') {
                    Some((n, _)) => push(n),
                    None if first => push(tok),
                    None => break,
                }
                first = false;
            }
            continue;
        }
        let Some((name, rest)) = leading_ident(s) else {
            continue;
        };
        let rest_t = rest.trim_start();
        // A YAML list item naming a planned flag (`features: [..]` written
        // as `- new_checkout`) defines it.
        if listed && rest_t.trim_end_matches(',').is_empty() && extra.contains(name) {
            push(name);
            continue;
        }
        let is_assign = (rest_t.starts_with('=') && !rest_t.starts_with("=="))
            || (rest_t.starts_with(':')
                && !rest_t.starts_with("::")
                && rest_t[1..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == '"' || c == '\''));
        if !is_assign {
            continue;
        }
        let value = rest_t[1..].trim();
        // `name: X` (k8s/compose/CI env lists), `name = "X"` (Terraform),
        // `"name": "X"` (JSON). In YAML, a list item or an entry with a
        // `value` (a workflow's or a job's own `name: CI` names it, not a
        // var).
        if name == "name" || name == "key" {
            let yaml = rest_t.starts_with(':') && !s.starts_with('"');
            if yaml && !(listed || value_near(i)) {
                continue;
            }
            let v = value
                .trim_end_matches(',')
                .trim_matches(|c| c == '"' || c == '\'');
            if !v.is_empty() && v.bytes().all(is_ident_byte) && wanted(v, extra) {
                push(v);
                continue;
            }
        }
        // `X=${X}` defines X; a line that only reads (`${X}`) never reaches here.
        push(name);
        // `web: X=1 Y=2 bundle exec puma` (Procfile, CI `run:`): the
        // command's environment prefix defines X and Y.
        if rest_t.starts_with(':') {
            for tok in value.split_whitespace() {
                match tok.split_once('=') {
                    Some((n, _)) if !n.is_empty() && n.bytes().all(is_ident_byte) => push(n),
                    _ => break,
                }
            }
        }
        // dotenv-style inline lists in CI: `env: X=1` was stripped above.
    }
    out
}

/// The line of a workflow's first `runs-on:` (the runner that sets `CI`).
pub fn runner_line(text: &str) -> Option<u32> {
    text.lines()
        .position(|l| l.trim_start().starts_with("runs-on:"))
        .map(|i| i as u32 + 1)
}

/// Is `path` a GitHub Actions workflow, whose runner sets `CI` for every
/// step?
pub fn sets_ci(path: &str) -> bool {
    (path.ends_with(".yml") || path.ends_with(".yaml"))
        && (path.starts_with(".github/workflows/") || path.contains("/.github/workflows/"))
}

/// Env vars a `package.json`'s `scripts` set for their command: the
/// environment prefix of each command (`NODE_ENV=production next build`,
/// `cross-env NODE_ENV=test jest`, `env X=1 node a.js`, `export X=1 &&
/// playwright test`, Windows' `set X=1&& jest`), also after `&&`,
/// `||`, `;` or `|`. One script per line, as package managers write the
/// file; a script's line is where its vars are defined.
pub fn scan_package_scripts(text: &str, extra: &BTreeSet<String>) -> Vec<ConfigDef> {
    let mut out = Vec::new();
    let mut inside = false;
    for (i, raw) in text.lines().enumerate() {
        let s = raw.trim();
        if !inside {
            inside = s.starts_with("\"scripts\"") && s.ends_with('{');
            continue;
        }
        if s.starts_with('}') {
            break;
        }
        // `"build": "NODE_ENV=production next build",`
        let pair = format!("{{{}}}", s.trim_end_matches(','));
        let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&pair) else {
            continue;
        };
        for cmd in m.values().filter_map(|v| v.as_str()) {
            for segment in cmd.split(['&', '|', ';']) {
                let mut toks = segment.split_whitespace().peekable();
                while toks
                    .next_if(|t| matches!(*t, "cross-env" | "cross-env-shell" | "env" | "export" | "set"))
                    .is_some()
                {}
                for tok in toks {
                    match tok.split_once('=') {
                        Some((n, _)) if !n.is_empty() && n.bytes().all(is_ident_byte) => {
                            if wanted(n, extra)
                                && !out
                                    .iter()
                                    .any(|d: &ConfigDef| d.name == n && d.line == i as u32 + 1)
                            {
                                out.push(ConfigDef {
                                    name: n.to_string(),
                                    line: i as u32 + 1,
                                });
                            }
                        }
                        _ => break,
                    }
                }
            }
        }
    }
    out
}

/// `A::B`-style constant path.
pub fn is_const_path(s: &str) -> bool {
    !s.is_empty()
        && s.split("::").all(|seg| {
            seg.as_bytes().first().is_some_and(u8::is_ascii_uppercase) && seg.bytes().all(is_ident_byte)
        })
}

/// Jobs a scheduler runs: `class: ReportJob` / `job_class: "ReportJob"` /
/// `"class": "ReportJob"` in config files (sidekiq-cron and
/// sidekiq-scheduler `schedule.yml`, Solid Queue's `recurring.yml`).
pub fn scan_schedules(text: &str) -> Vec<Enqueue> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let s = raw.trim();
        let s = s.strip_prefix("- ").unwrap_or(s).trim_start_matches('"');
        let rest = ["class\":", "class:", "job_class:"]
            .iter()
            .find_map(|k| s.strip_prefix(k));
        let Some(v) = rest else { continue };
        let v = v
            .trim()
            .trim_end_matches(',')
            .trim_matches(|c| c == '"' || c == '\'');
        if is_const_path(v) {
            out.push(Enqueue {
                class: v.to_string(),
                scope: String::new(),
                method: "schedule".to_string(),
                args: None,
                keywords: Vec::new(),
                queue: None,
                mailer_method: None,
                line: i as u32 + 1,
            });
        }
    }
    out
}

/// Does this config file say anything about job queues? (A cheap test
/// before `scan_queues`.)
pub fn mentions_queues(text: &str) -> bool {
    ["sidekiq", "queues", "good_job", "GOOD_JOB_QUEUES"]
        .iter()
        .any(|w| text.contains(w))
}

/// Queue names in a `queues:` value or list item: `a`, `[a, 2]`,
/// `"a"`, `[a, b]`, `a,b`, `"*"`.
fn queue_words(v: &str) -> Vec<String> {
    let v = v.split(" #").next().unwrap_or(v).trim();
    let inner = v.trim_start_matches('[').trim_end_matches(']');
    let words: Vec<String> = inner
        .split(',')
        .map(|w| {
            w.trim()
                .trim_matches(|c| c == '"' || c == '\'' || c == ':')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // `- [critical, 2]`: a queue and its weight.
    if v.starts_with('[') && words.len() == 2 && words[1].bytes().all(|b| b.is_ascii_digit()) {
        return vec![words[0].clone()];
    }
    words
        .into_iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// GoodJob's queue string: `a,b`, `a:2;b`, `*`, `-a` (every queue but a).
fn good_job_words(v: &str) -> Vec<String> {
    let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.starts_with('-') {
        return vec!["*".to_string()];
    }
    v.trim_start_matches('+')
        .split([',', ';'])
        .map(|w| w.split(':').next().unwrap_or("").trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The queues a worker configuration listens to: `queues:` lists in
/// Sidekiq, Solid Queue and GoodJob YAML (files whose name says so), and
/// `sidekiq -q name` / `good_job start --queues=...` /
/// `GOOD_JOB_QUEUES=...` on any command line (Procfiles, compose, k8s).
/// A `sidekiq` command without `-q` or `-C` takes the default queue
/// (an empty queue name).
pub fn scan_queues(path: &str, text: &str) -> Vec<QueueListen> {
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let yaml = (file.ends_with(".yml") || file.ends_with(".yaml"))
        && (file.contains("sidekiq") || file.contains("queue") || file.contains("good_job"));
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    // Indentation of the `queues:` key whose list items follow.
    let mut in_list: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let s = raw.trim();
        if s.is_empty() || s.starts_with('#') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let mut push = |q: String| out.push(QueueListen { queue: q, line });
        if yaml {
            if let Some(key_indent) = in_list {
                if let Some(item) = s.strip_prefix("- ").or_else(|| s.strip_prefix('-'))
                    && indent >= key_indent
                {
                    for q in queue_words(item) {
                        push(q);
                    }
                    continue;
                }
                if indent <= key_indent {
                    in_list = None;
                }
            }
            let key = s.strip_prefix("- ").unwrap_or(s);
            if let Some(v) = key
                .strip_prefix(":queues:")
                .or_else(|| key.strip_prefix("queues:"))
            {
                let v = v.trim();
                if v.is_empty() {
                    in_list = Some(indent);
                } else {
                    for q in queue_words(v) {
                        push(q);
                    }
                }
                continue;
            }
        }
        // Command lines.
        let words: Vec<&str> = s.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| {
            w.trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == '[')
                .ends_with("sidekiq")
        }) {
            let mut queues = Vec::new();
            let mut configured = false;
            let mut k = at + 1;
            while k < words.len() {
                let w = words[k].trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == ']');
                let value = if w == "-q" || w == "--queue" {
                    k += 1;
                    words
                        .get(k)
                        .map(|v| v.trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == ']'))
                } else if let Some(v) = w.strip_prefix("--queue=") {
                    Some(v)
                } else if let Some(v) = w.strip_prefix("-q").filter(|v| !v.is_empty()) {
                    Some(v)
                } else {
                    if w == "-C" || w == "--config" || w.starts_with("--config=") {
                        configured = true;
                    }
                    None
                };
                if let Some(v) = value {
                    // `-q critical,2`: a queue and its weight.
                    if let Some(q) = v.split(',').next().filter(|q| !q.is_empty()) {
                        queues.push(q.to_string());
                    }
                }
                k += 1;
            }
            if queues.is_empty() && !configured {
                // Only an actual command: `sidekiq` mentioned in a gem list
                // or a comment-like value is not a worker.
                let command = at == 0
                    || words[..at]
                        .iter()
                        .any(|w| matches!(*w, "exec" | "bundle" | "command:" | "-" | "run"))
                    || words[at - 1].ends_with(':');
                if command {
                    push(String::new());
                }
            }
            for q in queues {
                push(q);
            }
        }
        for w in &words {
            let w = w.trim_matches(|c| c == '"' || c == '\'' || c == ',');
            let v = w
                .strip_prefix("--queues=")
                .or_else(|| w.strip_prefix("GOOD_JOB_QUEUES="))
                .or_else(|| w.strip_prefix("GOOD_JOB_QUEUES:"));
            if let Some(v) = v {
                for q in good_job_words(v) {
                    push(q);
                }
            }
        }
        // `config.good_job.queues = 'a,b'` (a Ruby initializer).
        if let Some((_, v)) = s.split_once("good_job.queues =") {
            for q in good_job_words(v.trim().trim_end_matches(')')) {
                push(q);
            }
        }
        if let Some(v) = s.strip_prefix("GOOD_JOB_QUEUES:") {
            for q in good_job_words(v) {
                push(q);
            }
        }
    }
    out
}

/// A `vercel.json`'s cron jobs (`"crons": [{ "path": "/api/cron/x",
/// "schedule": "0 * * * *" }]`): Vercel requests each path with a GET on
/// its schedule, so each is a request of that path, at the line of its
/// `"path"` (the first line that spells it after the previous one).
pub fn vercel_crons(text: &str) -> Vec<HttpCall> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let paths = v
        .get("crons")
        .and_then(|c| c.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("path")?.as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut out = Vec::new();
    for path in paths {
        let quoted = format!("\"{path}\"");
        let at = (from..lines.len())
            .find(|&i| lines[i].contains("\"path\"") && lines[i].contains(&quoted))
            .unwrap_or(from.min(lines.len().saturating_sub(1)));
        from = at + 1;
        out.push(HttpCall {
            verb: "GET".to_string(),
            url: path.split('?').next().unwrap_or(path).to_string(),
            prefix_var: false,
            client: "Vercel cron".to_string(),
            owner: None,
            body_keys: Vec::new(),
            base_elsewhere: false,
            imported_instance: false,
            line: at as u32 + 1,
        });
    }
    out
}

/// The `testDir` a Playwright config names as a string literal
/// (`testDir: "./apps/web/playwright"`), relative to the config's directory.
/// Playwright's default (the config's own directory) is not returned: it
/// would make a whole app test code.
pub fn playwright_test_dir(text: &str) -> Option<String> {
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("//") || t.starts_with('*') {
            continue;
        }
        let Some(at) = t.find("testDir") else { continue };
        let rest = t[at + "testDir".len()..].trim_start();
        let rest = rest.strip_prefix(['"', '\'']).map_or(rest, |r| r).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
            continue;
        };
        let body = &rest[1..];
        let dir = &body[..body.find(q)?];
        if dir.contains("${") || dir.is_empty() {
            return None;
        }
        return Some(dir.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, u32)> {
        scan(text, &BTreeSet::new())
            .into_iter()
            .map(|d| (d.name, d.line))
            .collect()
    }

    #[test]
    fn playwright_test_dir_reads_a_literal_only() {
        assert_eq!(
            playwright_test_dir(
                "export default defineConfig({\n  testDir: \"./apps/web/playwright\",\n});\n"
            ),
            Some("./apps/web/playwright".to_string())
        );
        assert_eq!(
            playwright_test_dir("  'testDir': 'e2e',\n"),
            Some("e2e".to_string())
        );
        assert_eq!(
            playwright_test_dir("// testDir: \"x\"\n  testDir: path.join(__dirname, \"t\"),\n"),
            None
        );
        assert_eq!(playwright_test_dir("  testDir: `${root}/t`,\n"), None);
    }

    #[test]
    fn one_line_json_and_command_env_prefixes() {
        assert_eq!(
            names("{\"env\": {\"APP_X\": {\"value\": \"1\"}}, \"APP_Y\": 2}\n"),
            [("APP_X".to_string(), 1), ("APP_Y".to_string(), 1)]
        );
        assert_eq!(names("{\"url\": \"http://A_B:1\"}\n"), []);
        assert_eq!(
            names("web: PORT_X=1 WORKERS=2 bundle exec puma FOO=3\n"),
            [("PORT_X".to_string(), 1), ("WORKERS".to_string(), 1)]
        );
        assert_eq!(names("web: bundle exec puma -e ${RACK_ENV}\n"), []);
    }

    #[test]
    fn dotenv_and_shell() {
        assert_eq!(
            names("A=1\nexport B_2=\"x\"\n# C=1\n  # D=1\nlower=1\nE==1\n"),
            vec![("A".into(), 1), ("B_2".into(), 2)]
        );
    }

    #[test]
    fn yaml_compose_k8s() {
        let t = "services:\n  web:\n    environment:\n      FOO: \"1\"\n      - BAR=2\n      BAZ: ${BAZ}\n    env:\n      - name: QUX\n        value: x\n    command: echo ${NOPE}\n    url: <%= ENV['ALSO_NOPE'] %>\n";
        assert_eq!(
            names(t),
            vec![
                ("FOO".into(), 4),
                ("BAR".into(), 5),
                ("BAZ".into(), 6),
                ("QUX".into(), 8)
            ]
        );
    }

    #[test]
    fn names_outside_env_entries_are_no_vars() {
        // A workflow's or a job's own name.
        assert_eq!(
            names("name: CI\non:\n  push:\njobs:\n  t:\n    name: LINT\n"),
            vec![]
        );
        assert_eq!(
            names(
                "env {\n  name = \"API_KEY\"\n  value = \"1\"\n}\nenvVars:\n  - key: TOKEN\n    sync: false\n"
            ),
            vec![("API_KEY".into(), 2), ("TOKEN".into(), 6)]
        );
    }

    #[test]
    fn dockerfile_json_toml_tf() {
        assert_eq!(
            names("ENV A=1 B=2\nENV C 3\nARG D\n"),
            vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 2), ("D".into(), 3)]
        );
        // A step's environment prefix; not the command's own arguments.
        assert_eq!(
            names(
                "RUN SECRET_KEY_BASE_DUMMY=1 RAILS_ENV=production ./bin/rails assets:precompile X=1\nRUN --mount=type=cache,target=/x BUNDLE_PATH=/b bundle install\nRUN apt-get install -y Y=2\n"
            ),
            vec![
                ("SECRET_KEY_BASE_DUMMY".into(), 1),
                ("RAILS_ENV".into(), 1),
                ("BUNDLE_PATH".into(), 2)
            ]
        );
        assert_eq!(
            names("{\n  \"KEY_A\": \"v\",\n  \"name\": \"KEY_B\"\n}\n"),
            vec![("KEY_A".into(), 2), ("KEY_B".into(), 3)]
        );
        assert_eq!(names("[env]\nTOML_X = \"1\"\n"), vec![("TOML_X".into(), 2)]);
        assert_eq!(
            names("  name = \"TF_X\"\n  // TF_Y = 1\n"),
            vec![("TF_X".into(), 1)]
        );
    }

    #[test]
    fn plan_names_may_be_lower_case() {
        let extra: BTreeSet<String> = ["feature_x".to_string()].into();
        let d = scan("feature_x: true\nother: 1\n", &extra);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name, "feature_x");
    }

    fn queues(path: &str, text: &str) -> Vec<(String, u32)> {
        scan_queues(path, text)
            .into_iter()
            .map(|q| (q.queue, q.line))
            .collect()
    }

    #[test]
    fn sidekiq_yaml_lists() {
        let t = ":concurrency: 5\n:queues:\n  - critical\n  - [default, 2]\n  - \"mailers\"\nproduction:\n  :concurrency: 10\n";
        assert_eq!(
            queues("config/sidekiq.yml", t),
            [
                ("critical".into(), 3),
                ("default".into(), 4),
                ("mailers".into(), 5)
            ]
        );
        assert_eq!(
            queues("config/sidekiq.yml", ":queues: [a, b]\n"),
            [("a".into(), 1), ("b".into(), 1)]
        );
        // Another file's `queues:` key is not a worker's.
        assert_eq!(queues("config/rabbit.yml", "queues:\n  - a\n"), []);
    }

    #[test]
    fn solid_queue_and_good_job() {
        let t = "production:\n  workers:\n    - queues: \"*\"\n      threads: 3\n    - queues: [reports, real_time*]\n";
        assert_eq!(
            queues("config/queue.yml", t),
            [("*".into(), 3), ("reports".into(), 5), ("real_time*".into(), 5)]
        );
        assert_eq!(
            queues(
                "Procfile",
                "worker: bundle exec good_job start --queues=mailers:2;default\n"
            ),
            [("mailers".into(), 1), ("default".into(), 1)]
        );
        assert_eq!(queues(".env", "GOOD_JOB_QUEUES=-low\n"), [("*".into(), 1)]);
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            queues(
                "Procfile",
                "web: bundle exec puma\nworker: bundle exec sidekiq -q critical,2 -q default\n"
            ),
            [("critical".into(), 2), ("default".into(), 2)]
        );
        assert_eq!(
            queues("Procfile", "worker: bundle exec sidekiq\n"),
            [("".into(), 1)]
        );
        assert_eq!(
            queues("Procfile", "worker: bundle exec sidekiq -C config/sidekiq.yml\n"),
            []
        );
        assert_eq!(
            queues(
                "k8s/worker.yaml",
                "command: [\"bundle\", \"exec\", \"sidekiq\", \"-q\", \"imports\"]\n"
            ),
            [("imports".into(), 1)]
        );
    }

    #[test]
    fn schedules_and_good_job_initializers() {
        let t = "import_market_data:\n  cron: \"0 22 * * *\"\n  class: \"ImportMarketDataJob\"\n  queue: scheduled\nx:\n  class: not_a_class\n  job_class: Admin::SyncJob\n";
        let got: Vec<(String, u32)> = scan_schedules(t).into_iter().map(|e| (e.class, e.line)).collect();
        assert_eq!(
            got,
            [("ImportMarketDataJob".into(), 3), ("Admin::SyncJob".into(), 7)]
        );
        assert_eq!(
            queues(
                "config/initializers/good_job.rb",
                "  config.good_job.queues = 'mail:2;default'\n"
            ),
            [("mail".into(), 1), ("default".into(), 1)]
        );
    }

    #[test]
    fn flag_list_items() {
        let extra: BTreeSet<String> = ["new_checkout".to_string()].into();
        let d = scan("features:\n  - new_checkout\n  - other\n", &extra);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].name.as_str(), d[0].line), ("new_checkout", 2));
    }
}
