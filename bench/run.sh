#!/usr/bin/env bash
# kiln next to PyTorch and ONNX Runtime, in one run on the same inputs
# (issue 7): the four Fashion-MNIST models (MLP 784-256-128-10, LeNet-5,
# LSTM h128, two-layer Transformer d64), exported to ONNX from one PyTorch
# definition (bench/peers/models.py) that every column uses.
#
#   bench/run.sh [--quick] [--models mlp,lenet5,lstm,transformer] [--out DIR]
#                [--record]
#
# - training samples/s at batch 64 (Adam 1e-3, softmax cross-entropy),
#   kiln vs PyTorch: kiln's step is `kiln-compile MODEL_b64.onnx --train`,
#   or, when that fails, the model API's graph of the example (examples/);
#   each repetition is one epoch on the first SAMPLES training images;
# - inference at batch 1 (latency) and 256 (samples/s), kiln (the ONNX file
#   compiled with --emit=shared, timed by kiln-bench-infer) vs PyTorch (eval,
#   no_grad) vs ONNX Runtime (onnxruntime-node), with the largest difference
#   of each output from PyTorch's;
# - 1 and 2 threads each; median, min and max of REPS repetitions after a
#   warm-up; kiln-bench-matmul's GFLOP/s next to OpenBLAS; compile times.
#
# Writes DIR/results.csv and DIR/results.md (DIR: bench/out) and prints the
# tables; --record also copies the Markdown to bench/RESULTS.md. --quick
# measures less (short repetitions, few samples) to check that it all works.
# Peers: PyTorch from /usr/bin/python3 (Debian's python3-torch), ONNX
# Runtime installed here from npm into bench/peers/node_modules; a missing
# peer is left out with a note.
set -uo pipefail
{ # parsed whole before it runs, so editing this file mid-run is safe
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
data=/usr/share/datasets/fashion-mnist
out=$root/bench/out
quick=0 record=0
models="mlp lenet5 lstm transformer"
while [ $# -gt 0 ]; do
  case $1 in
  --quick) quick=1 ;;
  --record) record=1 ;;
  --out) out=$2; shift ;;
  --models) models=${2//,/ }; shift ;;
  *) echo "usage: bench/run.sh [--quick] [--models LIST] [--out DIR] [--record]" >&2
     exit 2 ;;
  esac
  shift
done
# reps: repetitions after a warm-up (training: epochs of `samples` images,
# half as many for the two slower models; inference: blocks of calls of
# about `seconds`; matmul: google-benchmark runs of at least `min_time`,
# 0.5 s even in quick mode: kiln's first calls at 1024^3 run several times
# slower than its steady state, and a 0.1 s run times little else).
if [ "$quick" = 1 ]; then
  reps=5 samples=640 seconds=0.05 min_time=0.5
else
  reps=7 samples=6400 seconds=0.5 min_time=0.5
fi
train_reps=5
samples_of() { case $1 in lstm | transformer) echo $((samples / 2)) ;; *) echo "$samples" ;; esac; }
peers=$root/bench/peers
work=$out/models
compile=$build/tools/kiln-compile/kiln-compile
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ ! -f "$out/results.csv" ]; then
  echo "bench/run.sh: $out is not empty and holds no earlier results; not clearing it" >&2
  exit 1
fi
rm -rf "$out" && mkdir -p "$work" || exit 1
csv=$out/results.csv
notes=$out/notes.txt
echo "section,model,batch,threads,impl,metric,median,min,max,note" >"$csv"
: >"$notes"
export KMP_USE_YIELD=0 # libomp: no yielding in barriers (README)

row() { (IFS=,; echo "$*") >>"$csv"; }
note() { echo "$*" | tee -a "$notes" >&2; }
# The first error line of a failed command's stderr, as one CSV-safe field.
why() { grep -m1 -i 'error' "$1" | sed 's/.*error: //' | cut -c1-160 | tr ',"' ";'"; }
now() { date +%s.%N; }

