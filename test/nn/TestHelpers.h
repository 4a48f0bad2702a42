//===- TestHelpers.h - shared pieces of the model API tests -----*- C++ -*-===//

#ifndef KILN_TEST_NN_TESTHELPERS_H
#define KILN_TEST_NN_TESTHELPERS_H

#include "frontend/nn/NN.h"

namespace kiln::nn::test {

/// fit() options for `epochs` epochs without progress output.
inline FitOptions quiet(int64_t epochs) {
  FitOptions f;
  f.epochs = epochs;
  f.verbose = false;
  return f;
}

} // namespace kiln::nn::test

#endif // KILN_TEST_NN_TESTHELPERS_H
