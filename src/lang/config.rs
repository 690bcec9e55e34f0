//! Config files (dotenv, YAML, JSON, TOML, Terraform, Dockerfile, Procfile,
//! CI workflows) → env var definitions, by a line scanner.
//!
//! A definition is an assignment or declaration of the name (`X=`,
//! `export X=`, `ENV X`, `ARG X`, `X: value`, `- X=value`, `name: X`,
//! `X = "..."`, `"X":`). Reads (`${X}`, `<%= ENV['X'] %>`) and commented-out
//! lines are not definitions. To stay small on large config trees (locale
//! YAML), only names that look like env vars (no lower-case letters) or that
//! the plan names are kept.

use crate::facts::ConfigDef;
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
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let mut s = raw.trim();
        if s.is_empty() || s.starts_with('#') || s.starts_with("//") || s.starts_with("<%#") {
            continue;
        }
        let mut docker = false;
        loop {
            let before = s;
            if let Some(r) = s.strip_prefix("- ") {
                s = r.trim_start();
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
        // `name: X` (k8s/compose/CI env lists), `name = "X"` (Terraform).
        if name == "name" || name == "key" {
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
    fn dockerfile_json_toml_tf() {
        assert_eq!(
            names("ENV A=1 B=2\nENV C 3\nARG D\n"),
            vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 2), ("D".into(), 3)]
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
}
