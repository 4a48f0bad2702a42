//===- Initializer.h - how a parameter starts -------------------*- C++ -*-===//
//
// An initializer is the name of one of the runtime's kinds (kiln_init_kind),
// written into the model as the parameter's kiln.init so that the trainer
// and a compiled executable start from the same distribution. A seed, when
// given, fixes this parameter's values independently of the model's seed.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_INITIALIZER_H
#define KILN_FRONTEND_NN_INITIALIZER_H

#include <cstdint>
#include <optional>
#include <string>

namespace kiln::nn {

struct Initializer {
  /// "zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform" or
  /// "he_normal" (the runtime's kiln_init_tensor kinds).
  std::string kind = "glorot_uniform";
  /// Without a seed the values come from the model's seed (compile()).
  std::optional<uint64_t> seed;

  Initializer() = default;
  /// By name; an unknown name throws Error.
  Initializer(const char *name);
  Initializer(const std::string &name);

  static Initializer zeros();
  static Initializer ones();
  static Initializer glorotUniform(std::optional<uint64_t> seed = {});
  static Initializer glorotNormal(std::optional<uint64_t> seed = {});
  static Initializer heUniform(std::optional<uint64_t> seed = {});
  static Initializer heNormal(std::optional<uint64_t> seed = {});
};

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_INITIALIZER_H
