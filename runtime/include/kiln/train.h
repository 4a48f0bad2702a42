/*===- kiln/train.h - checkpoints and the training driver ----------------===*
 *
 * A module compiled with `kiln-compile --train` has @train_step and
 * @eval_step (see passes/Passes.td, kiln-build-train-step). Its executable's
 * `train` and `eval` commands are kiln_train_main: they initialize the
 * parameters, read MNIST-style IDX data, run the steps over shuffled
 * batches, and save and resume checkpoints.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_TRAIN_H
#define KILN_TRAIN_H

#include "kiln/data.h"
#include "kiln/driver.h"
#include "kiln/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===-- Checkpoints -------------------------------------------------------===*/

/* Named tensors (parameters, optimizer state) and where training stands.
 *
 * File format (little-endian): "KILNCKPT", u32 version (1), u32 count,
 * i64 epoch, i64 step, u64 seed; then per tensor u32 name length, the name,
 * i32 dtype, i32 rank, i64 dims[rank], the data (C order); then a u64
 * FNV-1a hash of every byte before it. Saving writes a temporary file in
 * the same folder, syncs it and renames it over the old one, so a crash
 * mid-save leaves the previous checkpoint whole. */
typedef struct kiln_checkpoint {
  int64_t epoch; /* epochs completed */
  int64_t step;  /* optimizer steps taken */
  uint64_t seed; /* the seed of initialization and shuffling */
  int32_t count;
  char **names;
  kiln_tensor *tensors;
} kiln_checkpoint;

kiln_status kiln_checkpoint_save(const char *path, const kiln_checkpoint *c);
/* Fills *c (free with kiln_checkpoint_free); a truncated or corrupt file is
 * KILN_ERROR_FORMAT with the byte offset in the message. */
kiln_status kiln_checkpoint_load(const char *path, kiln_checkpoint *c);
void kiln_checkpoint_free(kiln_checkpoint *c);
/* The tensor named `name`, or NULL. */
const kiln_tensor *kiln_checkpoint_find(const kiln_checkpoint *c,
                                        const char *name);

/*===-- Trainer ---------------------------------------------------------===*/

/* Trains and evaluates the model of a module compiled with --train, through
 * its @train_step and @eval_step: it owns the parameters and optimizer
 * state, initializes them (each parameter's kiln.init, else Glorot uniform
 * for rank >= 2 and zeros below, seeded), and runs the steps over batches.
 * Datasets (kiln/data.h) must already be preprocessed (e.g. scaled); a
 * sample's element count must equal the model input's, labels must be
 * class indices below the model's class count. Used by the executables'
 * train command and by the C++ model API. */
typedef struct kiln_trainer kiln_trainer;

kiln_status kiln_trainer_create(const kiln_module_info *module, uint64_t seed,
                                kiln_trainer **out);
void kiln_trainer_destroy(kiln_trainer *t); /* NULL is a no-op */

int64_t kiln_trainer_batch_size(const kiln_trainer *t);
int64_t kiln_trainer_num_classes(const kiln_trainer *t);
int64_t kiln_trainer_epoch(const kiln_trainer *t); /* epochs completed */
int64_t kiln_trainer_step(const kiln_trainer *t);  /* steps taken */
uint64_t kiln_trainer_seed(const kiln_trainer *t);

/* Parameters ("param:NAME"), optimizer state ("state:NAME.SLOT") and
 * buffers ("buffer:NAME", model state that train_step updates without a
 * gradient, e.g. BatchNorm's running statistics; eval_step reads them), in
 * train_step's order; the tensors belong to the trainer, and checkpoints
 * hold them all. */
int32_t kiln_trainer_num_tensors(const kiln_trainer *t);
const char *kiln_trainer_tensor_name(const kiln_trainer *t, int32_t i);
kiln_tensor *kiln_trainer_tensor(kiln_trainer *t, int32_t i);

/* Checks that `ds` fits the model; the error names `what` (e.g. a file). */
kiln_status kiln_trainer_check_dataset(const kiln_trainer *t,
                                       const kiln_dataset *ds,
                                       const char *what);

/* One epoch over `train` in an order that depends only on the seed and the
 * epoch (a resumed run sees the batches an uninterrupted one would); a last
 * partial batch is dropped. `progress` (may be NULL) gets begin_epoch and a
 * per-batch update; the caller ends the epoch. *r gets the epoch (1-based),
 * the mean training loss, seconds and samples/s; the rest is NaN. A loss
 * that is not finite is an error (the step diverged). */
kiln_status kiln_trainer_train_epoch(kiln_trainer *t, const kiln_dataset *train,
                                     kiln_progress *progress,
                                     kiln_epoch_record *r);

/* The mean per-sample loss and the accuracy over all of `ds` (the last batch
 * padded, the padding left out); predictions (may be NULL) receives the
 * predicted class of each of its samples. */
kiln_status kiln_trainer_evaluate(kiln_trainer *t, const kiln_dataset *ds,
                                  double *loss, double *accuracy,
                                  int64_t *predictions);

/* Checkpoints of the tensors, epoch, step and seed. Loading checks that
 * every tensor of this model is in the file with the same dtype and shape
 * (the error says which is missing or different). */
kiln_status kiln_trainer_save(const kiln_trainer *t, const char *path);
kiln_status kiln_trainer_load(kiln_trainer *t, const char *path);

/*===-- Training driver ---------------------------------------------------===*/

/* `argv[0]` is the program NAME, `argv[1]` the command:
 *   NAME train --data DIR [--epochs N] [--checkpoint FILE] [--restart]
 *              [--seed S] [--threads N] [--limit N] [--log-dir DIR]
 *   NAME eval  --data DIR [--checkpoint FILE] [--limit N]
 *              [--predictions FILE.npy]
 * DIR holds train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz);
 * pixels are scaled to [0, 1]. The checkpoint is NAME.ckpt in the current
 * folder unless --checkpoint says otherwise; train resumes from it when it
 * exists (--restart starts afresh and overwrites it) and saves it after
 * every epoch. --log-dir writes metrics.csv (a row per epoch) and
 * curves.svg there; --predictions writes the predicted class of each test
 * sample (int64 [N]). Returns the process exit code. */
int kiln_train_main(int argc, char **argv, const kiln_module_info *module);

#ifdef __cplusplus
}
#endif

#endif /* KILN_TRAIN_H */
