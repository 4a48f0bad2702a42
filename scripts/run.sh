#!/usr/bin/env bash
# The main job: installs what is missing, builds what the job needs, and
# trains an example of the C++ model API (examples/NAME.cpp) on
# Fashion-MNIST (Debian's dataset-fashion-mnist): LeNet-5 for 5 epochs with
# Adam 1e-3 at batch 64 by default. The example prints test accuracy, macro
# and per-class precision/recall/F1 and samples/s, and writes the metrics
# CSV, the curves (SVG), the checkpoint, the ONNX export and the native
# executable with its header under the output folder, and checks the ONNX
# export with kiln-run; this script then runs the emitted executable on the
# test set and lists every file.
#
#   scripts/run.sh                          # LeNet-5, 5 epochs, ./kiln-out/lenet5
#   scripts/run.sh --example mlp --epochs 1 --out /tmp/mlp
#   scripts/run.sh --limit 6400             # the first 6,400 samples of each split
#
# Options: --example mlp|lenet5|lstm|transformer, --epochs N, --out DIR,
# --data DIR, --limit N, --threads N (OpenMP threads of the generated code;
# 0, the default, is one per core unless other processes already keep the
# cores busy, then 1). KILN_BUILD_DIR overrides ./build.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
example=lenet5
epochs=5
out=
data=/usr/share/datasets/fashion-mnist
limit=0
threads=0

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}
while [ $# -gt 0 ]; do
  case "$1" in
  --example | --epochs | --out | --data | --limit | --threads)
    [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
    --example) example=$2 ;;
    --epochs) epochs=$2 ;;
    --out) out=$2 ;;
    --data) data=$2 ;;
    --limit) limit=$2 ;;
    --threads) threads=$2 ;;
    esac
    shift 2
    ;;
  -h | --help) usage 0 ;;
  *) echo "run.sh: unknown option '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$example" in
mlp | lenet5 | lstm | transformer) ;;
*) echo "run.sh: unknown example '$example' (mlp, lenet5, lstm, transformer)" >&2; exit 2 ;;
esac
out=${out:-$root/kiln-out/$example}
mkdir -p "$out"
out=$(cd "$out" && pwd)

start=$(date +%s)
"$root/scripts/setup.sh" || { echo "run.sh: setup failed" >&2; exit 1; }

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
echo "run.sh: configuring and building kiln-example-$example in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit "${launcher[@]}" >/dev/null ||
  { echo "run.sh: configure failed" >&2; exit 1; }
# Only what the job runs: the example (the compiler is in process) and
# kiln-run, which checks the ONNX export.
cmake --build "$build" --target "kiln-example-$example" kiln-run ||
  { echo "run.sh: build failed" >&2; exit 1; }
built=$(date +%s)

# libomp yields in its barriers when another process shares a core
# (README): spinning is faster on a busy 2-core machine.
export KMP_USE_YIELD=${KMP_USE_YIELD:-0}
# Threads that spin in barriers while the other cores run other work wait
# for each other's time slices: on a busy machine one thread is many times
# faster than two (README).
if [ "$threads" = 0 ]; then
  cores=$(nproc)
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l >= c - 0.5) }'; then
    threads=1
    echo "run.sh: load average $load on $cores cores: the generated code runs on 1 thread (--threads N overrides)"
  fi
fi
if [ "$threads" != 0 ]; then export OMP_NUM_THREADS=$threads; fi
echo
echo "run.sh: training $example for $epochs epoch(s) on $data"
args=(--epochs "$epochs" --data "$data" --out "$out"
  --kiln-run "$build/tools/kiln-run/kiln-run")
if [ "$limit" != 0 ]; then args+=(--limit "$limit"); fi
# A fresh run: the example resumes from nothing, and metrics.csv gathers
# this run's epochs only.
rm -f "$out/metrics.csv" "$out/$example.ckpt"
"$build/examples/kiln-example-$example" "${args[@]}"

echo
echo "run.sh: the emitted executable evaluates the checkpoint by itself:"
eval_args=(eval --data "$data" --checkpoint "$out/$example.ckpt")
if [ "$limit" != 0 ]; then eval_args+=(--limit "$limit"); fi
(cd "$out" && "./$example" "${eval_args[@]}")

end=$(date +%s)
echo
echo "run.sh: done in $((end - start)) s ($((built - start)) s setup and build, $((end - built)) s compiling, training and checking)."
echo "Files in $out:"
file() { printf '  %-30s %s\n' "$1" "$2"; }
file "$example.ckpt" "checkpoint (parameters, optimizer state, buffers, epoch, step)"
file "metrics.csv" "per-epoch loss, accuracy, validation loss and accuracy, samples/s"
file "curves.svg" "the training curves (open it in a browser)"
file "$example.onnx" "ONNX model (opset 17, input x, output logits, trained weights)"
file "$example" "native executable: (cd $out && ./$example eval --data $data --checkpoint $example.ckpt)"
file "$example.h, $example.o" "its C header and object file (train_step, eval_step)"
file "$example.kiln.mlir" "the model function in the kiln dialect"
