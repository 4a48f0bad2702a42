//===- kiln-export.cpp - write trained parameters back into an ONNX model -===//
//
//   kiln-export MODEL.onnx --checkpoint NAME.ckpt -o TRAINED.onnx
//
// A model imported from ONNX with --train keeps its initializers' names as
// its parameters' names ("param:<initializer>" in the checkpoint). This
// copies MODEL.onnx with every such initializer replaced by its trained
// value, so other ONNX runtimes (and kiln-run) run the trained model.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxImport.h"
#include "kiln/train.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("kiln-export options");
cl::opt<std::string> model(cl::Positional, cl::desc("<model.onnx>"),
                           cl::Required, cl::cat(category));
cl::opt<std::string> checkpoint("checkpoint",
                                cl::desc("The trained parameters (a "
                                         "checkpoint of the train command)"),
                                cl::value_desc("FILE"), cl::Required,
                                cl::cat(category));
cl::opt<std::string> output("o", cl::desc("The ONNX file to write"),
                            cl::value_desc("FILE"), cl::Required,
                            cl::cat(category));

int fail(const llvm::Twine &message) {
  llvm::errs() << "kiln-export: error: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln-export: write a checkpoint's parameters "
                              "into a copy of the ONNX model they came "
                              "from\n");
  kiln_checkpoint c;
  if (kiln_checkpoint_load(checkpoint.c_str(), &c) != KILN_OK)
    return fail(kiln_last_error());
  std::map<std::string, kiln::onnx_import::ExportedTensor> values;
  for (int32_t i = 0; i < c.count; ++i) {
    llvm::StringRef name = c.names[i];
    // Optimizer state has no place in an inference model.
    if (!name.consume_front("param:"))
      continue;
    const kiln_tensor &t = c.tensors[i];
    kiln::onnx_import::ExportedTensor &e = values[name.str()];
    e.shape.assign(t.shape, t.shape + t.rank);
    e.dtype = t.dtype; // kiln's dtype codes are ONNX's
    e.bytes.assign(static_cast<const char *>(t.data),
                   static_cast<size_t>(kiln_tensor_nbytes(&t)));
  }
  kiln_checkpoint_free(&c);
  if (values.empty())
    return fail("'" + checkpoint + "' holds no parameters");
  std::string error;
  if (!kiln::onnx_import::exportInitializers(model, output, values, error))
    return fail(error);
  llvm::outs() << "wrote " << output << " (" << values.size()
               << " initializers from " << checkpoint << ")\n";
  return 0;
}
