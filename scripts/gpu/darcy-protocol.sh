#!/usr/bin/env bash
# The full Darcy protocol (500 epochs, then the test figures) for several models trained side by side on one lent GPU,
# spanning several ≤ 10-minute device commands of one warm machine (after ../shared/gpu/pack.sh into .gpu):
#   bash scripts/gpu/darcy-protocol.sh OUT SECONDS [MODEL=ARGS ...]   (MODEL: fno, mnn or ablation, each at most once)
# The first call generates the data (/tmp/darcy.h5) and starts every MODEL as a detached process (setsid: it outlives the
# command while the machine stays warm); every call then waits up to SECONDS (or until all have finished) and copies
# into OUT what exists so far: fit-darcy-MODEL.json of the finished ones, their logs and per-process GPU memory
# (logs.tar), plots (plots.tar) and the small checkpoints (ck.MODEL.json under 16 MiB). If the machine was lost, carry
# those checkpoints back in .darcy-state/ and call again: the models resume from them (same seed, same data).
# Same protocol for all: batch 20, Adam 1e-3, weight decay 1e-4, StepLR(100, 0.5), 100 of the 1000 training samples
# held out (reported every epoch), the last parameters scored on the 200 test samples.
set -uo pipefail
out=${1:?OUT}; budget=${2:?SECONDS}; shift 2
start=$SECONDS
run=/tmp/darcy-run; mkdir -p "$run"
cli() { bash .gpu/run.sh MechNN.Cli "$@"; }
[ -f /tmp/darcy.h5 ] || cli datagen darcy --train 1000 --test 200 --resolution 421 --subsample 5 --seed 0 --threads "$(nproc)" -o /tmp/darcy.h5 > "$run/datagen.log" 2>&1
[ -f "$run/data.sha256" ] || sha256sum /tmp/darcy.h5 > "$run/data.sha256"   # the generator is deterministic: runs on other machines can be matched
if [ ! -f "$run/apps-mem.log" ]; then
  setsid nohup nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits -lms 2000 > "$run/apps-mem.log" 2>/dev/null < /dev/null &
fi
for spec in "$@"; do
  m=${spec%%=*}; args=${spec#*=}; [ "$spec" = "$m" ] && args=""
  [ -f "$run/pid-$m" ] && continue                                   # already running or finished on this machine
  [ -f ".darcy-state/ck.$m.json" ] && cp ".darcy-state/ck.$m.json" "$run/ck.$m.json"
  every=45; [ "$m" = fno ] && every=450                              # the FNO's checkpoint is ≈ 38 MB: every 10 epochs
  # shellcheck disable=SC2086
  setsid nohup bash -c "bash .gpu/run.sh MechNN.Cli fit darcy /tmp/darcy.h5 --model $m $args --device cuda --validation 100 \
    --epochs 500 --checkpoint $run/ck.$m.json --checkpoint-every $every --resume --out $run/fit-darcy-$m.json --plot $run/plots/$m \
    > $run/train-$m.log 2>&1 & echo \$! > $run/pid-$m; wait \$!; echo \$? > $run/rc-$m" < /dev/null > /dev/null 2>&1 &
done
sleep 2
while [ $((SECONDS - start)) -lt "$budget" ]; do
  busy=0; for f in "$run"/pid-*; do [ -f "${f/pid-/rc-}" ] || busy=1; done
  [ $busy = 0 ] && break
  sleep 5
done
for f in "$run"/pid-*; do
  m=${f##*/pid-}
  echo "$m (pid $(cat "$f")): rc $(cat "$run/rc-$m" 2>/dev/null || echo running); $(tr '\r' '\n' < "$run/train-$m.log" | grep -a . | tail -1)"
  [ -f "$run/fit-darcy-$m.json" ] && cp "$run/fit-darcy-$m.json" "$out/"
  ck="$run/ck.$m.json"
  [ -f "$ck" ] && [ "$(stat -c %s "$ck")" -lt 16000000 ] && cp "$ck" "$out/ck.$m.json"
done
tar -C "$run" -cf "$out/logs.tar" --exclude='ck.*' --exclude=plots . 2>/dev/null
[ -d "$run/plots" ] && tar -C "$run" -cf "$out/plots.tar" plots
echo "elapsed $((SECONDS - start)) s"
