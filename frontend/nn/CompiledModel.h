//===- CompiledModel.h - what compile() keeps of a model --------*- C++ -*-===//
//
// Private to the model implementation: the loaded shared object, the
// trainer built on it, and the files emit() needs again.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_COMPILEDMODEL_H
#define KILN_FRONTEND_NN_COMPILEDMODEL_H

#include "frontend/nn/Model.h"

#include "codegen/Pipeline.h"
#include "kiln/train.h"

#include "llvm/Support/FileSystem.h"

#include <dlfcn.h>

namespace kiln::nn {

struct Model::Compiled {
  std::string tempDir, objectPath, sharedPath, kilnSource, trainStepOptions;
  std::vector<EntryPoint> entries;
  CompileOptions options;
  void *handle = nullptr;
  const kiln_module_info *module = nullptr;
  kiln_trainer *trainer = nullptr;

  ~Compiled() {
    kiln_trainer_destroy(trainer);
    if (handle)
      dlclose(handle);
    if (!objectPath.empty())
      llvm::sys::fs::remove(objectPath);
    if (!sharedPath.empty())
      llvm::sys::fs::remove(sharedPath);
    if (!tempDir.empty())
      llvm::sys::fs::remove(tempDir);
  }
};

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_COMPILEDMODEL_H
