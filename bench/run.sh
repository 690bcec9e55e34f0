#!/usr/bin/env bash
# Benchmark seamscan against ripgrep, a raw tree-sitter parse floor and
# ast-grep on one workspace, in one session. See bench/README.md.
#
#   bench/run.sh WORKSPACE [options]
#     --plans DIR       plans p10/p50/p1000/worst.yaml (default /tmp/bench-plans/<basename>);
#                       made when missing: from WORKSPACE/.seamscan-gen for a generated
#                       workspace, else from --base-plan
#     --base-plan FILE  50-point plan to derive the plans of a real workspace from
#     --half WS         a workspace of half the files (generated): adds the doubling ratio
#     --runs N          hyperfine runs per command (default 5)
#     --title TEXT      section title (default: the workspace path)
#     --out FILE        append the tables here (default bench/results/<date>.md): medians,
#                       ratios and the seamscan runs' --timings
#     --skip-astgrep    do not run ast-grep
#     --rev REV         build from a clean export of commit REV instead of the work tree
#                       (e.g. while someone has uncommitted changes in src/): git archive
#                       into and cargo target dir $BENCH_TARGET_DIR (/tmp/seamscan-bench-target)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ws=""
plans=""
base_plan=""
half=""
runs=5
title=""
out=""
skip_astgrep=0
rev=""
while [ $# -gt 0 ]; do
    case "$1" in
        --plans) plans=$2; shift 2 ;;
        --base-plan) base_plan=$2; shift 2 ;;
        --half) half=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --title) title=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --skip-astgrep) skip_astgrep=1; shift ;;
        --rev) rev=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) ws=$1; shift ;;
    esac
done
[ -n "$ws" ] || { echo "usage: bench/run.sh WORKSPACE [options] (see --help)" >&2; exit 2; }
[ -d "$ws" ] || { echo "run.sh: $ws: not a directory" >&2; exit 2; }
ws=$(cd "$ws" && pwd)
[ -n "$half" ] && half=$(cd "$half" && pwd)
name=$(basename "$ws")
plans=${plans:-/tmp/bench-plans/$name}
title=${title:-$ws}
out=${out:-$here/results/$(date +%F).md}
jobs=$(nproc)

# ------------------------------------------------------------------ tools
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v python3 >/dev/null || need_apt+=(python3 python3-yaml)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "run.sh: installing ${need_apt[*]}" >&2
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c 'import yaml' 2>/dev/null || pip install -q pyyaml || apt-get install -y -qq python3-yaml >/dev/null
if [ $skip_astgrep = 0 ] && ! command -v ast-grep >/dev/null; then
    echo "run.sh: installing ast-grep" >&2
    pip install -q ast-grep-cli 2>/dev/null || npm i -g @ast-grep/cli >/dev/null
    hash -r
fi

# `--workspace`: the bench tools are in the seamscan-bench member (older
# commits, built with --rev, had them in the main crate; this finds both).
bins=(--workspace --bin seamscan --bin parse-floor --bin gen-workspace)
if [ -n "$rev" ]; then
    commit=$(git -C "$root" rev-parse --short "$rev^{commit}")
    dirty=""
    target=${BENCH_TARGET_DIR:-/tmp/seamscan-bench-target}
    # A fixed path per commit, so that cargo reuses the build next time.
    srcdir=$target/src-$commit
    if [ ! -f "$srcdir/Cargo.toml" ]; then
        mkdir -p "$srcdir"
        git -C "$root" archive "$commit" | tar -x -C "$srcdir"
    fi
    echo "run.sh: building $commit from a clean export in $srcdir (target dir $target)" >&2
    (cd "$srcdir" && CARGO_TARGET_DIR=$target cargo build --release --locked --quiet "${bins[@]}")
    built=$target/release
else
    commit=$(git -C "$root" rev-parse --short HEAD)
    dirty=$(git -C "$root" status --porcelain -- src Cargo.toml queries 2>/dev/null | grep -q . && echo " + uncommitted changes" || true)
    (cd "$root" && cargo build --release --quiet "${bins[@]}")
    built=$root/target/release
fi
# Private copies: a concurrent `cargo build` must not swap binaries mid-run.
bin=$(mktemp -d /tmp/seamscan-bench-bin.XXXXXX)
cp "$built/seamscan" "$built/parse-floor" "$built/gen-workspace" "$bin/"
seam=$bin/seamscan
floor=$bin/parse-floor
gen=$bin/gen-workspace

# ------------------------------------------------------------------ plans
make_plans() { # WORKSPACE DIR
    local w=$1 d=$2
    # Reuse plans unless the generated workspace is newer than them.
    if [ -f "$d/p50.yaml" ] && ! [ "$w/.seamscan-gen" -nt "$d/p50.yaml" ]; then return 0; fi
    mkdir -p "$d"
    if [ -f "$w/.seamscan-gen" ]; then
        # shellcheck disable=SC2046
        "$gen" $(cat "$w/.seamscan-gen") --plan-points 10 --plan-out "$d/p10.yaml" \
            --plan-points 50 --plan-out "$d/p50.yaml" --plan-points 1000 --plan-out "$d/p1000.yaml" \
            --worst-case-plan "$d/worst.yaml"
    elif [ -n "$base_plan" ]; then
        python3 "$here/bench.py" real-plans --base "$base_plan" --workspace "$w" --out "$d"
    else
        echo "run.sh: no plans in $d; give --base-plan for a workspace gen-workspace did not write" >&2
        exit 2
    fi
}
make_plans "$ws" "$plans"
half_plans=""
if [ -n "$half" ]; then
    half_plans=/tmp/bench-plans/$(basename "$half")
    make_plans "$half" "$half_plans"
