/*===- kiln/metrics.h - classification metrics and loss -------------------===*
 *
 * Labels are int64 class indices in [0, num_classes); logits are float32
 * rows [n, num_classes] (row-major), as a model's last layer produces them.
 * Functions that only check and compute return KILN_OK or
 * KILN_ERROR_INVALID_ARGUMENT with a message naming the bad element.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_METRICS_H
#define KILN_METRICS_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pred[i] = the index of the largest logit in row i (the first one on
 * ties). A NaN logit is an error. */
kiln_status kiln_argmax_rows(const float *logits, int64_t n,
                             int64_t num_classes, int64_t *pred);

/* Fraction of i with pred[i] == truth[i]; 0 for n == 0. */
kiln_status kiln_accuracy(const int64_t *truth, const int64_t *pred, int64_t n,
                          double *accuracy);
kiln_status kiln_accuracy_from_logits(const int64_t *truth, const float *logits,
                                      int64_t n, int64_t num_classes,
                                      double *accuracy);

/* Mean softmax cross-entropy -log(softmax(logits[i])[truth[i]]), computed
 * with the log-sum-exp shift so large logits do not overflow. */
kiln_status kiln_cross_entropy(const int64_t *truth, const float *logits,
                               int64_t n, int64_t num_classes, double *loss);

/* counts[t * num_classes + p] = how many samples of true class t were
 * predicted as p (rows: truth, columns: prediction, as in scikit-learn). */
kiln_status kiln_confusion_matrix(const int64_t *truth, const int64_t *pred,
                                  int64_t n, int64_t num_classes,
                                  int64_t *counts);

typedef struct kiln_class_metrics {
  double precision; /* tp / (tp + fp); 0 if nothing was predicted as it */
  double recall;    /* tp / (tp + fn); 0 if it never occurs */
  double f1;        /* 2 p r / (p + r); 0 if p + r == 0 */
  int64_t support;  /* samples whose true class it is */
} kiln_class_metrics;

typedef struct kiln_classification_report {
  double accuracy;
  /* Unweighted mean over the classes that occur in the truth or the
   * predictions (scikit-learn's "macro" with its default labels), so a
   * class absent from a small evaluation set does not count as 0. */
  kiln_class_metrics macro;
  int64_t total; /* samples */
} kiln_classification_report;

/* From a confusion matrix: per_class (num_classes entries; may be NULL) and
 * the summary. */
kiln_status kiln_classification_metrics(const int64_t *counts,
                                        int64_t num_classes,
                                        kiln_class_metrics *per_class,
                                        kiln_classification_report *report);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_METRICS_H */
