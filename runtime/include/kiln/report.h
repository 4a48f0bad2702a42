/*===- kiln/report.h - training progress, per-epoch CSV, SVG curves -------===*
 *
 * What a person watching a training run sees: a progress bar on a terminal
 * (plain lines in a log file or pipe), a CSV with one row per epoch, and the
 * loss and accuracy curves as an SVG image any browser opens.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_REPORT_H
#define KILN_REPORT_H

#include "kiln/runtime.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One epoch's results. A value that was not measured (no validation set)
 * is NaN: the CSV leaves it empty and the plot leaves it out. */
typedef struct kiln_epoch_record {
  int64_t epoch; /* 1-based */
  double train_loss;
  double train_accuracy; /* 0..1 */
  double val_loss;
  double val_accuracy;
  double seconds;            /* wall time of the epoch */
  double samples_per_second; /* training samples / seconds */
} kiln_epoch_record;

/*===-- Progress ----------------------------------------------------------===*/

typedef enum kiln_progress_style {
  KILN_PROGRESS_AUTO = 0, /* BAR if out is a terminal, else LINES */
  KILN_PROGRESS_BAR = 1,  /* one line redrawn with '\r', at most 10 times a
                             second and on the last batch */
  KILN_PROGRESS_LINES = 2 /* a plain line at every tenth of an epoch */
} kiln_progress_style;

typedef struct kiln_progress_options {
  int64_t epochs;            /* >= 1 */
  int64_t batches_per_epoch; /* >= 1 */
  int64_t batch_size;        /* >= 1, for samples/s */
  int32_t style;             /* a kiln_progress_style */
  /* Seconds on a monotonic clock; NULL means the system's. Tests pass a
   * fake one to get exact rates and ETAs. */
  double (*clock)(void *ctx);
  void *clock_ctx;
} kiln_progress_options;

typedef struct kiln_progress kiln_progress;

/* out is not closed by kiln_progress_destroy. */
kiln_progress *kiln_progress_create(FILE *out,
                                    const kiln_progress_options *opts);
void kiln_progress_destroy(kiln_progress *p); /* NULL is a no-op */
/* Starts timing epoch (1-based). */
kiln_status kiln_progress_begin_epoch(kiln_progress *p, int64_t epoch);
/* After batch `batch` (1-based) of the current epoch, with the running
 * training loss and accuracy (NaN accuracy: not shown). Shows epoch,
 * batch, loss, accuracy, samples/s since the epoch began and the epoch's
 * ETA. */
kiln_status kiln_progress_update(kiln_progress *p, int64_t batch, double loss,
                                 double accuracy);
/* Ends the epoch's line with a summary of r (validation values included
 * when not NaN). */
kiln_status kiln_progress_end_epoch(kiln_progress *p,
                                    const kiln_epoch_record *r);

/*===-- Files -------------------------------------------------------------===*/

/* Appends r to a CSV file with the columns
 * epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,
 * samples_per_second, writing that header first if the file is new or
 * empty. A file with another header is an error (not appended to). */
kiln_status kiln_epoch_csv_append(const char *path, const kiln_epoch_record *r);

/* Reads a file written by kiln_epoch_csv_append (e.g. to redraw the curves
 * of a resumed run). *count receives the number of rows; records (NULL to
 * only count) receives them if capacity suffices, else it is an error.
 * Errors name the file, line and column. */
kiln_status kiln_epoch_csv_read(const char *path, kiln_epoch_record *records,
                                int64_t capacity, int64_t *count);

/* Writes (atomically) an SVG with two panels, loss and accuracy against
 * epoch, each with the training curve (solid) and the validation curve
 * (dashed) where measured, axes with ticks and labels, and a legend. title
 * may be NULL. */
kiln_status kiln_plot_curves_svg(const char *path,
                                 const kiln_epoch_record *records, int64_t n,
                                 const char *title);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_REPORT_H */
