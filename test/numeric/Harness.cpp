//===- Harness.cpp - compile kiln IR in process and run it natively -------===//

#include "Harness.h"

#include "codegen/Artifacts.h"
#include "codegen/Pipeline.h"
#include "kiln/driver.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

using namespace mlir;

namespace kiln::numeric {

namespace {

/// LLVM -O2 unless $KILN_NUMERIC_OPT_LEVEL says otherwise. -O3 fully unrolls
/// the small static loops of these modules, which makes each compile about
/// ten times slower (seconds instead of a fraction of one) without changing
/// a single result: both levels contract to FMA alike and neither
/// reassociates floating-point math.
CompileOptions compileOptions() {
  CompileOptions options;
  options.optLevel = 2;
  if (const char *level = std::getenv("KILN_NUMERIC_OPT_LEVEL"))
    options.optLevel = static_cast<unsigned>(std::atoi(level));
  return options;
}

/// One context and one pipeline for the whole test binary: registering the
/// dialects and creating the target machine once keeps each compile cheap.
struct CompilerState {
  CompilerState() : context(makeRegistry()), pipeline(compileOptions()) {}
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    Pipeline::registerDialects(registry);
    return registry;
  }
  MLIRContext context;
  Pipeline pipeline;
  std::map<std::string, std::unique_ptr<CompiledModule>> cache;
};

CompilerState &state() {
  static CompilerState s;
  return s;
}

/// Removes a file when it goes out of scope.
struct TempFile {
  std::string path;
  explicit TempFile(llvm::StringRef suffix) {
    llvm::SmallString<128> p;
    if (llvm::sys::fs::createTemporaryFile("kiln-numeric", suffix, p))
      throw std::runtime_error("cannot create a temporary file");
    path = p.str().str();
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
};

/// "file:line:col" for a file location (possibly inside a fused or named
/// one), the printed location otherwise.
std::string locationText(Location loc) {
  if (auto flc = dyn_cast<FileLineColLoc>(loc))
    return (flc.getFilename().str() + ":" + std::to_string(flc.getLine()) +
            ":" + std::to_string(flc.getColumn()));
  if (auto name = dyn_cast<NameLoc>(loc))
    return locationText(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return locationText(fused.getLocations().front());
  std::string s;
  llvm::raw_string_ostream os(s);
  os << loc;
  return s;
}

/// Collects error diagnostics (with their notes) as text. Warnings are not
/// failures and are dropped, so that the message shows only what broke.
class ErrorCollector {
public:
  explicit ErrorCollector(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &diag) {
          if (diag.getSeverity() != DiagnosticSeverity::Error)
            return success();
          llvm::raw_string_ostream os(text);
          os << locationText(diag.getLocation()) << ": error: " << diag.str()
             << "\n";
          for (Diagnostic &note : diag.getNotes()) {
            std::string s = note.str();
            // Notes can hold whole functions; the start is what matters.
            if (s.size() > 4000)
              s = s.substr(0, 4000) + "\n...";
            os << locationText(note.getLocation()) << ": note: " << s << "\n";
          }
          return success();
        }) {}
  std::string text;

private:
  ScopedDiagnosticHandler handler;
};

std::unique_ptr<CompiledModule> build(const std::string &source) {
  CompilerState &s = state();
  ErrorCollector errors(s.context);
  auto fail = [&](const std::string &what) {
    return std::runtime_error(what + ":\n" + errors.text + "--- source ---\n" +
                              source);
  };
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(source, ParserConfig(&s.context), "test");
  if (!module)
    throw fail("cannot parse the module");
  if (failed(s.pipeline.lowerToLLVMDialect(*module)))
    throw fail("lowering to the LLVM dialect failed");
  llvm::LLVMContext llvmContext;
  auto llvmModule = s.pipeline.translateToLLVMIR(*module, llvmContext);
  if (!llvmModule)
    throw fail("translation to LLVM IR failed");

  TempFile object("o"), shared("so");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(object.path, ec);
    if (ec)
      throw fail("cannot write " + object.path + ": " + ec.message());
    std::string error;
    if (failed(s.pipeline.emitCode(*llvmModule, /*assembly=*/false, os, error)))
      throw fail("code emission failed: " + error);
  }
  std::string error;
  if (!linkShared(object.path, shared.path, error))
    throw fail("linking failed: " + error);
  // RTLD_LOCAL|RTLD_DEEPBIND: every module defines `main` and
  // `kiln_module_table`; each must bind to its own, never to the test
  // binary's or an earlier module's.
  void *handle =
      dlopen(shared.path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!handle)
    throw fail(std::string("dlopen failed: ") + dlerror());
  auto *table =
      static_cast<const kiln_module_info *>(dlsym(handle, "kiln_module_table"));
  if (!table) {
    dlclose(handle);
    throw fail("the module has no kiln_module_table");
  }
  return std::make_unique<CompiledModule>(handle, table);
}

/// kiln_dtype of a reference dtype.
int32_t kilnDtype(Tensor::DType t) {
  switch (t) {
  case Tensor::F32:
    return KILN_FLOAT;
  case Tensor::F64:
    return KILN_DOUBLE;
  case Tensor::I64:
    return KILN_INT64;
  case Tensor::I32:
    return KILN_INT32;
  case Tensor::I1:
    return KILN_BOOL;
  }
  return KILN_UNDEFINED;
}

/// Owns the kiln_tensors passed to and returned by an entry point.
struct TensorList {
  std::vector<kiln_tensor> tensors;
  explicit TensorList(size_t n) : tensors(n) {
    for (kiln_tensor &t : tensors)
      std::memset(&t, 0, sizeof t);
  }
  ~TensorList() {
    for (kiln_tensor &t : tensors)
      kiln_tensor_free(&t);
  }
};

template <typename T> void store(void *data, const std::vector<double> &v) {
  T *p = static_cast<T *>(data);
  for (size_t i = 0; i < v.size(); ++i)
    p[i] = static_cast<T>(v[i]);
}

template <typename T> void load(const void *data, std::vector<double> &v) {
  const T *p = static_cast<const T *>(data);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<double>(p[i]);
}

void toKiln(const Tensor &t, kiln_tensor &out) {
  if (t.rank() > KILN_MAX_RANK)
    throw std::runtime_error("rank too large for kiln_tensor");
  if (kiln_tensor_alloc(&out, kilnDtype(t.dtype),
                        static_cast<int32_t>(t.rank()), t.shape.data()))
    throw std::runtime_error(std::string("kiln_tensor_alloc: ") +
                             kiln_last_error());
  switch (t.dtype) {
  case Tensor::F32:
    return store<float>(out.data, t.data);
  case Tensor::F64:
    return store<double>(out.data, t.data);
  case Tensor::I64:
    return store<int64_t>(out.data, t.data);
  case Tensor::I32:
    return store<int32_t>(out.data, t.data);
  case Tensor::I1:
    return store<uint8_t>(out.data, t.data);
  }
}

Tensor fromKiln(const kiln_tensor &t) {
  Tensor r;
  r.shape.assign(t.shape, t.shape + t.rank);
  r.data.resize(ref::numElements(r.shape));
  switch (t.dtype) {
  case KILN_FLOAT:
    r.dtype = Tensor::F32;
    load<float>(t.data, r.data);
    break;
  case KILN_DOUBLE:
    r.dtype = Tensor::F64;
    load<double>(t.data, r.data);
    break;
  case KILN_INT64:
    r.dtype = Tensor::I64;
    load<int64_t>(t.data, r.data);
    break;
  case KILN_INT32:
    r.dtype = Tensor::I32;
    load<int32_t>(t.data, r.data);
    break;
  case KILN_BOOL: {
    r.dtype = Tensor::I1;
    // Any byte other than 0 or 1 is a codegen bug worth seeing as such.
    const uint8_t *p = static_cast<const uint8_t *>(t.data);
    for (size_t i = 0; i < r.data.size(); ++i) {
      if (p[i] > 1)
        throw std::runtime_error("i1 output byte " + std::to_string(p[i]) +
                                 " at " + std::to_string(i));
      r.data[i] = p[i];
    }
    break;
  }
  default:
    throw std::runtime_error(std::string("unsupported output dtype ") +
                             kiln_dtype_name(t.dtype));
  }
  return r;
}

} // namespace

