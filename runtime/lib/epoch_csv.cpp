//===- epoch_csv.cpp - per-epoch metrics appended to a CSV file -----------===//
//
// Appending (rather than rewriting) keeps the rows of earlier epochs even if
// the run dies, and lets a resumed run continue the same file.
//
//===----------------------------------------------------------------------===//

#include "kiln/report.h"

#include "internal.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

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

extern "C" kiln_status kiln_epoch_csv_read(const char *path,
                                           kiln_epoch_record *records,
                                           int64_t capacity, int64_t *count) {
  const char *what = "epoch_csv_read";
  if (!path || !count || capacity < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: bad arguments", what);
  *count = 0;
  try {
    std::vector<uint8_t> bytes;
    if (kiln_status s = readFile(what, path, bytes))
      return s;
    std::string text(bytes.begin(), bytes.end());
    std::vector<kiln_epoch_record> rows;
    size_t pos = 0;
    for (int64_t line = 1; pos < text.size(); ++line) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string::npos)
        eol = text.size();
      std::string l = text.substr(pos, eol - pos);
      pos = eol + 1;
      if (!l.empty() && l.back() == '\r')
        l.pop_back();
      if (line == 1) {
        if (l != kHeader)
          return fail(KILN_ERROR_FORMAT,
                      "%s: '%s': line 1 is not the header '%s'", what, path,
                      kHeader);
        continue;
      }
      if (l.empty())
        continue;
      // Split into the 7 columns; an empty field is NaN (not measured).
      double v[7];
      size_t start = 0;
      for (int c = 0; c < 7; ++c) {
        size_t comma = l.find(',', start);
        bool lastCol = c == 6;
        if ((comma == std::string::npos) != lastCol)
          return fail(KILN_ERROR_FORMAT,
                      "%s: '%s': line %lld does not have 7 fields", what, path,
                      (long long)line);
        std::string f =
            l.substr(start, lastCol ? std::string::npos : comma - start);
        start = comma + 1;
        if (f.empty() && c > 0) {
          v[c] = NAN;
          continue;
        }
        auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v[c]);
        if (ec != std::errc() || ptr != f.data() + f.size())
          return fail(KILN_ERROR_FORMAT,
                      "%s: '%s': line %lld, column %d: '%s' is not a number",
                      what, path, (long long)line, c + 1, f.c_str());
      }
      rows.push_back({(int64_t)v[0], v[1], v[2], v[3], v[4], v[5], v[6]});
    }
    *count = (int64_t)rows.size();
    if (!records)
      return KILN_OK;
    if (*count > capacity)
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: '%s' has %lld rows, room for %lld", what, path,
                  (long long)*count, (long long)capacity);
    for (size_t i = 0; i < rows.size(); ++i)
      records[i] = rows[i];
    return KILN_OK;
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  }
}
