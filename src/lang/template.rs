//! The Ruby inside HAML and Slim views, as one Ruby buffer per template
//! with the same lines: line N of the buffer holds the Ruby of line N of the
//! view (`=` / `-` lines, `#{}` interpolation, attribute values), so every
//! fact extracted from it has the view's line number. Both languages close
//! blocks by indentation; the buffer closes them with `end` where the
//! indentation returns, so Prism sees well-formed Ruby.
//!
//! Line-based and linear: no recursion, nothing nests on the stack but the
//! open blocks (bounded by the number of lines).

/// Ruby code or an attribute group continues over at most this many lines
/// (keeps an unclosed bracket from making the scan quadratic).
const MAX_CONTINUED: usize = 64;

/// One line of output per template line.
struct Out {
    lines: Vec<String>,
    /// (indent, line index) of blocks opened by `- if x` / `= f do |x|`.
    blocks: Vec<usize>,
}

impl Out {
    fn new(n: usize) -> Out {
        Out {
            lines: vec![String::new(); n],
            blocks: Vec::new(),
        }
    }

    fn push(&mut self, line: usize, code: &str) {
        let l = &mut self.lines[line];
        if !l.is_empty() {
            l.push(';');
        }
        l.push_str(code);
    }

    /// Close the blocks that a line at `indent` ends; `continues` (`else`,
    /// `when`, ...) keeps the block at the same indent open.
    fn close(&mut self, line: usize, indent: usize, continues: bool) {
        while let Some(&b) = self.blocks.last() {
            if b > indent || (b == indent && !continues) {
                self.blocks.pop();
                self.push(line, "end");
            } else {
                break;
            }
        }
    }

    fn finish(mut self) -> Vec<u8> {
        let last = self.lines.len().saturating_sub(1);
        while self.blocks.pop().is_some() {
            if self.lines.is_empty() {
                break;
            }
            self.push(last, "end");
        }
        self.lines.join("\n").into_bytes()
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Does Ruby code open a block that indentation will close?
fn opens_block(code: &str) -> bool {
    let c = code.trim();
    let first = c.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "if" | "unless" | "case" | "while" | "until" | "for" | "begin"
    ) {
        return true;
    }
    // `... do` / `... do |x, y|`
    let c = match c.rsplit_once('|') {
        Some((head, tail)) if tail.trim().is_empty() => match head.rsplit_once('|') {
            Some((h, _)) => h.trim_end(),
            None => c,
        },
        _ => c,
    };
    c == "do" || c.ends_with(" do") || c.ends_with(")do")
}

/// Keywords that continue the block above at the same indent.
fn continues_block(code: &str) -> bool {
    matches!(
        code.split_whitespace().next().unwrap_or(""),
        "else" | "elsif" | "when" | "in" | "rescue" | "ensure"
    )
}

/// The end (exclusive) of a balanced bracket expression starting at
/// `s[0]` (one of `{ ( [`), skipping quoted strings; `None` when unclosed.
fn balanced(s: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < s.len() {
        let c = s[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The Ruby of every `#{...}` in a piece of text.
fn interpolations(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'#' && b[i + 1] == b'{' {
            match balanced(&b[i + 1..]) {
                Some(n) => {
                    out.push(&text[i + 2..i + n]);
                    i += n + 1;
                    continue;
                }
                None => break,
            }
        }
        i += 1;
    }
    out
}

/// A Ruby expression at the start of `s`, up to whitespace (or `stop`) at
/// bracket depth 0.
fn expr_until_space(s: &str, stop: &[u8]) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || stop.contains(&c) {
            break;
        }
        if matches!(c, b'(' | b'[' | b'{' | b'"' | b'\'') {
            let n = if matches!(c, b'"' | b'\'') {
                b[i + 1..].iter().position(|&x| x == c).map(|p| p + 2)
            } else {
                balanced(&b[i..])
            };
            match n {
                Some(n) => i += n,
                None => return b.len(),
            }
            continue;
        }
        i += 1;
    }
    i
}

/// `name=value name2="text #{x}"` (HAML's `(...)` attributes, Slim's
/// attributes): the Ruby of each value.
fn html_attrs(s: &str, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some(eq) = rest.find('=') {
        let after = rest[eq + 1..].trim_start();
        if after.starts_with('"') || after.starts_with('\'') {
            let q = after.as_bytes()[0];
            let end = after[1..].find(q as char).map(|p| p + 2).unwrap_or(after.len());
            for i in interpolations(&after[..end]) {
                out.push(i.to_string());
            }
            rest = &after[end..];
        } else {
            let n = expr_until_space(after, b")]");
            if n > 0 {
                out.push(after[..n].to_string());
            }
            rest = &after[n..];
        }
    }
}

/// Ruby code continued on following lines (a trailing `,` or `|` operator,
/// or unbalanced brackets): returns the code and the last line it uses.
fn continued(lines: &[&str], first: usize, code: &str) -> (String, usize) {
    let mut code = code.trim_end().to_string();
    let mut last = first;
    loop {
        let open = code.matches(['(', '[', '{']).count() > code.matches([')', ']', '}']).count();
        let more = code.ends_with(',') || code.ends_with('\\') || open;
        if !more || last + 1 >= lines.len() || last - first >= MAX_CONTINUED {
            break;
        }
        last += 1;
        if code.ends_with('\\') {
            code.pop();
        }
        code.push('\n');
        code.push_str(lines[last].trim_end());
    }
    (code, last)
}

fn emit_code(out: &mut Out, line: usize, indent: usize, code: &str, last: usize) {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return;
    }
    // Multi-line code keeps its own newlines: its first line goes here, the
    // rest on the following output lines.
    let mut parts = code.split('\n');
    if let Some(first) = parts.next() {
        out.push(line, first);
    }
    for (k, p) in parts.enumerate() {
        let l = (line + 1 + k).min(last);
        out.push(l, p);
    }
    if opens_block(trimmed) {
        out.blocks.push(indent);
    }
}

