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

use super::{Access, Call, Def, DefForm, DefKind, JsonKey, KeyOp, Recv, Via};
use rustc_hash::FxHashMap as HashMap;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Distinct strings in order of first use.
#[derive(Default)]
struct Table<'a> {
    strings: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> Table<'a> {
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
}

/// The string at `i` of a decoded table.
fn get<E: serde::de::Error>(table: &[&str], i: u32) -> Result<String, E> {
    table
        .get(i as usize)
        .map(|s| (*s).to_string())
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
    strings: Vec<&'a str>,
    rows: Vec<R>,
}

fn write<S: Serializer, R: Serialize>(s: S, table: Table<'_>, rows: Vec<R>) -> Result<S::Ok, S::Error> {
    Packed {
        strings: table.strings,
        rows,
    }
    .serialize(s)
}

/// A file's calls, a column per field (runs of the same owner, scope and
/// receiver kind compress well): the name; the receiver's kind and `via`
/// in one byte; the receiver's text (only for the kinds that have one);
/// the owner (0: none); the scope (0: none); the line delta.
#[derive(Serialize, Deserialize)]
struct CallColumns<'a> {
    #[serde(borrow)]
    strings: Vec<&'a str>,
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
        let mut t = Table::default();
        let mut lines = Lines::default();
        let n = calls.len();
        let mut c = CallColumns {
            strings: Vec::new(),
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
        c.strings = t.strings;
        c.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Call>, D::Error> {
        let c = CallColumns::deserialize(d)?;
        let n = c.names.len();
        if [c.kinds.len(), c.owners.len(), c.scopes.len(), c.lines.len()] != [n; 4] {
            return Err(D::Error::custom("call columns of different lengths"));
        }
        let t = &c.strings;
        let mut lines = Lines::default();
        let mut texts = c.recv_texts.iter();
        let mut text = || {
            texts
                .next()
                .ok_or_else(|| D::Error::custom("missing receiver text"))
                .and_then(|i| get(t, *i))
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
                name: get(t, c.names[i])?,
                recv,
                via,
                owner: get_opt(t, c.owners[i])?,
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
        let mut t = Table::default();
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
        write(s, t, rows)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Def>, D::Error> {
        let p: Packed<'de, DefRow> = Packed::deserialize(d)?;
        let t = &p.strings;
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
        let mut t = Table::default();
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
        write(s, t, rows)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<JsonKey>, D::Error> {
        let p: Packed<'de, JsonKeyRow> = Packed::deserialize(d)?;
        let t = &p.strings;
        let mut lines = Lines::default();
        p.rows
            .into_iter()
            .map(|(column, key, op, line, recv, recv_class)| {
                Ok(JsonKey {
                    column: get(t, column)?,
                    key: get(t, key)?,
                    op,
                    line: lines.line(line)?,
                    recv: get_opt(t, recv)?,
                    recv_class: get_opt(t, recv_class)?,
                })
            })
            .collect()
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
            strings: t.clone(),
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
