/* CHeader.c - compiles runtime.h as strict C99 and uses it from C. */

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
  return 0;
}
