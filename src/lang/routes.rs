//! Rails routes files → the routing DSL calls they make (`RouteCall`), on
//! Prism. Interpreting those calls as `rails routes` would (scopes,
//! resources, names) is `crate::routing`'s job and needs no parser.
//!
//! The calls kept are the receiver-less ones (and those on a block
//! parameter, as in `with_options ... do |r| r.get ... end`) inside
//! `X.routes.draw do ... end`, or at the top level of a file that opens no
//! `draw` block (a file loaded with `draw(:name)`). Conditionals and
//! `begin` blocks are transparent: a route behind `if Rails.env.development?`
//! is kept, since it exists in some environment. The walk recurses only
//! into blocks and literals, to a fixed depth.

use super::ruby;
use crate::facts::{Dynamic, RVal, RouteCall};
use ruby_prism::Node;

/// Blocks nested deeper than this (routes files nest a few levels) are not
/// read; the file is then `too_deep`.
const MAX_BLOCK_DEPTH: usize = 64;
/// Literals nested deeper than this become `RVal::Expr`.
const MAX_VALUE_DEPTH: usize = 16;

/// The mark of an engine's `routes.draw` in a file that also draws
/// another route set's: its calls are the block of a call of this name.
pub const ENGINE_DRAW: &str = "<engine routes.draw>";

/// What a routes file holds.
#[derive(Debug, Default)]
pub struct RoutesFile {
    pub calls: Vec<RouteCall>,
    /// The engine the routes are drawn on (`Spree::Core::Engine` for
    /// `Spree::Core::Engine.routes.draw do`), not the application.
    pub engine: Option<String>,
    /// The file draws its routes itself (`X.routes.draw do`), rather than
    /// holding bare routing calls for another file's `draw(:name)`.
    pub draws: bool,
    pub unread: Vec<Dynamic>,
    pub parse_error: bool,
    pub too_deep: bool,
}

/// Parse a routes file with Prism and return its routing calls. Runs the
/// parse on a thread with enough stack (as every Prism parse does).
pub fn extract(src: &[u8]) -> RoutesFile {
    super::on_stack(super::STACK_SIZE, || {
        let result = ruby::parse(src);
        let status = ruby::status(&result);
        let mut r = Reader::new(src);
        let root = result.node();
        let top = root.as_program_node().map(|p| p.statements().as_node());
        let mut found = Vec::new();
        r.find_draws(top.as_ref(), 0, &mut found);
        let draws = !found.is_empty();
        let mut engine = None;
        let calls = match found.len() {
            0 => r.stmts(top.as_ref(), 0),
            1 => {
                let (e, body, _) = found.pop().expect("one draw");
                engine = e;
                r.stmts(body.as_ref(), 0)
            }
            // An app's routes and an engine's in one file: the engine's
            // are marked (`ENGINE_DRAW`) for the caller to scope.
            _ => {
                let mut calls = Vec::new();
                for (e, body, line) in found {
                    let inner = r.stmts(body.as_ref(), 0);
                    match e {
                        Some(e) => {
                            engine.get_or_insert_with(|| e.clone());
                            calls.push(RouteCall {
                                name: ENGINE_DRAW.to_string(),
                                args: vec![RVal::Const(e)],
                                line,
                                block: Some(inner),
                            });
                        }
                        None => calls.extend(inner),
                    }
                }
                calls
            }
        };
        RoutesFile {
            calls,
            engine,
            draws,
            unread: r.unread,
            parse_error: status.errors,
            too_deep: status.too_deep || r.too_deep,
        }
    })
    .unwrap_or(RoutesFile {
        parse_error: true,
        ..RoutesFile::default()
    })
}

