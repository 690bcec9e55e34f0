#!/usr/bin/env bash
# Reproduce bench/README.md: generate the 10k- and 20k-file workspaces, then
# run bench/run.sh on them and on a directory of real repos.
#
#   bench/all.sh [REAL_WORKSPACE BASE_PLAN50]
#     defaults: /work/realws/all /work/realplans/all-50.yaml (skipped when absent)
#   GEN_DIR (default /tmp) is where the generated workspaces go; RUNS_REAL
#   (default 5) and RUNS_GEN (default 3) are the hyperfine runs per command;
#   REV (e.g. HEAD) builds seamscan from a clean export of that commit
#   (run.sh --rev) instead of the work tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
real=${1:-/work/realws/all}
base=${2:-/work/realplans/all-50.yaml}
gen_dir=${GEN_DIR:-/tmp}
rev=()
[ -z "${REV:-}" ] || rev=(--rev "$REV")
if [ -n "${REV:-}" ]; then
    commit=$(git -C "$root" rev-parse --short "$REV^{commit}")
    target=${BENCH_TARGET_DIR:-/tmp/seamscan-bench-target}
    src=$target/src-$commit   # the same export run.sh --rev builds from
    if [ ! -f "$src/Cargo.toml" ]; then
        mkdir -p "$src"
        git -C "$root" archive "$commit" | tar -x -C "$src"
    fi
    (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release --locked --quiet --workspace --bin gen-workspace)
    gen=$target/release/gen-workspace
else
    (cd "$root" && cargo build --release --quiet --workspace --bin gen-workspace)
    gen=$root/target/release/gen-workspace
fi
for n in 10000 20000; do
    out=$gen_dir/gen-$((n / 1000))k
    "$gen" --repos 6 --files "$n" --seed 1 --force "$out"
done
if [ -d "$real" ] && [ -f "$base" ]; then
    "$here/run.sh" "$real" --base-plan "$base" --runs "${RUNS_REAL:-5}" "${rev[@]}" \
        --title "Real repos: $real"
fi
"$here/run.sh" "$gen_dir/gen-20k" --half "$gen_dir/gen-10k" --runs "${RUNS_GEN:-3}" "${rev[@]}" \
    --title "Generated: gen-workspace --repos 6 --files 20000 --seed 1 (half: --files 10000)"
