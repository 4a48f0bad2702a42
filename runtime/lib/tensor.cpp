//===- tensor.cpp - dtypes and the kiln_tensor I/O descriptor -------------===//

#include "internal.h"

#include <cstdlib>
#include <cstring>

using namespace kiln::rt;

extern "C" size_t kiln_dtype_size(int32_t dtype) {
  switch (dtype) {
  case KILN_UINT8:
  case KILN_INT8:
  case KILN_BOOL:
    return 1;
  case KILN_UINT16:
  case KILN_INT16:
  case KILN_FLOAT16:
  case KILN_BFLOAT16:
    return 2;
  case KILN_FLOAT:
  case KILN_INT32:
  case KILN_UINT32:
    return 4;
  case KILN_INT64:
  case KILN_DOUBLE:
  case KILN_UINT64:
  case KILN_COMPLEX64:
    return 8;
  case KILN_COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

extern "C" const char *kiln_dtype_name(int32_t dtype) {
  switch (dtype) {
  case KILN_UNDEFINED:
    return "undefined";
  case KILN_FLOAT:
    return "float32";
  case KILN_UINT8:
    return "uint8";
  case KILN_INT8:
    return "int8";
  case KILN_UINT16:
    return "uint16";
  case KILN_INT16:
    return "int16";
  case KILN_INT32:
    return "int32";
  case KILN_INT64:
    return "int64";
  case KILN_STRING:
    return "string";
  case KILN_BOOL:
    return "bool";
  case KILN_FLOAT16:
    return "float16";
  case KILN_DOUBLE:
    return "float64";
  case KILN_UINT32:
    return "uint32";
  case KILN_UINT64:
    return "uint64";
  case KILN_COMPLEX64:
    return "complex64";
  case KILN_COMPLEX128:
    return "complex128";
  case KILN_BFLOAT16:
    return "bfloat16";
  default:
    return "unknown";
  }
}

namespace kiln::rt {

kiln_status checkShape(const char *what, int32_t dtype, int32_t rank,
                       const int64_t *shape, int64_t *nbytes) {
  size_t elemSize = kiln_dtype_size(dtype);
  if (elemSize == 0)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: unsupported dtype %d (%s)", what,
                dtype, kiln_dtype_name(dtype));
  if (rank < 0 || rank > KILN_MAX_RANK)
    return fail(KILN_ERROR_UNSUPPORTED, "%s: rank %d outside 0..%d", what, rank,
                KILN_MAX_RANK);
  if (rank > 0 && !shape)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL shape for rank %d", what,
                rank);
  // Check every dim before multiplying so a negative dim is reported as
  // such even if a zero dim comes later.
  for (int32_t i = 0; i < rank; ++i)
    if (shape[i] < 0)
      return fail(KILN_ERROR_FORMAT, "%s: dim %d is negative (%lld)", what, i,
                  (long long)shape[i]);
  int64_t bytes = (int64_t)elemSize;
  bool zero = false;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] == 0) {
      zero = true;
      continue;
    }
    // bytes <= kMaxTensorBytes (2^40) so the comparison cannot overflow.
    if (shape[i] > kMaxTensorBytes / bytes)
      return fail(KILN_ERROR_UNSUPPORTED,
                  "%s: tensor too large (dim %d = %lld; limit %lld bytes)",
                  what, i, (long long)shape[i], (long long)kMaxTensorBytes);
    bytes *= shape[i];
  }
  *nbytes = zero ? 0 : bytes;
  return KILN_OK;
}

} // namespace kiln::rt

extern "C" int64_t kiln_tensor_numel(const kiln_tensor *t) {
  int64_t nbytes;
  if (!t || checkShape("tensor", t->dtype, t->rank, t->shape, &nbytes))
    return -1;
  return nbytes / (int64_t)kiln_dtype_size(t->dtype);
}

extern "C" int64_t kiln_tensor_nbytes(const kiln_tensor *t) {
  int64_t nbytes;
  if (!t || checkShape("tensor", t->dtype, t->rank, t->shape, &nbytes))
    return -1;
  return nbytes;
}

extern "C" kiln_status kiln_tensor_alloc(kiln_tensor *t, int32_t dtype,
                                         int32_t rank, const int64_t *shape) {
  if (!t)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "tensor_alloc: NULL tensor");
  std::memset(t, 0, sizeof(*t));
  int64_t nbytes;
  if (kiln_status s = checkShape("tensor_alloc", dtype, rank, shape, &nbytes))
    return s;
  // Never a zero-size request: an empty tensor still gets a non-NULL data
  // pointer so "data == NULL" reliably means "nothing allocated".
  size_t rounded = ((size_t)nbytes + KILN_DEFAULT_ALIGNMENT - 1) /
                   KILN_DEFAULT_ALIGNMENT * KILN_DEFAULT_ALIGNMENT;
  if (rounded == 0)
    rounded = KILN_DEFAULT_ALIGNMENT;
  void *data = std::aligned_alloc(KILN_DEFAULT_ALIGNMENT, rounded);
  if (!data)
    return fail(KILN_ERROR_OUT_OF_MEMORY,
                "tensor_alloc: cannot allocate %lld bytes", (long long)nbytes);
  std::memset(data, 0, rounded);
  t->dtype = dtype;
  t->rank = rank;
  for (int32_t i = 0; i < rank; ++i)
    t->shape[i] = shape[i];
  t->data = data;
  return KILN_OK;
}

extern "C" void kiln_tensor_free(kiln_tensor *t) {
  if (!t)
    return;
  std::free(t->data);
  std::memset(t, 0, sizeof(*t));
}