# --- set-up ---------------------------------------------------------------
cmake --build "$build" --parallel "$(nproc)" --target kiln-compile kiln-bench-infer \
  kiln-bench-matmul kiln-example-lstm kiln-example-transformer >"$out/build.log" 2>&1 ||
  note "build of the bench targets failed (see $out/build.log)"
python=/usr/bin/python3
have_torch=0
if $python -c "import torch" 2>/dev/null; then have_torch=1; else
  note "PyTorch: /usr/bin/python3 cannot import torch; PyTorch columns and the ONNX exports are left out"
fi
have_ort=0
if command -v node >/dev/null; then
  if [ ! -d "$peers/node_modules/onnxruntime-node" ] && command -v npm >/dev/null; then
    echo "installing onnxruntime-node into bench/peers/node_modules" >&2
    (cd "$peers" && npm install --ignore-scripts --no-audit --no-fund) \
      >"$out/npm.log" 2>&1
  fi
  node -e "require('$peers/node_modules/onnxruntime-node')" 2>/dev/null && have_ort=1
fi
[ "$have_ort" = 1 ] ||
  note "ONNX Runtime: onnxruntime-node unavailable (node/npm missing or install failed, see $out/npm.log); its columns are left out"
if [ "$have_torch" = 1 ]; then
  echo "exporting the models (torch.onnx.export)" >&2
  (cd "$peers" && $python export.py "$work" "$data" $models) 2>"$out/export.log" ||
    note "ONNX export failed (see $out/export.log)"
fi

# --- compile --------------------------------------------------------------
# compile LABEL LOG ARGS...: kiln-compile, timed; a failure is noted.
compile() {
  local label=$1 log=$2 start
  shift 2
  start=$(now)
  if "$compile" "$@" >"$log" 2>&1; then
    awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
  else
    note "kiln-compile failed, $label: $(grep -m1 -i error "$log")"
    return 1
  fi
}
# trains EXE LOG: two epochs of 640 images, the second's mean loss lower.
trains() {
  "$1" train --data "$data" --epochs 2 --limit 640 --threads 1 \
    --checkpoint "$1.ckpt" --restart >"$2" 2>&1 &&
    sed -n 's/.*: loss \([0-9.]*\),.*/\1/p' "$2" | paste -sd' ' |
    awk '{ exit !(NF == 2 && $2 < $1) }'
}
trains_why() {
  grep -m1 -i error "$1" || sed -n 's/.*: \(loss [0-9.]*\),.*/\1/p' "$1" | paste -sd' '
}
declare -A train_source
for m in $models; do
  echo "compiling $m" >&2
  train_args=(--train --batch=64 --loss=softmax_cross_entropy
    --optimizer=adam:lr=1e-3 --emit=exe -o "$work/${m}_train")
  train_source[$m]=none
  log=$work/${m}_train.compile.log
  if t=$(compile "$m training step from ONNX" "$log" "$work/${m}_b64.onnx" \
    "${train_args[@]}"); then
    if trains "$work/${m}_train" "$work/${m}_train.check.log"; then
      train_source[$m]=onnx
    else
      note "$m: the training step compiled from ONNX (in $t s) does not train: $(trains_why "$work/${m}_train.check.log")"
    fi
  fi
  if [ "${train_source[$m]}" = none ]; then
    # The same model from kiln's C++ model API: the example trains one
    # batch and writes its graph (NAME.kiln.mlir), compiled here alike.
    example=$build/examples/kiln-example-$m
    if [ -x "$example" ] && "$example" --epochs 1 --limit 64 \
      --out "$work/$m-api" >"$work/$m-api.log" 2>&1 &&
      t=$(compile "$m training step from the model API" "$log" \
        "$work/$m-api/$m.kiln.mlir" "${train_args[@]}") &&
      trains "$work/${m}_train" "$work/${m}_train.check.log"; then
      train_source[$m]="model API"
      note "$m: kiln trains the model API's graph (examples/$m.cpp), not the ONNX export"
    else
      note "$m: no kiln training step (see $work/$m-api.log, $log)"
    fi
  fi
  if [ "${train_source[$m]}" = none ]; then
    row compile "$m" 64 - kiln train_seconds - - - "failed: $(why "$log")"
  else
    row compile "$m" 64 - kiln train_seconds "$t" "$t" "$t" "${train_source[$m]}"
  fi
  for b in 1 256; do
    log=$work/${m}_b$b.compile.log
    if t=$(compile "$m inference b$b" "$log" "$work/${m}_b$b.onnx" \
      --emit=shared -o "$work/${m}_b$b"); then
      row compile "$m" "$b" - kiln seconds "$t" "$t" "$t" onnx
      continue
    fi
    row compile "$m" "$b" - kiln seconds - - - "failed: $(why "$log")"
    # Where the ONNX file fails, the model API's graph (from the training
    # fallback) still gives a kiln figure, its weights passed as inputs;
    # the tables mark it and do not compare its outputs.
    api=$work/$m-api/$m.kiln.mlir
    if [ -f "$api" ] && t=$(compile "$m inference b$b from the model API" \
      "$work/${m}_b$b.api.compile.log" "$api" --batch="$b" --emit=shared \
      -o "$work/${m}_b$b.api"); then
      note "$m: kiln's batch-$b inference figures come from the model API's graph (examples/$m.cpp, random weights as inputs; compiled in $t s), as the ONNX file does not compile"
    fi
  done
