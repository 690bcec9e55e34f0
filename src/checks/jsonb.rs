//! `jsonb:` points: keys written versus keys read, across repos.

use super::{Ctx, Merged};
use crate::facts::{FileIdx, KeyOp, Lang, name_forms, rails_table};
use crate::findings::{Code, Confidence, DefinitionEvidence, Finding, KeyEntry, Risk};
use crate::msg;
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

/// `ttsUrl` and `tts_url` both become `ttsurl`, to suggest likely renames.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The models that declare a bare column (`jsonb: data`): for each schema
/// or entity definition of `column` (in the planned repo when it has any),
/// the model its table belongs to (`create_table :sessions` is `Session`,
/// unless a model names `sessions` as its `table_name`; a TypeORM, Sequelize
/// or Prisma model names itself). `None` when a definition names no table.
fn bare_column_models(m: &Merged, ctx: &Ctx, column: &str) -> Option<BTreeSet<String>> {
    let ix = ctx.ix;
    let defs: Vec<(FileIdx, &crate::facts::ColumnDef)> = ix
        .column_defs_by_name
        .get(column)?
        .iter()
        .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].column_defs[*i as usize]))
        .filter(|(fi, _)| !ix.is_test(*fi))
        .collect();
    let planned = m.repo.as_deref().and_then(|r| ctx.repo_index(r));
    let in_planned = |fi: FileIdx| planned.is_none_or(|r| ix.file(fi).repo == r);
    let defs: Vec<_> = if defs.iter().any(|(fi, _)| in_planned(*fi)) {
        defs.into_iter().filter(|(fi, _)| in_planned(*fi)).collect()
    } else {
        defs
    };
    let mut models = BTreeSet::new();
    for (_, d) in defs {
        let table = d.table.as_deref()?;
        let model = if table.starts_with(|c: char| c.is_ascii_uppercase()) {
            table.to_string()
        } else {
            ix.table_names
                .iter()
                .find(|(_, t)| t.as_str() == table)
                .map(|(o, _)| o.clone())
                .unwrap_or_else(|| crate::inflect::camelize(&crate::inflect::singularize(table)))
        };
        models.insert(model);
    }
    (!models.is_empty()).then_some(models)
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    // A bare column (`jsonb: data`) belongs to the models that declare it
    // (in the planned repo, when the plan names one). Declared by one, it
    // is that model's column: its keys are owned as `Model.column`'s are.
    // Declared by several, each model's keys are found as its own and the
    // finding lists them together, with confidence low.
    if !m.name.contains('.')
        && let Some(models) = bare_column_models(m, ctx, &m.name)
    {
        if models.len() == 1 {
            let model = models.into_iter().next().unwrap_or_default();
            let mut q = m.clone();
            q.name = format!("{model}.{}", m.name);
            let mut f = check_one(&q, ctx);
            f.id = format!("jsonb:{}", m.name);
            f.integration_point = m.name.clone();
            f.extra_notes.insert(
                0,
                msg!(
                    "{} is the JSON column of {} alone{}: its keys are read as {}'s.",
                    Text::code(&m.name),
                    Text::code(&model),
                    match &m.repo {
                        Some(r) => msg!(" in {}", Text::raw(r)),
                        None => Text::ours(""),
                    },
                    Text::code(&q.name)
                ),
            );
            return f;
        }
        return several_models(m, ctx, &models);
    }
    check_one(m, ctx)
}

