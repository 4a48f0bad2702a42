//===- Artifacts.h - headers, archives, shared objects, executables -*- C++
//-*-===//
//
// What kiln-compile, kiln-run and the model API make from an object file.
// Archives are written in process; shared objects and executables are
// linked by the system's compiler driver (the one kiln was built with,
// or $KILN_CC), since linking is the linker's job, not code generation's.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_ARTIFACTS_H
#define KILN_CODEGEN_ARTIFACTS_H

#include "codegen/Pipeline.h"

#include <string>
#include <vector>

namespace kiln {

/// A C header declaring each entry point (by its symbol), with shapes and
/// dtypes in comments and the arena size as a macro, and the module table.
std::string generateHeader(llvm::StringRef guardName,
                           const std::vector<EntryPoint> &entries,
                           llvm::StringRef tableSymbol = "kiln_module_table");

/// Writes a static archive holding one object file.
bool writeArchive(const std::string &objectPath, const std::string &outPath,
                  std::string &error);

/// Links an object into a shared library.
bool linkShared(const std::string &objectPath, const std::string &outPath,
                std::string &error);

/// Links an object with the runtime's driver into an executable; the driver
/// reads the module table `tableSymbol`.
bool linkExecutable(const std::string &objectPath, const std::string &outPath,
                    std::string &error,
                    llvm::StringRef tableSymbol = "kiln_module_table");

} // namespace kiln

#endif // KILN_CODEGEN_ARTIFACTS_H
