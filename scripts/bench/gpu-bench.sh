#!/usr/bin/env bash
# The benchmarks recorded in docs/results/gpu-h100.md, run on the lent GPU machine after
#   ../shared/gpu/pack.sh src/MechNN.Cli/MechNN.Cli.csproj .gpu
# usage: bash scripts/bench/gpu-bench.sh solver OUT_DIR     # solver table + §5.7 (MNN vs TorchSharp RK4 NODE)
#        bash scripts/bench/gpu-bench.sh torchdiffeq OUT_DIR # §5.7 baseline: torchdiffeq rk4 adjoint on the same data
set -uo pipefail
mode=${1:?usage: gpu-bench.sh solver|torchdiffeq OUT_DIR}
out=${2:?usage: gpu-bench.sh solver|torchdiffeq OUT_DIR}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$out/gpu.txt"
mechnn() { bash .gpu/run.sh MechNN.Cli "$@"; }

if [ "$mode" = torchdiffeq ]; then
  # Same data as the solver run (same seed), regenerated here; the MNN's own numbers come from the solver run.
  mechnn bench sine --device cuda --points 1000 --iterations 100 --skip-rk4 --export /tmp/sine --out "$out/sine-mechnn-rerun.json" > /tmp/sine.log 2>&1 \
    || { echo "export failed"; tail -5 /tmp/sine.log; exit 1; }
  grep -E "│" /tmp/sine.log | tail -2
  python3 scripts/bench/torchdiffeq_sine.py --data /tmp/sine --iterations 100 --out "$out/sine-torchdiffeq.json" > /tmp/tdq.log 2>&1 \
    || { echo "torchdiffeq failed"; tail -5 /tmp/tdq.log; exit 1; }
  tail -12 /tmp/tdq.log
  exit 0
fi

# One process per config: each starts with an empty CUDA caching allocator.
for config in lorenz kdv sine1000 long1k long10k long100k wide; do
  mechnn bench solver --device cuda --config "$config" --reps 20 --budget 5 --out "/tmp/solver-$config.json" > "/tmp/solver-$config.log" 2>&1 \
    || echo "solver bench $config failed: $(grep -m1 -i exception /tmp/solver-$config.log)"
done
mechnn bench sine --device cuda --points 1000 --iterations 100 --out "$out/sine-mechnn.json" > /tmp/sine.log 2>&1 \
  || echo "sine bench failed: $(grep -m1 -i exception /tmp/sine.log)"
grep -E "│" /tmp/sine.log | tail -3
python3 - "$out" <<'PY'
import json, sys, glob
out = sys.argv[1]
merged, rows = None, []
for path in sorted(glob.glob("/tmp/solver-*.json")):
    report = json.load(open(path))
    if merged is None:
        merged = dict(report, command="scripts/bench/gpu-bench.sh solver (mechnn bench solver --device cuda --reps 20 --budget 5, one process per config)", configs=[])
    merged["configs"] += report["configs"]
    for c in report["configs"]:
        for r in c["results"]:
            rows.append(f'{c["Name"]:9s} {r["Method"]:17s} {str(r["median_ms"]):>10s} ms  smnn {c["reference_smnn_h100_ms"]:>7} target {c["target_h100_ms"]:>5}  {r["Status"][:40]}')
print("\n".join(rows))
if merged is not None:
    json.dump(merged, open(f"{out}/bench-solver-cuda.json", "w"), indent=2)
PY