done

# --- training -------------------------------------------------------------
median() { # stdin: numbers; stdout: median min max
  sort -g | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[1], v[NR] }'
}
for m in $models; do
  for th in 1 2; do
    echo "training $m, $th thread(s)" >&2
    if [ "${train_source[$m]}" != none ]; then
      log=$work/${m}_train.t$th.log
      if "$work/${m}_train" train --data "$data" --threads "$th" \
        --checkpoint "$work/$m.ckpt" --restart --epochs $((train_reps + 1)) \
        --limit "$(samples_of "$m")" >"$log" 2>&1; then
        read -r k kmin kmax < <(sed -n 's/.*, \([0-9]*\) samples\/s/\1/p' "$log" |
          tail -n "$train_reps" | median)
        losses=$(sed -n 's/.*: loss \([0-9.]*\),.*/\1/p' "$log" | sed -n '1p;$p' | paste -sd'>')
        row train "$m" 64 "$th" kiln samples/s "$k" "$kmin" "$kmax" "${train_source[$m]};loss:$losses"
      else
        row train "$m" 64 "$th" kiln samples/s - - - "failed: $(why "$log")"
      fi
    else
      row train "$m" 64 "$th" kiln samples/s - - - "no training step"
    fi
    if [ "$have_torch" = 1 ]; then
      if r=$(cd "$peers" && $python torch_train.py "$m" "$th" "$train_reps" \
        "$(samples_of "$m")" "$data" 2>"$work/${m}_torch_train.log"); then
        read -r _ _ t tmin tmax l0 l1 <<<"$r"
        row train "$m" 64 "$th" pytorch samples/s "$t" "$tmin" "$tmax" "loss:$l0>$l1"
      else
        row train "$m" 64 "$th" pytorch samples/s - - - "failed: $(why "$work/${m}_torch_train.log")"
      fi
    fi
  done
done