fi
python3 "$here/bench.py" names "$plans/p50.yaml" > "$plans/p50.names"
[ $skip_astgrep = 1 ] || python3 "$here/bench.py" sgrules "$plans/p50.yaml" "$plans/sg50"

# ------------------------------------------------------------------ commands
skips=(node_modules vendor dist build tmp coverage)
rg_args=(--no-require-git -j "$jobs" -F --count-matches
    --type-add 'seam:*.{rb,rake,ru,gemspec,jbuilder,builder,erb,ts,mts,cts,tsx,js,jsx,mjs,cjs}' -t seam)
sg_globs=()
for d in "${skips[@]}"; do rg_args+=(-g "!$d"); sg_globs+=(--globs "!$d"); done
# Every audit here parses (the fact cache's warm and cold runs are
# bench/cache.sh's); commits before the cache have no --no-cache.
nocache=""
"$seam" audit --help | grep -q -- --no-cache && nocache=" --no-cache"
audit() { printf '%s audit --plan %s --fail-on never --quiet -j %s%s %s' "$seam" "$1" "$2" "$nocache" "$3"; }

tmp=$(mktemp -d /tmp/seamscan-bench.XXXXXX)
index=$tmp/index.tsv
: > "$index"
# NAME DESCRIPTION COMMAND [hyperfine options...]
bench() {
    local id=$1 desc=$2 cmd=$3
    shift 3
    echo "== $desc" >&2
    echo "   $cmd" >&2
    # One run under /usr/bin/time -v: peak memory, and it warms the cache.
    # seamscan audits add --timings there (stderr; the report tabulates it).
    local first=$cmd
    case $cmd in "$seam audit "*) first="$cmd --timings" ;; esac
    /usr/bin/time -v -o "$tmp/$id.time" bash -c "$first" > "$tmp/$id.out" 2> "$tmp/$id.err" || true
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/$id.time")
    hyperfine --style basic --runs "$runs" --warmup 1 --output=pipe "$@" \
        --export-json "$tmp/$id.json" "$cmd" >&2
    printf '%s\t%s\t%s\t%s\n' "$id" "$desc" "$tmp/$id.json" "$rss" >> "$index"
}

bench audit50 "seamscan audit, 50 points" "$(audit "$plans/p50.yaml" "$jobs" "$ws")"
bench rg50 "rg, the same 50 names (text floor)" "rg ${rg_args[*]@Q} -f $plans/p50.names $ws" -i
bench floor "parse-floor (walk + read + tree-sitter parse only)" "$floor -j $jobs $ws"
if [ $skip_astgrep = 0 ]; then
    bench astgrep50 "ast-grep scan, $(ls "$plans/sg50/rules" | wc -l) rules for the 50 points" \
        "ast-grep scan -c $plans/sg50/sgconfig.yml -j $jobs --json=stream ${sg_globs[*]@Q} $ws" -i
fi
bench audit10 "seamscan audit, 10 points" "$(audit "$plans/p10.yaml" "$jobs" "$ws")"
bench audit1000 "seamscan audit, 1,000 points" "$(audit "$plans/p1000.yaml" "$jobs" "$ws")"
bench worst "seamscan audit, worst-case plan" "$(audit "$plans/worst.yaml" "$jobs" "$ws")"
bench audit50j1 "seamscan audit, 50 points, --jobs 1" "$(audit "$plans/p50.yaml" 1 "$ws")"
if [ -n "$half" ]; then
    bench half50 "seamscan audit, 50 points, half-size workspace" "$(audit "$half_plans/p50.yaml" "$jobs" "$half")"
    # The two workspaces' own 50-point plans can select very different
    # shares of the files (a common JSON column in one, not the other): the
    # half-size plan over the full workspace doubles files with the plan fixed.
    bench full50h "seamscan audit, half-size workspace's 50 points, full workspace" \
        "$(audit "$half_plans/p50.yaml" "$jobs" "$ws")"
fi

# ------------------------------------------------------------------ report
files=$(find "$ws" -type f | wc -l)
bytes=$(du -sb "$ws" | cut -f1)
src=$(sed -n 's/^parse-floor: \([0-9]*\) files parsed (\([0-9]*\) bytes.*/\1 source files, \2 bytes/p' "$tmp/floor.err")
pystats='import json,sys; d=json.load(open(sys.argv[1]))["stats"]; print(d["files_scanned"], "files scanned,", d["files_parsed"], "parsed")'
stats=$(python3 -c "$pystats" "$tmp/audit50.out" 2>/dev/null || echo "?")
wstats=$(python3 -c "$pystats" "$tmp/worst.out" 2>/dev/null || echo "?")
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
tools="$(hyperfine --version 2>/dev/null), $(rg --version 2>/dev/null | sed -n 1p), $(ast-grep --version 2>/dev/null || echo 'ast-grep not run')"
half_line=""
if [ -n "$half" ]; then
    half_line="\\n- half-size workspace: $half ($(find "$half" -type f | wc -l) files, $(du -sb "$half" | cut -f1) bytes)"
fi
meta="- date: $(date '+%F %H:%M %Z'); seamscan $commit$dirty\\n- machine: $jobs cores, $cpu, $mem RAM, $(uname -sr)\\n- workspace: $ws ($files files, $bytes bytes; $src)$half_line\\n- seamscan, 50 points: $stats; worst case: $wstats\\n- tools: $tools\\n- hyperfine: $runs runs after 1 warm-up, plus one run under /usr/bin/time -v for peak RSS; medians below"
mkdir -p "$(dirname "$out")"
[ -f "$out" ] || printf '# seamscan benchmark results, %s\n\n' "$(date +%F)" > "$out"
python3 "$here/bench.py" report --index "$index" --title "$title" --meta "$meta" --out "$out"
echo "run.sh: appended to $out (raw data in $tmp)" >&2
