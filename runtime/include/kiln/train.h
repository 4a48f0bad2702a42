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

#include "kiln/driver.h"

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

/*===-- Training driver ---------------------------------------------------===*/

/* `argv[0]` is the command, "train" or "eval":
 *   train --data DIR [--epochs N] [--checkpoint FILE] [--seed S]
 *         [--threads N] [--limit N]
 *   eval  --data DIR --checkpoint FILE [--limit N]
 * DIR holds train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz).
 * Returns the process exit code. */
int kiln_train_main(int argc, char **argv, const kiln_module_info *module);

#ifdef __cplusplus
}
#endif

#endif /* KILN_TRAIN_H */
