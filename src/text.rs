//! Text from scanned repos is untrusted: this module keeps it apart from
//! seamscan's own words and escapes it for each kind of output.
//!
//! Input: `Text` values (built with `msg!`) and bare strings. Output:
//! strings that are inert in a terminal, in Markdown, in SARIF and in JSON.
//! Every printer escapes through the functions here and nowhere else; this
//! module knows nothing about findings or reports.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// A message that mixes seamscan's own words with names from scanned repos
/// or the plan. Only `&'static str` literals and numbers can be "ours"; any
/// runtime string is untrusted, so a printer can always tell them apart.
#[derive(Clone, Debug, Default)]
pub struct Text {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    /// seamscan's own words: string literals and numbers.
    Ours(Cow<'static, str>),
    /// An untrusted name, shown in backticks in plain text.
    Code(String),
    /// Untrusted text shown bare in plain text (locations, repo names,
    /// operating-system errors).
    Raw(String),
}

/// Build a `Text` from a literal template whose `{}` holes take `Text`
/// arguments: `msg!("{} never calls {}", Text::raw(repo), Text::code(name))`.
#[macro_export]
macro_rules! msg {
    ($template:literal $(, $arg:expr)* $(,)?) => {
        $crate::text::Text::format($template, vec![$($arg),*])
    };
}

impl Text {
    /// seamscan's own words.
    pub fn ours(s: &'static str) -> Text {
        debug_assert!(plain_words(s), "{s:?}");
        Text {
            parts: vec![Part::Ours(Cow::Borrowed(s))],
        }
    }

    /// seamscan's own words in which `` `x` `` marks a name of ours shown
    /// as code (a table of framework hooks: "Pundit `authorize`").
    pub fn ours_marked(s: &'static str) -> Text {
        let mut out = Text::default();
        for (i, piece) in s.split('`').enumerate() {
            if i % 2 == 1 {
                out.parts.push(Part::Code(piece.to_string()));
            } else if !piece.is_empty() {
                debug_assert!(plain_words(piece), "{s:?}");
                out.parts.push(Part::Ours(Cow::Borrowed(piece)));
            }
        }
        out
    }

    /// A number (ours: it cannot carry text from a repo).
    pub fn num(n: u64) -> Text {
        Text {
            parts: vec![Part::Ours(Cow::Owned(n.to_string()))],
        }
    }

    /// An untrusted name: `` `name` `` in plain text, a code span in Markdown.
    pub fn code(s: impl Into<String>) -> Text {
        Text {
            parts: vec![Part::Code(s.into())],
        }
    }

    /// Untrusted text shown bare in plain text, a code span in Markdown.
    pub fn raw(s: impl Into<String>) -> Text {
        Text {
            parts: vec![Part::Raw(s.into())],
        }
    }

    /// `items` separated by `sep`.
    pub fn join(items: impl IntoIterator<Item = Text>, sep: &'static str) -> Text {
        let mut out = Text::default();
        for (i, t) in items.into_iter().enumerate() {
            if i > 0 {
                out.parts.push(Part::Ours(Cow::Borrowed(sep)));
            }
            out.parts.extend(t.parts);
        }
        out
    }

    /// Untrusted strings, each shown bare, separated by `sep`.
    pub fn raw_list<S: AsRef<str>>(items: &[S], sep: &'static str) -> Text {
        Text::join(items.iter().map(|s| Text::raw(s.as_ref())), sep)
    }

    /// Fill the `{}` holes of `template` with `args`, in order. Used by
    /// `msg!`; a count mismatch is a bug (caught by `debug_assert`), and in
    /// release builds surplus arguments are appended.
    pub fn format(template: &'static str, args: Vec<Text>) -> Text {
        debug_assert!(plain_words(template), "{template:?}");
        let pieces: Vec<&'static str> = template.split("{}").collect();
        debug_assert_eq!(pieces.len(), args.len() + 1, "msg!({template:?}) argument count");
        let mut out = Text::default();
        let mut args = args.into_iter();
        for (i, p) in pieces.into_iter().enumerate() {
            if i > 0
                && let Some(a) = args.next()
            {
                out.parts.extend(a.parts);
            }
            if !p.is_empty() {
                out.parts.push(Part::Ours(Cow::Borrowed(p)));
            }
        }
        for a in args {
            out.parts.extend(a.parts);
        }
        out
    }

    /// Append another text.
    pub fn push(&mut self, t: Text) {
        self.parts.extend(t.parts);
    }

