/*===- kiln/driver.h - what a compiled module describes about itself -----===*
 *
 * kiln-compile puts a `kiln_module_info` named `kiln_module_table` into every
 * object it emits:
 * each entry point's name, a packed wrapper taking an array of pointers, its
 * arena size, and the name, dtype and shape of each input and output. Drivers
 * (the executable's main, kiln-run, the model API) call entry points
 * through it without knowing their C signatures.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_DRIVER_H
#define KILN_DRIVER_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_arg_info {
  const char *name;
  int32_t dtype; /* a kiln_dtype */
  int32_t rank;
  const int64_t *shape;
} kiln_arg_info;

typedef struct kiln_entry_info {
  const char *name;
  /* args[0..num_inputs) are inputs, then num_outputs outputs, then the
   * arena. */
  void (*packed)(void **args);
  int64_t arena_size;
  int32_t num_inputs;
  int32_t num_outputs;
  const kiln_arg_info *args; /* inputs then outputs */
  /* `key=value` lines (never NULL): a training step's layout (optimizer,
   * loss, lr, num_params, state_slots, step_arg) and init.<argument>=<kind>
   * for parameters that chose an initializer. */
  const char *attributes;
} kiln_entry_info;

typedef struct kiln_module_info {
  int32_t version; /* 2 (1 had no kiln_entry_info::attributes) */
  int32_t num_entries;
  const kiln_entry_info *entries;
} kiln_module_info;

/* Finds an entry point by name (NULL name: the first); NULL if absent. */
const kiln_entry_info *kiln_find_entry(const kiln_module_info *module,
                                       const char *name);

/* Checks that `t` has the dtype and shape entry argument `arg` expects;
 * the error names the argument and both shapes. */
kiln_status kiln_check_arg(const kiln_entry_info *entry, int32_t arg,
                           const kiln_tensor *t);

/* Runs an entry point on `inputs` (checked against its signature), filling
 * `outputs` (allocated here; free with kiln_tensor_free). The arena is
 * allocated for this call. */
kiln_status kiln_run_entry(const kiln_entry_info *entry,
                           const kiln_tensor *inputs, kiln_tensor *outputs);

/* The main of a compiled executable:
 *   NAME [--entry E] [--output-dir DIR] [--output-format npy|pb] [--info]
 *        INPUT...
 * Inputs are .npy or ONNX TensorProto (.pb) files, in the entry point's
 * argument order; outputs are written as DIR/output_<i>.npy (or .pb). */
int kiln_driver_main(int argc, char **argv, const kiln_module_info *module);

#ifdef __cplusplus
}
#endif

#endif /* KILN_DRIVER_H */
