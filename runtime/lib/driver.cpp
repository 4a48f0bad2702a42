//===- driver.cpp - calling compiled entry points -------------------------===//

#include "kiln/driver.h"
#include "kiln/train.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" {

const kiln_entry_info *kiln_find_entry(const kiln_module_info *module,
                                       const char *name) {
  if (!module || module->num_entries == 0)
    return nullptr;
  if (!name)
    return &module->entries[0];
  for (int32_t i = 0; i < module->num_entries; ++i)
    if (std::strcmp(module->entries[i].name, name) == 0)
      return &module->entries[i];
  return nullptr;
}

static std::string shapeText(int32_t dtype, int32_t rank,
                             const int64_t *shape) {
  std::string s = std::string(kiln_dtype_name(dtype)) + "[";
  for (int32_t i = 0; i < rank; ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

kiln_status kiln_check_arg(const kiln_entry_info *entry, int32_t arg,
                           const kiln_tensor *t) {
  const kiln_arg_info &info = entry->args[arg];
  bool same = t->dtype == info.dtype && t->rank == info.rank;
  for (int32_t i = 0; same && i < info.rank; ++i)
    same = t->shape[i] == info.shape[i];
  if (same)
    return KILN_OK;
  kiln_set_error("%s: argument %d ('%s') expects %s but got %s", entry->name,
                 arg, info.name,
                 shapeText(info.dtype, info.rank, info.shape).c_str(),
                 shapeText(t->dtype, t->rank, t->shape).c_str());
  return KILN_ERROR_INVALID_ARGUMENT;
}

kiln_status kiln_run_entry(const kiln_entry_info *entry,
                           const kiln_tensor *inputs, kiln_tensor *outputs) {
  for (int32_t i = 0; i < entry->num_inputs; ++i)
    if (kiln_status s = kiln_check_arg(entry, i, &inputs[i]))
      return s;
  std::vector<void *> args;
  for (int32_t i = 0; i < entry->num_inputs; ++i)
    args.push_back(inputs[i].data);
  for (int32_t i = 0; i < entry->num_outputs; ++i) {
    const kiln_arg_info &info = entry->args[entry->num_inputs + i];
    if (kiln_status s =
            kiln_tensor_alloc(&outputs[i], info.dtype, info.rank, info.shape)) {
      for (int32_t j = 0; j < i; ++j)
        kiln_tensor_free(&outputs[j]);
      return s;
    }
    args.push_back(outputs[i].data);
  }
  kiln_arena *arena = nullptr;
  if (entry->arena_size > 0) {
    arena = kiln_arena_create(static_cast<size_t>(entry->arena_size), 64);
    if (!arena) {
      for (int32_t i = 0; i < entry->num_outputs; ++i)
        kiln_tensor_free(&outputs[i]);
      return KILN_ERROR_OUT_OF_MEMORY;
    }
  }
  args.push_back(arena ? kiln_arena_base(arena) : nullptr);
  entry->packed(args.data());
  kiln_arena_destroy(arena);
  return KILN_OK;
}

static bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

static void usage(const char *prog) {
  std::fprintf(stderr,
               "usage: %s [--entry NAME] [--output-dir DIR] "
               "[--output-format npy|pb] [--info] INPUT...\n"
               "       %s train|eval ... (a model compiled with --train; "
               "%s train --help)\n"
               "Runs a kiln-compiled entry point on .npy or .pb inputs and "
               "writes DIR/output_<i>.npy (or .pb).\n",
               prog, prog, prog);
}

static void printInfo(const kiln_module_info *module) {
  for (int32_t e = 0; e < module->num_entries; ++e) {
    const kiln_entry_info &entry = module->entries[e];
    std::printf("%s (arena %lld bytes)\n", entry.name,
                static_cast<long long>(entry.arena_size));
    for (int32_t i = 0; i < entry.num_inputs + entry.num_outputs; ++i) {
      const kiln_arg_info &a = entry.args[i];
      std::printf("  %s %s: %s\n", i < entry.num_inputs ? "input " : "output",
                  a.name, shapeText(a.dtype, a.rank, a.shape).c_str());
    }
  }
}

int kiln_driver_main(int argc, char **argv, const kiln_module_info *module) {
  if (argc > 1 &&
      (std::strcmp(argv[1], "train") == 0 || std::strcmp(argv[1], "eval") == 0))
    return kiln_train_main(argc, argv, module);
  const char *entryName = nullptr;
  std::string outDir = ".", format = "npy";
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", flag);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage(argv[0]);
      return 0;
    } else if (a == "--info") {
      printInfo(module);
      return 0;
    } else if (a == "--entry") {
      if (!(entryName = value("--entry")))
        return 2;
    } else if (a == "--output-dir") {
      const char *v = value("--output-dir");
      if (!v)
        return 2;
      outDir = v;
    } else if (a == "--output-format") {
      const char *v = value("--output-format");
      if (!v)
        return 2;
      format = v;
      if (format != "npy" && format != "pb") {
        std::fprintf(stderr, "error: unknown output format '%s'\n", v);
        return 2;
      }
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "error: unknown option '%s'\n", a.c_str());
      usage(argv[0]);
      return 2;
    } else {
      inputs.push_back(a);
    }
  }
  const kiln_entry_info *entry = kiln_find_entry(module, entryName);
  if (!entry) {
    std::fprintf(stderr, "error: no entry point '%s'\n",
                 entryName ? entryName : "(first)");
    return 2;
  }
  if (static_cast<int32_t>(inputs.size()) != entry->num_inputs) {
    std::fprintf(stderr, "error: %s takes %d inputs, %zu given\n", entry->name,
                 entry->num_inputs, inputs.size());
    return 2;
  }
  std::vector<kiln_tensor> in(inputs.size()), out(entry->num_outputs);
  int rc = 0;
  bool ran = false;
  for (size_t i = 0; i < inputs.size() && rc == 0; ++i) {
    kiln_status s =
        endsWith(inputs[i], ".npy")
            ? kiln_npy_read(inputs[i].c_str(), &in[i])
            : kiln_tensorproto_read(inputs[i].c_str(), &in[i], nullptr, 0);
    if (s != KILN_OK) {
      std::fprintf(stderr, "error: %s\n", kiln_last_error());
      rc = 1;
    }
  }
  if (rc == 0) {
    ran = kiln_run_entry(entry, in.data(), out.data()) == KILN_OK;
    if (!ran) {
      std::fprintf(stderr, "error: %s\n", kiln_last_error());
      rc = 1;
    }
  }
  for (int32_t i = 0; rc == 0 && i < entry->num_outputs; ++i) {
    std::string path = outDir + "/output_" + std::to_string(i) + "." + format;
    const char *name = entry->args[entry->num_inputs + i].name;
    kiln_status s = format == "npy"
                        ? kiln_npy_write(path.c_str(), &out[i])
                        : kiln_tensorproto_write(path.c_str(), &out[i], name);
    if (s != KILN_OK) {
      std::fprintf(stderr, "error: %s\n", kiln_last_error());
      rc = 1;
    }
  }
  for (auto &t : in)
    kiln_tensor_free(&t);
  for (int32_t i = 0; ran && i < entry->num_outputs; ++i)
    kiln_tensor_free(&out[i]);
  return rc;
}

} // extern "C"
