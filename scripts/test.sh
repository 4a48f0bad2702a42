#!/usr/bin/env bash
# Installs what is missing, builds kiln and runs every test suite: the lit
# tests (IR, passes, lowering, tools) and every GoogleTest binary. Prints the
# totals of each suite and a final "N passed, M failed" line; exits non-zero
# when anything fails.
#
#   scripts/test.sh              # build in ./build
#   KILN_BUILD_DIR=/tmp/b scripts/test.sh
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh" || { echo "setup failed"; exit 1; }

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit "${launcher[@]}" >/dev/null ||
  { echo "configure failed"; exit 1; }
cmake --build "$build" || { echo "build failed"; exit 1; }

total_pass=0
total_fail=0
summary=()

record() { # suite passed failed
  summary+=("$(printf '%-28s %5d passed, %d failed' "$1" "$2" "$3")")
  total_pass=$((total_pass + $2))
  total_fail=$((total_fail + $3))
}

# lit: every .mlir/.test under test/.
lit_log=$(mktemp)
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$lit_log"
lit_rc=${PIPESTATUS[0]}
lit_pass=$(grep -Eo 'Passed *: *[0-9]+' "$lit_log" | grep -Eo '[0-9]+$' || echo 0)
lit_fail=$(grep -Eo '(Failed|Unresolved|Timed Out|Unexpectedly Passed) *: *[0-9]+' "$lit_log" |
  grep -Eo '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }')
lit_fail=${lit_fail:-0}
if [ "$lit_rc" -ne 0 ] && [ "$lit_fail" -eq 0 ]; then lit_fail=1; fi
record "lit" "${lit_pass:-0}" "$lit_fail"
rm -f "$lit_log"

# GoogleTest binaries: every test/*/kiln-*-tests.
while IFS= read -r bin; do
  name=$(basename "$bin")
  log=$(mktemp)
  (cd "$(dirname "$bin")" && "$bin" --gtest_brief=1) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  pass=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  fail=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$log" | grep -Eo '[0-9]+' || echo 0)
  pass=${pass:-0}
  fail=${fail:-0}
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  record "$name" "$pass" "$fail"
  rm -f "$log"
done < <(find "$build/test" -type f -name 'kiln-*-tests' -perm -u+x | sort)

# ONNX backend-suite conformance (test/onnx): kiln-run on every test of
# mission-tests.txt. Its totals count tests that pass and tests that fail
# unexpectedly (failing but not in expected-failures.txt, or listed but
# passing); the listed failures are reported beside them.
onnx_log=$(mktemp)
"$build/test/onnx/kiln-onnx-conformance" --kiln-run "$build/tools/kiln-run/kiln-run" \
  --data /usr/share/libonnx-testdata/data \
  --tests "$root/test/onnx/mission-tests.txt" \
  --expected-failures "$root/test/onnx/expected-failures.txt" \
  --jobs 2 --kiln-run-arg -O1 --kiln-run-arg --threads=1 2>&1 | tee "$onnx_log"
onnx_rc=${PIPESTATUS[0]}
onnx_pass=$(grep -Eo '^[0-9]+ passed' "$onnx_log" | grep -Eo '^[0-9]+' || echo 0)
onnx_unexpected=$(grep -Eo '[0-9]+ unexpected failures, [0-9]+ unexpected passes' "$onnx_log" |
  grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
onnx_expected=$(grep -Eo '[0-9]+ expected failures' "$onnx_log" | grep -Eo '^[0-9]+' || echo 0)
onnx_unexpected=${onnx_unexpected:-0}
if [ "$onnx_rc" -ne 0 ] && [ "$onnx_unexpected" -eq 0 ]; then onnx_unexpected=1; fi
record "onnx-conformance" "${onnx_pass:-0}" "$onnx_unexpected"
summary[${#summary[@]}-1]+=" (${onnx_expected:-0} expected failures listed)"
rm -f "$onnx_log"

echo
echo "== kiln test summary =="
printf '%s\n' "${summary[@]}"
echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
