//! Lexical scope table built from captured scope nodes.
//!
//! Queries report classes, modules and function bodies as byte ranges; this
//! table nests them (they never overlap partially) so that, for any byte
//! offset, we can find the innermost scope, the owner path (`A::B`) and the
//! enclosing function without walking the syntax tree.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A class or module (or `Struct.new do` block): contributes to the owner
    /// path.
    Class,
    /// `class << self` / `class_methods do`: members are class methods.
    Singleton,
    /// A method or function body.
    Function,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub start: usize,
    pub end: usize,
    pub kind: ScopeKind,
    pub name: String,
    pub parent: Option<usize>,
    /// Line span, for `facts::Scope`.
    pub start_line: u32,
    pub end_line: u32,
}

impl Entry {
    /// The scope a syntax node spans.
    pub fn of(kind: ScopeKind, name: String, node: tree_sitter::Node) -> Entry {
        Entry {
            start: node.start_byte(),
            end: node.end_byte(),
            kind,
            name,
            parent: None,
            start_line: node.start_position().row as u32 + 1,
            end_line: node.end_position().row as u32 + 1,
        }
    }
}

#[derive(Debug, Default)]
pub struct ScopeTable {
    pub entries: Vec<Entry>,
}

impl ScopeTable {
    pub fn build(mut raw: Vec<Entry>) -> ScopeTable {
        raw.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        raw.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.kind == b.kind);
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..raw.len() {
            while let Some(&top) = stack.last() {
                if raw[top].end <= raw[i].start || raw[i].end > raw[top].end {
                    stack.pop();
                } else {
                    break;
                }
            }
            raw[i].parent = stack.last().copied();
            stack.push(i);
        }
        ScopeTable { entries: raw }
    }

    /// The innermost function scope around `pos`.
    pub fn function_at(&self, pos: usize) -> Option<usize> {
        let mut cur = self.innermost(pos);
        while let Some(i) = cur {
            if self.entries[i].kind == ScopeKind::Function {
                return Some(i);
            }
            cur = self.entries[i].parent;
        }
        None
    }

    /// The innermost scope containing byte `pos`.
    pub fn innermost(&self, pos: usize) -> Option<usize> {
        let idx = self.entries.partition_point(|e| e.start <= pos);
        let mut cur = idx.checked_sub(1);
        while let Some(i) = cur {
            let e = &self.entries[i];
            if e.start <= pos && pos < e.end {
                return Some(i);
            }
            cur = e.parent;
        }
        None
    }

    /// Innermost scope containing `pos` that is not the scope starting at
    /// exactly `own_start` (a definition's own body).
    pub fn enclosing(&self, pos: usize, own_start: usize) -> Option<usize> {
        let mut cur = self.innermost(pos);
        while let Some(i) = cur {
            if self.entries[i].start != own_start {
                return Some(i);
            }
            cur = self.entries[i].parent;
        }
        None
    }

    /// The class-like scopes around `from` (inclusive), outermost first, and
    /// whether a singleton scope (`class << self`) is crossed before the
    /// nearest class.
    pub fn context(&self, from: Option<usize>) -> Context {
        let mut names: Vec<&str> = Vec::new();
        let mut singleton = false;
        let mut class_scope = None;
        let mut in_function = None;
        let mut cur = from;
        while let Some(i) = cur {
            let e = &self.entries[i];
            match e.kind {
                ScopeKind::Class => {
                    if class_scope.is_none() {
                        class_scope = Some(i);
                    }
                    names.push(e.name.trim_start_matches("::"));
                }
                ScopeKind::Singleton => {
                    if class_scope.is_none() {
                        singleton = true;
                        class_scope = Some(i);
                    }
                }
                ScopeKind::Function => {
                    if in_function.is_none() && class_scope.is_none() {
                        in_function = Some(i);
                    }
                }
            }
            cur = e.parent;
        }
        names.reverse();
        Context {
            owner: if names.is_empty() {
                None
            } else {
                Some(names.join("::"))
            },
            singleton,
            class_scope,
            function: in_function,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub owner: Option<String>,
    pub singleton: bool,
    /// The nearest class-like (or singleton) scope.
    pub class_scope: Option<usize>,
    /// The nearest function scope inside that class (or at top level).
    pub function: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(start: usize, end: usize, kind: ScopeKind, name: &str) -> Entry {
        Entry {
            start,
            end,
            kind,
            name: name.into(),
            parent: None,
            start_line: 0,
            end_line: 0,
        }
    }

    #[test]
    fn nests_and_finds_innermost() {
        let t = ScopeTable::build(vec![
            e(10, 20, ScopeKind::Function, "m"),
            e(0, 100, ScopeKind::Class, "A"),
            e(5, 50, ScopeKind::Class, "B"),
            e(60, 90, ScopeKind::Singleton, ""),
            e(70, 80, ScopeKind::Function, "s"),
        ]);
        let at = |p| t.innermost(p).map(|i| t.entries[i].name.clone());
        assert_eq!(at(15).as_deref(), Some("m"));
        assert_eq!(at(30).as_deref(), Some("B"));
        assert_eq!(at(55).as_deref(), Some("A"));
        assert_eq!(at(100), None);
        let c = t.context(t.innermost(15));
        assert_eq!(c.owner.as_deref(), Some("A::B"));
        assert!(!c.singleton);
        let c = t.context(t.innermost(75));
        assert_eq!(c.owner.as_deref(), Some("A"));
        assert!(c.singleton);
        assert!(c.function.is_some());
    }
}
