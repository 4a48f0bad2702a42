//===- kiln-compile.cpp - compile a kiln model to native code
//--------------===//
//
//   kiln-compile MODEL.mlir -o NAME --emit=obj,header,shared,...
//
// Runs the one pipeline (codegen/Pipeline.h) and writes the requested
// artifacts: NAME.mlir (the LLVM dialect), NAME.ll, NAME.s, NAME.o,
// libNAME.a, libNAME.so, the executable NAME and the header NAME.h.
//
//===----------------------------------------------------------------------===//

#include "codegen/Artifacts.h"
#include "codegen/Pipeline.h"
#include "frontend/onnx/OnnxImport.h"
#include "tools/ToolOptions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <set>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("kiln-compile options");

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<model.mlir or model.onnx>"),
                               cl::init("-"), cl::cat(category));
cl::opt<std::string> outputName("o",
                                cl::desc("Output name (NAME.o, NAME.h, "
                                         "libNAME.so, ...)"),
                                cl::value_desc("NAME"), cl::init("model"),
                                cl::cat(category));
cl::list<std::string>
    emit("emit",
         cl::desc("What to write (comma-separated or repeated): mlir (the "
                  "LLVM dialect), llvm (LLVM IR), asm, obj, lib (static "
                  "archive), shared, exe, header"),
         cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> targetCpu("target-cpu",
                               cl::desc("CPU to generate code for "
                                        "(default: this machine's)"),
                               cl::cat(category));
cl::opt<std::string>
    targetFeatures("target-features",
                   cl::desc("LLVM target features, e.g. +avx2,+fma "
                            "(default: the CPU's)"),
                   cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3)"),
                           cl::Prefix, cl::init(3), cl::cat(category));
cl::opt<bool> printIrAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::cat(category));
cl::list<std::string>
    printIrAfter("print-ir-after",
                 cl::desc("Print the IR after the named pass (repeatable)"),
                 cl::cat(category));
cl::opt<std::string> dumpIrDir("dump-ir-dir",
                               cl::desc("Write the IR after each pass to "
                                        "DIR/NN-<pass>.mlir"),
                               cl::value_desc("DIR"), cl::cat(category));
cl::opt<bool> printFullConstants("print-full-constants",
                                 cl::desc("Print large constants whole in "
                                          "IR dumps"),
                                 cl::cat(category));

cl::opt<bool> timePasses("time-compile",
                         cl::desc("Report the time of every pass and of "
                                  "LLVM optimization and code generation"),
                         cl::cat(category));

cl::opt<std::string> symbolPrefix(
    "symbol-prefix",
    cl::desc("Prepend PREFIX to every exported symbol (entry points, their "
             "_packed wrappers, kiln_module_table), so that several models "
             "link into one program"),
    cl::value_desc("PREFIX"), cl::cat(category));

cl::opt<bool> train("train",
                    cl::desc("Compile a training step: add @train_step and "
                             "@eval_step around the model function"),
                    cl::cat(category));
cl::opt<std::string> loss("loss",
                          cl::desc("With --train: softmax_cross_entropy "
                                   "(default), nll, mse or bce_with_logits"),
                          cl::init("softmax_cross_entropy"), cl::cat(category));
cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc("With --train: NAME[:key=value,...], NAME one of sgd, momentum, "
             "nesterov, adagrad, rmsprop, adam, adamw; keys lr, momentum, "
             "beta1, beta2, alpha, centered, eps, weight-decay, clip-norm, "
             "schedule (constant, step, cosine), step-size, gamma, "
             "total-steps, lr-min (e.g. adam:lr=1e-3)"),
    cl::init("sgd"), cl::cat(category));
cl::opt<int64_t> batch("batch",
                       cl::desc("Batch size: dim 0 of the model's input "
                                "(default: as written in the model)"),
                       cl::init(0), cl::cat(category));

cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("ONNX models: fix an input's shape, NAME=DxDx... "
                         "(repeatable)"),
                cl::cat(category));

const char *kKinds[] = {"mlir", "llvm",   "asm", "obj",
                        "lib",  "shared", "exe", "header"};

bool writeFile(const std::string &path, llvm::StringRef contents) {
  std::string error;
  auto out = openOutputFile(path, &error);
  if (!out) {
    llvm::errs() << "error: " << error << "\n";
    return false;
  }
  out->os() << contents;
  out->keep();
  return true;
}

} // namespace

