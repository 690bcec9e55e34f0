//! The serialized form of the largest facts, for the fact cache: a file's
//! calls (about three quarters of its facts), definitions and JSON keys
//! repeat the same few owners, receivers, names and columns, so each list
//! is written as a table of its distinct strings (in order of first use)
//! and rows that hold indices into it; line numbers are written as the
//! difference from the previous row's (rows are mostly in source order, so
//! one byte). The in-memory structs are unchanged: `serde(with = ...)` on
//! `FileFacts`' fields. Decoding borrows the table from the input (the
//! cache decodes from a byte slice with postcard) and checks every index,
//! so a corrupt entry is an error, never a panic.
//!
//! The tables of different files repeat each other (`render`, `useState`,
//! `params`, `current_user`), and zstd compresses one entry at a time, so
//! the cache writes the strings of a pack's entries once, in the pack
//! (`SharedStrings`), and a table refers to them by number (`encode_with`,
//! `decode_with`); facts serialized outside them hold their own strings.

use super::{Access, Call, Def, DefForm, DefKind, IStr, JsonKey, KeyOp, Recv, Via};
use rustc_hash::FxHashMap as HashMap;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The strings of every entry of one pack of the fact cache, which the
/// entries' tables refer to by number (`src/cache.rs` writes them once per
/// pack): the tables of different files repeat each other (`render`,
/// `params`, `current_user`, a model's name), and zstd compresses one entry
/// at a time, so it cannot share them.
#[derive(Debug)]
pub struct SharedStrings {
    text: String,
    ends: Vec<u32>,
    /// Each string as an `IStr`, made the first time an entry's calls use
    /// it; every later use is a clone.
    shared: Vec<std::sync::OnceLock<IStr>>,
}

impl SharedStrings {
    /// The strings written by `Interner::to_bytes`; `None` if `raw` is not
    /// that.
    pub fn from_bytes(raw: &[u8]) -> Option<SharedStrings> {
        let strings: Vec<&str> = postcard::from_bytes(raw).ok()?;
        let mut text = String::with_capacity(strings.iter().map(|s| s.len()).sum());
        let mut ends = Vec::with_capacity(strings.len());
        for s in strings {
            text.push_str(s);
            ends.push(u32::try_from(text.len()).ok()?);
        }
        let shared = (0..ends.len()).map(|_| std::sync::OnceLock::new()).collect();
        Some(SharedStrings { text, ends, shared })
    }

    fn get_istr(&self, i: usize) -> Option<IStr> {
        let s = self.get(i)?;
        Some(self.shared.get(i)?.get_or_init(|| IStr::from(s)).clone())
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            i => self.ends[i - 1] as usize,
        };
        self.text.get(start..end)
    }
}

/// The strings of the entries encoded for one pack, numbered in order of
/// first use; shared by the threads that encode entries.
#[derive(Debug, Default)]
pub struct Interner {
    index: std::sync::Mutex<HashMap<Box<str>, u32>>,
}

impl Interner {
    /// The numbers of `strings`, adding the new ones.
    fn ids(&self, strings: &[&str]) -> Vec<u32> {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        strings
            .iter()
            .map(|s| match index.get(*s) {
                Some(i) => *i,
                None => {
                    let i = index.len() as u32;
                    index.insert((*s).into(), i);
                    i
                }
            })
            .collect()
    }

    /// Every string so far, in order, for `SharedStrings::from_bytes`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let mut list: Vec<(u32, &str)> = index.iter().map(|(s, i)| (*i, &**s)).collect();
        list.sort_unstable_by_key(|e| e.0);
        let list: Vec<&str> = list.into_iter().map(|e| e.1).collect();
        postcard::to_stdvec(&list).unwrap_or_default()
    }
}

/// Where the tables' strings go while this thread encodes or decodes an
/// entry: into an `Interner` / out of `SharedStrings`; without either,
/// each table holds its own strings.
enum Shared {
    Encode(std::sync::Arc<Interner>),
    Decode(std::sync::Arc<SharedStrings>, Option<Columns>),
}

