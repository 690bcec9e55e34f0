#!/usr/bin/env python3
"""Helpers for bench/run.sh (Python 3 standard library plus PyYAML).

  bench.py names PLAN                      names the prefilter looks for, one a line (for rg -F -f)
  bench.py sgrules PLAN OUTDIR             ast-grep project (sgconfig.yml + rules/) for PLAN's points
  bench.py real-plans --base PLAN50 --workspace WS --out DIR [--seed S]
                                           p10/p50/p1000/worst plans for a directory of real repos
  bench.py report ...                      the results table (see run.sh)
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

import yaml

SKIP_DIRS = ["node_modules", "vendor", "dist", "build", "tmp", "coverage"]


def load_points(path):
    with open(path) as f:
        plan = yaml.safe_load(f)
    points = []
    for phase in plan.get("phases") or []:
        for p in phase.get("points") or []:
            points.append(p)
    return plan, points


def split_method(name):
    """(owner or None, method name, singleton) as seamscan's MethodName::parse."""
    name = name.strip()
    if "#" in name:
        o, n = name.rsplit("#", 1)
        return o, n, False
    if "." in name:
        o, n = name.rsplit(".", 1)
        return o, n, True
    return None, name, False


KIND_KEYS = ("method", "jsonb", "route", "job", "event", "flag", "action")


def prefilter_names(points):
    """The literals seamscan's Aho-Corasick prefilter is built from
    (audit.rs, Prefilter::new): method names (the part after `#`/`.`), the
    owner's definition (`class Owner`, `module Owner`, last `::` segment),
    env var names (an `env:` point, and the `env:` list of any other point)
    and JSON column names (the part after the last `.`)."""
    names = set()
    for p in points:
        kinds = [k for k in KIND_KEYS if k in p]
        if "method" in p:
            o, n, _ = split_method(str(p["method"]))
            names.add(n)
            if o:
                leaf = o.rsplit("::", 1)[-1]
                names.update((f"class {leaf}", f"module {leaf}"))
        elif "jsonb" in p:
            names.add(str(p["jsonb"]).strip().rsplit(".", 1)[-1])
        env = p.get("env")
        if env is None:
            continue
        if not kinds:
            names.add(str(env).strip())  # an env point: one variable
        else:
            # `env:` beside another kind key lists the vars it depends on
            # (one name or a list).
            names.update(str(e).strip() for e in (env if isinstance(env, list) else [env]))
    return sorted(n for n in names if n)


def cmd_names(args):
    _, points = load_points(args.plan)
    for n in prefilter_names(points):
        print(n)


# ----------------------------------------------------------------- ast-grep

