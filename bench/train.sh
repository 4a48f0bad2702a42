#!/usr/bin/env bash
# Training throughput at batch 64 (Adam 1e-3): kiln's compiled train steps
# next to PyTorch (Debian's python3-torch) in the same run, 1 and 2 threads.
# Each figure is the median (min, max) over REPS epochs of SAMPLES
# Fashion-MNIST images after a warm-up epoch, in samples/s.
#
#   bench/train.sh [REPS] [SAMPLES]        # defaults: 5 12800
#
# Needs a build (build/tools/kiln-compile) and dataset-fashion-mnist; the
# PyTorch column is left out when /usr/bin/python3 cannot import torch.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-5}
samples=${2:-12800}
data=/usr/share/datasets/fashion-mnist
compile=${KILN_BUILD_DIR:-$root/build}/tools/kiln-compile/kiln-compile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KMP_USE_YIELD=0

have_torch=0
/usr/bin/python3 -c "import torch" 2>/dev/null && have_torch=1

median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d %d %d\n", m, v[1], v[NR] }'; }

printf '%-7s %7s %22s %22s %7s\n' model threads "kiln (min-max)" "PyTorch (min-max)" ratio
for model in mlp lenet5; do
  "$compile" "$root/examples/models/$model.mlir" --train --batch=64 \
    --loss=softmax_cross_entropy --optimizer=adam:lr=1e-3 --emit=exe -o "$work/$model"
  for threads in 1 2; do
    read -r k kmin kmax < <("$work/$model" train --data "$data" --threads "$threads" \
      --checkpoint "$work/$model.ckpt" --restart \
      --epochs $((reps + 1)) --limit "$samples" |
      sed -n 's/.*, \([0-9]*\) samples\/s/\1/p' | tail -n "$reps" | median)
    t=- tmin=- tmax=- ratio=-
    if [ "$have_torch" = 1 ]; then
      read -r _ _ t tmin tmax _ < <(/usr/bin/python3 "$root/bench/peers/torch_train.py" \
        "$model" "$threads" "$reps" "$samples" "$data")
      ratio=$(awk -v a="$k" -v b="$t" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf '%-7s %7s %22s %22s %7s\n' "$model" "$threads" "$k ($kmin-$kmax)" \
      "$t ($tmin-$tmax)" "$ratio"
  done
done