/// The Ruby buffer of a HAML template.
pub fn haml_ruby(src: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(src);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Out::new(lines.len());
    // Lines nested under this indent are a comment or a filter.
    let mut skip_under: Option<(usize, bool)> = None; // (indent, interpolate?)
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end_matches('\r');
        let indent = indent_of(raw);
        let s = raw.trim();
        if s.is_empty() {
            i += 1;
            continue;
        }
        if let Some((under, interp)) = skip_under {
            if indent > under {
                if interp {
                    for x in interpolations(s) {
                        out.push(i, &format!("({x})"));
                    }
                }
                i += 1;
                continue;
            }
            skip_under = None;
        }
        let mut last = i;
        if s.starts_with("-#") {
            out.close(i, indent, false);
            skip_under = Some((indent, false));
        } else if s.starts_with(':') {
            // :javascript, :css, :markdown, :plain ... (content interpolates)
            out.close(i, indent, false);
            skip_under = Some((indent, true));
        } else if let Some(code) = s.strip_prefix('-') {
            out.close(i, indent, continues_block(code));
            let (code, l) = continued(&lines, i, code);
            last = l;
            emit_code(&mut out, i, indent, &code, last);
        } else if let Some(code) = ["!=", "&=", "=", "~"].iter().find_map(|p| s.strip_prefix(p)) {
            out.close(i, indent, false);
            let (code, l) = continued(&lines, i, code);
            last = l;
            emit_code(&mut out, i, indent, &code, last);
        } else if s.starts_with('%') || ((s.starts_with('.') || s.starts_with('#')) && !s.starts_with("#{")) {
            out.close(i, indent, false);
            last = haml_tag(&lines, i, indent, s, &mut out);
        } else if s.starts_with('/') || s.starts_with("!!!") {
            // HTML comment, doctype.
            out.close(i, indent, false);
        } else {
            out.close(i, indent, false);
            let t = s.strip_prefix('\\').unwrap_or(s);
            for x in interpolations(t) {
                out.push(i, &format!("({x})"));
            }
        }
        i = last + 1;
    }
    out.finish()
}

/// `%tag.class#id{ruby}(html)[obj]= code` or text; returns the last line
/// used.
fn haml_tag(lines: &[&str], i: usize, indent: usize, s: &str, out: &mut Out) -> usize {
    let b = s.as_bytes();
    let mut p = 0;
    // Name, classes and ids.
    while p < b.len()
        && (b[p].is_ascii_alphanumeric() || matches!(b[p], b'%' | b'.' | b'#' | b'_' | b'-' | b':'))
    {
        if b[p] == b'#' && b.get(p + 1) == Some(&b'{') {
            break;
        }
        p += 1;
    }
    let mut last = i;
    let mut exprs: Vec<String> = Vec::new();
    // Attribute groups in any order: {ruby hash}, (html attrs), [object ref].
    while let Some(&open) = b.get(p).filter(|c| matches!(c, b'{' | b'(' | b'[')) {
        // The group may span lines.
        let mut joined = s[p..].to_string();
        let mut end = balanced(joined.as_bytes());
        while end.is_none() && last + 1 < lines.len() && last - i < MAX_CONTINUED {
            last += 1;
            joined.push('\n');
            joined.push_str(lines[last].trim_end_matches('\r'));
            end = balanced(joined.as_bytes());
        }
        let Some(end) = end else { break };
        let group = &joined[..end];
        match open {
            b'(' => html_attrs(&group[1..group.len() - 1], &mut exprs),
            b'[' => exprs.push(group[1..group.len() - 1].to_string()),
            _ => exprs.push(group.to_string()),
        }
        if last > i {
            // The rest of the tag line is on the group's last line.
            for e in exprs.drain(..) {
                emit_code(out, i, usize::MAX, &format!("({e})"), last);
            }
            let tail = joined[end..].to_string();
            return haml_tag_tail(lines, last, indent, &tail, out);
        }
        p += end;
    }
    for e in exprs {
        emit_code(out, i, usize::MAX, &format!("({e})"), last);
    }
    haml_tag_tail(lines, last, indent, &s[p..], out)
}

