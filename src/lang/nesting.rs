//! How deep a recursive-descent parser may recurse on a TypeScript or
//! JavaScript source, estimated from its bytes before parsing.
//!
//! oxc's parser recurses once per nesting level of brackets, prefix
//! operators, arrows, right-associative chains, `else if` chains and JSX
//! elements (left-deep chains such as `a.b().c()` or `1 + 1 + 1` are parsed
//! in loops). It has no depth guard, so the caller sizes the stack from this
//! estimate, and refuses to parse above a limit. The estimate is meant to
//! over-approximate: brackets inside strings and comments still count (only
//! their closers cannot go below the depth the string started at), and
//! operator runs are reset only where a statement certainly ends.

/// Estimated maximum recursion depth of a parse of `src`, stopping early
/// once `stop` is exceeded. `jsx`: `<tag>` may open an element.
pub fn estimate(src: &[u8], jsx: bool, stop: usize) -> usize {
    let mut s = Scan {
        src,
        i: 0,
        depth: 0,
        jsx_depth: 0,
        frames: vec![Frame::default()],
        runs: 0,
        max: 0,
        prev_operand: false,
    };
    s.run(jsx, stop);
    s.max
}

#[derive(Default, Clone, Copy)]
struct Frame {
    /// Recursion-inducing tokens since the last statement or list boundary.
    run: usize,
    /// Opened by `${` inside a template literal.
    template: bool,
}

struct Scan<'a> {
    src: &'a [u8],
    i: usize,
    /// Open brackets.
    depth: usize,
    /// Open JSX elements.
    jsx_depth: usize,
    frames: Vec<Frame>,
    /// The sum of `run` over `frames`, kept as they change (summing on
    /// every token made the scan quadratic in the nesting depth).
    runs: usize,
    max: usize,
    /// The last significant token ends an operand (identifier, literal,
    /// closing bracket): a `/` after it divides, a newline after it may end
    /// the statement.
    prev_operand: bool,
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Keywords after which the parser recurses into what follows.
const NESTING_WORDS: [&str; 17] = [
    "new", "typeof", "void", "delete", "await", "yield", "if", "else", "for", "while", "do", "with", "async",
    "keyof", "extends", "case", "infer",
];

/// Words that continue an expression across a newline.
const CONTINUING_WORDS: [&str; 6] = ["in", "instanceof", "as", "satisfies", "extends", "of"];

