#!/usr/bin/env bash
# The benchmarks recorded in docs/results/gpu-h100.md, run on the lent GPU machine after
#   bash ../shared/gpu/pack.sh src/MechNN.Cli/MechNN.Cli.csproj .gpu
# usage: bash scripts/bench/gpu-bench.sh solver OUT_DIR          # agreement check + the solver table
#        bash scripts/bench/gpu-bench.sh sine OUT_DIR [N]        # §5.7: MNN (both row sets) and TorchSharp RK4 NODE, 100
#                                                                #  iterations, then torchdiffeq rk4-adjoint on the same
#                                                                #  data for N iterations (default 15: ~5 s each)
#        bash scripts/bench/gpu-bench.sh before-after OUT_DIR [R]  # fused-cuda, an old build against this one: R rounds
#                                                                #  (default 2), each config's two builds back to back, one
#                                                                #  process each; then this build with torch-sequential
#                                                                #  (SEQUENTIAL=0 skips that part)
# before-after needs the old build's MechNN*.dll in .gpu/before.tar.xz (same packages: they replace this pack's copies).
set -uo pipefail
usage="usage: gpu-bench.sh solver|sine|before-after OUT_DIR [N]"
mode=${1:?$usage}
out=${2:?$usage}
case "$mode" in solver|sine|before-after) ;; *) echo "gpu-bench.sh: unknown mode '$mode'; $usage" >&2; exit 2 ;; esac
mkdir -p "$out"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$out/gpu.txt"
mechnn() { bash .gpu/run.sh MechNN.Cli "$@"; }

if [ "$mode" = before-after ]; then
  old=/tmp/gpu-before
  if [ ! -x "$old/app/MechNN.Cli" ]; then mkdir -p "$old" && tar -C "$old" -xJf .gpu/app.tar.xz && tar -C "$old/app" -xJf .gpu/before.tar.xz; fi
  torchlib=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
  before() { LD_LIBRARY_PATH="$torchlib:$old/app" "$old/app/MechNN.Cli" "$@"; }
  after() { mechnn "$@"; }
  configs=(lorenz kdv sine1000 long1k long10k long100k wide)
  mkdir -p /tmp/ba
  for round in $(seq "${3:-2}"); do
    for config in "${configs[@]}"; do
      for build in before after; do
        $build bench solver --device cuda --config "$config" --methods fused-cuda --reps 20 --budget 5 \
          --out "/tmp/ba/$build-$round-$config.json" > "/tmp/ba/$build-$round-$config.log" 2>&1 \
          || echo "$build $config failed: $(tail -1 "/tmp/ba/$build-$round-$config.log")"
      done
    done
    tar -C /tmp -cf "$out/before-after.tar" ba     # after every round: a timed-out command still returns the rounds done
  done
  for config in "${configs[@]}"; do
    [ "${SEQUENTIAL:-1}" = 1 ] || break    # SEQUENTIAL=0: the before/after rounds only
    budget=5; [ "$config" = long100k ] && budget=1
    after bench solver --device cuda --config "$config" --methods torch-sequential,fused-cuda --reps 20 --budget $budget \
      --out "/tmp/solver-$config.json" > "/tmp/solver-$config.log" 2>&1 || echo "solver bench $config failed"
  done
  mode=merge
fi

if [ "$mode" = sine ]; then
  mechnn bench sine --device cuda --points 1000 --iterations 100 --formulation mnn smnn --export /tmp/sine --out "$out/sine-mechnn.json" > "$out/sine-mechnn.log" 2>&1 \
    || { echo "sine bench failed"; tail -5 "$out/sine-mechnn.log"; exit 1; }
  grep -E "│" "$out/sine-mechnn.log" | tail -4
  python3 scripts/bench/torchdiffeq_sine.py --data /tmp/sine --iterations "${3:-15}" --out "$out/sine-torchdiffeq.json" > "$out/torchdiffeq.log" 2>&1 \
    || { echo "torchdiffeq failed"; tail -5 "$out/torchdiffeq.log"; exit 1; }
  tail -4 "$out/torchdiffeq.log"
  exit 0
fi

if [ "$mode" = solver ]; then
# Values, gradients and ill-posed detection of every backend against the CPU references (exit 1 on disagreement).
mechnn bench agreement --device cuda > "$out/agreement-cuda.log" 2>&1; echo "agreement exit code $?"
grep -E "│" "$out/agreement-cuda.log" | tail -4
# One process per config: each starts with an empty CUDA caching allocator.
for config in lorenz kdv sine1000 long1k long10k long100k wide; do
  mechnn bench solver --device cuda --config "$config" --reps 20 --budget 5 --out "/tmp/solver-$config.json" > "/tmp/solver-$config.log" 2>&1 \
    || echo "solver bench $config failed: $(grep -m1 -i exception /tmp/solver-$config.log)"
done
fi
python3 - "$out" "$mode" <<'PY'
import json, sys, glob
out = sys.argv[1]
merged, rows = None, []
for path in sorted(glob.glob("/tmp/solver-*.json")):
    report = json.load(open(path))
    if merged is None:
        merged = dict(report, configs=[])
        what = "solver" if sys.argv[2] == "solver" else "before-after (its last part: --methods torch-sequential,fused-cuda)"
        merged["provenance"] = dict(report["provenance"], command=f"scripts/bench/gpu-bench.sh {what} (mechnn bench solver --device cuda --reps 20 --budget 5, one process per config)")
    merged["configs"] += report["configs"]
    for c in report["configs"]:
        for r in c["results"]:
            rows.append(f'{c["Name"]:9s} {r["Method"]:17s} {str(r["median_ms"]):>10s} ms  smnn {c["reference_smnn_h100_ms"]:>7} target {c["target_h100_ms"]:>5}  diff u {r["rel_diff_u"]} grad {r["rel_diff_grad"]}  {r["Status"][:30]}')
print("\n".join(rows))
if merged is not None:
    json.dump(merged, open(f"{out}/bench-solver-cuda.json", "w"), indent=2)
# before-after: fused-cuda median ms per build and round, and after/before of the medians over rounds.
import re, statistics
runs = {}
for path in glob.glob("/tmp/ba/*.json"):
    build, rnd, config = re.match(r".*/(before|after)-(\d+)-(\w+)\.json", path).groups()
    runs.setdefault(config, {}).setdefault(build, []).append(json.load(open(path))["configs"][0]["results"][0]["median_ms"])
for config, b in runs.items():
    bm, am = statistics.median(b.get("before", [float("nan")])), statistics.median(b.get("after", [float("nan")]))
    print(f'{config:9s} before {b.get("before")} after {b.get("after")} ms  after/before {am / bm:.3f}')
PY