def sq(s):
    """A YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


def exact(name):
    return sq("^" + re.escape(name) + "$")


def ruby_rules(i, p):
    out = []
    if "method" in p:
        owner, n, singleton = split_method(str(p["method"]))
        inside = ""
        if owner:
            leaf = owner.split("::")[-1]
            inside = (
                "  inside:\n    stopBy: end\n    any:\n"
                f"      - kind: class\n        has: {{field: name, regex: {sq(re.escape(leaf) + '$')}}}\n"
                f"      - kind: module\n        has: {{field: name, regex: {sq(re.escape(leaf) + '$')}}}\n"
            )
        kinds = ["singleton_method", "method"] if singleton else ["method", "singleton_method"]
        out.append(
            f"id: p{i}-def-rb\nlanguage: ruby\nseverity: info\nmessage: definition of {p['method']}\nrule:\n"
            f"  any:\n"
            + "".join(f"    - kind: {k}\n      has: {{field: name, regex: {exact(n)}}}\n" for k in kinds)
            + inside
        )
        out.append(
            f"id: p{i}-call-rb\nlanguage: ruby\nseverity: info\nmessage: call of {p['method']}\nrule:\n"
            f"  any:\n"
            f"    - kind: call\n      has: {{field: method, regex: {exact(n)}}}\n"
            f"    - kind: simple_symbol\n      regex: {exact(':' + n)}\n"
        )
    elif "env" in p and isinstance(p["env"], str):
        e = p["env"]
        out.append(
            f"id: p{i}-env-rb\nlanguage: ruby\nseverity: info\nmessage: read of {e}\nrule:\n"
            f"  kind: string_content\n  regex: {exact(e)}\n  inside:\n    stopBy: end\n    any:\n"
            f"      - kind: element_reference\n        has: {{field: object, regex: '^ENV$'}}\n"
            f"      - kind: call\n        has: {{field: receiver, regex: '^ENV$'}}\n"
        )
    elif "jsonb" in p:
        col = str(p["jsonb"]).split(".")[-1]
        out.append(
            f"id: p{i}-jsonb-rb\nlanguage: ruby\nseverity: info\nmessage: key access on {col}\nrule:\n"
            f"  kind: element_reference\n  has:\n    field: object\n    kind: call\n"
            f"    has: {{field: method, regex: {exact(col)}}}\n"
        )
    return out


def ts_rules(i, p, lang):
    out = []
    tag = lang
    if "method" in p:
        owner, n, _ = split_method(str(p["method"]))
        inside = ""
        if owner:
            leaf = owner.split("::")[-1]
            inside = (
                "  inside:\n    stopBy: end\n    any:\n"
                f"      - kind: class_declaration\n        has: {{field: name, regex: {exact(leaf)}}}\n"
                f"      - kind: class\n        has: {{field: name, regex: {exact(leaf)}}}\n"
            )
        out.append(
            f"id: p{i}-def-{tag}\nlanguage: {lang}\nseverity: info\nmessage: definition of {p['method']}\nrule:\n"
            f"  any:\n"
            f"    - kind: method_definition\n      has: {{field: name, regex: {exact(n)}}}\n"
            f"    - kind: function_declaration\n      has: {{field: name, regex: {exact(n)}}}\n"
            f"    - kind: variable_declarator\n      all:\n        - has: {{field: name, regex: {exact(n)}}}\n"
            f"        - has: {{field: value, any: [{{kind: arrow_function}}, {{kind: function_expression}}]}}\n"
            + inside
        )
        jsx = ""
        if lang == "tsx":
            jsx = (
                f"    - kind: jsx_opening_element\n      has: {{field: name, regex: {exact(n)}}}\n"
                f"    - kind: jsx_self_closing_element\n      has: {{field: name, regex: {exact(n)}}}\n"
            )
        out.append(
            f"id: p{i}-call-{tag}\nlanguage: {lang}\nseverity: info\nmessage: call of {p['method']}\nrule:\n"
            f"  any:\n"
            f"    - kind: call_expression\n      has:\n        field: function\n        any:\n"
            f"          - {{kind: identifier, regex: {exact(n)}}}\n"
            f"          - {{kind: member_expression, has: {{field: property, regex: {exact(n)}}}}}\n"
            f"    - kind: import_specifier\n      has: {{field: name, regex: {exact(n)}}}\n"
            + jsx
        )
    elif "env" in p and isinstance(p["env"], str):
        e = p["env"]
        out.append(
            f"id: p{i}-env-{tag}\nlanguage: {lang}\nseverity: info\nmessage: read of {e}\nrule:\n"
            f"  any:\n"
            f"    - kind: member_expression\n      all:\n        - has: {{field: property, regex: {exact(e)}}}\n"
            f"        - has: {{field: object, regex: 'env$'}}\n"
            f"    - kind: subscript_expression\n      all:\n        - has: {{field: object, regex: 'env$'}}\n"
            f"        - has: {{field: index, regex: {sq(re.escape(e))}}}\n"
        )
    elif "jsonb" in p:
        col = str(p["jsonb"]).split(".")[-1]
        out.append(
            f"id: p{i}-jsonb-{tag}\nlanguage: {lang}\nseverity: info\nmessage: key access on {col}\nrule:\n"
            f"  any:\n"
            f"    - kind: member_expression\n      has:\n        field: object\n        kind: member_expression\n"
            f"        has: {{field: property, regex: {exact(col)}}}\n"
            f"    - kind: pair\n      has: {{field: key, regex: {exact(col)}}}\n"
        )
    return out


def cmd_sgrules(args):
    _, points = load_points(args.plan)
    rules_dir = os.path.join(args.out, "rules")
    os.makedirs(rules_dir, exist_ok=True)
    for f in os.listdir(rules_dir):
        os.remove(os.path.join(rules_dir, f))
    n = 0
    for i, p in enumerate(points):
        docs = ruby_rules(i, p) + ts_rules(i, p, "typescript") + ts_rules(i, p, "tsx")
        for d in docs:
            rid = re.search(r"^id: (\S+)", d, re.M).group(1)
            with open(os.path.join(rules_dir, rid + ".yml"), "w") as f:
                f.write(d)
            n += 1
    with open(os.path.join(args.out, "sgconfig.yml"), "w") as f:
        f.write(
            "ruleDirs: [rules]\n"
            "languageGlobs:\n"
            "  tsx: ['*.tsx', '*.js', '*.jsx', '*.mjs', '*.cjs']\n"
            "  ruby: ['*.rb', '*.rake', '*.ru', '*.gemspec', 'Rakefile', 'Gemfile']\n"
        )
    print(f"{n} ast-grep rules for {len(points)} points in {args.out}", file=sys.stderr)


# --------------------------------------------------------------- real plans

COMMON = [
    "call", "new", "id", "name", "to_s", "each", "map", "find", "update", "save", "render",
    "create", "get", "set", "value", "data", "type", "user", "key", "length", "push", "then",
    "filter", "params", "present?", "title", "state", "props", "items", "log", "error",
    "status", "index", "show", "destroy", "path", "url", "size",
]
COMMON_OWNED = ["User#id", "User#name", "Story#title", "Document#title", "Rubygem#name", "Comment#user"]
COMMON_ENV = ["DATABASE_URL", "NODE_ENV", "RAILS_ENV"]
COMMON_JSONB = ["data", "metadata", "settings"]

RG_SKIPS = [f"!{d}" for d in SKIP_DIRS]

DEF_PATTERNS = [
    (["*.rb", "*.rake"], r"^\s*def\s+(?:self\.)?([A-Za-z_][A-Za-z0-9_]*[?!]?)"),
    (["*.{ts,tsx,js,jsx,mjs,cjs}"],
     r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][A-Za-z0-9_$]*)"),
    (["*.{ts,tsx,js,jsx,mjs,cjs}"],
     r"^\s*export\s+const\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*(?:async\s*)?(?:\(|function)"),
    (["*.{ts,tsx}"],
     r"^\s+(?:(?:public|private|protected|static|async|override|readonly)\s+)*([a-z_$][A-Za-z0-9_$]*)\s*\([^)]*\)\s*(?::\s*[^={;]+)?\{\s*$"),
]
KEYWORDS = {"if", "for", "while", "switch", "catch", "function", "constructor", "return", "super"}


def defined_identifiers(ws):
    names = set()
    for globs, pat in DEF_PATTERNS:
        cmd = ["rg", "--no-require-git", "--no-filename", "--no-line-number", "-o", "-r", "$1"]
        for g in globs + RG_SKIPS:
            cmd += ["-g", g]
        cmd += ["-e", pat, ws]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode not in (0, 1):
            sys.exit(f"rg failed: {res.stderr}")
        names.update(res.stdout.split())
    return names


def write_plan(path, title, phases, header):
    with open(path, "w") as f:
        f.write(header)
        yaml.safe_dump(
            {"version": 1, "name": title, "phases": phases},
            f, sort_keys=False, allow_unicode=True, width=200,
        )


def cmd_real_plans(args):
    os.makedirs(args.out, exist_ok=True)
    base, points = load_points(args.base)
    hdr = f"# Derived by bench/bench.py real-plans from {args.base} over {args.workspace} (seed {args.seed}).\n"
    base_title = base.get("name", "plan")
    # Keep only what is valid over the whole workspace (no repo subsets).
    write_plan(os.path.join(args.out, "p50.yaml"), base_title,
               [{"name": "base 50", "points": points[:50]}], hdr)
    write_plan(os.path.join(args.out, "p10.yaml"), base_title + " (first 10 points)",
               [{"name": "base 10", "points": points[:10]}], hdr)
    taken = set(prefilter_names(points))
    ids = defined_identifiers(args.workspace)
    cands = sorted(
        n for n in ids
        if len(n) >= 6 and n not in KEYWORDS and n not in COMMON and n not in taken
    )
    key = lambda n: hashlib.sha1(f"{args.seed}:{n}".encode()).hexdigest()
    extra = sorted(cands, key=key)[: max(0, 1000 - len(points))]
    extra_points = [{"method": n} for n in sorted(extra)]
    phases = [{"name": "base 50", "points": points}]
    for i in range(0, len(extra_points), 50):
        phases.append({"name": f"sampled identifiers {i // 50 + 1}", "points": extra_points[i:i + 50]})
    write_plan(os.path.join(args.out, "p1000.yaml"), base_title + " + sampled identifiers (1000 points)",
               phases, hdr + f"# {len(cands)} candidate identifiers (>= 6 chars) found with rg; {len(extra)} sampled.\n")
    worst = [{"method": n} for n in COMMON + COMMON_OWNED]
    worst += [{"env": e} for e in COMMON_ENV] + [{"jsonb": c} for c in COMMON_JSONB]
    write_plan(os.path.join(args.out, "worst.yaml"), "Worst case: very common names",
               [{"name": "common names", "points": worst}], hdr)
    print(f"real plans in {args.out}: p10, p50, p1000 ({len(points) + len(extra)} points), worst ({len(worst)} points)",
          file=sys.stderr)


# ------------------------------------------------------------------ report

def median_of(json_path):
    with open(json_path) as f:
        r = json.load(f)["results"][0]
    return r["median"], r["min"], r["max"], len(r["times"])


TIMINGS_RE = re.compile(
    r"seamscan: timings \(ms\): walk ([\d.]+), query compile ([\d.]+), files ([\d.]+) wall "
    r"\[cpu: read ([\d.]+), prefilter ([\d.]+), config scan ([\d.]+), parse ([\d.]+), extract ([\d.]+)\], "
    r"index ([\d.]+), checks ([\d.]+), report ([\d.]+)"
)


def timings_table(rows, by):
    """`--timings` of the seamscan rows' /usr/bin/time -v run (stderr in <id>.err,
    the audit JSON in <id>.out, next to the hyperfine JSON)."""
    out = []
    for name, desc, *_ in rows:
        base = os.path.splitext(by[name][7])[0]
        try:
            with open(base + ".err") as f:
                m = TIMINGS_RE.search(f.read())
        except OSError:
            m = None
        if not m:
            continue
        try:
            with open(base + ".out") as f:
                st = json.load(f)["stats"]
            files = f"{st['files_parsed']} / {st['files_scanned']}"
        except (OSError, ValueError, KeyError):
            files = "?"
        v = [float(x) / 1000 for x in m.groups()]
        walk, qc, files_wall, read, pre, cfg, parse, extract, index, checks, report = v
        if not out:
            out.append("seamscan `--timings` (one run, the /usr/bin/time -v one; seconds; "
                       "read/prefilter/parse/extract are CPU time summed over the threads "
                       "inside the files wall time)\n")
            out.append("| command | parsed / scanned files | walk | query compile | files (wall) "
                       "| read | prefilter | parse | extract | index | checks | report |")
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        out.append(f"| {desc} | {files} | {walk:.2f} | {qc:.2f} | {files_wall:.2f} | {read:.2f} | {pre:.2f} "
                   f"| {parse:.2f} | {extract:.2f} | {index:.2f} | {checks:.2f} | {report:.2f} |")
    if out:
        out.append("")
    return out


def cmd_report(args):
    rows = []
    with open(args.index) as f:
        for line in f:
            name, desc, jpath, rss_kb = line.rstrip("\n").split("\t")
            med, lo, hi, n = median_of(jpath)
            rows.append((name, desc, med, lo, hi, n, int(rss_kb) if rss_kb else None, jpath))
    by = {r[0]: r for r in rows}
    out = []
    out.append(f"### {args.title}\n")
    out.append(args.meta.replace("\\n", "\n") + "\n")
    out.append("| # | command | median (s) | min (s) | max (s) | runs | peak RSS (MiB) |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for i, (name, desc, med, lo, hi, n, rss, _) in enumerate(rows, 1):
        mem = f"{rss / 1024:.0f}" if rss is not None else "-"
        out.append(f"| {i} | {desc} | {med:.3f} | {lo:.3f} | {hi:.3f} | {n} | {mem} |")
    out.append("")

    def ratio(a, b):
        if a in by and b in by and by[b][2] > 0:
            return by[a][2] / by[b][2]
        return None

    checks = [
        ("50-point audit / rg (text floor)", ratio("audit50", "rg50"), "<=", 2.5),
        ("1,000-point / 10-point audit", ratio("audit1000", "audit10"), "<=", 1.5),
        ("worst-case / raw parse floor", ratio("worst", "floor"), "<=", 1.5),
        ("ast-grep scan / 50-point audit", ratio("astgrep50", "audit50"), ">=", 5.0),
        ("2x files: 50-point audit / half-size audit (each its own plan)", ratio("audit50", "half50"), "<=", 2.2),
        ("2x files, same plan (the half-size one): full / half-size audit", ratio("full50h", "half50"), "<=", 2.2),
        ("--jobs 1 / all cores (50-point audit)", ratio("audit50j1", "audit50"), ">=", 1.7),
    ]
    mem = max((r[6] for r in rows if r[6] is not None and (r[0].startswith("audit") or r[0] in ("worst", "half50", "full50h"))),
              default=None)
    out.append("| ratio | measured | target | met |")
    out.append("|---|---:|---:|---|")
    for label, val, op, goal in checks:
        if val is None:
            continue
        ok = val <= goal if op == "<=" else val >= goal
        out.append(f"| {label} | {val:.2f}x | {op} {goal}x | {'yes' if ok else 'NO'} |")
    if mem is not None:
        ok = mem / 1024 <= 300
        out.append(f"| peak memory, worst seamscan run above | {mem / 1024:.0f} MiB | <= 300 MiB | {'yes' if ok else 'NO'} |")
    out.append("")
    out.extend(timings_table(rows, by))
    text = "\n".join(out)
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write(text + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("names")
    a.add_argument("plan")
    a.set_defaults(fn=cmd_names)
    a = sub.add_parser("sgrules")
    a.add_argument("plan")
    a.add_argument("out")
    a.set_defaults(fn=cmd_sgrules)
    a = sub.add_parser("real-plans")
    a.add_argument("--base", required=True)
    a.add_argument("--workspace", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--seed", default="1")
    a.set_defaults(fn=cmd_real_plans)
    a = sub.add_parser("report")
    a.add_argument("--index", required=True, help="TSV: name, description, hyperfine json, max RSS KiB")
    a.add_argument("--title", required=True)
    a.add_argument("--meta", default="")
    a.add_argument("--out")
    a.set_defaults(fn=cmd_report)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
