//===- ToolOptions.h - command-line options the tools share -----*- C++ -*-===//

#ifndef KILN_TOOLS_TOOLOPTIONS_H
#define KILN_TOOLS_TOOLOPTIONS_H

#include "llvm/Support/CommandLine.h"

namespace kiln {

/// Registers --threads in `category` (call before parsing the command line):
/// the threads of the generated parallel loops. libLLVM registers a
/// `-threads` option of its own, which kiln's tools do not use: it moves
/// aside to --llvm-threads so that --threads is ours.
inline llvm::cl::opt<unsigned> &
registerThreadsOption(llvm::cl::OptionCategory &category) {
  namespace cl = llvm::cl;
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->setArgStr("llvm-threads");
  static cl::opt<unsigned> threads(
      "threads",
      cl::desc("Threads of the generated parallel loops (OpenMP; 0, the "
               "default: OMP_NUM_THREADS or one per core)"),
      cl::init(0), cl::cat(category));
  return threads;
}

} // namespace kiln

#endif // KILN_TOOLS_TOOLOPTIONS_H