/// The JSON columns whose keys a decoding keeps (`decode_with`): a plan's
/// (`Interest::columns`), shared by the threads that decode.
pub type Columns = std::sync::Arc<std::collections::BTreeSet<String>>;

thread_local! {
    static SHARED: std::cell::RefCell<Option<Shared>> = const { std::cell::RefCell::new(None) };
}

/// Restores the thread's previous `Shared` when dropped (also on a panic).
struct Restore(Option<Shared>);

impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        SHARED.with(|s| *s.borrow_mut() = prev);
    }
}

fn with_shared<R>(shared: Shared, f: impl FnOnce() -> R) -> R {
    let _restore = Restore(SHARED.with(|s| s.borrow_mut().replace(shared)));
    f()
}

/// Run `f` (which serializes facts) with the tables' strings numbered by
/// `interner` instead of written in each table.
pub fn encode_with<R>(interner: &std::sync::Arc<Interner>, f: impl FnOnce() -> R) -> R {
    with_shared(Shared::Encode(interner.clone()), f)
}

/// Run `f` (which deserializes facts encoded under `encode_with`) with the
/// tables' numbers read from `strings`; with `columns`, only the JSON keys
/// of those columns are decoded (the others are dropped unread: the audit's
/// `select` would drop them, and a warm audit of a plan with a column or
/// none spent a tenth of its decoding on them).
pub fn decode_with<R>(
    strings: &std::sync::Arc<SharedStrings>,
    columns: Option<&Columns>,
    f: impl FnOnce() -> R,
) -> R {
    with_shared(Shared::Decode(strings.clone(), columns.cloned()), f)
}

fn encoding_interner() -> Option<std::sync::Arc<Interner>> {
    SHARED.with(|s| match &*s.borrow() {
        Some(Shared::Encode(i)) => Some(i.clone()),
        _ => None,
    })
}

fn decoding_strings() -> Option<std::sync::Arc<SharedStrings>> {
    SHARED.with(|s| match &*s.borrow() {
        Some(Shared::Decode(t, _)) => Some(t.clone()),
        _ => None,
    })
}

fn decoding_columns() -> Option<Columns> {
    SHARED.with(|s| match &*s.borrow() {
        Some(Shared::Decode(_, c)) => c.clone(),
        _ => None,
    })
}

/// A table as written: the pack's shared strings it holds, as the
/// differences between their numbers in ascending order (a file's strings
/// that no file before it held were numbered together, so most differences
/// are 1), then its own strings (outside `encode_with`).
#[derive(Serialize, Deserialize)]
struct Strings<'a> {
    shared: Vec<u32>,
    #[serde(borrow)]
    own: Vec<&'a str>,
}

impl<'a> Strings<'a> {
    /// The table's strings; an error for a number without `shared` or past
    /// it.
    fn resolve<'s, E: serde::de::Error>(self, shared: Option<&'s SharedStrings>) -> Result<Vec<&'s str>, E>
    where
        'a: 's,
    {
        self.resolve_with(shared, SharedStrings::get, |s| s)
    }

    /// `resolve`, as `IStr`s: the pack's strings are shared, not copied.
    fn resolve_istr<E: serde::de::Error>(self, shared: Option<&SharedStrings>) -> Result<Vec<IStr>, E> {
        self.resolve_with(shared, SharedStrings::get_istr, IStr::from)
    }

    /// The table's strings: the pack's (`get`, by number) then its own
    /// (`own`).
    fn resolve_with<'s, T, E: serde::de::Error>(
        self,
        shared: Option<&'s SharedStrings>,
        get: impl Fn(&'s SharedStrings, usize) -> Option<T>,
        own: impl Fn(&'a str) -> T,
    ) -> Result<Vec<T>, E> {
        let mut out = Vec::with_capacity(self.shared.len() + self.own.len());
        let mut id = 0u32;
        for d in &self.shared {
            id = id
                .checked_add(*d)
                .ok_or_else(|| E::custom("shared string out of range"))?;
            out.push(
                shared
                    .and_then(|t| get(t, id as usize))
                    .ok_or_else(|| E::custom("shared string out of range"))?,
            );
        }
        out.extend(self.own.into_iter().map(own));
        Ok(out)
    }
}