/// What follows a HAML tag's attributes on line `i`.
fn haml_tag_tail(lines: &[&str], i: usize, indent: usize, tail: &str, out: &mut Out) -> usize {
    let tail = tail.trim_start_matches(['<', '>', '/']);
    if let Some(code) = ["!=", "&=", "=", "~"].iter().find_map(|p| tail.strip_prefix(p)) {
        let (code, last) = continued(lines, i, code);
        emit_code(out, i, indent, &code, last);
        return last;
    }
    for x in interpolations(tail) {
        out.push(i, &format!("({x})"));
    }
    i
}

/// The Ruby buffer of a Slim template.
pub fn slim_ruby(src: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(src);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Out::new(lines.len());
    let mut skip_under: Option<(usize, bool)> = None;
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end_matches('\r');
        let indent = indent_of(raw);
        let s = raw.trim();
        if s.is_empty() {
            i += 1;
            continue;
        }
        if let Some((under, interp)) = skip_under {
            if indent > under {
                if interp {
                    for x in interpolations(s) {
                        out.push(i, &format!("({x})"));
                    }
                }
                i += 1;
                continue;
            }
            skip_under = None;
        }
        let mut last = i;
        let first = s.as_bytes()[0];
        if s.starts_with('/') {
            // Comments (and their nested lines).
            out.close(i, indent, false);
            skip_under = Some((indent, false));
        } else if s.starts_with('|') || s.starts_with('\'') {
            // Verbatim text (nested lines too), interpolated.
            out.close(i, indent, false);
            for x in interpolations(&s[1..]) {
                out.push(i, &format!("({x})"));
            }
            skip_under = Some((indent, true));
        } else if let Some(code) = s.strip_prefix('-') {
            out.close(i, indent, continues_block(code));
            let (code, l) = continued(&lines, i, code);
            last = l;
            emit_code(&mut out, i, indent, &code, last);
        } else if first == b'=' {
            out.close(i, indent, false);
            let code = s.trim_start_matches('=').trim_start_matches(['\'', '<', '>']);
            let (code, l) = continued(&lines, i, code);
            last = l;
            emit_code(&mut out, i, indent, &code, last);
        } else if s.starts_with("doctype") {
            out.close(i, indent, false);
        } else if s.ends_with(':') && !s.contains(' ') && first.is_ascii_lowercase() && !s.contains('.') {
            // Embedded engines: `javascript:`, `css:`, `markdown:`.
            out.close(i, indent, false);
            skip_under = Some((indent, true));
        } else if first.is_ascii_alphabetic() || first == b'.' || first == b'#' || first == b'*' {
            out.close(i, indent, false);
            last = slim_tag(&lines, i, indent, s, &mut out);
        } else {
            out.close(i, indent, false);
            for x in interpolations(s) {
                out.push(i, &format!("({x})"));
            }
        }
        i = last + 1;
    }
    out.finish()
}