/// A bare column that several models declare: each model's own keys (as
/// `Model.column` finds them), listed together. The plan's `repo:`,
/// `callers:` and `env:` are checked once, on the union.
fn several_models(m: &Merged, ctx: &Ctx, models: &BTreeSet<String>) -> Finding {
    let mut f = Finding::new("jsonb", &m.name);
    f.exists = Some(false);
    let mut keys: BTreeMap<String, KeyEntry> = BTreeMap::new();
    let mut seen_notes: BTreeSet<String> = BTreeSet::new();
    for model in models {
        let mut q = m.clone();
        q.name = format!("{model}.{}", m.name);
        q.callers = Vec::new();
        q.env = Vec::new();
        let sub = check_one(&q, ctx);
        if sub.exists == Some(true) {
            f.exists = Some(true);
        }
        f.definitions.extend(sub.definitions);
        f.callers_found.extend(sub.callers_found);
        f.test_callers.extend(sub.test_callers);
        for k in sub.keys.into_iter().flatten() {
            let e = keys.entry(k.key.clone()).or_insert_with(|| KeyEntry {
                key: k.key.clone(),
                written_at: Vec::new(),
                read_at: Vec::new(),
            });
            e.written_at.extend(k.written_at);
            e.read_at.extend(k.read_at);
        }
        for p in sub.problems {
            if p.code == Code::UnexpectedLocation {
                continue;
            }
            let mut p = p;
            p.message = msg!("{}: {}", Text::code(&q.name), p.message);
            f.problems.push(p);
        }
        for t in sub.verify.into_iter().chain(sub.extra_notes) {
            if seen_notes.insert(t.plain()) {
                f.verify.push(t);
            }
        }
    }
    f.definitions.sort_by(|a, b| a.location.cmp(&b.location));
    f.definitions.dedup_by(|a, b| a.location == b.location);
    let mut keys: Vec<KeyEntry> = keys.into_values().collect();
    for k in &mut keys {
        k.written_at.sort();
        k.written_at.dedup();
        k.read_at.sort();
        k.read_at.dedup();
    }
    f.keys = Some(keys);
    f.low_confidence(msg!(
        "{} is a JSON column of several models ({}): each one's keys are found as its own and listed together; plan {} to audit one.",
        Text::code(&m.name),
        Text::join(models.iter().take(8).map(Text::code), ", "),
        Text::code(format!(
            "{}.{}",
            models.iter().next().map(String::as_str).unwrap_or("Model"),
            m.name
        ))
    ));
    let repo_of = |loc: &str| loc.split('/').next().unwrap_or("").to_string();
    if let Some(repo) = &m.repo
        && f.exists == Some(true)
        && !f
            .definitions
            .iter()
            .map(|d| d.location.as_str())
            .chain(
                f.keys
                    .iter()
                    .flatten()
                    .flat_map(|k| k.written_at.iter().map(String::as_str)),
            )
            .any(|l| repo_of(l) == *repo)
    {
        f.problem(
            Code::UnexpectedLocation,
            msg!(
                "planned in {}, which neither declares {} nor writes its keys",
                Text::raw(repo),
                Text::code(&m.name)
            ),
        );
    }
    for repo in &m.callers {
        if !f.callers_found.iter().any(|l| repo_of(l) == *repo) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!(
                    "{} never reads or writes keys of {}",
                    Text::raw(repo),
                    Text::code(&m.name)
                ),
            );
        }
    }
    super::env::wire(ctx, &m.env, &mut f);
    f
}