/// Distinct strings in order of first use.
#[derive(Default)]
struct Table<'a> {
    strings: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> Table<'a> {
    /// A table for about `n` distinct strings (growing it from empty was a
    /// tenth of encoding a first run's entries).
    fn with_capacity(n: usize) -> Self {
        Table {
            strings: Vec::with_capacity(n),
            index: HashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    fn id(&mut self, s: &'a str) -> u32 {
        *self.index.entry(s).or_insert_with(|| {
            self.strings.push(s);
            (self.strings.len() - 1) as u32
        })
    }
    /// `None` as 0, else the index plus one.
    fn opt(&mut self, s: Option<&'a str>) -> u32 {
        s.map_or(0, |s| self.id(s) + 1)
    }

    /// The table as written, and where each string (by its index in order
    /// of first use) is in it.
    fn written(self) -> (Strings<'a>, Remap) {
        let Some(interner) = encoding_interner() else {
            let n = self.strings.len() as u32;
            let own = self.strings;
            return (
                Strings {
                    shared: Vec::new(),
                    own,
                },
                Remap((0..n).collect()),
            );
        };
        let ids = interner.ids(&self.strings);
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.sort_unstable_by_key(|k| ids[*k as usize]);
        let mut to = vec![0u32; ids.len()];
        let mut shared = Vec::with_capacity(ids.len());
        let mut prev = 0;
        for (new, old) in order.iter().enumerate() {
            to[*old as usize] = new as u32;
            let id = ids[*old as usize];
            shared.push(id - prev);
            prev = id;
        }
        (
            Strings {
                shared,
                own: Vec::new(),
            },
            Remap(to),
        )
    }
}

/// Old index to new (`Table::written`).
struct Remap(Vec<u32>);

impl Remap {
    fn id(&self, i: u32) -> u32 {
        self.0[i as usize]
    }
    fn opt(&self, i: u32) -> u32 {
        match i {
            0 => 0,
            i => self.0[i as usize - 1] + 1,
        }
    }
}

/// The string at `i` of a decoded table.
fn get<E: serde::de::Error>(table: &[&str], i: u32) -> Result<String, E> {
    table
        .get(i as usize)
        .map(|s| (*s).to_string())
        .ok_or_else(|| E::custom("string index out of range"))
}

/// `get` of a table of `IStr`s.
fn get_istr<E: serde::de::Error>(table: &[IStr], i: u32) -> Result<IStr, E> {
    table
        .get(i as usize)
        .cloned()
        .ok_or_else(|| E::custom("string index out of range"))
}

/// `opt`'s inverse.
fn get_opt<E: serde::de::Error>(table: &[&str], i: u32) -> Result<Option<String>, E> {
    match i {
        0 => Ok(None),
        i => get(table, i - 1).map(Some),
    }
}

/// Line numbers as differences from the previous row's.
#[derive(Default)]
struct Lines(u32);

impl Lines {
    fn delta(&mut self, line: u32) -> i64 {
        let d = i64::from(line) - i64::from(self.0);
        self.0 = line;
        d
    }
    fn line<E: serde::de::Error>(&mut self, d: i64) -> Result<u32, E> {
        let line = u32::try_from(i64::from(self.0) + d).map_err(|_| E::custom("line out of range"))?;
        self.0 = line;
        Ok(line)
    }
}

#[derive(Serialize, Deserialize)]
struct Packed<'a, R> {
    #[serde(borrow)]
    strings: Strings<'a>,
    rows: Vec<R>,
}

