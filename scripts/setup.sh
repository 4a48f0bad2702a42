#!/usr/bin/env bash
# Installs every Debian package that kiln's build, tests, demo and benchmarks
# need. Idempotent: packages already present are left alone.
set -euo pipefail

PACKAGES=(
  # Build tools.
  cmake ninja-build ccache clang-22 lld-22
  # LLVM/MLIR 22 (libraries, TableGen, lit and FileCheck).
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools libomp-22-dev
  zlib1g-dev libzstd-dev
  # ONNX frontend.
  libprotobuf-dev protobuf-compiler libonnx-dev
  # Tests and benchmarks.
  googletest libgtest-dev libbenchmark-dev libopenblas-dev
  # Data: Fashion-MNIST and the ONNX backend test suite.
  dataset-fashion-mnist libonnx-testdata
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
