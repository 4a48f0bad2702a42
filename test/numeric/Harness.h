//===- Harness.h - compile kiln IR in process and run it natively -*- C++
//-*-===//
//
// The numeric tests compare native code against the plain C++ reference
// (test/reference). This harness takes the MLIR text of a module of kiln
// functions, compiles it through the one kiln::Pipeline (kiln -> LLVM IR ->
// object -> shared object), loads the result with dlopen and calls entry
// points through the module's `kiln_module_table` and kiln_run_entry, the
// same path every driver uses. Errors (compile diagnostics, a failed link,
// a rejected argument) are thrown as std::runtime_error; GoogleTest reports
// the message as the test's failure.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_NUMERIC_HARNESS_H
#define KILN_TEST_NUMERIC_HARNESS_H

#include "Tensor.h"

#include <memory>
#include <string>
#include <vector>

struct kiln_module_info;

namespace kiln::numeric {

using ref::Tensor;

/// A compiled module loaded into this process; unloaded on destruction.
class CompiledModule {
public:
  CompiledModule(void *handle, const kiln_module_info *table)
      : handle(handle), table(table) {}
  ~CompiledModule();
  CompiledModule(const CompiledModule &) = delete;
  CompiledModule &operator=(const CompiledModule &) = delete;

  /// Runs entry point `entry` on `inputs` (converted to the entry's dtypes
  /// exactly as given: F32 data is rounded to float) and returns its
  /// outputs.
  std::vector<Tensor> run(const std::string &entry,
                          const std::vector<Tensor> &inputs) const;
  /// run(), then copies every input back from the buffer the entry point
  /// saw, so that arguments it updates in place (a train step's parameters
  /// and optimizer state) show their new values.
  std::vector<Tensor> runInPlace(const std::string &entry,
                                 std::vector<Tensor> &inputs) const;

private:
  void *handle;
  const kiln_module_info *table;
};

/// Compiles `source` (MLIR text of a module of kiln functions) to a shared
/// object and loads it. Modules are cached by source text for the life of
/// the test binary, so tests sharing a module compile it once. Throws
/// std::runtime_error with the diagnostics when compilation fails.
const CompiledModule &compile(const std::string &source);

/// compile(source).run(entry, inputs).
std::vector<Tensor> run(const std::string &source, const std::string &entry,
                        const std::vector<Tensor> &inputs);

} // namespace kiln::numeric

#endif // KILN_TEST_NUMERIC_HARNESS_H
