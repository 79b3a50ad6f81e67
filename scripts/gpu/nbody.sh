#!/usr/bin/env bash
# N-body forecasting (paper §5.5, issue 13) on the lent GPU within wall-time budgets (one device command ≤ 10 minutes):
#   bash scripts/gpu/nbody.sh OUT SECONDS     (after /work/shared/gpu/pack.sh src/MechNN.Cli/MechNN.Cli.csproj .gpu)
# Generates the trajectory once per machine, then trains each seed's MNN and Neural ODE in turn, each its own process
# resumed from its checkpoint and stopped with SIGINT (it writes its checkpoint) when SECONDS run out. A command that
# ends with runs unfinished says so: give the same command again (same machine: the state is in $STATE) and it goes on.
# When every run has its STEPS, one more process (all seeds, --resume: no training) scores them on steps 2000–3999 and
# writes OUT/n-body.json, OUT/plots.tar, OUT/n-body-mnn.json (the MNN of the best validation seed). Logs: OUT/train.log,
# OUT/eval.log. At most 5 files come back.
# The protocol: 10 bodies, 4000 samples of dt 0.1, softening 0.1, windows 50 → 50, batch 30, Adam 1e-4, 3200 steps,
# seeds 0–2; the last VALIDATION windows of the training half are held out and reported (choices are made on them).
# Environment: CLI (launcher; `dotnet run --project src/MechNN.Cli --` on a CPU), STATE, DEVICE, BODIES, SAMPLES, STEPS,
# SEEDS, VALIDATION, RESERVE (seconds kept for the scoring run), EXTRA (more fit options, e.g. smaller widths in a test).
set -uo pipefail
out=${1:?OUT}; budget=${2:?SECONDS}
read -r -a cli <<< "${CLI:-bash .gpu/run.sh MechNN.Cli}"
state=${STATE:-/tmp/nbody}; device=${DEVICE:-cuda}; bodies=${BODIES:-10}; samples=${SAMPLES:-4000}
steps=${STEPS:-3200}; seeds=${SEEDS:-3}; validation=${VALIDATION:-200}; reserve=${RESERVE:-120}
read -r -a extra <<< "${EXTRA:-}"
deadline=$(( $(date +%s) + budget ))
mkdir -p "$state" "$out"
data="$state/nbody$bodies.csv"
if [ ! -f "$data" ]; then
  "${cli[@]}" datagen n-body --bodies "$bodies" --steps "$samples" --dt 0.1 --mass 8 --G 2 --seed 1 --softening 0.1 -o "$data" >> "$out/train.log" 2>&1 \
    || { echo "datagen failed (see $out/train.log)"; exit 1; }
  tail -1 "$out/train.log"
fi
common=(fit n-body "$data" --steps "$steps" --softening 0.1 --validation "$validation" --device "$device"
        --checkpoint "$state/ck.json" --checkpoint-every 100 "${extra[@]}")
# Steps a run's checkpoint holds (0 when there is none yet).
done_steps() { python3 -c "import json,sys;print(int(json.load(open(sys.argv[1]))['hyperParameters']['step']))" "$1" 2>/dev/null || echo 0; }

pending=0
for ((s = 0; s < seeds; s++)); do
  for m in mnn node; do
    ck="$state/ck.seed$s-$m.json"
    from=$(done_steps "$ck")
    [ "$from" -ge "$steps" ] && continue
    left=$(( deadline - $(date +%s) - reserve ))
    if [ "$left" -lt 30 ]; then pending=1; continue; fi
    echo "seed $s $m: from step $from, at most $left s" | tee -a "$out/train.log"
    timeout -s INT "$left" "${cli[@]}" "${common[@]}" --seed "$s" --seeds 1 --models "$m" --resume >> "$out/train.log" 2>&1
    rc=$?
    now=$(done_steps "$ck")
    echo "seed $s $m: step $now of $steps (exit $rc)" | tee -a "$out/train.log"
    [ "$now" -ge "$steps" ] || pending=1
  done
done
if [ "$pending" -ne 0 ]; then
  echo "budget spent with runs unfinished: give the same command again to resume them"
  exit 0
fi
mkdir -p "$state/plots"
"${cli[@]}" "${common[@]}" --seed 0 --seeds "$seeds" --resume --plot "$state/plots/n-body.png" --out "$out/n-body.json" \
  --save "$out/n-body-mnn.json" > "$out/eval.log" 2>&1
rc=$?
tail -12 "$out/eval.log"
tar -C "$state" -cf "$out/plots.tar" plots 2>/dev/null || true
exit $rc