    /// The untrusted names it quotes (`Text::code` parts), in order.
    pub fn code_parts(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Code(c) => Some(c.as_str()),
            _ => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| match p {
            Part::Ours(s) => s.is_empty(),
            Part::Code(_) => false,
            Part::Raw(s) => s.is_empty(),
        })
    }

    /// Upper-case the first letter when the text starts with our own words
    /// (a repo or file name is never changed).
    pub fn capitalize(mut self) -> Text {
        if let Some(Part::Ours(s)) = self.parts.first_mut() {
            let mut c = s.chars();
            if let Some(first) = c.next() {
                let up: String = first.to_uppercase().chain(c).collect();
                *s = Cow::Owned(up);
            }
        }
        self
    }

    /// The text as data, unescaped (JSON strings escape it themselves):
    /// names in backticks, everything else bare.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Ours(s) => out.push_str(s),
                Part::Code(s) => {
                    out.push('`');
                    out.push_str(s);
                    out.push('`');
                }
                Part::Raw(s) => out.push_str(s),
            }
        }
        out
    }
}

/// Our own words are written into Markdown as they are: they must not hold
/// syntax that could pair with a neighbouring code span (a backtick) or
/// open a link or HTML around one.
fn plain_words(s: &str) -> bool {
    !s.contains(['`', '<', '[', ']', '\\', '\n', '|'])
}

/// A runtime string of unknown origin is untrusted.
impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::raw(s)
    }
}

/// A string literal is ours.
impl From<&'static str> for Text {
    fn from(s: &'static str) -> Text {
        Text::ours(s)
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

/// In the report's JSON Schema a `Text` is a string (what it serializes to).
impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string"})
    }
}

// Equality and order are those of the plain text, so sorting a list of
// messages gives the byte order a reader of the JSON sees.
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.plain() == other.plain()
    }
}
impl Eq for Text {}
impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.plain().cmp(&other.plain())
    }
}
impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.plain() == other
    }
}
impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.plain() == *other
    }
}
// No `Display`: a `Text` is shown through one of the renderers below, so
// `format!` cannot turn it back into an unmarked string by accident.

/// Characters that must never reach an output raw: C0 and C1 controls, DEL,
/// and the Unicode bidirectional controls that reorder what a reviewer sees
/// (the "Trojan Source" characters).
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Show dangerous characters as `\u{1b}`; `keep` lists the ones left as
/// they are.
fn escape_chars<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !s.chars().any(|c| is_dangerous(c) && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) && !keep.contains(&c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Terminal (stderr) free text such as an error message that may span
/// lines: every control character but newline and tab is shown as `\u{1b}`.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_chars(s, &['\n', '\t'])
}

/// One-line text (a name, a location, a SARIF message): newlines are
/// escaped too, so a name cannot forge a line of its own.
pub fn line(s: &str) -> Cow<'_, str> {
    escape_chars(s, &['\t'])
}

/// A `Text` on one line for a terminal or SARIF `message.text`: our words as
/// they are, untrusted parts through `line`.
pub fn terminal_text(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Ours(s) => out.push_str(s),
            Part::Code(s) => {
                out.push('`');
                out.push_str(&line(s));
                out.push('`');
            }
            Part::Raw(s) => out.push_str(&line(s)),
        }
    }
    out
}

/// A Markdown code span holding `s` literally (CommonMark 6.1): the fence is
/// one backtick longer than the longest backtick run inside, and a space
/// pads both ends when the content starts or ends with a backtick (or
/// starts and ends with a space, which a parser would strip). Control
/// characters, newlines included, are escaped first; tabs become `\u{9}`
/// too, since a code span shows them as one space.
pub fn md_code(s: &str) -> String {
    let content = escape_chars(s, &[]);
    if content.is_empty() {
        // An empty span is not expressible; a single space shows as itself.
        return "` `".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' ') && !content.chars().all(|c| c == ' '));
    let sp = if pad { " " } else { "" };
    format!("{fence}{sp}{content}{sp}{fence}")
}

/// A `Text` as Markdown: our words as they are, every untrusted part in its
/// own code span. No text from a repo can start a link, an image, HTML or
/// emphasis.
pub fn md_text(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Ours(s) => out.push_str(s),
            Part::Code(s) | Part::Raw(s) => out.push_str(&md_code(s)),
        }
    }
    out
}

