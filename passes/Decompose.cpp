//===- Decompose.cpp - composite ops into primitives -----------------------===//

#include "passes/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct DecomposePass : kiln::impl::KilnDecomposeBase<DecomposePass> {
  void runOnOperation() override {}
};
} // namespace
