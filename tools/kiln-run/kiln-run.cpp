//===- kiln-run.cpp - compile a model natively and run it once -----------===//
//
//   kiln-run MODEL.onnx --input a.pb [--input b.pb ...] --output-dir DIR
//
// Imports the model (ONNX, or kiln IR in .mlir), compiles it through the one
// pipeline (codegen/Pipeline.h) into a temporary shared object, loads it and
// runs its entry point once on the inputs (ONNX TensorProto .pb or .npy, in
// the order of the graph inputs that are not initializers). Outputs are
// written as DIR/output_<i>.pb (or .npy) in the order of the graph outputs.
// There is no interpreter: what runs is the native code every other tool
// produces. This is the contract of the ONNX conformance runner.
//
//===----------------------------------------------------------------------===//

#include "codegen/Artifacts.h"
#include "codegen/Pipeline.h"
#include "frontend/onnx/OnnxImport.h"
#include "ir/KilnDialect.h"
#include "kiln/driver.h"
#include "tools/ToolOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

#include <cstring>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("kiln-run options");

cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                               cl::desc("<model.onnx|model.mlir>"),
                               cl::cat(category));
cl::list<std::string> inputs("input",
                             cl::desc("An input tensor (.pb TensorProto or "
                                      ".npy), in graph input order; "
                                      "repeatable"),
                             cl::value_desc("FILE"), cl::cat(category));
cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Where output_<i>.pb/.npy go"),
                               cl::value_desc("DIR"), cl::cat(category));
cl::opt<std::string> outputFormat("output-format",
                                  cl::desc("pb (ONNX TensorProto, default) "
                                           "or npy"),
                                  cl::init("pb"), cl::cat(category));
cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Fix a graph input's shape, e.g. x=1x784 (needed "
                         "for dynamic dims; repeatable)"),
                cl::value_desc("NAME=DxD..."), cl::cat(category));
