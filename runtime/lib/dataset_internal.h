//===- dataset_internal.h - helpers shared by the dataset sources -*- C++ -*-=//
//
// Not installed; the public API is kiln/data.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_DATASET_INTERNAL_H
#define KILN_RUNTIME_DATASET_INTERNAL_H

#include "internal.h"
#include "kiln/data.h"

namespace kiln::rt {

// Allocates features [n, sampleShape...] and labels [n], zeroed; on failure
// *ds is left zeroed. `what` prefixes the error.
kiln_status allocDataset(const char *what, kiln_dataset *ds, int64_t n,
                         int32_t sampleRank, const int64_t *sampleShape);

// Floats per sample (the product of features.shape[1..]).
int64_t sampleSize(const kiln_dataset *ds);

// Checks that ds is a well-formed dataset (float features, int64 labels,
// matching N, data present). `what` prefixes the error.
kiln_status checkDataset(const char *what, const kiln_dataset *ds);

// Reports std::bad_alloc from message strings and vectors as the runtime's
// out-of-memory error, so no exception crosses the C ABI.
template <typename Fn> kiln_status guardAlloc(const char *what, Fn &&fn) {
  try {
    return fn();
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  }
}

} // namespace kiln::rt

#endif // KILN_RUNTIME_DATASET_INTERNAL_H
