#!/usr/bin/env bash
# Darcy on the lent GPU within fixed wall-time budgets (one device command is at most 10 minutes):
#   bash scripts/gpu/darcy.sh OUT SECONDS MODEL [MODEL...]   (after ../shared/gpu/pack.sh into .gpu)
# Generates the data set once per machine (/tmp/darcy.h5), then trains each model for at most SECONDS: the run is
# stopped with SIGINT (it writes its checkpoint), and a second run with --resume --epochs <epochs done> evaluates the
# checkpointed model on the test set and writes OUT/fit-darcy-MODEL.json (plots: OUT/plots.tar). Same data, same protocol
# (batch 20, Adam 1e-3, wd 1e-4, StepLR(100, 0.5)), 100 of the 1000 training samples held out for the per-epoch report.
# DARCY_ARGS (e.g. "--width 32 --levels 4") is passed to every fit: sizes chosen on the held-out samples.
set -uo pipefail
out=${1:?OUT}; budget=${2:?SECONDS}; shift 2
cli() { bash .gpu/run.sh MechNN.Cli "$@"; }
[ -f /tmp/darcy.h5 ] || cli datagen darcy --train 1000 --test 200 --resolution 421 --subsample 5 --seed 0 --threads "$(nproc)" -o /tmp/darcy.h5
for m in "$@"; do
  common=(fit darcy /tmp/darcy.h5 --model "$m" --device cuda --validation 100 --checkpoint /tmp/ck.json --checkpoint-every 45 ${DARCY_ARGS:-})
  # Device memory in use (nvidia-smi, every 0.5 s) while training: its peak is the run's footprint incl. libtorch's cache.
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 > "/tmp/mem-$m.log" 2>/dev/null & smi=$!
  timeout -s INT "$budget" bash .gpu/run.sh MechNN.Cli "${common[@]}" --resume > "$out/train-$m.log" 2>&1
  kill $smi 2>/dev/null
  tail -3 "$out/train-$m.log"
  echo "$m: peak device memory $(sort -n /tmp/mem-$m.log | tail -1) MiB"
  step=$(python3 -c "import json;print(int(json.load(open('/tmp/ck.$m.json'))['hyperParameters']['step']))")
  epochs=$((step / 45))
  echo "$m: $epochs epochs in the budget"
  cli "${common[@]}" --resume --epochs "$epochs" --out "$out/fit-darcy-$m.json" --plot "/tmp/plots/$m" 2>&1 | tail -12
done
tar -C /tmp -cf "$out/plots.tar" plots 2>/dev/null || true
