//===- error.cpp - thread-local error messages ----------------------------===//

#include "internal.h"

#include <cstdarg>
#include <cstdio>

namespace {
// Fixed-size so that reporting an error never allocates (it may be reporting
// an allocation failure).
thread_local char lastError[1024];
} // namespace

static void setErrorV(const char *fmt, va_list args) {
  if (!fmt) {
    lastError[0] = '\0';
    return;
  }
  std::vsnprintf(lastError, sizeof(lastError), fmt, args);
}

extern "C" void kiln_set_error(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  setErrorV(fmt, args);
  va_end(args);
}

extern "C" const char *kiln_last_error(void) { return lastError; }

extern "C" void kiln_clear_error(void) { lastError[0] = '\0'; }

extern "C" const char *kiln_status_name(kiln_status status) {
  switch (status) {
  case KILN_OK:
    return "KILN_OK";
  case KILN_ERROR:
    return "KILN_ERROR";
  case KILN_ERROR_INVALID_ARGUMENT:
    return "KILN_ERROR_INVALID_ARGUMENT";
  case KILN_ERROR_IO:
    return "KILN_ERROR_IO";
  case KILN_ERROR_FORMAT:
    return "KILN_ERROR_FORMAT";
  case KILN_ERROR_UNSUPPORTED:
    return "KILN_ERROR_UNSUPPORTED";
  case KILN_ERROR_OUT_OF_MEMORY:
    return "KILN_ERROR_OUT_OF_MEMORY";
  }
  return "KILN_ERROR(unknown)";
}

namespace kiln::rt {

kiln_status fail(kiln_status status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  setErrorV(fmt, args);
  va_end(args);
  return status;
}

} // namespace kiln::rt
