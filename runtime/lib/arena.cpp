//===- arena.cpp - the one preallocated block generated code uses ---------===//

#include "internal.h"

#include <cstdlib>
#include <cstring>
#include <new>

using namespace kiln::rt;

struct kiln_arena {
  void *base;
  size_t size;
};

extern "C" kiln_arena *kiln_arena_create(size_t bytes, size_t alignment) {
  if (alignment == 0)
    alignment = KILN_DEFAULT_ALIGNMENT;
  if ((alignment & (alignment - 1)) != 0) {
    fail(KILN_ERROR_INVALID_ARGUMENT,
         "arena: alignment %zu is not a power of two", alignment);
    return nullptr;
  }
  // aligned_alloc wants a multiple of sizeof(void *) and a size that is a
  // multiple of the alignment; a zero-byte arena still gets a real block so
  // that its base is a usable, distinct pointer.
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  size_t rounded = bytes == 0 ? alignment : bytes;
  if (rounded > SIZE_MAX - (alignment - 1)) {
    fail(KILN_ERROR_OUT_OF_MEMORY, "arena: %zu bytes is too large", bytes);
    return nullptr;
  }
  rounded = (rounded + alignment - 1) / alignment * alignment;
  void *base = std::aligned_alloc(alignment, rounded);
  auto *arena = new (std::nothrow) kiln_arena{base, bytes};
  if (!base || !arena) {
    std::free(base);
    delete arena;
    fail(KILN_ERROR_OUT_OF_MEMORY,
         "arena: cannot allocate %zu bytes aligned to %zu", bytes, alignment);
    return nullptr;
  }
  // Zeroed so that a run's results never depend on leftover heap contents.
  std::memset(base, 0, rounded);
  return arena;
}

extern "C" void kiln_arena_destroy(kiln_arena *arena) {
  if (!arena)
    return;
  std::free(arena->base);
  delete arena;
}

extern "C" void *kiln_arena_base(const kiln_arena *arena) {
  if (!arena) {
    fail(KILN_ERROR_INVALID_ARGUMENT, "arena: NULL arena");
    return nullptr;
  }
  return arena->base;
}

extern "C" size_t kiln_arena_size(const kiln_arena *arena) {
  return arena ? arena->size : 0;
}
