//===- data_csv.cpp - numeric CSV datasets --------------------------------===//
//
// Numbers are parsed with std::from_chars, which (unlike strtod) ignores the
// C locale, so "1.5" means the same under a German LC_NUMERIC. Quoting is
// not supported: a numeric file does not need it, and a quoted field is
// reported as not a number rather than guessed at.
//
//===----------------------------------------------------------------------===//

#include "dataset_internal.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace kiln::rt;

namespace {

struct Field {
  const char *begin;
  const char *end;
  std::string str() const { return std::string(begin, end); }
};

const char *skipSpace(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t'))
    ++p;
  return p;
}

Field trim(const char *b, const char *e) {
  b = skipSpace(b, e);
  while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
    --e;
  return {b, e};
}

template <typename T> bool parseNumber(Field f, T &value) {
  const char *b = f.begin;
  // from_chars rejects a leading '+', which spreadsheets sometimes write.
  if (b < f.end && *b == '+' && b + 1 < f.end && b[1] != '-')
    ++b;
  if (b == f.end)
    return false;
  auto [ptr, ec] = std::from_chars(b, f.end, value);
  return ec == std::errc() && ptr == f.end;
}

kiln_status readCsv(const char *path, const kiln_csv_options &opts,
                    kiln_dataset *out) {
  std::vector<uint8_t> bytes;
  if (kiln_status s = readFile("csv", path, bytes))
    return s;
  const char delim = opts.delimiter ? opts.delimiter : ',';
  const char *p = reinterpret_cast<const char *>(bytes.data());
  const char *end = p + bytes.size();
  if (end - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    p += 3; // UTF-8 byte order mark, as spreadsheets write it

  std::vector<float> features;
  std::vector<int64_t> labels;
  std::vector<Field> fields;
  int64_t columns = -1, columnsLine = 0, labelColumn = 0;
  bool headerPending = opts.has_header != 0;
  for (int64_t line = 1; p < end; ++line) {
    const char *eol = static_cast<const char *>(std::memchr(p, '\n', end - p));
    if (!eol)
      eol = end;
    const char *lineEnd = eol;
    if (lineEnd > p && lineEnd[-1] == '\r')
      --lineEnd;
    const char *lineBegin = p;
    p = eol < end ? eol + 1 : end;
    if (skipSpace(lineBegin, lineEnd) == lineEnd)
      continue; // blank line

    fields.clear();
    for (const char *f = lineBegin;;) {
      const char *d =
          static_cast<const char *>(std::memchr(f, delim, lineEnd - f));
      fields.push_back(trim(f, d ? d : lineEnd));
      if (!d)
        break;
      f = d + 1;
    }
    int64_t n = (int64_t)fields.size();
    if (columns < 0) {
      columns = n;
      columnsLine = line;
      if (columns < 2)
        return fail(KILN_ERROR_FORMAT,
                    "csv: '%s': line %lld has %lld field; a label and at "
                    "least one feature are needed",
                    path, (long long)line, (long long)n);
      labelColumn = opts.label_column < 0 ? columns + opts.label_column
                                          : opts.label_column;
      if (labelColumn < 0 || labelColumn >= columns)
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    "csv: '%s': label column %d does not exist (line %lld has "
                    "%lld columns)",
                    path, (int)opts.label_column, (long long)line,
                    (long long)columns);
    } else if (n != columns) {
      return fail(KILN_ERROR_FORMAT,
                  "csv: '%s': line %lld has %lld fields, expected %lld (as on "
                  "line %lld)",
                  path, (long long)line, (long long)n, (long long)columns,
                  (long long)columnsLine);
    }
    if (headerPending) {
      headerPending = false;
      continue;
    }
    for (int64_t c = 0; c < n; ++c) {
      if (c == labelColumn) {
        int64_t label;
        if (!parseNumber(fields[c], label))
          return fail(KILN_ERROR_FORMAT,
                      "csv: '%s': line %lld, column %lld: label '%s' is not "
                      "an integer",
                      path, (long long)line, (long long)c + 1,
                      fields[c].str().c_str());
        labels.push_back(label);
        continue;
      }
      double v;
      if (!parseNumber(fields[c], v) || !std::isfinite(v))
        return fail(KILN_ERROR_FORMAT,
                    "csv: '%s': line %lld, column %lld: '%s' is not a finite "
                    "number",
                    path, (long long)line, (long long)c + 1,
                    fields[c].str().c_str());
      features.push_back((float)v);
    }
  }
  if (columns < 0)
    return fail(KILN_ERROR_FORMAT, "csv: '%s': no rows", path);
  int64_t rows = (int64_t)labels.size();
  const int64_t featureCount = columns - 1;
  if (kiln_status s = allocDataset("csv", out, rows, 1, &featureCount))
    return s;
  if (!features.empty())
    std::memcpy(out->features.data, features.data(),
                features.size() * sizeof(float));
  if (!labels.empty())
    std::memcpy(out->labels.data, labels.data(),
                labels.size() * sizeof(int64_t));
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_dataset_read_csv(const char *path,
                                             const kiln_csv_options *opts,
                                             kiln_dataset *out) {
  if (!out)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "csv: NULL output");
  std::memset(out, 0, sizeof(*out));
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "csv: NULL path");
  kiln_csv_options defaults = {0, -1, ','};
  const kiln_csv_options &o = opts ? *opts : defaults;
  // Space is trimmed from fields, and the others can be part of a number.
  if (o.delimiter && std::strchr("\r\n +-.0123456789eE", o.delimiter))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "csv: '%s': delimiter '%c' cannot separate numbers", path,
                o.delimiter);
  kiln_status s = guardAlloc("csv", [&] { return readCsv(path, o, out); });
  if (s != KILN_OK)
    kiln_dataset_free(out);
  return s;
}
