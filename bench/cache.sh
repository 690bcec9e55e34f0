#!/usr/bin/env bash
# The fact cache's targets (issue 19), side by side in one hyperfine session:
# warm and cold audits against rg, the first run with an empty cache against
# --no-cache, `seamscan index` against the parse floor (tree-sitter's, and
# seamscan's own parsers'), the cache's size against the corpus's source
# bytes, and the peak memory of a warm 1,000-point audit. See bench/README.md, "Fact cache".
#
#   bench/cache.sh WORKSPACE --plans DIR [--runs N] [--out FILE]
#     --plans DIR   p10.yaml, p50.yaml, p1000.yaml (bench.py real-plans or
#                   gen-workspace --plan-out) and p50.names (bench.py names)
#     --runs N      hyperfine runs per command (default 5)
#     --out FILE    append the table here (default bench/results/<date>-cache.md)
#     --bin DIR     measure DIR/seamscan and DIR/parse-floor (another build,
#                   e.g. main's, side by side) instead of building the work tree
#
# Builds the release binaries of the work tree. Caches go to a temporary
# directory, never to ~/.cache.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ws=""
plans=""
runs=5
out=""
prebuilt=""
while [ $# -gt 0 ]; do
    case "$1" in
        --plans) plans=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --bin) prebuilt=$(cd "$2" && pwd); shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "cache.sh: unknown option $1" >&2; exit 2 ;;
        *) ws=$1; shift ;;
    esac
done
[ -n "$ws" ] && [ -d "$ws" ] || { echo "usage: bench/cache.sh WORKSPACE --plans DIR (see --help)" >&2; exit 2; }
for f in p10.yaml p50.yaml p1000.yaml p50.names; do
    [ -f "$plans/$f" ] || { echo "cache.sh: no $plans/$f" >&2; exit 2; }
done
ws=$(cd "$ws" && pwd)
out=${out:-$here/results/$(date +%F)-cache.md}
jobs=$(nproc)
for t in hyperfine rg; do
    command -v $t >/dev/null || { echo "cache.sh: needs $t (apt-get install hyperfine ripgrep)" >&2; exit 2; }
done

if [ -z "$prebuilt" ]; then
    (cd "$root" && cargo build --release --quiet --workspace --bin seamscan --bin parse-floor)
fi
bin=$(mktemp -d /tmp/seamscan-cache-bench.XXXXXX)
cp "${prebuilt:-$root/target/release}/seamscan" "${prebuilt:-$root/target/release}/parse-floor" "$bin/"
seam=$bin/seamscan
warm=$bin/warm     # filled once by `index`, read by the warm audits
empty=$bin/empty   # emptied before each run of "first run"
idx=$bin/idx       # emptied before each run of `index`

skips=(node_modules vendor dist build tmp coverage)
rg=(rg --no-require-git -j "$jobs" -F --count-matches
    --type-add "'seam:*.{rb,rake,ru,gemspec,jbuilder,builder,erb,haml,slim,ts,mts,cts,tsx,js,jsx,mjs,cjs,vue,svelte}'" -t seam)
for d in "${skips[@]}"; do rg+=(-g "'!$d'"); done
audit() { echo "$seam audit --plan $plans/$1.yaml --fail-on never --quiet -j $jobs $2 $ws"; }

"$seam" index "$ws" --cache-dir "$warm" 2> "$bin/index.err"
cat "$bin/index.err" >&2
# The issue's floor parses with tree-sitter (parse-floor --tree-sitter); a
# binary without that mode (an older build under --bin) borrows the work
# tree's, which parses the same files with the same grammars.
ts_floor=""
for f in "$bin/parse-floor" "$root/target/release/parse-floor"; do
    if [ -x "$f" ] && "$f" --help 2>/dev/null | grep -q -- --tree-sitter; then
        ts_floor=$f
        break
    fi
done
names=(rg50 cold50 warm50 warm10 warm1000 first50 index floor)
cmds=(
    "${rg[*]} -f $plans/p50.names $ws"
    "$(audit p50 --no-cache)"
    "$(audit p50 "--cache-dir $warm")"
    "$(audit p10 "--cache-dir $warm")"
    "$(audit p1000 "--cache-dir $warm")"
    "$(audit p50 "--cache-dir $empty")"
    "$seam index $ws --quiet -j $jobs --cache-dir $idx"
    "$bin/parse-floor -j $jobs $ws"
)
preps=(true true true true true "rm -rf $empty" "rm -rf $idx" true)
if [ -n "$ts_floor" ]; then
    names+=(floor_ts)
    cmds+=("$ts_floor -j $jobs --tree-sitter $ws")
    preps+=(true)