CompiledModule::~CompiledModule() { dlclose(handle); }

std::vector<Tensor>
CompiledModule::run(const std::string &entry,
                    const std::vector<Tensor> &inputs) const {
  std::vector<Tensor> copy = inputs;
  return runInPlace(entry, copy);
}

std::vector<Tensor>
CompiledModule::runInPlace(const std::string &entry,
                           std::vector<Tensor> &inputs) const {
  const kiln_entry_info *info = kiln_find_entry(table, entry.c_str());
  if (!info)
    throw std::runtime_error("no entry point '" + entry + "'");
  if (static_cast<size_t>(info->num_inputs) != inputs.size())
    throw std::runtime_error("entry point '" + entry + "' takes " +
                             std::to_string(info->num_inputs) +
                             " inputs, got " + std::to_string(inputs.size()));
  TensorList in(inputs.size()), out(info->num_outputs);
  for (size_t i = 0; i < inputs.size(); ++i)
    toKiln(inputs[i], in.tensors[i]);
  if (kiln_status status =
          kiln_run_entry(info, in.tensors.data(), out.tensors.data()))
    throw std::runtime_error(std::string("kiln_run_entry(") + entry +
                             "): " + kiln_status_name(status) + ": " +
                             kiln_last_error());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor::DType dtype = inputs[i].dtype;
    inputs[i] = fromKiln(in.tensors[i]);
    // fromKiln reads i1 back as I1 and F32 as F32; keep the caller's dtype
    // (it chose the one the entry takes).
    inputs[i].dtype = dtype;
  }
  std::vector<Tensor> results;
  for (const kiln_tensor &t : out.tensors)
    results.push_back(fromKiln(t));
  return results;
}

const CompiledModule &compile(const std::string &source) {
  auto &cache = state().cache;
  auto it = cache.find(source);
  if (it == cache.end())
    it = cache.emplace(source, build(source)).first;
  return *it->second;
}

std::vector<Tensor> run(const std::string &source, const std::string &entry,
                        const std::vector<Tensor> &inputs) {
  return compile(source).run(entry, inputs);
}

} // namespace kiln::numeric
