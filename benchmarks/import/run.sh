#!/bin/bash
# Import-Module of the built module in a fresh `dotnet pwsh` per run (PowerShell's own start not included: measured
# inside the process with Measure-Command). Prints each run, the median and the load average.
# Usage: benchmarks/import/run.sh [runs (default 9)]      Env: OSL_MODULE_PATH (default out/OpenStackLab)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
MODULE=${OSL_MODULE_PATH:-$REPO/out/OpenStackLab}
RUNS=${1:-9}
cd "$REPO"
times=()
for ((i = 0; i < RUNS; i++)); do
    times+=("$(dotnet pwsh -NoProfile -Command "(Measure-Command { Import-Module '$MODULE/OpenStackLab.psd1' }).TotalSeconds")")
done
echo "runs: ${times[*]}"
echo "median: $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END { print a[int((NR + 1) / 2)] }') s (load $(cut -d' ' -f1-3 /proc/loadavg))"