/// `tag.class#id attr=ruby attr="text" = code`, `tag: inline`, text.
fn slim_tag(lines: &[&str], i: usize, indent: usize, s: &str, out: &mut Out) -> usize {
    let b = s.as_bytes();
    let mut p = 0;
    while p < b.len() && (b[p].is_ascii_alphanumeric() || matches!(b[p], b'.' | b'#' | b'_' | b'-' | b'*')) {
        p += 1;
    }
    let mut rest = &s[p..];
    // Inline tag: `li: a href=x Text`.
    if let Some(r) = rest.strip_prefix(':') {
        let r = r.trim_start();
        return slim_tag(lines, i, indent, r, out);
    }
    let mut exprs: Vec<String> = Vec::new();
    // Wrapped attributes: tag(a=b) / tag[a=b] / tag{a=b}.
    if let Some(open) = rest.as_bytes().first().copied()
        && matches!(open, b'(' | b'[' | b'{')
        && let Some(end) = balanced(rest.as_bytes())
    {
        html_attrs(&rest[1..end - 1], &mut exprs);
        rest = &rest[end..];
    }
    // Bare attributes: ` name=value` until the text or `=`.
    loop {
        let r = rest.trim_start();
        let name_len = r
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'@'))
            .count();
        if name_len > 0 && r.as_bytes().get(name_len) == Some(&b'=') {
            let after = &r[name_len + 1..];
            let after = after.strip_prefix('=').unwrap_or(after);
            if after.starts_with('"') || after.starts_with('\'') {
                let q = after.as_bytes()[0] as char;
                let end = after[1..].find(q).map(|e| e + 2).unwrap_or(after.len());
                for x in interpolations(&after[..end]) {
                    exprs.push(x.to_string());
                }
                rest = &after[end..];
            } else {
                let n = expr_until_space(after, b"");
                exprs.push(after[..n].to_string());
                rest = &after[n..];
            }
            continue;
        }
        rest = r;
        break;
    }
    for e in exprs {
        emit_code(out, i, usize::MAX, &format!("({e})"), i);
    }
    if let Some(code) = rest.strip_prefix('=') {
        let code = code.trim_start_matches('=').trim_start_matches(['\'', '<', '>']);
        let (code, last) = continued(lines, i, code);
        emit_code(out, i, indent, &code, last);
        return last;
    }
    for x in interpolations(rest) {
        out.push(i, &format!("({x})"));
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(b: Vec<u8>) -> Vec<String> {
        String::from_utf8(b)
            .unwrap()
            .split('\n')
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn haml_lines_and_blocks() {
        let src = "%h1= @product.title\n-# hidden_call\n  still_hidden\n- if @product.live?\n  %p.note{class: status_class(@product)} Live #{badge_for(@product)}\n- else\n  %a(href=edit_path(@product) title=\"x\") Edit\n= form_with model: @product do |f|\n  = f.text_field :name,\n    placeholder: hint_text\n:javascript\n  var x = #{js_config.to_json};\n%p text\n";
        let got = lines(haml_ruby(src.as_bytes()));
        assert_eq!(got.len(), src.split('\n').count());
        assert_eq!(got[0], " @product.title");
        assert_eq!(got[1], "");
        assert_eq!(got[2], "");
        assert_eq!(got[3], " if @product.live?");
        assert_eq!(got[4], "({class: status_class(@product)});(badge_for(@product))");
        assert_eq!(got[5], " else");
        assert_eq!(got[6], "(edit_path(@product))");
        assert_eq!(got[7], "end; form_with model: @product do |f|");
        assert_eq!(got[8], " f.text_field :name,");
        assert_eq!(got[9], "    placeholder: hint_text");
        assert_eq!(got[10], "end");
        assert_eq!(got[11], "(js_config.to_json)");
        assert!(ruby_prism::parse(&haml_ruby(src.as_bytes())).errors().count() == 0);
    }

    #[test]
    fn slim_lines_and_blocks() {
        let src = "h1 = @product.title\n/ commented_call\n  still_hidden\n- if @product.live?\n  p.note class=status_class(@product) Live #{badge_for(@product)}\n- else\n  a href=edit_path(@product) title=\"x\" Edit\n= form_with model: @product do |f|\n  == f.text_field :name\n| plain #{helper_text}\nli: a href=item_path(1) Item\n";
        let b = slim_ruby(src.as_bytes());
        let got = lines(b.clone());
        assert_eq!(got.len(), src.split('\n').count());
        assert_eq!(got[0], " @product.title");
        assert_eq!(got[1], "");
        assert_eq!(got[2], "");
        assert_eq!(got[3], " if @product.live?");
        assert_eq!(got[4], "(status_class(@product));(badge_for(@product))");
        assert_eq!(got[5], " else");
        assert_eq!(got[6], "(edit_path(@product))");
        assert_eq!(got[7], "end; form_with model: @product do |f|");
        assert_eq!(got[8], " f.text_field :name");
        assert_eq!(got[9], "end;(helper_text)");
        assert_eq!(got[10], "(item_path(1))");
        assert!(ruby_prism::parse(&b).errors().count() == 0, "{got:?}");
    }

    /// Unclosed brackets and blocks on 50,000 lines: linear, and every
    /// line keeps its place.
    #[test]
    fn unclosed_input_stays_linear() {
        let n = 50_000;
        for src in [
            format!("%p{{a: 1,\n{}", "  x,\n".repeat(n)),
            format!("= foo(\n{}", "- if x\n".repeat(n)),
            format!("p(a=b\n{}", "= f do\n".repeat(n)),
        ] {
            let t = std::time::Instant::now();
            let h = haml_ruby(src.as_bytes());
            let s = slim_ruby(src.as_bytes());
            // A hang guard for quadratic behaviour, not a speed target:
            // quadratic work on 50,000 lines would take far longer.
            assert!(t.elapsed().as_secs() < 120, "{:?}", t.elapsed());
            assert_eq!(lines(h).len(), src.split('\n').count());
            assert_eq!(lines(s).len(), src.split('\n').count());
        }
    }
}