/// Plan-authored prose (the title, phase names, a point's `note:`) as inert
/// Markdown on one line: the punctuation that opens inline syntax (code,
/// emphasis, links, images, HTML, entities, tables, strikethrough, math,
/// issue references) is backslash-escaped (CommonMark 2.4), and so is a
/// leading punctuation character (block syntax); control characters are
/// shown as `\u{1b}` and newlines become spaces.
pub fn md_inert(s: &str) -> String {
    const OPENERS: &str = "\\`*_[]<>#!|~&$";
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if OPENERS.contains(c) || (i == 0 && c.is_ascii_punctuation()) => {
                out.push('\\');
                out.push(c);
            }
            c if is_dangerous(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Markdown already rendered for one table cell (GFM): `|` is escaped,
/// also inside code spans, where GFM removes the backslash again.
pub fn md_cell(md: &str) -> String {
    md.replace('|', "\\|")
}

/// Write `value` as pretty JSON whose strings hold no raw control
/// character: serde_json escapes C0 controls; `SafeJson` also escapes DEL,
/// C1 controls and bidirectional controls as `\u0085` (the data is
/// unchanged for a JSON reader).
pub fn json_to_writer<W: io::Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    json_to_writer_nested(out, value, 0)
}

/// `json_to_writer` for a value that a document written so nests `level`
/// deep: every line after its first is indented as it would be there.
pub fn json_to_writer_nested<W: io::Write, T: Serialize + ?Sized>(
    out: W,
    value: &T,
    level: usize,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeJson::at(level));
    value.serialize(&mut ser)
}

/// `json_to_writer` on one line (`--format jsonl`): the same escapes,
/// serde_json's compact layout.
pub fn json_line_to_writer<W: io::Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeCompactJson);
    value.serialize(&mut ser)
}

/// serde_json's compact formatter, with the extra string escapes of
/// `json_to_writer`.
pub struct SafeCompactJson;

impl Formatter for SafeCompactJson {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        safe_fragment(w, fragment)
    }
}

/// A string's fragment with DEL, C1 and bidirectional controls escaped
/// (serde_json has escaped C0 already).
fn safe_fragment<W: ?Sized + io::Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    // Fast path: printable ASCII.
    if fragment.is_ascii() && !fragment.as_bytes().contains(&0x7f) {
        return w.write_all(fragment.as_bytes());
    }
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        if is_dangerous(c) {
            w.write_all(&fragment.as_bytes()[start..i])?;
            write!(w, "\\u{:04x}", c as u32)?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&fragment.as_bytes()[start..])
}

/// serde_json's pretty layout (`PrettyFormatter`: two spaces a level),
/// from nesting `level` on, with the extra string escapes of
/// `json_to_writer`.
pub struct SafeJson {
    level: usize,
    has_value: bool,
}

