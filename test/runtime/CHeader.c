/* CHeader.c - compiles the runtime headers as strict C99 and uses them from
 * C. */

#include "kiln/data.h"
#include "kiln/metrics.h"
#include "kiln/preprocess.h"
#include "kiln/report.h"
#include "kiln/runtime.h"

int kiln_test_c_header(void) {
  kiln_tensor t;
  int64_t shape[2] = {2, 3};
  kiln_arena *arena;
  if (kiln_tensor_alloc(&t, KILN_FLOAT, 2, shape) != KILN_OK)
    return 1;
  ((float *)t.data)[5] = 1.5f;
  if (kiln_tensor_numel(&t) != 6 || kiln_dtype_size(t.dtype) != 4)
    return 2;
  kiln_tensor_free(&t);
  arena = kiln_arena_create(256, KILN_DEFAULT_ALIGNMENT);
  if (!arena || !kiln_arena_base(arena))
    return 3;
  kiln_arena_destroy(arena);
  kiln_set_error("from C: %d", 42);
  if (kiln_last_error()[0] != 'f')
    return 4;
  {
    int64_t truth[2] = {0, 1}, pred[2] = {0, 0};
    double acc = 0;
    kiln_dataset ds = {0};
    if (kiln_accuracy(truth, pred, 2, &acc) != KILN_OK || acc != 0.5)
      return 5;
    kiln_dataset_free(&ds);
  }
  return 0;
}
