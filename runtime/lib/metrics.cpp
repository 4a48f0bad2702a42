//===- metrics.cpp - accuracy, cross-entropy, confusion matrix, P/R/F1 ----===//

#include "kiln/metrics.h"

#include "internal.h"

#include <cmath>
#include <cstring>

using namespace kiln::rt;

namespace {

kiln_status checkCommon(const char *what, int64_t n, int64_t numClasses,
                        std::initializer_list<const void *> arrays) {
  if (n < 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: n = %lld < 0", what,
                (long long)n);
  if (numClasses < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: %lld classes", what,
                (long long)numClasses);
  for (const void *a : arrays)
    if (!a && n > 0)
      return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL array", what);
  return KILN_OK;
}

kiln_status checkLabels(const char *what, const char *name, const int64_t *l,
                        int64_t n, int64_t numClasses) {
  for (int64_t i = 0; i < n; ++i)
    if (l[i] < 0 || l[i] >= numClasses)
      return fail(KILN_ERROR_INVALID_ARGUMENT,
                  "%s: %s[%lld] = %lld outside [0, %lld)", what, name,
                  (long long)i, (long long)l[i], (long long)numClasses);
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_argmax_rows(const float *logits, int64_t n,
                                        int64_t numClasses, int64_t *pred) {
  const char *what = "argmax_rows";
  if (kiln_status s = checkCommon(what, n, numClasses, {logits, pred}))
    return s;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = logits + i * numClasses;
    int64_t best = 0;
    for (int64_t k = 0; k < numClasses; ++k) {
      if (std::isnan(row[k]))
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    "%s: logits[%lld][%lld] is NaN (diverged training?)", what,
                    (long long)i, (long long)k);
      if (row[k] > row[best])
        best = k;
    }
    pred[i] = best;
  }
  return KILN_OK;
}

extern "C" kiln_status kiln_accuracy(const int64_t *truth, const int64_t *pred,
                                     int64_t n, double *accuracy) {
  const char *what = "accuracy";
  if (!accuracy)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  if (kiln_status s = checkCommon(what, n, 1, {truth, pred}))
    return s;
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i)
    right += truth[i] == pred[i];
  *accuracy = n > 0 ? (double)right / (double)n : 0.0;
  return KILN_OK;
}

extern "C" kiln_status kiln_accuracy_from_logits(const int64_t *truth,
                                                 const float *logits, int64_t n,
                                                 int64_t numClasses,
                                                 double *accuracy) {
  const char *what = "accuracy_from_logits";
  if (!accuracy)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  if (kiln_status s = checkCommon(what, n, numClasses, {truth, logits}))
    return s;
  // Row by row, so no [n] buffer of predictions is needed.
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t p;
    if (kiln_status s =
            kiln_argmax_rows(logits + i * numClasses, 1, numClasses, &p))
      return s;
    right += p == truth[i];
  }
  *accuracy = n > 0 ? (double)right / (double)n : 0.0;
  return KILN_OK;
}

extern "C" kiln_status kiln_cross_entropy(const int64_t *truth,
                                          const float *logits, int64_t n,
                                          int64_t numClasses, double *loss) {
  const char *what = "cross_entropy";
  if (!loss)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  if (kiln_status s = checkCommon(what, n, numClasses, {truth, logits}))
    return s;
  if (kiln_status s = checkLabels(what, "truth", truth, n, numClasses))
    return s;
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = logits + i * numClasses;
    double max = row[0];
    for (int64_t k = 1; k < numClasses; ++k)
      max = row[k] > max ? row[k] : max;
    double sum = 0;
    for (int64_t k = 0; k < numClasses; ++k)
      sum += std::exp((double)row[k] - max);
    total += std::log(sum) + max - (double)row[truth[i]];
  }
  *loss = n > 0 ? total / (double)n : 0.0;
  return KILN_OK;
}

extern "C" kiln_status kiln_confusion_matrix(const int64_t *truth,
                                             const int64_t *pred, int64_t n,
                                             int64_t numClasses,
                                             int64_t *counts) {
  const char *what = "confusion_matrix";
  if (!counts)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: NULL output", what);
  if (kiln_status s = checkCommon(what, n, numClasses, {truth, pred}))
    return s;
  if (kiln_status s = checkLabels(what, "truth", truth, n, numClasses))
    return s;
  if (kiln_status s = checkLabels(what, "pred", pred, n, numClasses))
    return s;
  std::memset(counts, 0, sizeof(int64_t) * numClasses * numClasses);
  for (int64_t i = 0; i < n; ++i)
    counts[truth[i] * numClasses + pred[i]]++;
  return KILN_OK;
}

extern "C" kiln_status
kiln_classification_metrics(const int64_t *counts, int64_t numClasses,
                            kiln_class_metrics *perClass,
                            kiln_classification_report *report) {
  const char *what = "classification_metrics";
  if (!counts || !report || numClasses < 1)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: bad arguments", what);
  std::memset(report, 0, sizeof(*report));
  int64_t total = 0, correct = 0, present = 0;
  double sumP = 0, sumR = 0, sumF = 0;
  for (int64_t c = 0; c < numClasses; ++c) {
    int64_t tp = counts[c * numClasses + c], rowSum = 0, colSum = 0;
    for (int64_t k = 0; k < numClasses; ++k) {
      if (counts[c * numClasses + k] < 0)
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    "%s: counts[%lld][%lld] is negative", what, (long long)c,
                    (long long)k);
      rowSum += counts[c * numClasses + k]; // true class c
      colSum += counts[k * numClasses + c]; // predicted as c
    }
    kiln_class_metrics m;
    m.precision = colSum > 0 ? (double)tp / (double)colSum : 0.0;
    m.recall = rowSum > 0 ? (double)tp / (double)rowSum : 0.0;
    m.f1 = m.precision + m.recall > 0
               ? 2 * m.precision * m.recall / (m.precision + m.recall)
               : 0.0;
    m.support = rowSum;
    if (perClass)
      perClass[c] = m;
    total += rowSum;
    correct += tp;
    if (rowSum > 0 || colSum > 0) {
      ++present;
      sumP += m.precision;
      sumR += m.recall;
      sumF += m.f1;
    }
  }
  report->total = total;
  report->accuracy = total > 0 ? (double)correct / (double)total : 0.0;
  if (present > 0) {
    report->macro.precision = sumP / (double)present;
    report->macro.recall = sumR / (double)present;
    report->macro.f1 = sumF / (double)present;
  }
  report->macro.support = total;
  return KILN_OK;
}
