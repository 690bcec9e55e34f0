#!/usr/bin/env bash
# Reproduce bench/README.md: generate the 10k- and 20k-file workspaces, then
# run bench/run.sh on them and on a directory of real repos.
#
#   bench/all.sh [REAL_WORKSPACE BASE_PLAN50]
#     defaults: /work/realws/all /work/realplans/all-50.yaml (skipped when absent)
#   GEN_DIR (default /tmp) is where the generated workspaces go; RUNS_REAL
#   (default 5) and RUNS_GEN (default 3) are the hyperfine runs per command.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
real=${1:-/work/realws/all}
base=${2:-/work/realplans/all-50.yaml}
gen_dir=${GEN_DIR:-/tmp}
(cd "$root" && cargo build --release --quiet --bin gen-workspace)
for n in 10000 20000; do
    out=$gen_dir/gen-$((n / 1000))k
    "$root/target/release/gen-workspace" --repos 6 --files "$n" --seed 1 --force "$out"
done
if [ -d "$real" ] && [ -f "$base" ]; then
    "$here/run.sh" "$real" --base-plan "$base" --runs "${RUNS_REAL:-5}" \
        --title "Real repos: $real"
fi
"$here/run.sh" "$gen_dir/gen-20k" --half "$gen_dir/gen-10k" --runs "${RUNS_GEN:-3}" \
    --title "Generated: gen-workspace --repos 6 --files 20000 --seed 1 (half: --files 10000)"
