//===- Export.cpp - the trained model as an ONNX file ---------------------===//
//
// exportOnnx() is the model function emitted again (at the batch asked
// for), composite layers decomposed into primitives, and
// frontend/onnx's general exporter mapping each kiln op to ONNX with the
// trainer's current parameter values as initializers. No per-layer code:
// a layer exports when the ops it emits do.
//
//===----------------------------------------------------------------------===//

#include "frontend/nn/CompiledModel.h"

#include "frontend/onnx/OnnxExport.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln::nn {

void Model::exportOnnx(const std::string &path, int64_t batch) const {
  Compiled &c = requireCompiled("exportOnnx");
  if (batch < 1)
    throw Error("exportOnnx: batch must be >= 1, got " + std::to_string(batch));
  DialectRegistry registry;
  Pipeline::registerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  // Every parameter's and buffer's current value, by its kiln.name (the
  // checkpoint's names without the "param:" or "buffer:" prefix).
  std::map<std::string, onnx_import::ExportedTensor> values;
  for (const auto &layer : layers())
    for (const ParamSpec &p : layer->params()) {
      std::string name = layer->name() + "." + p.name;
      std::string tensorName = p.tensorName(layer->name());
      kiln_tensor *t = nullptr;
      for (int32_t j = 0; j < kiln_trainer_num_tensors(c.trainer); ++j)
        if (tensorName == kiln_trainer_tensor_name(c.trainer, j))
          t = kiln_trainer_tensor(c.trainer, j);
      if (!t)
        throw Error("exportOnnx: the trainer has no tensor '" + tensorName +
                    "'");
      onnx_import::ExportedTensor &e = values[name];
      e.shape.assign(t->shape, t->shape + t->rank);
      e.dtype = t->dtype; // kiln's dtype codes are ONNX's
      e.bytes.assign(static_cast<const char *>(t->data),
                     static_cast<size_t>(kiln_tensor_nbytes(t)));
    }

  auto exportAt = [&](int64_t b, const std::string &batchDim) {
    OwningOpRef<ModuleOp> module = emitModule(context, b);
    PassManager pm = PassManager::on<ModuleOp>(&context);
    pm.addPass(createKilnDecompose());
    if (failed(pm.run(*module)))
      throw Error("exportOnnx: decomposing the composite layers of model '" +
                  modelName + "' failed");
    auto func = cast<func::FuncOp>(module->getBody()->front());
    func.setArgAttr(0, KilnDialect::getNameAttrName(),
                    StringAttr::get(&context, "x"));
    func.setResultAttr(0, KilnDialect::getNameAttrName(),
                       StringAttr::get(&context, "logits"));
    onnx_export::ExportOptions options;
    options.graphName = modelName;
    options.docString = "model '" + modelName + "' exported by kiln";
    options.batchDimParam = batchDim;
    std::string bytes, error;
    if (!onnx_export::exportFunction(func, values, options, bytes, error))
      throw Error("exportOnnx: model '" + modelName + "': " + error);
    return bytes;
  };
  // A graph that is the same at two batches (up to its declared input and
  // output dims) is the same at every batch: its batch dim is then left
  // symbolic, so any runtime runs it at any batch. Otherwise (a layer that
  // bakes the batch into a shape) it is fixed at `batch`.
  std::string bytes = exportAt(batch, "batch");
  if (bytes != exportAt(batch + 1, "batch"))
    bytes = exportAt(batch, "");

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    throw Error("exportOnnx: cannot write " + path + ": " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error())
    throw Error("exportOnnx: cannot write " + path + ": " +
                os.error().message());
}

} // namespace kiln::nn