fi
args=()
for i in "${!cmds[@]}"; do
    args+=(--command-name "${names[$i]}" --prepare "${preps[$i]}" "${cmds[$i]}")
done
hyperfine --style basic --runs "$runs" --warmup 1 -i --output=pipe --export-json "$bin/h.json" "${args[@]}" >&2

# Peak memory of a warm 1,000-point audit; sizes.
/usr/bin/time -v -o "$bin/time1000" bash -c "$(audit p1000 "--cache-dir $warm")" >/dev/null 2>&1 || true
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$bin/time1000")
src=$("$bin/parse-floor" -j "$jobs" "$ws" 2>&1 >/dev/null | sed -n 's/^parse-floor: \([0-9]*\) files parsed (\([0-9]*\) bytes.*/\1 \2/p')
cache_bytes=$(du -scb "$warm"/facts-v* | tail -1 | cut -f1)
entries="$(sed -n 's/.*: \([0-9]*\) already cached, \([0-9]*\) parsed.*/\2 files/p' "$bin/index.err"), $(find "$warm" -name '*.pack' | wc -l) packs"
commit=$(git -C "$root" rev-parse --short HEAD)
[ -n "$prebuilt" ] && commit="binaries of $prebuilt"
dirty=$([ -z "$prebuilt" ] && git -C "$root" status --porcelain -- src Cargo.toml 2>/dev/null | grep -q . && echo " + uncommitted changes" || true)

mkdir -p "$(dirname "$out")"
python3 - "$bin/h.json" "$out" "$rss" "$src" "$cache_bytes" "$entries" \
    "$(date '+%F %H:%M %Z'); seamscan $commit$dirty; $jobs cores; $ws; $runs runs after 1 warm-up" <<'EOF'
import json, statistics, sys
h, out, rss, src, cache_bytes, entries, meta = sys.argv[1:]
res = {r["command"]: r for r in json.load(open(h))["results"]}
med = {k: statistics.median(r["times"]) for k, r in res.items()}
# user + system CPU (means): less distorted than wall time by other load.
cpu = {k: r["user"] + r["system"] for k, r in res.items()}
files, src_bytes = (int(x) for x in src.split())
pairs = [
    ("warm 50 points / rg -F on the same names", "warm50", "rg50", "≤ 1.5×"),
    ("warm 1,000 points / warm 10 points", "warm1000", "warm10", "≤ 1.5×"),
    ("first run with an empty cache / the same run with --no-cache", "first50", "cold50", "≤ 1.15×"),
    ("seamscan index of the whole corpus / parsing every file once with tree-sitter (the issue's floor)", "index", "floor_ts", "≤ 1.0×"),
    ("seamscan index of the whole corpus / parsing every file once with seamscan's parsers (Prism, oxc)", "index", "floor", "≤ 1.0×"),
    ("cold 50 points with --no-cache / rg", "cold50", "rg50", "≤ 3×"),
]
lines = [f"\n## Fact cache targets ({meta})\n",
         f"Corpus: {files} source files, {src_bytes / 1e6:.1f} MB. Medians (s): " +
         ", ".join(f"{k} {v:.3f}" for k, v in med.items()) + "\n",
         "CPU means (s, user + system): " + ", ".join(f"{k} {v:.3f}" for k, v in cpu.items()) + "\n",
         "| measure | measured (wall) | CPU | target |", "|---|---:|---:|---|"]
for name, a, b, target in pairs:
    if a not in med or b not in med:
        continue
    lines.append(f"| {name} | {med[a] / med[b]:.2f}× | {cpu[a] / cpu[b]:.2f}× | {target} |")
lines.append(f"| cache size / source bytes of the corpus | {100 * int(cache_bytes) / src_bytes:.1f} % ({int(cache_bytes) / 1e6:.1f} MB; {entries}) | | ≤ 25 % |")
lines.append(f"| peak memory, warm 1,000 points | {int(rss) / 1024:.0f} MiB | | ≤ 300 MiB |")
text = "\n".join(lines) + "\n"
with open(out, "a") as f:
    f.write(text)
print(text)
EOF
echo "cache.sh: appended to $out (raw data in $bin)" >&2