/// The namespace an engine's class isolates (`isolate_namespace Spree` in
/// `lib/spree/core/engine.rb` → `Spree`), read from the engine file's text:
/// the first `isolate_namespace` followed by a constant path.
pub fn isolated_namespace(src: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(src);
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("isolate_namespace")?;
        let rest = rest.trim_start_matches([' ', '(']).trim_start_matches("::");
        let k: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        (k.starts_with(|c: char| c.is_ascii_uppercase()) && !k.ends_with(':')).then_some(k)
    })
}

struct Reader<'s> {
    src: &'s [u8],
    newlines: Vec<u32>,
    unread: Vec<Dynamic>,
    too_deep: bool,
    /// Block parameters that stand for the mapper (`with_options do |r|`).
    mapper_params: Vec<String>,
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<'s> Reader<'s> {
    fn new(src: &'s [u8]) -> Reader<'s> {
        let newlines = src
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .map(|(i, _)| i as u32)
            .collect();
        Reader {
            src,
            newlines,
            unread: Vec::new(),
            too_deep: false,
            mapper_params: Vec::new(),
        }
    }

    fn line(&self, n: &Node<'_>) -> u32 {
        let pos = n.location().start();
        self.newlines.partition_point(|&nl| nl < pos) as u32 + 1
    }

    fn text(&self, n: &Node<'_>) -> String {
        let l = n.location();
        super::truncate(&utf8(
            self.src.get(l.start() as usize..l.end() as usize).unwrap_or(&[]),
        ))
    }

    /// The statements of a body node (`StatementsNode`, `BeginNode`, or a
    /// single expression).
    fn statements<'pr>(&self, body: &Node<'pr>) -> Vec<Node<'pr>> {
        if let Some(s) = body.as_statements_node() {
            return s.body().iter().collect();
        }
        if let Some(b) = body.as_begin_node() {
            return match b.statements() {
                Some(s) => s.body().iter().collect(),
                None => Vec::new(),
            };
        }
        vec![super::prism_tree::own(body)]
    }

    /// The bodies of every `X.routes.draw do ... end` (outer `if`s and
    /// `begin`s are looked through), in order, each with the engine it
    /// draws on (`X::Engine.routes.draw`: the constant `X::Engine`).
    fn find_draws<'pr>(
        &self,
        body: Option<&Node<'pr>>,
        depth: usize,
        out: &mut Vec<(Option<String>, Option<Node<'pr>>, u32)>,
    ) {
        let Some(body) = body else { return };
        if depth > MAX_BLOCK_DEPTH {
            return;
        }
        for st in self.statements(body) {
            if let Some(c) = st.as_call_node() {
                if c.receiver().is_some()
                    && c.name().as_slice() == b"draw"
                    && let Some(b) = c.block().and_then(|b| b.as_block_node())
                {
                    let engine = c
                        .receiver()
                        .and_then(|r| r.as_call_node())
                        .filter(|r| r.name().as_slice() == b"routes")
                        .and_then(|r| r.receiver())
                        .filter(|k| {
                            k.as_constant_path_node().is_some() || k.as_constant_read_node().is_some()
                        })
                        .map(|k| self.text(&k).trim_start_matches("::").to_string())
                        .filter(|k| k.ends_with("Engine"));
                    out.push((engine, b.body(), self.line(&st)));
                    continue;
                }
                // `Rails.application.routes.draw do` inside a class body or
                // a `Module.new` wrapper is rare; `Foo.configure do` etc.
                // are looked into.
                if let Some(b) = c.block().and_then(|b| b.as_block_node()) {
                    self.find_draws(b.body().as_ref(), depth + 1, out);
                }
            } else if let Some(i) = st.as_if_node() {
                self.find_draws(i.statements().map(|s| s.as_node()).as_ref(), depth + 1, out);
            } else if let Some(b) = st.as_begin_node() {
                self.find_draws(b.statements().map(|s| s.as_node()).as_ref(), depth + 1, out);
            }
        }
    }

    fn stmts(&mut self, body: Option<&Node<'_>>, depth: usize) -> Vec<RouteCall> {
        let mut out = Vec::new();
        let Some(body) = body else { return out };
        if depth > MAX_BLOCK_DEPTH {
            self.too_deep = true;
            return out;
        }
        for st in self.statements(body) {
            self.stmt(&st, depth, &mut out);
        }
        out
    }

    fn stmt(&mut self, st: &Node<'_>, depth: usize, out: &mut Vec<RouteCall>) {
        if let Some(c) = st.as_call_node() {
            let on_mapper = match c.receiver() {
                None => true,
                Some(r) => {
                    r.as_self_node().is_some()
                        || r.as_local_variable_read_node().is_some_and(|v| {
                            self.mapper_params
                                .iter()
                                .any(|p| p.as_bytes() == v.name().as_slice())
                        })
                        || r.as_call_node().is_some_and(|rc| {
                            rc.receiver().is_none()
                                && rc.arguments().is_none()
                                && self
                                    .mapper_params
                                    .iter()
                                    .any(|p| p.as_bytes() == rc.name().as_slice())
                        })
                }
            };
            let name = utf8(c.name().as_slice());
            if !on_mapper {
                if let Some(b) = c.block().and_then(|b| b.as_block_node()) {
                    if name == "draw" {
                        out.extend(self.stmts(b.body().as_ref(), depth + 1));
                    } else {
                        // `%w[a b].each do |x| resources x end`: routes
                        // drawn by running code.
                        let calls = self.stmts(b.body().as_ref(), depth + 1);
                        if !calls.is_empty() {
                            self.unread.push(Dynamic {
                                what: format!("routes drawn inside `{}`", self.text(st)),
                                line: self.line(st),
                            });
                        }
                    }
                }
                return;
            }
            let mut args: Vec<RVal> = match c.arguments() {
                Some(a) => a.arguments().iter().map(|a| self.value(&a, 0)).collect(),
                None => Vec::new(),
            };
            let mut block = None;
            if let Some(b) = c.block() {
                if let Some(bn) = b.as_block_node() {
                    let param = bn
                        .parameters()
                        .and_then(|p| p.as_block_parameters_node())
                        .and_then(|p| p.parameters())
                        .and_then(|p| p.requireds().iter().next())
                        .and_then(|r| r.as_required_parameter_node().map(|r| utf8(r.name().as_slice())));
                    let pushed = param.is_some();
                    if let Some(p) = param {
                        self.mapper_params.push(p);
                    }
                    block = Some(self.stmts(bn.body().as_ref(), depth + 1));
                    if pushed {
                        self.mapper_params.pop();
                    }
                } else if let Some(ba) = b.as_block_argument_node() {
                    // `constraints(&blk)`: a block passed along.
                    args.push(RVal::Expr(self.text(&ba.as_node())));
                }
            }
            out.push(RouteCall {
                name,
                args,
                line: self.line(st),
                block,
            });
        } else if let Some(i) = st.as_if_node() {
            out.extend(self.stmts(i.statements().map(|s| s.as_node()).as_ref(), depth + 1));
            if let Some(e) = i.subsequent() {
                if let Some(e) = e.as_else_node() {
                    out.extend(self.stmts(e.statements().map(|s| s.as_node()).as_ref(), depth + 1));
                } else {
                    let e = super::prism_tree::own(&e);
                    out.extend(self.stmts(Some(&e), depth + 1));
                }
            }
        } else if let Some(u) = st.as_unless_node() {
            out.extend(self.stmts(u.statements().map(|s| s.as_node()).as_ref(), depth + 1));
            if let Some(e) = u.else_clause() {
                out.extend(self.stmts(e.statements().map(|s| s.as_node()).as_ref(), depth + 1));
            }
        } else if st.as_begin_node().is_some() || st.as_statements_node().is_some() {
            out.extend(self.stmts(Some(st), depth + 1));
        } else if let Some(p) = st.as_parentheses_node() {
            out.extend(self.stmts(p.body().as_ref(), depth + 1));
        }
    }

    fn value(&self, n: &Node<'_>, depth: usize) -> RVal {
        if depth > MAX_VALUE_DEPTH {
            return RVal::Expr(self.text(n));
        }
        if let Some(s) = n.as_string_node() {
            return RVal::Str(utf8(s.unescaped()));
        }
        if let Some(s) = n.as_symbol_node() {
            return RVal::Sym(utf8(s.unescaped()));
        }
        if n.as_integer_node().is_some() {
            return RVal::Int(self.text(n));
        }
        if n.as_true_node().is_some() {
            return RVal::Bool(true);
        }
        if n.as_false_node().is_some() {
            return RVal::Bool(false);
        }
        if n.as_nil_node().is_some() {
            return RVal::Nil;
        }
        if let Some(a) = n.as_array_node() {
            return RVal::List(a.elements().iter().map(|e| self.value(&e, depth + 1)).collect());
        }
        let pairs = |elements: ruby_prism::NodeList<'_>| -> RVal {
            let mut out = Vec::new();
            for e in elements.iter() {
                if let Some(a) = e.as_assoc_node() {
                    out.push((self.value(&a.key(), depth + 1), self.value(&a.value(), depth + 1)));
                }
            }
            RVal::Hash(out)
        };
        if let Some(h) = n.as_hash_node() {
            return pairs(h.elements());
        }
        if let Some(h) = n.as_keyword_hash_node() {
            return pairs(h.elements());
        }
        if n.as_constant_read_node().is_some() || n.as_constant_path_node().is_some() {
            return RVal::Const(self.text(n));
        }
        if let Some(c) = n.as_call_node()
            && c.receiver()
                .is_some_and(|r| r.as_constant_read_node().is_some() || r.as_constant_path_node().is_some())
            && c.name().as_slice() == b"new"
        {
            return RVal::Const(self.text(n));
        }
        RVal::Expr(self.text(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_draw_block_and_its_nesting() {
        let src = b"Rails.application.routes.draw do\n  resources :photos, only: %i[index show] do\n    member { post :approve }\n  end\n  if Rails.env.development?\n    get 'x' => 'a#b'\n  end\n  %w[a b].each { |n| get n }\nend\n";
        let r = extract(src);
        assert!(!r.parse_error);
        assert_eq!(r.calls.len(), 2);
        assert_eq!(r.calls[0].name, "resources");
        assert_eq!(r.calls[0].line, 2);
        assert_eq!(
            r.calls[0].args,
            vec![
                RVal::Sym("photos".into()),
                RVal::Hash(vec![(
                    RVal::Sym("only".into()),
                    RVal::List(vec![RVal::Sym("index".into()), RVal::Sym("show".into())])
                )])
            ]
        );
        let inner = r.calls[0].block.as_ref().unwrap();
        assert_eq!(inner[0].name, "member");
        assert_eq!(inner[0].block.as_ref().unwrap()[0].name, "post");
        assert_eq!(inner[0].block.as_ref().unwrap()[0].line, 3);
        assert_eq!(r.calls[1].name, "get");
        assert_eq!(
            r.calls[1].args,
            vec![RVal::Hash(vec![(RVal::Str("x".into()), RVal::Str("a#b".into()))])]
        );
        assert_eq!(r.unread.len(), 1);
        assert_eq!(r.unread[0].line, 8);
    }

    #[test]
    fn a_drawn_file_is_read_from_its_top_level_and_deep_nesting_is_bounded() {
        let r = extract(b"namespace :admin do\n  resources :users\nend\n");
        assert_eq!(r.calls[0].name, "namespace");
        let mut deep = String::from("Rails.application.routes.draw do\n");
        for _ in 0..200 {
            deep.push_str("scope 'a' do\n");
        }
        for _ in 0..200 {
            deep.push_str("end\n");
        }
        deep.push_str("end\n");
        let r = extract(deep.as_bytes());
        assert!(r.too_deep);
    }
}