/// Write `rows`, whose indices `remap` changes to the written table's.
fn write<S: Serializer, R: Serialize>(
    s: S,
    table: Table<'_>,
    mut rows: Vec<R>,
    remap: impl Fn(&Remap, &mut R),
) -> Result<S::Ok, S::Error> {
    let (strings, to) = table.written();
    for r in &mut rows {
        remap(&to, r);
    }
    Packed { strings, rows }.serialize(s)
}

/// A file's calls, a column per field (runs of the same owner, scope and
/// receiver kind compress well): the name; the receiver's kind and `via`
/// in one byte; the receiver's text (only for the kinds that have one);
/// the owner (0: none); the scope (0: none); the line delta.
#[derive(Serialize, Deserialize)]
struct CallColumns<'a> {
    #[serde(borrow)]
    strings: Strings<'a>,
    names: Vec<u32>,
    kinds: Vec<u8>,
    recv_texts: Vec<u32>,
    owners: Vec<u32>,
    scopes: Vec<u32>,
    lines: Vec<i64>,
}

const VIAS: [Via; 5] = [Via::Call, Via::Import, Via::Jsx, Via::Symbol, Via::Reference];

fn via_code(v: Via) -> u8 {
    match v {
        Via::Call => 0,
        Via::Import => 1,
        Via::Jsx => 2,
        Via::Symbol => 3,
        Via::Reference => 4,
    }
}

/// `FileFacts::calls`.
pub(super) mod calls {
    use super::*;

    pub fn serialize<S: Serializer>(calls: &[Call], s: S) -> Result<S::Ok, S::Error> {
        let mut t = Table::with_capacity(calls.len());
        let mut lines = Lines::default();
        let n = calls.len();
        let mut c = CallColumns {
            strings: Strings {
                shared: Vec::new(),
                own: Vec::new(),
            },
            names: Vec::with_capacity(n),
            kinds: Vec::with_capacity(n),
            recv_texts: Vec::new(),
            owners: Vec::with_capacity(n),
            scopes: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
        };
        for call in calls {
            c.names.push(t.id(&call.name));
            let (kind, text) = match &call.recv {
                Recv::Implicit => (0, None),
                Recv::SelfRef => (1, None),
                Recv::Const(x) => (2, Some(x)),
                Recv::Expr(x) => (3, Some(x)),
                Recv::Module(x) => (4, Some(x)),
            };
            c.kinds.push(kind * 8 + via_code(call.via));
            if let Some(x) = text {
                c.recv_texts.push(t.id(x));
            }
            c.owners.push(t.opt(call.owner.as_deref()));
            c.scopes.push(call.scope.map_or(0, |s| s + 1));
            c.lines.push(lines.delta(call.line));
        }
        let (strings, to) = t.written();
        c.strings = strings;
        for i in c.names.iter_mut().chain(c.recv_texts.iter_mut()) {
            *i = to.id(*i);
        }
        for i in &mut c.owners {
            *i = to.opt(*i);
        }
        c.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Call>, D::Error> {
        let c = CallColumns::deserialize(d)?;
        let n = c.names.len();
        if [c.kinds.len(), c.owners.len(), c.scopes.len(), c.lines.len()] != [n; 4] {
            return Err(D::Error::custom("call columns of different lengths"));
        }
        let shared = decoding_strings();
        let t = &c.strings.resolve_istr(shared.as_deref())?;
        let mut lines = Lines::default();
        let mut texts = c.recv_texts.iter();
        let mut text = || {
            texts
                .next()
                .ok_or_else(|| D::Error::custom("missing receiver text"))
                .and_then(|i| get_istr(t, *i))
        };
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let kind = c.kinds[i];
            let recv = match kind / 8 {
                0 => Recv::Implicit,
                1 => Recv::SelfRef,
                2 => Recv::Const(text()?),
                3 => Recv::Expr(text()?),
                4 => Recv::Module(text()?),
                _ => return Err(D::Error::custom("bad receiver kind")),
            };
            let via = *VIAS
                .get(usize::from(kind % 8))
                .ok_or_else(|| D::Error::custom("bad via"))?;
            out.push(Call {
                name: get_istr(t, c.names[i])?,
                recv,
                via,
                owner: match c.owners[i] {
                    0 => None,
                    o => Some(get_istr(t, o - 1)?),
                },
                scope: c.scopes[i].checked_sub(1),
                line: lines.line(c.lines[i])?,
            });
        }
        Ok(out)
    }
}

