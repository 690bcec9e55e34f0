#!/usr/bin/env python3
"""Evidence trials on real apps (issue 14's method): draft a plan from a real
workspace, then sample the locations an audit printed so a person can open
each one and judge whether it holds what the report claims.

  trial.py plan WS SEED [--range N] [--points K] > plan.yaml
      Runs `seamscan plan --from-diff HEAD~N..HEAD` over WS (repos must be git
      checkouts with history), then keeps K points chosen by SEED, spread over
      the kinds. The first line is `# workspace: WS`.
  trial.py sample REPORT.json WS COUNT SEED
      Prints COUNT locations chosen by SEED from every location field of the
      report, each with the finding, the field and the source lines around it.
  trial.py highs REPORT.json
      Prints every finding with confidence high and a problem, with its
      problems and evidence, for reading one by one.

Nothing here writes into WS. Requires SEAMSCAN (default target/release/seamscan).
"""
import json, os, random, re, subprocess, sys

BIN = os.environ.get("SEAMSCAN", os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "seamscan"))
KIND_KEYS = ["method", "env", "jsonb", "route", "job", "event", "flag", "action", "webhook"]


def draft(ws, rng_back):
    out = []
    for repo in sorted(os.listdir(ws)):
        p = os.path.join(ws, repo)
        if not os.path.isdir(os.path.join(p, ".git")):
            continue
        n = int(subprocess.run(["git", "-C", p, "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout.strip() or 0)
        back = min(rng_back, max(n - 1, 1))
        r = subprocess.run([BIN, "plan", "--from-diff", f"HEAD~{back}..HEAD", p], capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(f"{repo}: {r.stderr.strip()}\n")
            continue
        out.append((repo, r.stdout))
    return out


def parse_points(yaml_text):
    """Points of a draft plan as (kind, name, extra lines). The drafts are
    flat YAML written by seamscan itself, so a line scan is enough."""
    pts, cur = [], None
    for line in yaml_text.splitlines():
        m = re.match(r"^\s*- (\w+): (.*)$", line)
        if m and m.group(1) in KIND_KEYS:
            cur = [m.group(1), m.group(2), []]
            pts.append(cur)
        elif cur is not None and re.match(r"^\s{8,}\w+:", line) and not line.strip().startswith("- name"):
            cur[2].append(line.strip())
        elif re.match(r"^\s*- name:", line):
            cur = None
    return pts


def cmd_plan(args):
    ws, seed = args[0], int(args[1])
    back = int(args[args.index("--range") + 1]) if "--range" in args else 300
    k = int(args[args.index("--points") + 1]) if "--points" in args else 40
    rng = random.Random(seed)
    by_kind = {}
    for repo, text in draft(ws, back):
        for kind, name, extra in parse_points(text):
            by_kind.setdefault(kind, []).append((repo, kind, name, extra))
    chosen = []
    kinds = sorted(by_kind)
    for v in by_kind.values():
        rng.shuffle(v)
    while len(chosen) < k and any(by_kind.values()):
        for kd in kinds:
            if by_kind[kd] and len(chosen) < k:
                chosen.append(by_kind[kd].pop())
    print(f"# workspace: {ws}")
    print("version: 1")
    print(f"name: trial seed {seed}")
    print("phases:")
    print("  - name: trial")
    print("    points:")
    seen = set()
    for repo, kind, name, extra in chosen:
        if (kind, name) in seen:
            continue
        seen.add((kind, name))
        print(f"      - {kind}: {name}")
        if kind in ("method", "jsonb", "route", "action", "job"):
            print(f"        repo: {repo}")
        for e in extra:
            if e.split(":")[0] in ("callers", "model"):
                print(f"        {e}")


def locations(report):
    for f in report["findings"]:
        fid = f["id"]
        for d in f.get("definitions") or []:
            yield fid, "definition", d["location"]
        for fld in ("callers_found", "test_callers"):
            for l in f.get(fld) or []:
                yield fid, fld, l
        for d in f.get("dynamic_call_sites") or []:
            yield fid, "dynamic_call_site", d["location"]
        for c in f.get("config") or []:
            for l in c.get("read_at") or []:
                yield fid, f"config {c['name']} read_at", l
            for l in c.get("defined_at") or []:
                yield fid, f"config {c['name']} defined_at", l
        for kk in f.get("keys") or []:
            for l in kk.get("written_at") or []:
                yield fid, f"key {kk['key']} written_at", l
            for l in kk.get("read_at") or []:
                yield fid, f"key {kk['key']} read_at", l
        for ly in f.get("layers") or []:
            for l in ly.get("locations") or []:
                yield fid, f"layer {ly.get('layer')} found={ly.get('found')}", l


def show(ws, loc, ctx=2):
    m = re.match(r"^(.*):(\d+)$", loc)
    if not m:
        return f"    !! not repo/path:line: {loc}"
    path, line = os.path.join(ws, m.group(1)), int(m.group(2))
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
    except OSError as e:
        return f"    !! {e}"
    out = []
    for i in range(max(1, line - ctx), min(len(lines), line + ctx) + 1):
        mark = ">>" if i == line else "  "
        out.append(f"    {mark}{i:5} {lines[i - 1][:200]}")
    return "\n".join(out)


def cmd_sample(args):
    report = json.load(open(args[0]))
    ws, count, seed = args[1], int(args[2]), int(args[3])
    locs = sorted(set(locations(report)))
    rng = random.Random(seed)
    pick = rng.sample(locs, min(count, len(locs)))
    byid = {f["id"]: f for f in report["findings"]}
    print(f"{len(locs)} locations, {len(pick)} sampled (seed {seed})")
    for n, (fid, fld, loc) in enumerate(pick, 1):
        f = byid[fid]
        probs = ", ".join(p["code"] for p in f.get("problems") or []) or "-"
        print(f"\n[{n}] {fid}  ({fld})  risk={f['risk']} conf={f['confidence']} problems={probs}")
        print(f"    {loc}")
        print(show(ws, loc))


def cmd_highs(args):
    report = json.load(open(args[0]))
    for f in report["findings"]:
        if f["confidence"] != "high" or not f.get("problems"):
            continue
        print(f"\n== {f['id']}  risk={f['risk']}")
        for p in f["problems"]:
            print(f"   {p['code']} ({p['risk']}): {p['message'][:400]}")
        for d in (f.get("definitions") or [])[:4]:
            print(f"   def {d['location']} {d.get('access', '')}")
        for l in (f.get("callers_found") or [])[:4]:
            print(f"   caller {l}")
        for ly in f.get("layers") or []:
            print(f"   layer {ly.get('layer')} found={ly.get('found')} {(ly.get('locations') or [])[:3]}")
        if f.get("notes"):
            print(f"   notes: {f['notes'][:300]}")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("plan", "sample", "highs"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    {"plan": cmd_plan, "sample": cmd_sample, "highs": cmd_highs}[sys.argv[1]](sys.argv[2:])
