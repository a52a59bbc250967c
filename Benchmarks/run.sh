#!/usr/bin/env bash
# Measures mockcdp's generation speed and memory beside the machine's serialization limit.
#
#   Benchmarks/run.sh [VISITORS] [RUNS]
#
# Builds mockcdp-bench in release mode, generates the shipped storefront scenario with
# VISITORS users (default 200000, about 630,000 events) to a file and to /dev/null, then runs
# the orjson reference on as many events of the same shape. Each prints its best run.
# See Benchmarks/README.md for what the figures mean.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
visitors="${1:-200000}"
runs="${2:-3}"
scratch="${MOCKCDP_BENCH_SCRATCH:-.build}"

swift build -c release --scratch-path "$scratch" --product mockcdp-bench >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/mockcdp-bench"

echo "# machine: $(nproc) cores, $(uname -srm); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
output=$("$bench" Scenarios/storefront.yaml --set "visitors=$visitors" --runs "$runs")
echo "$output"
events=$(echo "$output" | sed -n 's/^best target=file events=\([0-9]*\).*/\1/p')

if python3 -c "import orjson" 2>/dev/null; then
    python3 Benchmarks/orjson_reference.py --events "$events" --runs "$runs"
else
    echo "# orjson is not installed (pip install orjson): no reference figure" >&2
fi
