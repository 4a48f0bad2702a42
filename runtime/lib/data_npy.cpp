//===- data_npy.cpp - datasets from a features .npy and a labels .npy -----===//

#include "dataset_internal.h"

#include <cstring>
#include <string>

using namespace kiln::rt;

extern "C" kiln_status kiln_dataset_read_npy(const char *featuresPath,
                                             const char *labelsPath,
                                             kiln_dataset *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "dataset_read_npy: NULL output");
  std::memset(out, 0, sizeof(*out));
  if (!featuresPath || !labelsPath)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "dataset_read_npy: NULL path");
  struct Owned {
    kiln_tensor t{};
    ~Owned() { kiln_tensor_free(&t); }
  } features, labels;
  if (kiln_status s = kiln_npy_read(featuresPath, &features.t))
    return s;
  if (kiln_status s = kiln_npy_read(labelsPath, &labels.t))
    return s;
  if (features.t.rank < 1)
    return fail(KILN_ERROR_FORMAT,
                "npy: '%s': features must be [N, ...], this is a scalar",
                featuresPath);
  if (labels.t.rank != 1)
    return fail(KILN_ERROR_FORMAT, "npy: '%s': labels must be [N], rank is %d",
                labelsPath, (int)labels.t.rank);
  if (labels.t.shape[0] != features.t.shape[0])
    return fail(KILN_ERROR_FORMAT,
                "npy: '%s' has %lld labels but '%s' has %lld samples",
                labelsPath, (long long)labels.t.shape[0], featuresPath,
                (long long)features.t.shape[0]);
  kiln_status s = kiln_dataset_from_tensors(&features.t, &labels.t, out);
  if (s == KILN_ERROR_UNSUPPORTED)
    // Say which file holds the dtype the conversion rejected.
    return fail(s, "npy: '%s' / '%s': %s", featuresPath, labelsPath,
                std::string(kiln_last_error()).c_str());
  return s;
}