impl Scan<'_> {
    fn peek(&self, k: usize) -> u8 {
        self.src.get(self.i + k).copied().unwrap_or(0)
    }

    fn bump_run(&mut self) {
        if let Some(f) = self.frames.last_mut() {
            f.run += 1;
            self.runs += 1;
        }
        self.note();
    }

    fn note(&mut self) {
        let total = self.depth + self.jsx_depth + self.runs;
        if total > self.max {
            self.max = total;
        }
    }

    /// A statement or list item ended: its run is over, unless an `else`
    /// follows (an `else if` chain nests).
    fn reset_run(&mut self) {
        let mut j = self.i;
        while j < self.src.len() && self.src[j].is_ascii_whitespace() {
            j += 1;
        }
        let rest = &self.src[j..];
        if rest.starts_with(b"else") && !rest.get(4).is_some_and(|b| ident_byte(*b)) {
            return;
        }
        if let Some(f) = self.frames.last_mut() {
            self.runs -= f.run;
            f.run = 0;
        }
    }

    fn open(&mut self, template: bool) {
        self.depth += 1;
        self.frames.push(Frame { run: 0, template });
        self.note();
    }

    /// Closes a bracket; returns whether it closed a template substitution.
    fn close(&mut self) -> bool {
        if self.frames.len() > 1 {
            self.depth = self.depth.saturating_sub(1);
            return self.frames.pop().is_some_and(|f| {
                self.runs -= f.run;
                f.template
            });
        }
        false
    }

    /// Brackets inside a string, comment or regex: openers count, closers
    /// go no lower than `floor`.
    fn inert_bracket(&mut self, b: u8, floor: usize) {
        match b {
            b'(' | b'[' | b'{' => {
                self.depth += 1;
                self.note();
            }
            b')' | b']' | b'}' if self.depth > floor => self.depth -= 1,
            _ => {}
        }
    }

    fn run(&mut self, jsx: bool, stop: usize) {
        let n = self.src.len();
        while self.i < n {
            if self.max > stop {
                return;
            }
            let b = self.src[self.i];
            match b {
                b'\n' => {
                    // A newline after an operand, before an identifier that
                    // does not continue the expression, ends a statement.
                    let mut j = self.i + 1;
                    while j < n && matches!(self.src[j], b' ' | b'\t' | b'\r' | b'\n') {
                        j += 1;
                    }
                    if self.prev_operand && j < n && ident_byte(self.src[j]) {
                        let mut k = j;
                        while k < n && ident_byte(self.src[k]) {
                            k += 1;
                        }
                        let word = std::str::from_utf8(&self.src[j..k]).unwrap_or("");
                        if !CONTINUING_WORDS.contains(&word) {
                            self.reset_run();
                        }
                    }
                    // The whitespace up to `j` holds nothing more to see:
                    // another newline in it would decide the same (the scan
                    // once looked ahead from each, quadratic in a run of
                    // blank lines).
                    self.i = j;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'/' if self.peek(1) == b'/' => {
                    let floor = self.depth;
                    while self.i < n && self.src[self.i] != b'\n' {
                        self.inert_bracket(self.src[self.i], floor);
                        self.i += 1;
                    }
                }
                b'/' if self.peek(1) == b'*' => {
                    let floor = self.depth;
                    self.i += 2;
                    while self.i < n && !(self.src[self.i] == b'*' && self.peek(1) == b'/') {
                        self.inert_bracket(self.src[self.i], floor);
                        self.i += 1;
                    }
                    self.i += 2;
                }
                b'/' if jsx && self.peek(1) == b'>' => {
                    self.jsx_depth = self.jsx_depth.saturating_sub(1);
                    self.i += 2;
                    self.prev_operand = true;
                }
                b'/' if !self.prev_operand => {
                    // A regular expression literal, to the end of the line.
                    let floor = self.depth;
                    self.i += 1;
                    let mut class = false;
                    while self.i < n && self.src[self.i] != b'\n' {
                        let c = self.src[self.i];
                        self.inert_bracket(c, floor);
                        self.i += 1;
                        match c {
                            b'\\' => self.i += 1,
                            b'[' => class = true,
                            b']' => class = false,
                            b'/' if !class => break,
                            _ => {}
                        }
                    }
                    self.prev_operand = true;
                }
                b'\'' | b'"' => {
                    let floor = self.depth;
                    self.i += 1;
                    while self.i < n && self.src[self.i] != b && self.src[self.i] != b'\n' {
                        if self.src[self.i] == b'\\' {
                            self.i += 1;
                        } else {
                            self.inert_bracket(self.src[self.i], floor);
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                    self.prev_operand = true;
                }
                b'`' => {
                    self.i += 1;
                    self.template_text();
                }
                b'}' => {
                    self.i += 1;
                    if self.close() {
                        self.template_text();
                    } else {
                        self.prev_operand = true;
                    }
                }
                b'(' | b'[' | b'{' => {
                    self.i += 1;
                    self.open(false);
                    self.prev_operand = false;
                }
                b')' | b']' => {
                    self.i += 1;
                    self.close();
                    self.prev_operand = true;
                }
                b';' | b',' => {
                    self.i += 1;
                    self.reset_run();
                    self.prev_operand = false;
                }
                b'<' => {
                    let next = self.peek(1);
                    if jsx && next == b'/' {
                        self.jsx_depth = self.jsx_depth.saturating_sub(1);
                        self.i += 2;
                    } else if jsx && (ident_byte(next) || next == b'>') {
                        self.jsx_depth += 1;
                        self.note();
                        self.i += 1;
                    } else {
                        if ident_byte(next) {
                            // Type arguments nest.
                            self.bump_run();
                        }
                        self.i += 1;
                    }
                    self.prev_operand = false;
                }
                b'=' => {
                    let next = self.peek(1);
                    if next == b'>' {
                        self.bump_run();
                        self.i += 2;
                    } else if next == b'=' {
                        self.i += 2;
                        while self.peek(0) == b'=' {
                            self.i += 1;
                        }
                    } else {
                        // `x={...}` and `x="..."` (JSX attributes) do not
                        // nest; an assignment chain does.
                        let mut j = self.i + 1;
                        while matches!(self.src.get(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        if !matches!(self.src.get(j), Some(b'{' | b'"' | b'\'')) {
                            self.bump_run();
                        }
                        self.i += 1;
                    }
                    self.prev_operand = false;
                }
                b'!' | b'~' | b':' => {
                    if !(b == b'!' && self.peek(1) == b'=') {
                        self.bump_run();
                    }
                    self.i += 1;
                    self.prev_operand = false;
                }
                b'?' => {
                    let next = self.peek(1);
                    if next == b'?' || (next == b'.' && !self.peek(2).is_ascii_digit()) {
                        self.i += 2;
                    } else {
                        self.bump_run();
                        self.i += 1;
                    }
                    self.prev_operand = false;
                }
                b'+' | b'-' => {
                    if self.peek(1) == b {
                        // ++ / --: postfix after an operand, else prefix.
                        if !self.prev_operand {
                            self.bump_run();
                        }
                        self.i += 2;
                        continue;
                    }
                    if !self.prev_operand {
                        self.bump_run();
                    }
                    self.i += 1;
                    self.prev_operand = false;
                }
                b'*' if self.peek(1) == b'*' => {
                    self.bump_run();
                    self.i += 2;
                    self.prev_operand = false;
                }
                _ if ident_byte(b) => {
                    let start = self.i;
                    while self.i < n && ident_byte(self.src[self.i]) {
                        self.i += 1;
                    }
                    let word = std::str::from_utf8(&self.src[start..self.i]).unwrap_or("");
                    if NESTING_WORDS.contains(&word) {
                        self.bump_run();
                        self.prev_operand = false;
                    } else {
                        self.prev_operand = !matches!(
                            word,
                            "return"
                                | "throw"
                                | "in"
                                | "of"
                                | "instanceof"
                                | "as"
                                | "satisfies"
                                | "export"
                                | "default"
                                | "import"
                                | "from"
                        );
                    }
                }
                _ => {
                    self.i += 1;
                    self.prev_operand = false;
                }
            }
        }
    }

    /// Inside a template literal after `` ` `` or a substitution's `}`: up to
    /// the closing backtick or the next `${`.
    fn template_text(&mut self) {
        let n = self.src.len();
        let floor = self.depth;
        while self.i < n {
            match self.src[self.i] {
                b'\\' => self.i += 2,
                b'`' => {
                    self.i += 1;
                    self.prev_operand = true;
                    return;
                }
                b'$' if self.peek(1) == b'{' => {
                    self.i += 2;
                    self.open(true);
                    self.prev_operand = false;
                    return;
                }
                c => {
                    self.inert_bracket(c, floor);
                    self.i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::estimate;

    fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
        format!("const x = {}{}{};", open.repeat(n), inner, close.repeat(n))
    }

    #[test]
    fn recursive_shapes_are_counted() {
        for (o, i, c) in [
            ("(", "a", ")"),
            ("[", "a", "]"),
            ("{a: ", "1", "}"),
            ("!", "a", ""),
            ("() => ", "a", ""),
            ("a ? b : ", "c", ""),
            ("x = ", "a", ""),
            ("new ", "A", ""),
            ("`${", "a", "}`"),
            ("- ", "a", ""),
            ("typeof ", "a", ""),
        ] {
            let src = nest(o, i, c, 1000);
            let e = estimate(src.as_bytes(), false, usize::MAX);
            assert!(e >= 1000, "{o:?}: {e}");
        }
        let jsx = nest("<div>", "a", "</div>", 1000);
        assert!(estimate(jsx.as_bytes(), true, usize::MAX) >= 1000);
        let multiline_jsx = nest("<div>\nword\n", "a", "</div>\n", 1000);
        assert!(estimate(multiline_jsx.as_bytes(), true, usize::MAX) >= 1000);
        let else_if = format!("if (a) x; {}", "else if (a) x;\n".repeat(1000));
        assert!(estimate(else_if.as_bytes(), false, usize::MAX) >= 1000);
        let unary_lines = format!("x = {}a", "!\n".repeat(1000));
        assert!(estimate(unary_lines.as_bytes(), false, usize::MAX) >= 1000);
    }

    #[test]
    fn strings_cannot_hide_nesting() {
        // Closers in strings do not cancel real openers.
        let src = "f(\")\"".repeat(1000);
        assert!(estimate(src.as_bytes(), false, usize::MAX) >= 1000);
        // An apostrophe in JSX text does not hide the expression after it.
        let src = format!("<p>don't {{{}a{}}}</p>", "(".repeat(1000), ")".repeat(1000));
        assert!(estimate(src.as_bytes(), true, usize::MAX) >= 1000);
    }

    #[test]
    fn ordinary_code_is_shallow() {
        let stmt = "const a = b.c(d, e => f + g).h[i] ?? j;\nlet k = l < m ? n : -o;\nif (p) { q() } else { r() }\n// (a comment)\nconst s = 'it\\'s (a)'\nt = `${u} (b)`\n";
        let src = stmt.repeat(2000);
        assert!(estimate(src.as_bytes(), false, usize::MAX) < 50);
        let chain = format!("x = a{};", ".b()".repeat(10_000));
        assert!(estimate(chain.as_bytes(), false, usize::MAX) < 10);
        let no_semis = "foo = bar\nbaz = qux\n".repeat(5000);
        assert!(estimate(no_semis.as_bytes(), false, usize::MAX) < 10);
        let jsx = "<ul>\n<li>a</li>\n<li><b>x</b> b</li>\n<Item x={y} />\n</ul>\n".repeat(2000);
        assert!(estimate(jsx.as_bytes(), true, usize::MAX) < 10);
    }
}