int main(int argc, char **argv) {
  cl::opt<unsigned> &numThreads = kiln::registerThreadsOption(category);
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln-compile: compile a kiln model to native "
                              "code\n");
  std::set<std::string> kinds(emit.begin(), emit.end());
  if (kinds.empty())
    kinds = {"obj", "header"};
  for (const std::string &k : kinds)
    if (!llvm::is_contained(kKinds, k)) {
      llvm::errs() << "error: unknown --emit kind '" << k
                   << "' (expected mlir, llvm, asm, obj, lib, shared, exe or "
                      "header)\n";
      return 2;
    }

  DialectRegistry registry;
  kiln::Pipeline::registerDialects(registry);
  MLIRContext context(registry);
  // A failing pass would otherwise print the whole module after its error.
  context.printOpOnDiagnostic(false);
  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file) {
    llvm::errs() << "error: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  // Ops of an ONNX model are located at their node ("FILE: node 'NAME'"),
  // which the source manager's handler would print as FILE:0:0.
  std::optional<ScopedDiagnosticHandler> onnxDiagnostics;
  if (llvm::StringRef(inputFile).ends_with(".onnx")) {
    onnxDiagnostics.emplace(&context, [](Diagnostic &diag) {
      auto print = [](Diagnostic &d, llvm::StringRef kind) {
        llvm::errs() << kiln::onnx_import::describeLocation(d.getLocation())
                     << ": " << kind << ": " << d.str() << "\n";
      };
      print(diag, diag.getSeverity() == DiagnosticSeverity::Error ? "error"
                  : diag.getSeverity() == DiagnosticSeverity::Warning
                      ? "warning"
                      : "note");
      for (Diagnostic &note : diag.getNotes())
        print(note, "note");
      return success();
    });
    // Initializers become parameters when training, constants otherwise.
    kiln::onnx_import::ImportOptions importOptions;
    importOptions.trainable = train;
    for (const std::string &spec : inputShapes) {
      std::string name;
      std::vector<int64_t> shape;
      if (!kiln::onnx_import::parseInputShape(spec, name, shape)) {
        llvm::errs() << "error: bad --input-shape '" << spec
                     << "' (expected NAME=DxDx...)\n";
        return 2;
      }
      importOptions.inputShapes[name] = shape;
    }
    module = kiln::onnx_import::importModel(context, inputFile, importOptions);
  } else {
    if (!inputShapes.empty()) {
      llvm::errs() << "error: --input-shape applies to ONNX models\n";
      return 2;
    }
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return 1;

  kiln::CompileOptions options;
  options.targetCpu = targetCpu;
  options.targetFeatures = targetFeatures;
  options.optLevel = optLevel;
  options.threads = numThreads;
  options.printIrAfterAll = printIrAfterAll;
  options.printIrAfter.assign(printIrAfter.begin(), printIrAfter.end());
  options.dumpIrDir = dumpIrDir;
  options.timePasses = timePasses;
  options.symbolPrefix = symbolPrefix;
  if (printFullConstants)
    options.elideConstantsOver = 0;
  if (batch < 0) {
    llvm::errs() << "error: --batch must be > 0, got " << batch << "\n";
    return 2;
  }
  options.batch = batch;
  options.train = train;
  if (train) {
    if (!kiln::trainStepOptionsFromSpec(loss, optimizer,
                                        options.trainStepOptions, error)) {
      llvm::errs() << "error: --optimizer: " << error << "\n";
      return 2;
    }
  }
  kiln::Pipeline pipeline(options);
  if (failed(pipeline.lowerToLLVMDialect(*module)))
    return 1;

  std::string name = outputName;
  if (kinds.count("mlir")) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    if (!writeFile(name + ".mlir", text))
      return 1;
  }
  if (kinds.count("header") &&
      !writeFile(name + ".h",
                 kiln::generateHeader(llvm::sys::path::filename(name),
                                      pipeline.entryPoints(),
                                      pipeline.moduleTableSymbol())))
    return 1;

  bool needObject = kinds.count("obj") || kinds.count("lib") ||
                    kinds.count("shared") || kinds.count("exe");
  if (!needObject && !kinds.count("llvm") && !kinds.count("asm"))
    return 0;
  llvm::LLVMContext llvmContext;
  auto llvmModule = pipeline.translateToLLVMIR(*module, llvmContext);
  if (!llvmModule)
    return 1;
  if (kinds.count("llvm")) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    if (!writeFile(name + ".ll", text))
      return 1;
  }
  auto emitTo = [&](const std::string &path, bool assembly) {
    auto out = openOutputFile(path, &error);
    if (!out ||
        failed(pipeline.emitCode(*llvmModule, assembly, out->os(), error))) {
      llvm::errs() << "error: " << error << "\n";
      return false;
    }
    out->keep();
    return true;
  };
  if (kinds.count("asm") && !emitTo(name + ".s", true))
    return 1;
  if (!needObject)
    return 0;
  // Other artifacts are made from the object file; without --emit=obj it is
  // a temporary.
  std::string object = name + ".o";
  bool keepObject = kinds.count("obj");
  if (!keepObject) {
    llvm::SmallString<128> tmp;
    if (llvm::sys::fs::createTemporaryFile("kiln", "o", tmp)) {
      llvm::errs() << "error: cannot create a temporary file\n";
      return 1;
    }
    object = tmp.str().str();
  }
  if (!emitTo(object, false))
    return 1;
  llvm::StringRef dir = llvm::sys::path::parent_path(name);
  std::string base = llvm::sys::path::filename(name).str();
  auto sibling = [&](const std::string &file) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, file);
    return p.str().str();
  };
  bool ok = true;
  if (ok && kinds.count("lib"))
    ok = kiln::writeArchive(object, sibling("lib" + base + ".a"), error);
  if (ok && kinds.count("shared"))
    ok = kiln::linkShared(object, sibling("lib" + base + ".so"), error);
  if (ok && kinds.count("exe"))
    ok =
        kiln::linkExecutable(object, name, error, pipeline.moduleTableSymbol());
  if (!keepObject)
    llvm::sys::fs::remove(object);
  if (!ok) {
    llvm::errs() << "error: " << error << "\n";
    return 1;
  }
  return 0;
}
