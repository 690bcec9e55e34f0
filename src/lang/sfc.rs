//! Vue single-file components and Svelte components → code for the
//! TypeScript extractor, with the file's own line numbers.
//!
//! The components' block structure is enough: `<script>` blocks (and
//! `<script setup>`) are kept in place with everything else blanked
//! (newlines kept), so offsets map to the same lines. Template expressions
//! (Vue: `{{ }}`, `@x=`, `:x=`, `v-*=`; Svelte: `{expr}`, `{#if expr}`,
//! `on:x={...}`) are returned as (line, code) to be parsed one by one.
//! Byte scans only; nothing here recurses.

/// A component split into its script and template code.
pub struct Split {
    /// The file with everything but script contents blanked.
    pub script: String,
    /// Whether a script block says `lang="ts"` (else TSX/JavaScript).
    pub typescript: bool,
    /// Template expressions: (1-based line, source text).
    pub expressions: Vec<(u32, String)>,
}

fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Byte ranges of `<tag ...>` contents up to `</tag>`, with the open
/// tag's text.
fn blocks<'a>(src: &'a str, tag: &str) -> Vec<(usize, usize, &'a str)> {
    let b = src.as_bytes();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find_ci(b, open.as_bytes(), from) {
        let after = b.get(i + open.len()).copied().unwrap_or(b'>');
        if !(after == b'>' || after.is_ascii_whitespace()) {
            from = i + open.len();
            continue;
        }
        let Some(gt) = b[i..].iter().position(|c| *c == b'>').map(|p| i + p) else {
            break;
        };
        let start = gt + 1;
        let end = find_ci(b, close.as_bytes(), start).unwrap_or(b.len());
        out.push((start, end, &src[i..gt]));
        from = end;
    }
    out
}

/// 1-based lines of byte positions, for positions asked in increasing
/// order (counting from the start for each of a template's expressions was
/// quadratic in the template's size).
struct Lines<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lines { src, pos: 0, line: 1 }
    }

    fn at(&mut self, pos: usize) -> u32 {
        let pos = pos.min(self.src.len());
        if pos < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.src[self.pos..pos].iter().filter(|c| **c == b'\n').count() as u32;
        self.pos = pos;
        self.line
    }
}

/// `src` with bytes outside `keep` replaced by spaces (newlines kept).
fn blank_outside(src: &str, keep: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut pos = 0;
    for &(s, e) in keep {
        for c in src[pos..s].chars() {
            out.push(if c == '\n' { '\n' } else { ' ' });
        }
        out.push_str(&src[s..e]);
        pos = e;
    }
    for c in src[pos..].chars() {
        out.push(if c == '\n' { '\n' } else { ' ' });
    }
    out
}

fn scripts(src: &str) -> (String, bool, Vec<(usize, usize)>) {
    let mut keep = Vec::new();
    let mut typescript = false;
    for (s, e, open) in blocks(src, "script") {
        let o = open.to_ascii_lowercase();
        if o.contains("lang=\"ts\"") || o.contains("lang='ts'") || o.contains("lang=ts") {
            typescript = true;
        }
        keep.push((s, e));
    }
    (blank_outside(src, &keep), typescript, keep)
}