fn check_one(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new("jsonb", &m.name);
    let column = m.name.rsplit('.').next().unwrap_or(&m.name).to_string();
    // `Model.column`: a key access counts only in a file that spells the
    // model (`Receipt`, `receipt`), so that a generic column name (`data`)
    // shared by several models keeps to this one. Receivers are not typed.
    let model_forms: Vec<String> = m
        .name
        .rsplit_once('.')
        .map(|(model, _)| name_forms(model.rsplit("::").next().unwrap_or(model)))
        .unwrap_or_default();
    // The model's table: `self.table_name = '...'` in the model, else the
    // Rails default (`Receipt` → `receipts`).
    let table: Option<String> = m.name.rsplit_once('.').map(|(model, _)| {
        let leaf = model.rsplit("::").next().unwrap_or(model);
        let model = model.trim_start_matches("::");
        // A plan's `Wire` that the workspace declares as is is that class,
        // not `LegalEntity::PayoutMethod::Wire` (hcb's, whose table is
        // `user_payout_method_wires`); a partial name (`Wire` for
        // `Billing::Wire` alone) falls back to a class ending with it.
        let declared = !ix.classes.declared_at(model).is_empty();
        ix.table_names
            .get(model)
            .or_else(|| {
                if declared {
                    return None;
                }
                ix.table_names
                    .iter()
                    .find(|(o, _)| o.rsplit("::").next() == Some(leaf))
                    .map(|(_, t)| t)
            })
            .cloned()
            .unwrap_or_else(|| rails_table(model))
    });
    let model_leaf: Option<&str> = m
        .name
        .rsplit_once('.')
        .map(|(model, _)| model.rsplit("::").next().unwrap_or(model));
    let mut other_tables: BTreeSet<String> = BTreeSet::new();
    let mut other_tables_named: BTreeSet<String> = BTreeSet::new();
    // The other models (or tables) with a column of this name, flattened
    // (`Envelope`, `envelopes` → `envelope`).
    let flat_model = |s: &str| {
        crate::inflect::singularize(s)
            .to_ascii_lowercase()
            .replace('_', "")
    };
    let mut other_models: BTreeSet<String> = BTreeSet::new();
    let mut other_model_words: Vec<Vec<String>> = Vec::new();
    let mut defined_at: Vec<(FileIdx, u32)> = Vec::new();
    for (fi, i) in ix
        .column_defs_by_name
        .get(&column)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let d = &ix.facts[*fi as usize].column_defs[*i as usize];
        // A column declared on another table is another column.
        // (TypeORM entities and Prisma models name the model itself.)
        if let (Some(t), Some(own)) = (&d.table, &table)
            && t != own
            && Some(t.as_str()) != model_leaf
        {
            other_tables.insert(format!("{t} ({})", ctx.loc(*fi, d.line)));
            other_tables_named.insert(t.clone());
            other_models.insert(flat_model(t));
            other_model_words.push(super::method::words(&crate::inflect::singularize(t)));
            continue;
        }
        defined_at.push((*fi, d.line));
    }
    for (fi, line) in &defined_at {
        f.definitions.push(DefinitionEvidence {
            location: ctx.loc(*fi, *line),
            access: None,
        });
    }
    // Where the model lives: the repos and languages of its class and of
    // its table's schema. Elsewhere (another app reading the same database,
    // a front end reading the API's JSON) a key counts only on a receiver
    // named after the model (`video.metadata['tts_url']`).
    let ruby_file = |fi: FileIdx| {
        matches!(
            ix.file(fi).class.lang,
            Some(Lang::Ruby | Lang::Erb | Lang::Haml | Lang::Slim)
        )
    };
    // In TypeScript the model is spelled as a word of its own
    // (`prisma.resume`, `resume: Resume`), not inside a longer name or a
    // package's (`useResumeStore`, `@reactive-resume/utils`).
    // A model found from a bare column's schema was not among the plan's
    // names, so which files spell it is unknown: only the files that
    // declare the model's class are about it.
    let forms_scanned = model_forms.iter().all(|f| ix.patterns.contains(f));
    let model_files: BTreeSet<FileIdx> = if forms_scanned {
        BTreeSet::new()
    } else {
        m.name
            .rsplit_once('.')
            .map(|(model, _)| ix.classes.owners_named(model.trim_start_matches("::")))
            .unwrap_or_default()
            .iter()
            .flat_map(|o| ix.classes.declared_at(o))
            .map(|l| l.file)
            .collect()
    };
    let about_model = |fi: FileIdx| {
        model_forms.is_empty()
            || (!forms_scanned && model_files.contains(&fi))
            || (forms_scanned
                && model_forms.iter().any(|f| {
                    if ruby_file(fi) {
                        ix.mentions_name(fi, f)
                    } else {
                        ix.mentions_word(fi, f)
                    }
                }))
    };
    // The package a TypeScript/JavaScript file belongs to: the directory of
    // its nearest `package.json` (a monorepo's `packages/backend`). A Prisma
    // schema or a TypeORM entity lives in the back end's package; another
    // package of the repo (its front end) reads the API's JSON, not the
    // column. Ruby files have no package ("").
    let package_of = |fi: FileIdx| -> String {
        if ruby_file(fi) {
            return String::new();
        }
        let meta = ix.file(fi);
        let mut dir = meta.path.as_str();
        while let Some((d, _)) = dir.rsplit_once('/') {
            if ix.file_at(meta.repo, &format!("{d}/package.json")).is_some() {
                return d.to_string();
            }
            dir = d;
        }
        String::new()
    };
    let mut homes: BTreeSet<(u32, bool, String)> = BTreeSet::new();
    for (fi, _) in &defined_at {
        homes.insert((ix.file(*fi).repo, ruby_file(*fi), package_of(*fi)));
    }
    // A bare column planned in a repo that declares it lives there: the
    // same name declared in another repo is another database's column.
    if model_forms.is_empty()
        && let Some(r) = m.repo.as_deref().and_then(|r| ctx.repo_index(r))
        && homes.iter().any(|(hr, _, _)| *hr == r)
    {
        homes.retain(|(hr, _, _)| *hr == r);
    }
    if let Some((model, _)) = m.name.rsplit_once('.') {
        for o in ix.classes.owners_named(model.trim_start_matches("::")) {
            for l in ix.classes.declared_at(&o) {
                homes.insert((ix.file(l.file).repo, ruby_file(l.file), package_of(l.file)));
            }
        }
    }
    let at_home =
        |fi: FileIdx| homes.is_empty() || homes.contains(&(ix.file(fi).repo, ruby_file(fi), package_of(fi)));
    // Is the key's receiver named after the model (`video`, `@video`,
    // `Video.find(id)`), or after another class of the workspace
    // (`integration.data` for `Receipt.data`)?
    let tie = |recv: Option<&str>| -> Option<bool> {
        let leaf = model_leaf?;
        let recv = recv?;
        if recv.split(['.', '(']).next() == Some(leaf) {
            return Some(true);
        }
        // A table that qualifies the column in SQL (`payouts.data->>'k'`,
        // an index of `create_table :payouts`): the model's own, or another.
        if table.as_deref() == Some(recv) {
            return Some(true);
        }
        if other_tables_named.contains(recv) {
            return Some(false);
        }
        // The segments of the receiver chain, last first: a scope or a
        // query (`items.failed`, `items.where(...)`) names no class, so the
        // nearest segment that does decides (at most 4 looked at).
        let head = recv.split('(').next().unwrap_or(recv);
        for seg in head.rsplit('.').take(4) {
            let var = super::method::receiver_var(seg);
            if var.is_empty() || var == "self" || var == "this" {
                return None;
            }
            let singular = crate::inflect::singularize(var);
            if [var, singular.as_str()]
                .iter()
                .any(|v| super::method::names_class_in(&ix.classes, &ix.resolution, v, leaf))
            {
                return Some(true);
            }
            // A variable named after another model that has a column of
            // this name holds that model (`envelope.authOptions` is
            // `Envelope.authOptions`, not `Recipient.authOptions`).
            let flat = flat_model(var);
            if other_models.contains(&flat) && flat != flat_model(leaf) {
                return Some(false);
            }
            // ...or abbreviated to its initials (`rpst` holds a
            // `RawPendingStripeTransaction`, `rst` a `RawStripeTransaction`),
            // for names of three words or more.
            let initials = |w: &[String]| -> Option<String> {
                (w.len() >= 3).then(|| w.iter().filter_map(|x| x.chars().next()).collect())
            };
            if var.len() >= 3 && var.chars().all(|c| c.is_ascii_lowercase()) {
                let own = initials(&super::method::words(leaf)).as_deref() == Some(var);
                let other = other_model_words
                    .iter()
                    .any(|mw| initials(mw).as_deref() == Some(var));
                match (own, other) {
                    (true, false) => return Some(true),
                    (false, true) => return Some(false),
                    _ => {}
                }
            }
            // ...or whose last words name it (`createdDirectRecipient`).
            let vw = super::method::words(&crate::inflect::singularize(var));
            let own = super::method::words(leaf);
            if !vw.ends_with(&own)
                && other_model_words
                    .iter()
                    .any(|mw| !mw.is_empty() && vw.ends_with(mw))
            {
                return Some(false);
            }
            // ...or by its last words (`section.json_data` holds a
            // `SellerProfileSection`, not a `SellerProfile`), unless the
            // name says no class (`record`, `object`).
            const GENERIC: [&str; 9] = [
                "record", "object", "obj", "model", "entity", "resource", "instance", "row", "value",
            ];
            if !vw.is_empty()
                && !own.ends_with(&vw)
                && !GENERIC.contains(&singular.as_str())
                && other_model_words
                    .iter()
                    .any(|mw| mw.len() > vw.len() && mw.ends_with(&vw))
            {
                return Some(false);
            }
            // `account_migration_items.create!(data: ...)`: an association
            // named after its class, plural.
            let class = crate::inflect::camelize(var);
            let single = crate::inflect::camelize(&singular);
            if !ix.classes.owners_named(&class).is_empty() || !ix.classes.owners_named(&single).is_empty() {
                return Some(false);
            }
        }
        None
    };
    // A bare `data["k"]` is `self.data`: in a Ruby file that declares
    // classes none of which is (or inherits from) the model (`Entry` for
    // `Embed.data`, a plain `IframeEmbed` with `attr_reader :data`), it is
    // that class's own column or attribute.
    let model_owners: Vec<String> = m
        .name
        .rsplit_once('.')
        .map(|(model, _)| ix.classes.owners_named(model.trim_start_matches("::")))
        .unwrap_or_default();
    let in_another_class = |fi: FileIdx| {
        if model_owners.is_empty() || !ruby_file(fi) {
            return false;
        }
        let classes: Vec<&str> = ix.facts[fi as usize]
            .ancestry
            .iter()
            .filter(|a| a.rel == crate::facts::Rel::Class)
            .map(|a| a.owner.as_str())
            .collect();
        !classes.is_empty() && !classes.iter().any(|c| is_or_inherits(ix, c, &model_owners))
    };
    // TypeScript: the column's name as a property of an object that is
    // itself a property named neither after the model nor a class
    // (`step.node.config.to`, `executable.data.trigger.config`) is that
    // object's own member, not the model's column.
    let property_of_another = |recv: Option<&str>| {
        let (Some(recv), Some(leaf)) = (recv, model_leaf) else {
            return false;
        };
        if !recv
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.' | b'?'))
        {
            return false;
        }
        let segs: Vec<&str> = recv.split('.').map(|s| s.trim_end_matches('?')).collect();
        let (Some(first), Some(last)) = (segs.first(), segs.last()) else {
            return false;
        };
        segs.len() >= 2
            && *first != "this"
            && last.starts_with(|c: char| c.is_ascii_lowercase())
            && !super::method::names_class(last, leaf)
            && !super::method::names_class(&crate::inflect::singularize(last), leaf)
            && ix
                .classes
                .owners_named(&crate::inflect::camelize(last))
                .is_empty()
    };
    // A bare `column` point is the column of every model whose table
    // declares it (`entries.data`, `images.data`), a `Model.column` that
    // model's: a Ruby access counts only where it can hold one of them.
    let col_models: Vec<String> = if m.name.contains('.') {
        model_owners.clone()
    } else {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for (fi, i) in ix
            .column_defs_by_name
            .get(&column)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let Some(t) = &ix.facts[*fi as usize].column_defs[*i as usize].table else {
                continue;
            };
            let named: Vec<&String> = ix
                .table_names
                .iter()
                .filter(|(_, tn)| *tn == t)
                .map(|(o, _)| o)
                .collect();
            if !named.is_empty() {
                out.extend(named.into_iter().cloned());
                continue;
            }
            // `Image` when it is declared as is, not `ImageCrawler::Image`.
            let class = crate::inflect::camelize(&crate::inflect::singularize(t));
            for c in [class.as_str(), t.as_str()] {
                if !ix.classes.declared_at(c).is_empty() {
                    out.insert(c.to_string());
                } else {
                    out.extend(ix.classes.owners_named(c));
                }
            }
        }
        // A class that declares the column's keys (`store :settings,
        // accessors: [...]`, `store_accessor :data, :k`) has it, whatever
        // type the schema gives it (hstore, text).
        for (fi, i) in ix.json_by_column.get(&column).map(Vec::as_slice).unwrap_or(&[]) {
            let k = &ix.facts[*fi as usize].json_keys[*i as usize];
            if k.op == KeyOp::Accessor && k.recv.is_none() {
                out.extend(
                    ix.facts[*fi as usize]
                        .ancestry
                        .iter()
                        .rfind(|a| a.rel == crate::facts::Rel::Class && a.line <= k.line)
                        .map(|a| a.owner.clone()),
                );
            }
        }
        out.into_iter().collect()
    };
    let bare_tie = |fi: FileIdx, k: &crate::facts::JsonKey| -> Option<bool> {
        if col_models.is_empty() || !ruby_file(fi) {
            return None;
        }
        let is_model = |c: &str| is_or_inherits(ix, c, &col_models);
        let declared = |c: &str| !ix.classes.owners_named(c).is_empty();
        // A constant that heads the receiver (`Settings::Toggle.new(data:
        // {...})`) or the chain a local was assigned from (`response =
        // Fog::Storage.new(o).put_object(...)`): one of the models, or
        // another class (of the workspace or of a library).
        let by_const = |c: &str| -> bool {
            let c = c.trim_start_matches("::");
            is_model(c) || ix.classes.owners_named(c).iter().any(|o| is_model(o))
        };
        if let Some(c) = k.recv_class.as_deref() {
            return Some(by_const(c));
        }
        let own_class = || -> Option<bool> {
            let classes: Vec<&str> = ix.facts[fi as usize]
                .ancestry
                .iter()
                .filter(|a| a.rel == crate::facts::Rel::Class)
                .map(|a| a.owner.as_str())
                .collect();
            (!classes.is_empty()).then(|| classes.iter().any(|c| is_model(c)))
        };
        let Some(recv) = k.recv.as_deref() else {
            return own_class();
        };
        let head = recv.split('(').next().unwrap_or(recv);
        for seg in head.rsplit('.').take(4) {
            let seg = seg.trim();
            if seg.starts_with(|c: char| c.is_ascii_uppercase()) || seg.starts_with("::") {
                return Some(by_const(seg));
            }
            let var = super::method::receiver_var(seg);
            if var.is_empty() {
                return None;
            }
            if var == "self" {
                return own_class();
            }
            let singular = crate::inflect::singularize(var);
            if col_models.iter().any(|mo| {
                let leaf = mo.rsplit("::").next().unwrap_or(mo);
                [var, singular.as_str()]
                    .iter()
                    .any(|v| super::method::names_class_in(&ix.classes, &ix.resolution, v, leaf))
            }) {
                return Some(true);
            }
            if declared(&crate::inflect::camelize(var)) || declared(&crate::inflect::camelize(&singular)) {
                return Some(false);
            }
        }
        None
    };
    let mut others: BTreeSet<String> = BTreeSet::new();
    let mut props: BTreeSet<String> = BTreeSet::new();
    let mut other_classes: BTreeSet<String> = BTreeSet::new();
    let mut elsewhere: BTreeSet<String> = BTreeSet::new();
    let mut away: BTreeSet<String> = BTreeSet::new();
    let mut locals: BTreeSet<String> = BTreeSet::new();
    let mut keys: BTreeMap<String, KeyEntry> = BTreeMap::new();
    // Keys read (written) somewhere on a receiver resolved to the model.
    let mut read_resolved: BTreeSet<String> = BTreeSet::new();
    let mut written_resolved: BTreeSet<String> = BTreeSet::new();
    let mut unresolved_problems: Vec<String> = Vec::new();
    for (fi, i) in ix.json_by_column.get(&column).map(Vec::as_slice).unwrap_or(&[]) {
        if ix.is_test(*fi) {
            continue;
        }
        let k = &ix.facts[*fi as usize].json_keys[*i as usize];
        if k.recv.is_none() && in_another_class(*fi) {
            continue;
        }
        // Attributes given to a class that is not the model (nor a
        // subclass of it: `DS::Toggle.new(data: {...})`, a view
        // component's HTML data attributes) are not the column.
        if !model_owners.is_empty()
            && let Some(class) = k.recv.as_deref().filter(|r| {
                r.split("::").all(|seg| {
                    seg.starts_with(|c: char| c.is_ascii_uppercase())
                        && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                })
            })
            && !model_owners.iter().any(|mo| {
                mo == class
                    || ix
                        .classes
                        .lookup(class, crate::ancestors::Side::Instance)
                        .chain
                        .iter()
                        .any(|(a, _, _)| a == mo)
            })
        {
            other_classes.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        let bare = bare_tie(*fi, k);
        if bare == Some(false) {
            others.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        // TypeScript has no implicit `self`: a bare `metadata.x` is a local
        // or a parameter that merely shares the column's name.
        if !ruby_file(*fi) && k.recv.as_deref() == Some(column.as_str()) {
            locals.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        // A request body (`body.authOptions?.x`, `req.body`, `const {
        // authOptions } = args.body`) is what a client sent, not a record of
        // the model.
        if !ruby_file(*fi)
            && k.recv
                .as_deref()
                .is_some_and(|r| r == "body" || r.ends_with(".body") || r.ends_with("?.body"))
        {
            locals.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        // A TypeScript receiver's declared class decides first: `this` in
        // another class is that class's own member (`this.files` in a
        // handler class), and a variable declared as a type that does not
        // name the model (`event: MessageEvent`, `event.data.type`) holds
        // no record of it.
        // A name destructured from a parameter declared as other types
        // (`({ over }: DragOverEvent)`) holds no record of it either,
        // unless its own name ties it to the model (`({ resume }: Props)`).
        let names_model = |class: &str| {
            let (cw, lw) = (
                super::method::words(class),
                super::method::words(model_leaf.unwrap_or("")),
            );
            !lw.is_empty() && cw.windows(lw.len()).any(|w| w == lw.as_slice())
        };
        // A type that merely contains the model's name (`ResumeDto`,
        // `TCreateRecipient`: what a client sent) does not resolve it.
        let tied = match (k.recv_class.as_deref(), model_leaf) {
            (Some(class), Some(leaf)) if !ruby_file(*fi) => match class.split_once('.') {
                Some((types, _)) => match tie(k.recv.as_deref()) {
                    None if !types.split('|').any(names_model) => Some(false),
                    t => t,
                },
                None if k.recv.as_deref() == Some("this") => {
                    Some(class.rsplit("::").next().unwrap_or(class) == leaf)
                }
                None if class == leaf => Some(true),
                None if names_model(class) => tie(k.recv.as_deref()),
                None => Some(false),
            },
            _ => tie(k.recv.as_deref()),
        };
        // Tied to the model by more than the file it is in: a receiver
        // named after it, a write given to a call that names it, a bare
        // access in a Ruby class of the model.
        let mut resolved = tied == Some(true)
            || bare == Some(true)
            || (k.recv.is_none()
                && ruby_file(*fi)
                && !model_owners.is_empty()
                && !in_another_class(*fi)
                && ix.facts[*fi as usize]
                    .ancestry
                    .iter()
                    .any(|a| a.rel == crate::facts::Rel::Class));
        // A TypeScript object literal's `{ column: {...} }` is the column's
        // only when given to a call that names the model
        // (`prisma.report.create`, `createShare`), not a request body
        // (`post('/reports', { parameters })`) or a form's defaults.
        if !ruby_file(*fi)
            && k.op == KeyOp::Write
            && tied.is_none()
            && let (Some(recv), Some(leaf)) = (k.recv.as_deref(), model_leaf)
        {
            let flat = |s: &str| s.to_ascii_lowercase().replace('_', "");
            if !flat(recv).contains(&flat(leaf)) {
                locals.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
                continue;
            }
            resolved = true;
        }
        match tied {
            // A model found from a bare column's schema is the planned
            // repo's: elsewhere, a receiver merely named like it (another
            // app's `event.data`, a DOM `MessageEvent`) is not its record.
            Some(true) if !forms_scanned && !at_home(*fi) => {
                away.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
                continue;
            }
            Some(true) => {}
            Some(false) => continue,
            None if !ruby_file(*fi) && property_of_another(k.recv.as_deref()) => {
                props.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
                continue;
            }
            None if !at_home(*fi) => {
                away.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
                continue;
            }
            None if !about_model(*fi) => {
                elsewhere.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
                continue;
            }
            None => {}
        }
        let loc = ctx.loc(*fi, k.line);
        let e = keys.entry(k.key.clone()).or_insert_with(|| KeyEntry {
            key: k.key.clone(),
            written_at: Vec::new(),
            read_at: Vec::new(),
        });
        match k.op {
            KeyOp::Write => e.written_at.push(loc),
            KeyOp::Read => e.read_at.push(loc),
            KeyOp::Accessor | KeyOp::Update => {
                e.written_at.push(loc.clone());
                e.read_at.push(loc);
            }
        }
        if resolved {
            if k.op != KeyOp::Write {
                read_resolved.insert(k.key.clone());
            }
            if k.op != KeyOp::Read {
                written_resolved.insert(k.key.clone());
            }
        }
    }
    let mut opaque_writes = Vec::new();
    let mut opaque_reads = Vec::new();
    for (fi, i) in ix
        .json_opaque_by_column
        .get(&column)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        if ix.is_test(*fi) {
            continue;
        }
        if !at_home(*fi) {
            away.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        if !about_model(*fi) {
            elsewhere.insert(format!("{}/{}", ix.repo_of(*fi), ix.file(*fi).path));
            continue;
        }
        let o = &ix.facts[*fi as usize].json_opaque[*i as usize];
        let loc = ctx.loc(*fi, o.line);
        if o.op == KeyOp::Read {
            opaque_reads.push(loc);
        } else {
            opaque_writes.push(loc);
        }
    }
    f.exists = Some(
        !keys.is_empty()
            || !elsewhere.is_empty()
            || !f.definitions.is_empty()
            || !opaque_writes.is_empty()
            || !opaque_reads.is_empty(),
    );
    if f.exists == Some(false) {
        f.problem(
            Code::MissingDefinition,
            msg!(
                "no code reads or writes keys of {} and no schema declares it",
                Text::code(&column)
            ),
        );
        // Files that spell the column in a form seamscan does not read
        // (`t.jsonb "data"` with a string, `locked_attributes.merge(...)`).
        let spelled: Vec<String> = ix
            .files_mentioning(&column)
            .into_iter()
            .filter(|fi| !ix.is_test(*fi))
            .map(|fi| format!("{}/{}", ix.repo_of(fi), ix.file(fi).path))
            .collect();
        if !spelled.is_empty() {
            f.low_confidence(msg!(
                "source files spell {} in forms seamscan does not read: {}",
                Text::code(&column),
                super::first_few(&spelled)
            ));
        }
    }
    if keys.is_empty() && opaque_reads.is_empty() && opaque_writes.is_empty() && !elsewhere.is_empty() {
        f.low_confidence(msg!(
            "{} is accessed only in files that never spell the model (a concern or shared code?): {}",
            Text::code(&column),
            Text::join(elsewhere.iter().take(5).map(Text::raw), ", ")
        ));
    }
    if !locals.is_empty() {
        f.extra_notes.push(msg!(
            "keys of TypeScript/JavaScript locals, parameters or object literals named {} that nothing ties to the model (not counted): {}",
            Text::code(&column),
            Text::join(locals.iter().take(5).map(Text::raw), ", ")
        ));
    }
    if !others.is_empty() {
        f.extra_notes.push(msg!(
            "keys of a {} on objects that are none of the classes that have the column ({}), not counted: {}",
            Text::code(&column),
            Text::raw_list(&col_models, ", "),
            Text::join(others.iter().take(5).map(Text::raw), ", ")
        ));
    }
    if !props.is_empty() {
        f.extra_notes.push(msg!(
            "keys of TypeScript/JavaScript properties named {} of other objects ({}), not counted: {}",
            Text::code(&column),
            Text::code(format!("step.node.{column}")),
            Text::join(props.iter().take(5).map(Text::raw), ", ")
        ));
    }
    if !other_classes.is_empty() {
        f.extra_notes.push(msg!(
            "attributes named {} given to classes that are none of its models ({}), not counted: {}",
            Text::code(&column),
            Text::code(format!("Button.new({column}: {{...}})")),
            Text::join(other_classes.iter().take(5).map(Text::raw), ", ")
        ));
    }
    if !away.is_empty() {
        let away: Vec<String> = away.into_iter().collect();
        f.verify.push(msg!(
            "accesses of a {} in other repos or languages than the model's, on receivers not named after it, are not counted: {}",
            Text::code(&column),
            super::first_few(&away)
        ));
    }
    let written: Vec<String> = keys
        .values()
        .filter(|k| !k.written_at.is_empty())
        .map(|k| k.key.clone())
        .collect();
    for k in keys.values_mut() {
        k.read_at.sort();
        k.written_at.sort();
        if !k.read_at.is_empty() && k.written_at.is_empty() {
            let similar: Vec<&String> = written.iter().filter(|w| fold(w) == fold(&k.key)).collect();
            let hint = match similar.first() {
                Some(s) => msg!(" (written as {}?)", Text::code(s.as_str())),
                None => Text::default(),
            };
            let message = msg!(
                "{} is read at {} but no writer writes it{}",
                Text::code(&k.key),
                Text::raw(&k.read_at[0]),
                hint
            );
            if read_resolved.contains(&k.key) {
                f.problems.push(crate::findings::Problem::new(
                    Code::JsonKeyReadNeverWritten,
                    message,
                ));
            } else {
                // Every read is on a receiver only the file ties to the
                // model (`body.authOptions?.x` in a file that spells it).
                f.problem_capped(
                    Code::JsonKeyReadNeverWritten,
                    Risk::Medium,
                    msg!("{} (receivers not resolved to the model)", message),
                );
                unresolved_problems.push(k.key.clone());
            }
        }
        if k.read_at.is_empty() && !k.written_at.is_empty() {
            let message = msg!(
                "{} is written at {} but nothing reads it",
                Text::code(&k.key),
                Text::raw(&k.written_at[0])
            );
            if written_resolved.contains(&k.key) {
                f.problems.push(crate::findings::Problem::new(
                    Code::JsonKeyWrittenNeverRead,
                    message,
                ));
            } else {
                f.problem_capped(
                    Code::JsonKeyWrittenNeverRead,
                    Risk::Medium,
                    msg!("{} (receivers not resolved to the model)", message),
                );
                unresolved_problems.push(k.key.clone());
            }
        }
    }
    // Keys read where nothing in the workspace writes the column at all:
    // it is filled outside the scanned code (an API payload stored by an
    // importer that is gone, another service, a console), not drifted.
    if written.is_empty() && opaque_writes.is_empty() && keys.values().any(|k| !k.read_at.is_empty()) {
        f.low_confidence(msg!(
            "no scanned code writes {} at all (no key and no whole value): whatever fills it is outside the scanned repos, so its keys cannot be checked",
            Text::code(&column)
        ));
    }
    if !unresolved_problems.is_empty() {
        f.low_confidence(msg!(
            "the accesses behind the problems of {} are on receivers that are not resolved to the model, counted only because their files spell it; they may be another object's keys",
            Text::join(unresolved_problems.iter().map(Text::code), ", ")
        ));
    }
    // A table of a Rails schema whose model no class of the schema's repo
    // declares (public_activity's `activities`: `PublicActivity::Activity`
    // lives in the gem) is written and read by the library's code, which
    // seamscan does not read.
    if let Some(leaf) = model_leaf
        && !defined_at.is_empty()
        && defined_at
            .iter()
            .all(|(fi, _)| ruby_file(*fi) || ix.file(*fi).path.ends_with(".sql"))
        && (f.has(Code::JsonKeyReadNeverWritten) || f.has(Code::JsonKeyWrittenNeverRead))
    {
        let schema_repos: BTreeSet<u32> = defined_at.iter().map(|(fi, _)| ix.file(*fi).repo).collect();
        let declared = model_owners.iter().any(|o| {
            ix.classes
                .declared_at(o)
                .iter()
                .any(|l| schema_repos.contains(&ix.file(l.file).repo))
        });
        if !declared {
            f.low_confidence(msg!(
                "no class {} is declared where the schema is: the table's model comes from a library (a gem), whose reads and writes of keys seamscan does not see",
                Text::code(leaf)
            ));
        }
    }
    for k in keys.values() {
        f.callers_found.extend(k.read_at.iter().cloned());
        f.callers_found.extend(k.written_at.iter().cloned());
    }
    if !opaque_writes.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "writes whose keys are not literal (they may write the keys reported as never written): {}",
            Text::raw_list(&opaque_writes, ", ")
        ));
    }
    if !opaque_reads.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "reads whose keys are not literal: {}",
            Text::raw_list(&opaque_reads, ", ")
        ));
    }
    // `repo`: the repo that must own the column, i.e. declare it in its
    // schema or write its keys. `callers`: repos that must use it, i.e.
    // read or write any of its keys.
    let repo_of = |loc: &str| loc.split('/').next().unwrap_or("").to_string();
    let writers: std::collections::BTreeSet<String> = keys
        .values()
        .flat_map(|k| k.written_at.iter())
        .chain(opaque_writes.iter())
        .map(|l| repo_of(l))
        .collect();
    let declarers: std::collections::BTreeSet<String> =
        f.definitions.iter().map(|d| repo_of(&d.location)).collect();
    if let Some(repo) = &m.repo
        && f.exists == Some(true)
        && !writers.contains(repo)
        && !declarers.contains(repo)
    {
        let elsewhere: std::collections::BTreeSet<&String> = writers.iter().chain(declarers.iter()).collect();
        let where_ = if elsewhere.is_empty() {
            Text::ours("it is only read")
        } else {
            msg!(
                "it is declared or written only in {}",
                Text::raw_list(&elsewhere.into_iter().collect::<Vec<_>>(), ", ")
            )
        };
        f.problem(
            Code::UnexpectedLocation,
            msg!(
                "planned in {}, which neither declares {} nor writes its keys; {}",
                Text::raw(repo),
                Text::code(&column),
                where_
            ),
        );
    }
    for repo in &m.callers {
        let uses = keys
            .values()
            .flat_map(|k| k.read_at.iter().chain(k.written_at.iter()))
            .chain(opaque_reads.iter())
            .chain(opaque_writes.iter())
            .any(|l| repo_of(l) == *repo);
        if !uses {
            f.problem(
                Code::MissingExpectedCaller,
                msg!(
                    "{} never reads or writes keys of {}",
                    Text::raw(repo),
                    Text::code(&column)
                ),
            );
        }
    }
    super::env::wire(ctx, &m.env, &mut f);
    if model_forms.is_empty() {
        f.verify.push(msg!(
            "keys are matched by column name {} on any receiver; confirm they belong to the planned model",
            Text::code(&column)
        ));
    } else {
        f.verify.push(msg!(
            "keys are matched by column name {} in files that spell the model, on any receiver there",
            Text::code(&column)
        ));
        if !elsewhere.is_empty() {
            f.verify.push(msg!(
                "{} keys in files that never spell the model were left out: {}",
                Text::code(&column),
                Text::join(elsewhere.into_iter().map(Text::raw), ", ")
            ));
        }
    }
    if let Some(t) = &table
        && !other_tables.is_empty()
    {
        f.verify.push(msg!(
            "{} declared on other tables than {} was left out: {}",
            Text::code(&column),
            Text::code(t),
            Text::join(other_tables.iter().take(5).map(Text::raw), ", ")
        ));
    }
    f.keys = Some(keys.into_values().collect());
    f
}

/// Is class `c` one of `models`, or does it inherit from or include one?
fn is_or_inherits(ix: &crate::facts::FactIndex, c: &str, models: &[String]) -> bool {
    models.iter().any(|mo| {
        c == mo
            || ix
                .classes
                .lookup(c, crate::ancestors::Side::Instance)
                .chain
                .iter()
                .any(|(a, _, _)| a == mo)
    })
}
