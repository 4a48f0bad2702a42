//===- data_idx.cpp - MNIST / Fashion-MNIST datasets from IDX files -------===//
//
// The two files are read with kiln_idx_read (gzip or not; its errors name the
// file and what was truncated); this adds the checks that need both: the
// label file is one-dimensional and has one label per image.
//
//===----------------------------------------------------------------------===//

#include "dataset_internal.h"

#include <cstring>

using namespace kiln::rt;

extern "C" kiln_status kiln_dataset_read_idx(const char *imagesPath,
                                             const char *labelsPath,
                                             kiln_dataset *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "dataset_read_idx: NULL output");
  std::memset(out, 0, sizeof(*out));
  if (!imagesPath || !labelsPath)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "dataset_read_idx: NULL path");
  struct Owned {
    kiln_tensor t{};
    ~Owned() { kiln_tensor_free(&t); }
  } images, labels;
  if (kiln_status s = kiln_idx_read(imagesPath, &images.t))
    return s;
  if (kiln_status s = kiln_idx_read(labelsPath, &labels.t))
    return s;
  if (labels.t.rank != 1)
    return fail(KILN_ERROR_FORMAT,
                "idx: '%s': a label file has 1 dim, this one %d", labelsPath,
                (int)labels.t.rank);
  if (labels.t.shape[0] != images.t.shape[0])
    return fail(KILN_ERROR_FORMAT,
                "idx: '%s' has %lld labels but '%s' has %lld images",
                labelsPath, (long long)labels.t.shape[0], imagesPath,
                (long long)images.t.shape[0]);
  if (labels.t.dtype == KILN_FLOAT || labels.t.dtype == KILN_DOUBLE)
    return fail(KILN_ERROR_FORMAT,
                "idx: '%s': labels must be integers, this file holds %s",
                labelsPath, kiln_dtype_name(labels.t.dtype));
  return kiln_dataset_from_tensors(&images.t, &labels.t, out);
}
