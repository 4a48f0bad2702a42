//===- epoch_csv.cpp - per-epoch metrics appended to a CSV file -----------===//
//
// Appending (rather than rewriting) keeps the rows of earlier epochs even if
// the run dies, and lets a resumed run continue the same file.
//
//===----------------------------------------------------------------------===//

#include "kiln/report.h"

#include "internal.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

using namespace kiln::rt;

namespace {

const char kHeader[] = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,"
                       "seconds,samples_per_second";

// %.9g keeps every float32 digit and reads back with strtod; NaN is left
// empty, as pandas and spreadsheets read a missing value.
std::string field(double v) {
  if (std::isnan(v))
    return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

} // namespace

extern "C" kiln_status kiln_epoch_csv_append(const char *path,
                                             const kiln_epoch_record *r) {
  if (!path || !r)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "epoch_csv_append: NULL argument");
  try {
    // Read only the first line: is the file new, ours, or something else?
    bool needHeader = true;
    if (std::FILE *in = std::fopen(path, "rb")) {
      char first[256] = {};
      bool got = std::fgets(first, sizeof(first), in) != nullptr;
      std::fclose(in);
      if (got) {
        std::string line = first;
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
          line.pop_back();
        if (line != kHeader)
          return fail(KILN_ERROR_FORMAT,
                      "epoch_csv_append: '%s': line 1 is not the expected "
                      "header '%s'; not appending to another file",
                      path, kHeader);
        needHeader = false;
      }
    }
    std::string row;
    if (needHeader)
      row = std::string(kHeader) + "\n";
    row += std::to_string(r->epoch) + "," + field(r->train_loss) + "," +
           field(r->train_accuracy) + "," + field(r->val_loss) + "," +
           field(r->val_accuracy) + "," + field(r->seconds) + "," +
           field(r->samples_per_second) + "\n";
    std::FILE *f = std::fopen(path, "ab");
    if (!f)
      return fail(KILN_ERROR_IO, "epoch_csv_append: cannot open '%s': %s", path,
                  std::strerror(errno));
    bool ok = std::fwrite(row.data(), 1, row.size(), f) == row.size();
    int err = errno;
    if (std::fclose(f) != 0 && ok) {
      ok = false;
      err = errno;
    }
    if (!ok)
      return fail(KILN_ERROR_IO, "epoch_csv_append: cannot write '%s': %s",
                  path, std::strerror(err));
    return KILN_OK;
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "epoch_csv_append: out of memory");
  }
}