impl SafeJson {
    pub fn at(level: usize) -> SafeJson {
        SafeJson {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        safe_fragment(w, fragment)
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn json_lines_escape_like_json_on_one_line() {
        let mut out = Vec::new();
        json_line_to_writer(&mut out, &vec!["a\u{202e}b\u{85}\n", "c"]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"["a\u202eb\u0085\n","c"]"#);
    }

    use super::*;

    #[test]
    fn safe_json_lays_out_as_serde_json_pretty_at_any_depth() {
        let v = serde_json::json!({
            "a": [], "b": {}, "c": [[], [{}], {"d": [1, [2, {"e": null}]]}],
            "f": {"g": {"h": []}, "i": "x"}, "j": [true, false, 1.5, "k"]
        });
        let mut ours = Vec::new();
        json_to_writer(&mut ours, &v).unwrap();
        assert_eq!(ours, serde_json::to_vec_pretty(&v).unwrap());
        // Nested two deep: the value's lines as they sit in a document.
        let doc = serde_json::json!({"outer": [v.clone()]});
        let whole = serde_json::to_string_pretty(&doc).unwrap();
        let mut nested = Vec::new();
        json_to_writer_nested(&mut nested, &v, 2).unwrap();
        let nested = String::from_utf8(nested).unwrap();
        assert!(
            whole.contains(&format!("[\n    {nested}\n  ]")),
            "{whole}\n{nested}"
        );
        assert!(nested.contains("\n      \"a\": []"), "{nested}");
    }

    const HOSTILE: &str = "a\u{1b}]52;c;cHduZWQ=\u{7}b\u{9b}2J\u{7f}c\u{202e}d";

    fn no_raw_controls(s: &str) -> bool {
        !s.chars().any(|c| is_dangerous(c) && c != '\n' && c != '\t')
    }

    #[test]
    fn msg_keeps_our_words_apart_from_names() {
        let t = msg!(
            "{} never calls {} ({} callers)",
            Text::raw("cms"),
            Text::code("Foo#bar"),
            Text::num(3)
        );
        assert_eq!(t.plain(), "cms never calls `Foo#bar` (3 callers)");
        assert_eq!(md_text(&t), "`cms` never calls `Foo#bar` (3 callers)");
        let list = Text::raw_list(&["a/x.rb:1", "b/y.rb:2"], ", ");
        assert_eq!(md_text(&list), "`a/x.rb:1`, `b/y.rb:2`");
        // Capitalising never touches a name.
        assert_eq!(msg!("{} x", Text::raw("cms")).capitalize().plain(), "cms x");
        assert_eq!(msg!("no {}", Text::raw("cms")).capitalize().plain(), "No cms");
        // A runtime string is untrusted.
        assert_eq!(md_text(&Text::from(String::from("[x](y)"))), "`[x](y)`");
        // Our own words may mark a name of ours as code.
        let hook = Text::ours_marked("Pundit `authorize` (policy `x|y`)");
        assert_eq!(hook.plain(), "Pundit `authorize` (policy `x|y`)");
        assert_eq!(md_text(&hook), "Pundit `authorize` (policy `x|y`)");
        assert_eq!(
            md_text(&Text::ours_marked("`JSON.stringify`")),
            "`JSON.stringify`"
        );
    }

    #[test]
    fn terminal_escapes_c0_c1_del_and_bidi_but_not_newline_or_tab() {
        let s = terminal(HOSTILE);
        assert_eq!(s, "a\\u{1b}]52;c;cHduZWQ=\\u{7}b\\u{9b}2J\\u{7f}c\\u{202e}d");
        assert_eq!(terminal("x\ny\tz"), "x\ny\tz");
        assert!(matches!(terminal("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_text_escapes_newlines_in_names_only() {
        assert_eq!(line("a\nb\rc\td"), "a\\u{a}b\\u{d}c\td");
        let t = msg!("{}: {}", Text::raw("x\n"), Text::code("\u{1b}[2J"));
        assert_eq!(terminal_text(&t), "x\\u{a}: `\\u{1b}[2J`");
    }

    #[test]
    fn code_span_fence_is_longer_than_any_backtick_run() {
        assert_eq!(md_code("plain"), "`plain`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("a``b`c"), "```a``b`c```");
        // Content starting or ending with a backtick is padded.
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("x`"), "`` x` ``");
        // Content with spaces at both ends is padded so none is stripped.
        assert_eq!(md_code(" x "), "`  x  `");
        assert_eq!(md_code(" "), "` `");
        assert_eq!(md_code(""), "` `");
        assert_eq!(md_code("a\nb\u{1b}"), "`a\\u{a}b\\u{1b}`");
        assert_eq!(md_code("](http://x) <img src=x>"), "`](http://x) <img src=x>`");
    }

    #[test]
    fn table_cells_escape_pipes() {
        assert_eq!(md_cell(&md_code("a|b")), "`a\\|b`");
    }

    #[test]
    fn inert_prose_has_no_markdown_syntax_left() {
        assert_eq!(
            md_inert("[x](http://e) ![i](j) <b>*y*</b>\n# h\u{1b} `c` a_b_ &amp; ~~s~~ $m$ |"),
            "\\[x\\](http://e) \\!\\[i\\](j) \\<b\\>\\*y\\*\\</b\\> \\# h\\u{1b} \\`c\\` a\\_b\\_ \\&amp; \\~\\~s\\~\\~ \\$m\\$ \\|"
        );
        assert_eq!(md_inert("- item"), "\\- item");
        assert_eq!(
            md_inert("Phase 2: multi-platform (beta)"),
            "Phase 2: multi-platform (beta)"
        );
    }

    #[test]
    fn json_escapes_every_control_character() {
        let mut out = Vec::new();
        json_to_writer(&mut out, &serde_json::json!({"k\u{1b}": HOSTILE, "n": "x\ny"})).unwrap();
        let s = String::from_utf8(out.clone()).unwrap();
        assert!(no_raw_controls(&s), "{s:?}");
        assert!(!s.contains('\t'));
        // serde_json escapes C0 itself; `SafeJson` adds DEL, C1 and bidi.
        assert!(s.contains("\\u001b]52"), "{s}");
        assert!(
            s.contains("\\u009b") && s.contains("\\u007f") && s.contains("\\u202e"),
            "{s}"
        );
        // The data round-trips.
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["k\u{1b}"], HOSTILE);
        assert_eq!(v["n"], "x\ny");
        // Plain serde_json leaves C1 raw: the reason for `SafeJson`.
        let raw = serde_json::to_string(&HOSTILE).unwrap();
        assert!(raw.contains('\u{9b}') && !raw.contains('\u{1b}'));
    }
}
