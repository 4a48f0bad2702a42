//===- kiln-opt.cpp - run kiln passes on textual IR
//------------------------===//
//
// The driver of the lit tests: parses .mlir, runs the passes named on the
// command line and prints the result, like mlir-opt but with only the
// dialects and passes kiln uses registered (InitAllDialects would cost a
// minute of compile time per build).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/Pipeline.h"
#include "ir/KilnDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<kiln::KilnDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect>();
  // What the pipeline registers, including the transform dialect that
  // kiln-schedule-matmul interprets.
  kiln::Pipeline::registerDialects(registry);
  kiln::registerKilnPasses();
  kiln::registerKilnCodegenPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "kiln optimizer driver\n", registry));
}
