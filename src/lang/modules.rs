//! `package.json` and `tsconfig.json` → `ModuleConfig`: the settings that
//! decide where a TypeScript/JavaScript module specifier points (package
//! name and entry points, `baseUrl`, `paths`, `extends`, `references`).
//!
//! Input: the file's name and text (JSON with comments and trailing commas,
//! as tsconfig allows). Output: `None` for text that is not such an object.

use crate::facts::ModuleConfig;
use serde_json::Value;

/// Read a module config file; `None` when it is not a JSON object.
pub fn scan(name: &str, text: &str) -> Option<ModuleConfig> {
    let v: Value = serde_json::from_str(&strip_jsonc(text)).ok()?;
    let obj = v.as_object()?;
    let mut mc = ModuleConfig::default();
    if name == "package.json" {
        mc.package = obj.get("name").and_then(Value::as_str).map(str::to_string);
        if let Some(e) = obj.get("exports") {
            entries(".", e, &mut mc.entries);
        }
        for key in ["types", "typings", "module", "main", "source"] {
            if let Some(t) = obj.get(key).and_then(Value::as_str) {
                mc.entries.push((".".to_string(), t.to_string()));
            }
        }
    } else {
        if let Some(co) = obj.get("compilerOptions").and_then(Value::as_object) {
            mc.base_url = co.get("baseUrl").and_then(Value::as_str).map(str::to_string);
            if let Some(paths) = co.get("paths").and_then(Value::as_object) {
                for (pat, targets) in paths {
                    let ts: Vec<String> = targets
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                        .unwrap_or_default();
                    mc.paths.push((pat.clone(), ts));
                }
            }
        }
        match obj.get("extends") {
            Some(Value::String(s)) => mc.extends.push(s.clone()),
            Some(Value::Array(a)) => mc
                .extends
                .extend(a.iter().filter_map(Value::as_str).map(str::to_string)),
            _ => {}
        }
        if let Some(refs) = obj.get("references").and_then(Value::as_array) {
            for r in refs {
                if let Some(p) = r.get("path").and_then(Value::as_str) {
                    mc.extends.push(p.to_string());
                }
            }
        }
    }
    Some(mc)
}

/// `exports` of a package.json: a string, a subpath map (`"./x": ...`) or
/// a condition map (`"import": ...`), flattened to (subpath, target). Nested
/// condition maps are followed to a bounded depth.
fn entries(subpath: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let mut stack = vec![(subpath.to_string(), v, 0u32)];
    while let Some((sub, v, depth)) = stack.pop() {
        if depth > 8 {
            continue;
        }
        match v {
            Value::String(t) => out.push((sub, t.clone())),
            Value::Array(a) => {
                for x in a.iter().rev() {
                    stack.push((sub.clone(), x, depth + 1));
                }
            }
            Value::Object(o) => {
                for (k, x) in o.iter().rev() {
                    let sub = if k.starts_with('.') {
                        k.clone()
                    } else {
                        sub.clone()
                    };
                    stack.push((sub, x, depth + 1));
                }
            }
            _ => {}
        }
    }
}

/// JSON with comments and trailing commas → JSON.
fn strip_jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.extend_from_slice(&b[start..i]);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b',' => {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if !matches!(b.get(j), Some(b'}' | b']')) {
                    out.push(b',');
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn package_entries_and_tsconfig_paths() {
        let p = scan(
            "package.json",
            r#"{"name": "@acme/api", "main": "dist/index.js",
               "exports": {".": {"types": "./src/index.ts", "default": "./dist/index.js"}, "./util": "./src/util.ts"}}"#,
        )
        .unwrap();
        assert_eq!(p.package.as_deref(), Some("@acme/api"));
        assert!(p.entries.contains(&(".".into(), "./src/index.ts".into())));
        assert!(p.entries.contains(&("./util".into(), "./src/util.ts".into())));
        assert!(p.entries.contains(&(".".into(), "dist/index.js".into())));
        let t = scan(
            "tsconfig.json",
            "{\n // comment\n \"extends\": \"../../tsconfig.base.json\",\n \"compilerOptions\": {\"baseUrl\": \".\", /* c */ \"paths\": {\"@/*\": [\"src/*\"],},},\n \"references\": [{\"path\": \"../api\"}]\n}",
        )
        .unwrap();
        assert_eq!(t.base_url.as_deref(), Some("."));
        assert_eq!(t.paths, [("@/*".to_string(), vec!["src/*".to_string()])]);
        assert_eq!(t.extends, ["../../tsconfig.base.json", "../api"]);
        assert!(scan("tsconfig.json", "not json").is_none());
        assert!(scan("tsconfig.json", "\"// not a comment\"").is_none());
    }
}