/// Split a Vue single-file component.
pub fn vue(src: &str) -> Split {
    let (script, typescript, _) = scripts(src);
    let b = src.as_bytes();
    let mut lines = Lines::new(b);
    let mut expressions = Vec::new();
    // The outermost template: from the first `<template` to the last
    // `</template>`.
    let start = find_ci(b, b"<template", 0);
    let end = (0..b.len())
        .rev()
        .find(|&i| b[i..].len() >= 11 && b[i..i + 11].eq_ignore_ascii_case(b"</template>"));
    if let (Some(start), Some(end)) = (start, end) {
        let mut i = start;
        while i < end {
            if b[i..].starts_with(b"{{") {
                let from = i + 2;
                let Some(close) = find_ci(&b[..end], b"}}", from) else {
                    break;
                };
                expressions.push((lines.at(from), src[from..close].to_string()));
                i = close + 2;
                continue;
            }
            // A directive attribute: `@x="`, `:x="`, `v-x="` after whitespace.
            if (b[i] == b'@' || b[i] == b':' || b[i..].starts_with(b"v-"))
                && i > 0
                && b[i - 1].is_ascii_whitespace()
            {
                let mut j = i;
                while j < end && !b[j].is_ascii_whitespace() && b[j] != b'=' && b[j] != b'>' {
                    j += 1;
                }
                if j + 1 < end && b[j] == b'=' && (b[j + 1] == b'"' || b[j + 1] == b'\'') {
                    let q = b[j + 1];
                    let from = j + 2;
                    let Some(close) = b[from..end].iter().position(|c| *c == q).map(|p| from + p) else {
                        break;
                    };
                    let name = &src[i..j];
                    if !name.starts_with("v-slot") {
                        let code = &src[from..close];
                        // v-for="item in items": the iterated expression.
                        let code = if name == "v-for" {
                            code.split_once(" in ")
                                .or_else(|| code.split_once(" of "))
                                .map_or(code, |(_, r)| r)
                        } else {
                            code
                        };
                        expressions.push((lines.at(from), code.to_string()));
                    }
                    i = close + 1;
                    continue;
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
    }
    Split {
        script,
        typescript,
        expressions,
    }
}

/// Split a Svelte component.
pub fn svelte(src: &str) -> Split {
    let (script, typescript, mut skip) = scripts(src);
    for (s, e, _) in blocks(src, "style") {
        skip.push((s, e));
    }
    skip.sort();
    let b = src.as_bytes();
    let mut lines = Lines::new(b);
    let mut expressions = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let Some(&(_, e)) = skip.iter().find(|(s, e)| *s <= i && i < *e) {
            i = e;
            continue;
        }
        if b[i] != b'{' {
            i += 1;
            continue;
        }
        // The matching brace, skipping strings.
        let from = i + 1;
        let mut depth = 1usize;
        let mut j = from;
        let mut quote: Option<u8> = None;
        while j < b.len() && depth > 0 {
            let c = b[j];
            match quote {
                Some(q) => {
                    if c == b'\\' {
                        j += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    b'"' | b'\'' | b'`' => quote = Some(c),
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                },
            }
            j += 1;
        }
        if depth > 0 {
            break;
        }
        let inner = src[from..j - 1].trim_start();
        let lead = (j - 1 - from) - inner.len();
        let code = if let Some(rest) = inner.strip_prefix('#') {
            // {#if x} {#each xs as x} {#await p then v} {#key k}
            let rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r);
            rest.split(" as ")
                .next()
                .unwrap_or("")
                .split(" then ")
                .next()
                .unwrap_or("")
        } else if let Some(rest) = inner.strip_prefix(":else if ") {
            rest
        } else if inner.starts_with(':') || inner.starts_with('/') {
            ""
        } else if let Some(rest) = inner
            .strip_prefix("@html ")
            .or_else(|| inner.strip_prefix("@debug "))
        {
            rest
        } else if let Some(rest) = inner.strip_prefix("@const ") {
            rest.split_once('=').map_or("", |(_, r)| r)
        } else {
            inner
        };
        if !code.trim().is_empty() {
            expressions.push((lines.at(from + lead), code.to_string()));
        }
        i = j;
    }
    Split {
        script,
        typescript,
        expressions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vue_blocks_and_expressions_keep_lines() {
        let src = "<template>\n  <div @click=\"tabs.reopen()\" :title=\"compute()\">\n    {{ fmt(x) }}\n    <p v-if=\"isOn('flag')\" v-for=\"u in users()\">x</p>\n  </div>\n</template>\n<script setup lang=\"ts\">\nimport { fmt } from './f'\n</script>\n<style>.a { color: red }</style>\n";
        let s = vue(src);
        assert!(s.typescript);
        let script_lines: Vec<&str> = s.script.lines().collect();
        assert_eq!(script_lines[7], "import { fmt } from './f'");
        assert!(script_lines[1].trim().is_empty());
        assert_eq!(s.script.len(), src.len());
        let e: Vec<(u32, &str)> = s.expressions.iter().map(|(l, c)| (*l, c.trim())).collect();
        assert_eq!(
            e,
            [
                (2, "tabs.reopen()"),
                (2, "compute()"),
                (3, "fmt(x)"),
                (4, "isOn('flag')"),
                (4, "users()")
            ]
        );
    }

    #[test]
    fn svelte_blocks_and_expressions_keep_lines() {
        let src = "<script lang=\"ts\">\n  import { go } from './api';\n</script>\n\n<button on:click={() => go(1)}>{label(x)}</button>\n{#if ready(y)}\n  {#each items() as item}{item}{/each}\n{:else if other()}\n{/if}\n<style>\n  p { color: red; }\n</style>\n";
        let s = svelte(src);
        assert!(s.typescript);
        assert_eq!(s.script.lines().nth(1), Some("  import { go } from './api';"));
        let e: Vec<(u32, &str)> = s.expressions.iter().map(|(l, c)| (*l, c.trim())).collect();
        assert_eq!(
            e,
            [
                (5, "() => go(1)"),
                (5, "label(x)"),
                (6, "ready(y)"),
                (7, "items()"),
                (7, "item"),
                (8, "other()")
            ]
        );
    }
}