cl::opt<std::string> dumpIntermediates(
    "dump-intermediates",
    cl::desc("Also write every intermediate value to DIR/<ONNX name>.pb "
             "(or .npy), to compare layer by layer with another runtime"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<std::string> entryName("entry",
                               cl::desc("Entry point of a .mlir model "
                                        "(default: the first)"),
                               cl::cat(category));
cl::opt<unsigned> optLevel("O",
                           cl::desc("LLVM optimization level (0-3, "
                                    "default 2)"),
                           cl::Prefix, cl::init(2), cl::cat(category));
cl::opt<bool> printImport("print-import",
                          cl::desc("Print the imported kiln IR and stop"),
                          cl::cat(category));

int fail(const llvm::Twine &message) {
  llvm::errs() << "kiln-run: error: " << message << "\n";
  return 1;
}

/// A temporary file removed when it goes out of scope.
struct TempFile {
  std::string path;
  bool ok = false;
  explicit TempFile(llvm::StringRef suffix) {
    llvm::SmallString<128> p;
    ok = !llvm::sys::fs::createTemporaryFile("kiln-run", suffix, p);
    path = p.str().str();
  }
  ~TempFile() {
    if (ok)
      llvm::sys::fs::remove(path);
  }
};

/// Value names may hold '/', ':' and the like; files get a safe version.
std::string fileNameFor(llvm::StringRef name) {
  std::string s;
  for (char c : name)
    s += (llvm::isAlnum(c) || c == '_' || c == '-' || c == '.') ? c : '_';
  if (s.empty() || s[0] == '.')
    s = "_" + s;
  return s;
}

bool writeTensor(const std::string &dir, const std::string &stem,
                 const kiln_tensor &t, const std::string &name) {
  bool npy = outputFormat == "npy";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, stem + (npy ? ".npy" : ".pb"));
  kiln_status status =
      npy ? kiln_npy_write(path.c_str(), &t)
          : kiln_tensorproto_write(path.c_str(), &t, name.c_str());
  if (status != KILN_OK) {
    fail("cannot write " + path + ": " + kiln_last_error());
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  cl::opt<unsigned> &numThreads = kiln::registerThreadsOption(category);
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln-run: compile a model to native code and "
                              "run it once\n");
  if (outputFormat != "pb" && outputFormat != "npy")
    return fail("--output-format must be pb or npy, not '" + outputFormat +
                "'");
  if (outputDir.empty() && !printImport)
    return fail("--output-dir is required");

  kiln::onnx_import::ImportOptions importOptions;
  for (const std::string &spec : inputShapes) {
    std::string name;
    std::vector<int64_t> shape;
    if (!kiln::onnx_import::parseInputShape(spec, name, shape))
      return fail("bad --input-shape '" + spec + "' (expected NAME=DxDx...)");
    importOptions.inputShapes[name] = shape;
  }
  importOptions.exposeIntermediates = !dumpIntermediates.empty();

  // Inputs are read first: the importer may need the values of small
  // integer inputs (shapes, axes) to compile static shapes.
  std::vector<kiln_tensor> in(inputs.size()), out;

  auto freeAll = [&] {
    for (kiln_tensor &t : in)
      kiln_tensor_free(&t);
    for (kiln_tensor &t : out)
      kiln_tensor_free(&t);
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memset(&in[i], 0, sizeof(kiln_tensor));
    llvm::StringRef path = inputs[i];
    kiln_status status =
        path.ends_with(".npy")
            ? kiln_npy_read(inputs[i].c_str(), &in[i])
            : kiln_tensorproto_read(inputs[i].c_str(), &in[i], nullptr, 0);
    if (status != KILN_OK) {
      freeAll();
      return fail("cannot read input " + path + ": " + kiln_last_error());
    }
  }
  for (size_t i = 0; i < in.size(); ++i) {
    const kiln_tensor &t = in[i];
    int64_t n = kiln_tensor_numel(&t);
    if (n > 64)
      continue;
    std::vector<double> values;
    for (int64_t k = 0; k < n; ++k) {
      switch (t.dtype) {
      case KILN_INT64:
        values.push_back(static_cast<const int64_t *>(t.data)[k]);
        break;
      case KILN_INT32:
        values.push_back(static_cast<const int32_t *>(t.data)[k]);
        break;
      case KILN_FLOAT:
        values.push_back(static_cast<const float *>(t.data)[k]);
        break;
      case KILN_DOUBLE:
        values.push_back(static_cast<const double *>(t.data)[k]);
        break;
      case KILN_BOOL:
        values.push_back(static_cast<const uint8_t *>(t.data)[k]);
        break;
      default:
        break;
      }
    }
    if (static_cast<int64_t>(values.size()) == n)
      importOptions.inputValues[i] = values;
  }

  DialectRegistry registry;
  kiln::Pipeline::registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  OwningOpRef<ModuleOp> module;
  bool isMlir = llvm::StringRef(modelFile).ends_with(".mlir");
  kiln::onnx_import::ImportInfo importInfo;
  std::string entry = entryName;
  if (isMlir) {
    std::string error;
    auto file = openInputFile(modelFile, &error);
    if (!file)
      return fail(error);
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
    if (!inputShapes.empty() || !dumpIntermediates.empty())
      return fail("--input-shape and --dump-intermediates need an ONNX model");
  } else {
    ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
      llvm::errs() << kiln::onnx_import::describeLocation(diag.getLocation())
                   << ": "
                   << (diag.getSeverity() == DiagnosticSeverity::Error
                           ? "error: "
                           : "note: ")
                   << diag.str() << "\n";
      return success();
    });
    importOptions.functionName = "model";
    module = kiln::onnx_import::importModel(context, modelFile, importOptions,
                                            &importInfo);
    if (!module)
      return 1;
    entry = "model";
  }
  if (printImport) {
    module->print(llvm::outs());
    llvm::outs() << "\n";
    return 0;
  }
  // Graph outputs come first; with --dump-intermediates the rest are
  // intermediates named by kiln.name.
  std::vector<std::string> resultNames;
  for (auto func : module->getOps<func::FuncOp>()) {
    if (!entry.empty() && func.getSymName() != entry)
      continue;
    entry = func.getSymName().str();
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto name = func.getResultAttrOfType<StringAttr>(
          i, kiln::KilnDialect::getNameAttrName());
      resultNames.push_back(name ? name.str() : "output_" + std::to_string(i));
    }
    break;
  }
  if (entry.empty())
    return fail("the module has no function to run");

  kiln::CompileOptions options;
  options.optLevel = optLevel;
  options.threads = numThreads;
  kiln::Pipeline pipeline(options);
  {
    ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      llvm::errs() << kiln::onnx_import::describeLocation(diag.getLocation())
                   << ": error: " << diag.str() << "\n";
      return success();
    });
    if (failed(pipeline.lowerToLLVMDialect(*module)))
      return fail("compilation failed");
  }
  llvm::LLVMContext llvmContext;
  auto llvmModule = pipeline.translateToLLVMIR(*module, llvmContext);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  TempFile object("o"), shared("so");
  if (!object.ok || !shared.ok)
    return fail("cannot create temporary files");
  std::string error;
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(object.path, ec);
    if (ec)
      return fail("cannot write " + object.path + ": " + ec.message());
    if (failed(pipeline.emitCode(*llvmModule, /*assembly=*/false, os, error)))
      return fail("code generation failed: " + error);
  }
  if (!kiln::linkShared(object.path, shared.path, error))
    return fail("linking failed: " + error);
  void *handle =
      dlopen(shared.path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!handle)
    return fail(llvm::Twine("dlopen failed: ") + dlerror());
  auto *table =
      static_cast<const kiln_module_info *>(dlsym(handle, "kiln_module_table"));
  const kiln_entry_info *info =
      table ? kiln_find_entry(table, entry.c_str()) : nullptr;
  if (!info)
    return fail("the compiled module has no entry point '" + entry + "'");
  if (static_cast<size_t>(info->num_inputs) != inputs.size()) {
    std::string expected;
    for (int i = 0; i < info->num_inputs; ++i)
      expected += (i ? ", " : "") + std::string(info->args[i].name);
    return fail("the model takes " + std::to_string(info->num_inputs) +
                " inputs (" + expected + "), got " +
                std::to_string(inputs.size()));
  }
  if (resultNames.size() != static_cast<size_t>(info->num_outputs))
    return fail("the compiled entry point has an unexpected number of "
                "outputs");

  out.resize(info->num_outputs);
  for (kiln_tensor &t : out)
    std::memset(&t, 0, sizeof(kiln_tensor));
  if (kiln_status status = kiln_run_entry(info, in.data(), out.data())) {
    freeAll();
    return fail(llvm::Twine(kiln_status_name(status)) + ": " +
                kiln_last_error());
  }
  // With --dump-intermediates the results after the graph outputs are
  // the intermediates.
  size_t graphOutputs = isMlir ? info->num_outputs : importInfo.numOutputs;
  bool ok = true;
  if (llvm::sys::fs::create_directories(outputDir))
    ok = !fail("cannot create " + outputDir);
  for (size_t i = 0; ok && i < graphOutputs; ++i)
    ok = writeTensor(outputDir, "output_" + std::to_string(i), out[i],
                     resultNames[i]);
  if (ok && !dumpIntermediates.empty()) {
    if (llvm::sys::fs::create_directories(dumpIntermediates))
      ok = !fail("cannot create " + dumpIntermediates);
    for (size_t i = 0; ok && i < out.size(); ++i)
      ok = writeTensor(dumpIntermediates, fileNameFor(resultNames[i]), out[i],
                       resultNames[i]);
  }
  freeAll();
  // The loaded module is left to process exit: OpenMP threads it started
  // may still reference its code.
  return ok ? 0 : 1;
}