/// name, owner (0: none), kind, form, access, line delta.
type DefRow = (u32, u32, DefKind, DefForm, Access, i64);

/// `FileFacts::defs`.
pub(super) mod defs {
    use super::*;

    pub fn serialize<S: Serializer>(defs: &[Def], s: S) -> Result<S::Ok, S::Error> {
        let mut t = Table::with_capacity(defs.len());
        let mut lines = Lines::default();
        let rows: Vec<DefRow> = defs
            .iter()
            .map(|d| {
                (
                    t.id(&d.name),
                    t.opt(d.owner.as_deref()),
                    d.kind,
                    d.form,
                    d.access,
                    lines.delta(d.line),
                )
            })
            .collect();
        write(s, t, rows, |to, r| {
            r.0 = to.id(r.0);
            r.1 = to.opt(r.1);
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Def>, D::Error> {
        let p: Packed<'de, DefRow> = Packed::deserialize(d)?;
        let shared = decoding_strings();
        let t = &p.strings.resolve(shared.as_deref())?;
        let mut lines = Lines::default();
        p.rows
            .into_iter()
            .map(|(name, owner, kind, form, access, line)| {
                Ok(Def {
                    name: get(t, name)?,
                    owner: get_opt(t, owner)?,
                    kind,
                    form,
                    access,
                    line: lines.line(line)?,
                })
            })
            .collect()
    }
}

/// column, key, op, line delta, receiver (0: none), receiver's declared
/// class (0: none).
type JsonKeyRow = (u32, u32, KeyOp, i64, u32, u32);

/// `FileFacts::json_keys`.
pub(super) mod json_keys {
    use super::*;

    pub fn serialize<S: Serializer>(keys: &[JsonKey], s: S) -> Result<S::Ok, S::Error> {
        let mut t = Table::with_capacity(keys.len());
        let mut lines = Lines::default();
        let rows: Vec<JsonKeyRow> = keys
            .iter()
            .map(|k| {
                (
                    t.id(&k.column),
                    t.id(&k.key),
                    k.op,
                    lines.delta(k.line),
                    t.opt(k.recv.as_deref()),
                    t.opt(k.recv_class.as_deref()),
                )
            })
            .collect();
        write(s, t, rows, |to, r| {
            (r.0, r.1) = (to.id(r.0), to.id(r.1));
            (r.4, r.5) = (to.opt(r.4), to.opt(r.5));
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<JsonKey>, D::Error> {
        let p: Packed<'de, JsonKeyRow> = Packed::deserialize(d)?;
        let shared = decoding_strings();
        let columns = decoding_columns();
        let t = &p.strings.resolve(shared.as_deref())?;
        let mut lines = Lines::default();
        let mut out = Vec::new();
        for (column, key, op, line, recv, recv_class) in p.rows {
            // Every row's line (they are differences) and numbers are
            // read, kept or not.
            let line = lines.line(line)?;
            let name = *t
                .get(column as usize)
                .ok_or_else(|| D::Error::custom("string index out of range"))?;
            if let Some(keep) = &columns
                && !keep.contains(name)
            {
                let n = t.len() as u32 + 1;
                if key as usize >= t.len() || recv >= n || recv_class >= n {
                    return Err(D::Error::custom("string index out of range"));
                }
                continue;
            }
            out.push(JsonKey {
                column: name.to_string(),
                key: get(t, key)?,
                op,
                line,
                recv: get_opt(t, recv)?,
                recv_class: get_opt(t, recv_class)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::FileFacts;
    use super::*;

    fn call(name: &str, recv: Recv, via: Via, owner: Option<&str>, scope: Option<u32>, line: u32) -> Call {
        Call {
            name: name.into(),
            recv,
            via,
            owner: owner.map(Into::into),
            scope,
            line,
        }
    }

    /// Facts with every receiver kind and `via`, absent and present
    /// owners and scopes (scope 0 included), and lines that go back.
    fn sample() -> FileFacts {
        let mut f = FileFacts::default();
        let recvs = [
            Recv::Implicit,
            Recv::SelfRef,
            Recv::Const("Billing::Invoice".into()),
            Recv::Expr("@order.customer".into()),
            Recv::Module("./api".into()),
        ];
        for (i, recv) in recvs.iter().enumerate() {
            for (j, via) in VIAS.iter().enumerate() {
                let owner = [None, Some("Billing::Invoice"), Some("render")][(i + j) % 3];
                let scope = [None, Some(0), Some(7)][(i * 5 + j) % 3];
                let line = [40, 3, 3, u32::MAX, 1][j];
                f.calls
                    .push(call("render", recv.clone(), *via, owner, scope, line));
            }
        }
        f.defs = vec![
            Def {
                name: "render".into(),
                owner: Some("Billing::Invoice".into()),
                kind: DefKind::Singleton,
                form: DefForm::Delegate,
                access: Access::ModuleLocal,
                line: 9,
            },
            Def {
                name: "".into(),
                owner: None,
                kind: DefKind::Function,
                form: DefForm::ConstValue,
                access: Access::Private,
                line: 2,
            },
        ];
        f.json_keys = vec![
            JsonKey {
                column: "metadata".into(),
                key: "plan".into(),
                op: KeyOp::Write,
                line: 5,
                recv: Some("@order".into()),
                recv_class: None,
            },
            JsonKey {
                column: "metadata".into(),
                key: "metadata".into(),
                op: KeyOp::Read,
                line: 4,
                recv: Some("event".into()),
                recv_class: Some("MessageEvent".into()),
            },
        ];
        f
    }

    #[test]
    fn round_trip() {
        let f = sample();
        let bytes = postcard::to_stdvec(&f).unwrap();
        assert_eq!(postcard::from_bytes::<FileFacts>(&bytes).unwrap(), f);
        let empty = FileFacts::default();
        let bytes = postcard::to_stdvec(&empty).unwrap();
        assert_eq!(postcard::from_bytes::<FileFacts>(&bytes).unwrap(), empty);
    }

    #[test]
    fn repeated_strings_are_written_once() {
        let mut f = FileFacts::default();
        for line in 1..=1000 {
            f.calls.push(call(
                "deliver_later",
                Recv::Expr("InvoiceMailer.with(invoice: invoice)".into()),
                Via::Call,
                Some("Billing::InvoicesController"),
                Some(3),
                line,
            ));
        }
        let bytes = postcard::to_stdvec(&f).unwrap();
        for s in [
            "deliver_later",
            "InvoiceMailer.with(invoice: invoice)",
            "Billing::InvoicesController",
        ] {
            let n = bytes.windows(s.len()).filter(|w| *w == s.as_bytes()).count();
            assert_eq!(n, 1, "{s}");
        }
        // A row: name, kind, text, owner, scope and a one-byte line delta.
        assert!(bytes.len() < 1000 * 7, "{} bytes", bytes.len());
    }

    #[test]
    fn shared_strings_are_numbers_in_the_entries() {
        use std::sync::Arc;
        let interner = Arc::new(Interner::default());
        let a = sample();
        let mut b = sample();
        b.calls[3].name = "only_in_b".into();
        b.defs[0].owner = Some("Billing::Refund".into());
        let enc = |f: &FileFacts| encode_with(&interner, || postcard::to_stdvec(f).unwrap());
        let (ea, eb) = (enc(&a), enc(&b));
        let table = interner.to_bytes();
        let count = |bytes: &[u8], s: &str| bytes.windows(s.len()).filter(|w| *w == s.as_bytes()).count();
        for s in [
            "render",
            "Billing::Invoice",
            "@order.customer",
            "only_in_b",
            "Billing::Refund",
        ] {
            assert_eq!(count(&ea, s) + count(&eb, s), 0, "{s}: not in the entries");
            assert_eq!(count(&table, s), 1, "{s}: once in the shared strings");
        }
        let shared = Arc::new(SharedStrings::from_bytes(&table).unwrap());
        let dec = |e: &[u8]| decode_with(&shared, None, || postcard::from_bytes::<FileFacts>(e));
        let (da, db) = (dec(&ea).unwrap(), dec(&eb).unwrap());
        assert_eq!(da, a);
        assert_eq!(db, b);
        // The calls of both entries hold the pack's one copy of a string.
        let owner = |f: &FileFacts| f.calls.iter().find_map(|c| c.owner.clone()).unwrap();
        assert!(owner(&da).same_as(&owner(&db)), "{:?}", owner(&da));
        // Without the pack's strings, or with too few: an error.
        assert!(postcard::from_bytes::<FileFacts>(&ea).is_err());
        let short =
            Arc::new(SharedStrings::from_bytes(&postcard::to_stdvec(&vec!["render"]).unwrap()).unwrap());
        assert!(decode_with(&short, None, || postcard::from_bytes::<FileFacts>(&eb)).is_err());
        assert!(SharedStrings::from_bytes(&[5, b'a']).is_none());
        // Outside `encode_with`, a table holds its own strings again.
        assert_eq!(count(&postcard::to_stdvec(&a).unwrap(), "@order.customer"), 1);
        // A number past the strings is an error.
        let err = |ids: Vec<u32>, own: Vec<&str>| {
            let b = postcard::to_stdvec(&Strings { shared: ids, own }).unwrap();
            let s: Strings = postcard::from_bytes(&b).unwrap();
            s.resolve::<serde::de::value::Error>(Some(&shared)).is_err()
        };
        let n = shared.ends.len() as u32;
        assert!(!err(vec![0, n - 1], vec!["x"]));
        assert!(err(vec![n], vec![]));
        assert!(err(vec![1, n - 1], vec![]));
        assert!(err(vec![1, u32::MAX], vec![]));
    }

    #[test]
    fn corrupt_rows_are_errors_not_panics() {
        let mut f = FileFacts::default();
        f.calls
            .push(call("a", Recv::Expr("x".into()), Via::Jsx, Some("O"), Some(1), 2));
        let good = postcard::to_stdvec(&f).unwrap();
        // Every byte of the payload set to every value: decoding returns
        // (an error or some facts), never panics.
        for i in 0..good.len() {
            for v in 0..=255u8 {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = postcard::from_bytes::<FileFacts>(&bad);
            }
        }
        // An index past the table, a receiver kind or `via` out of range.
        let t = vec!["a"];
        let c = |names: Vec<u32>, kinds: Vec<u8>, texts: Vec<u32>| CallColumns {
            strings: Strings {
                shared: Vec::new(),
                own: t.clone(),
            },
            names,
            kinds,
            recv_texts: texts,
            owners: vec![0],
            scopes: vec![0],
            lines: vec![1],
        };
        let decode = |c: CallColumns| {
            let b = postcard::to_stdvec(&c).unwrap();
            calls::deserialize(&mut postcard::Deserializer::from_bytes(&b)).is_err()
        };
        assert!(!decode(c(vec![0], vec![0], vec![])));
        assert!(decode(c(vec![1], vec![0], vec![])));
        assert!(decode(c(vec![0], vec![5 * 8], vec![])));
        assert!(decode(c(vec![0], vec![5], vec![])));
        assert!(decode(c(vec![0], vec![3 * 8], vec![])), "missing text");
        assert!(
            decode(c(vec![0, 0], vec![0], vec![])),
            "columns of different lengths"
        );
    }
}