# --- inference ------------------------------------------------------------
# infer IMPL MODEL BATCH THREADS CMD...: CMD prints seconds per call
# (median min max); batch 1 is reported as latency in ms, batch 256 as
# samples/s (so its min comes from the slowest repetition).
infer() {
  local impl=$1 m=$2 b=$3 th=$4 log=$work/${2}_b$3.$1.t$4.log r
  shift 4
  if r=$(OMP_NUM_THREADS=$th "$@" 2>"$log"); then
    if [ "$b" = 1 ]; then
      row infer "$m" "$b" "$th" "$impl" latency_ms $(echo "$r" |
        awk '{ printf "%.4f %.4f %.4f", $1 * 1e3, $2 * 1e3, $3 * 1e3 }') "${graph:-onnx}"
    else
      row infer "$m" "$b" "$th" "$impl" samples/s $(echo "$r" |
        awk -v b="$b" '{ printf "%.0f %.0f %.0f", b / $1, b / $3, b / $2 }') "${graph:-onnx}"
    fi
  else
    row infer "$m" "$b" "$th" "$impl" - - - - "failed: $(why "$log")"
  fi
}
for m in $models; do
  for b in 1 256; do
    [ -f "$work/${m}_b$b.npy" ] || continue
    for th in 1 2; do
      echo "inference $m, batch $b, $th thread(s)" >&2
      if [ -f "$work/lib${m}_b$b.so" ]; then
        infer kiln "$m" "$b" "$th" "$build/bench/kiln-bench-infer" \
          "$work/lib${m}_b$b.so" "$work/${m}_b$b.npy" "$reps" "$seconds" \
          "$work/${m}_b$b.kiln.npy"
      elif [ -f "$work/lib${m}_b$b.api.so" ]; then
        graph="model API" infer kiln "$m" "$b" "$th" \
          "$build/bench/kiln-bench-infer" "$work/lib${m}_b$b.api.so" \
          "$work/${m}_b$b.npy" "$reps" "$seconds"
      else
        row infer "$m" "$b" "$th" kiln - - - - "kiln-compile failed"
      fi
      infer pytorch "$m" "$b" "$th" $python "$peers/torch_infer.py" \
        "$work" "$m" "$b" "$th" "$reps" "$seconds"
      [ "$have_ort" = 1 ] &&
        infer onnxruntime "$m" "$b" "$th" node "$peers/ort_infer.js" \
          "$work" "$m" "$b" "$th" "$reps" "$seconds"
    done
    # The outputs agree with PyTorch's?
    $python "$peers/compare.py" "$work" "$m" "$b" 2>/dev/null |
      while read -r peer diff; do
        [ "$peer" = ort ] && peer=onnxruntime
        row check "$m" "$b" - "$peer" max_abs_diff "$diff" - - "vs PyTorch"
      done
  done
done

# --- matmul ---------------------------------------------------------------
bm=$build/bench/kiln-bench-matmul
if [ -x "$bm" ]; then
  for th in 1 2; do
    echo "matmul, $th thread(s)" >&2
    OMP_NUM_THREADS=$th "$bm" --benchmark_min_time="$min_time" \
      --benchmark_repetitions="$reps" --benchmark_format=json \
      --benchmark_filter="^BM_kiln_mm_|^BM_openblas/.*threads:$th/" \
      >"$out/matmul.t$th.json" 2>"$out/matmul.t$th.log" ||
      note "kiln-bench-matmul failed (see $out/matmul.t$th.log)"
  done
  $python "$root/bench/matmul_csv.py" "$out"/matmul.t1.json \
    "$out"/matmul.t2.json >>"$csv" || note "matmul figures unreadable"
else
  note "kiln-bench-matmul not built (needs OpenBLAS's cblas.h); no matmul figures"
fi

# --- report ---------------------------------------------------------------
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p'), model $(lscpu | sed -n 's/^Model: *//p'))"
  echo "cores=$(nproc)"
  echo "load_start=$load_start"
  echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "kiln=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo +changes)"
  echo "torch=$($python -c 'import torch; print(torch.__version__)' 2>/dev/null)"
  echo "onnxruntime=$(node -p "require('$peers/node_modules/onnxruntime-node/package.json').version" 2>/dev/null)"
  echo "mode=$([ "$quick" = 1 ] && echo quick || echo full): training $train_reps epochs of $samples images ($((samples / 2)) for the LSTM and the Transformer); inference $reps blocks of ${seconds} s; matmul $reps runs of ${min_time} s or more"
} >"$out/machine.txt"
$python "$root/bench/report.py" "$out" | tee "$out/results.md"
[ "$record" = 1 ] && cp "$out/results.md" "$root/bench/RESULTS.md"
echo "wrote $csv and $out/results.md" >&2
exit
}
