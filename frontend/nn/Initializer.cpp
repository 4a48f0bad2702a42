//===- Initializer.cpp - how a parameter starts
//----------------------------===//

#include "frontend/nn/Initializer.h"
#include "frontend/nn/Error.h"

namespace kiln::nn {

namespace {
const char *const kKinds[] = {"zeros",         "ones",       "glorot_uniform",
                              "glorot_normal", "he_uniform", "he_normal"};
} // namespace

Initializer::Initializer(const std::string &name) : kind(name) {
  for (const char *k : kKinds)
    if (name == k)
      return;
  throw Error("unknown initializer '" + name +
              "' (expected zeros, ones, glorot_uniform, glorot_normal, "
              "he_uniform or he_normal)");
}

Initializer::Initializer(const char *name) : Initializer(std::string(name)) {}

static Initializer make(const char *kind, std::optional<uint64_t> seed) {
  Initializer init(kind);
  init.seed = seed;
  return init;
}

Initializer Initializer::zeros() { return make("zeros", {}); }
Initializer Initializer::ones() { return make("ones", {}); }
Initializer Initializer::glorotUniform(std::optional<uint64_t> seed) {
  return make("glorot_uniform", seed);
}
Initializer Initializer::glorotNormal(std::optional<uint64_t> seed) {
  return make("glorot_normal", seed);
}
Initializer Initializer::heUniform(std::optional<uint64_t> seed) {
  return make("he_uniform", seed);
}
Initializer Initializer::heNormal(std::optional<uint64_t> seed) {
  return make("he_normal", seed);
}

} // namespace kiln::nn
