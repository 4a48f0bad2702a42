//===- Pipeline.h - the one compilation pipeline of kiln --------*- C++ -*-===//
//
// Every tool compiles through this object: kiln-compile, kiln-run and the
// C++ model API. It runs the MLIR passes from the kiln dialect down to the
// LLVM dialect (with IR printing and dumping hooks), translates to LLVM IR
// for the target CPU, and describes the entry points it produced.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_PIPELINE_H
#define KILN_CODEGEN_PIPELINE_H

#include "codegen/CostModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace kiln {

struct CompileOptions {
  /// Target CPU and features; empty means the host's.
  std::string targetCpu;
  std::string targetFeatures;
  unsigned optLevel = 3;
  /// IR inspection: print after every pass, after the passes named here
  /// (by their argument, e.g. "kiln-lower-to-linalg"), or write one file
  /// per pass into dumpIrDir, numbered in pipeline order.
  bool printIrAfterAll = false;
  std::vector<std::string> printIrAfter;
  std::string dumpIrDir;
  /// Dumps elide constants with more elements than this (0: never).
  unsigned elideConstantsOver = 16;
  /// OpenMP threads of the generated code's parallel loops (0: OpenMP's
  /// default, OMP_NUM_THREADS or one per core).
  unsigned threads = 0;
  /// Model preparation before lowering: a new batch size (kiln-set-batch;
  /// 0 keeps the model's) and, when `train` is set, @train_step and
  /// @eval_step built by kiln-build-train-step with `trainStepOptions`
  /// (its options in pass syntax, e.g. "loss=mse optimizer=adam lr=0.01").
  int64_t batch = 0;
  bool train = false;
  std::string trainStepOptions;
  /// (--time-compile) Reports the time of every pass, of LLVM optimization and
  /// of code generation on stderr when the pipeline is destroyed.
  bool timePasses = false;
  /// Prepended to every external symbol (entry points, their packed
  /// wrappers, the module table), so that several models link into one
  /// program. The module table keeps the unprefixed entry names.
  std::string symbolPrefix;
};

/// One argument or result of an entry point.
struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  /// ONNX TensorProto data type code (1 = float, 7 = int64, 9 = bool, ...).
  int dtype = 1;
  /// An input the entry point overwrites with its new value (a parameter or
  /// optimizer state of a training step).
  bool updatedInPlace = false;
};

/// A compiled function: `name(inputs..., outputs..., arena)`, every tensor
/// a pointer to dense row-major data.
struct EntryPoint {
  /// The name drivers look the entry point up by (kiln_find_entry).
  std::string name;
  /// Its C symbol: CompileOptions::symbolPrefix + name.
  std::string symbol;
  std::vector<TensorInfo> inputs, outputs;
  int64_t arenaSize = 0;
  /// `key=value` lines for drivers (a train step's layout, initializers).
  std::string attributes;
};

class Pipeline {
public:
  explicit Pipeline(CompileOptions options);
  ~Pipeline();

  /// Registers every dialect, interface and translation the pipeline uses.
  static void registerDialects(mlir::DialectRegistry &registry);

  /// Lowers a module of kiln functions to the LLVM dialect and records its
  /// entry points. Diagnostics go to the context's handler.
  mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module);

  /// Translates the lowered module to optimized LLVM IR for the target,
  /// with a packed wrapper per entry point and the `kiln_module_table`
  /// that drivers read. Returns null (after a diagnostic) on failure.
  std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                  llvm::LLVMContext &context);

  /// Writes an object file or assembly for `module`.
  mlir::LogicalResult emitCode(llvm::Module &module, bool assembly,
                               llvm::raw_pwrite_stream &os, std::string &error);

  const std::vector<EntryPoint> &entryPoints() const { return entries; }
  /// The symbol of the kiln_module_info that describes the entry points.
  std::string moduleTableSymbol() const {
    return opts.symbolPrefix + "kiln_module_table";
  }
  const CompileOptions &options() const { return opts; }

  /// What the tile sizes need to know about the target CPU (vector width,
  /// registers, caches), from its features. Fails where no target machine
  /// can be made for it.
  mlir::FailureOr<TargetModel> describeTarget();

private:
  llvm::TargetMachine *getTargetMachine(std::string &error);
  mlir::LogicalResult addIRPrinting(mlir::PassManager &pm,
                                    mlir::ModuleOp module);

  CompileOptions opts;
  /// Disabled unless opts.timePasses; its report prints on destruction.
  mlir::DefaultTimingManager timing;
  std::vector<EntryPoint> entries;
  std::unique_ptr<llvm::TargetMachine> targetMachine;
  /// Passes run so far, numbering the files of --dump-ir-dir across the
  /// preparation and lowering pass managers.
  int passesRun = 0;
};

/// kiln-build-train-step's options (CompileOptions::trainStepOptions) from a
/// loss and an optimizer spec `NAME[:key=value,...]`, the form kiln-compile's
/// --loss/--optimizer and the model API take. False, with `error` set, when a
/// setting is not key=value; the pass checks the names and values.
bool trainStepOptionsFromSpec(llvm::StringRef loss, llvm::StringRef optimizer,
                              std::string &options, std::string &error);

/// The ONNX data type code of an MLIR element type (0 when unsupported).
int dtypeCode(mlir::Type elementType);

} // namespace kiln

#endif // KILN_CODEGEN_PIPELINE_H
