//===- Dataset.h - owned datasets for fit, evaluate and predict -*- C++ -*-===//
//
// A C++ owner of the runtime's kiln_dataset (float features [N, ...], int64
// labels [N]) with the readers and splits a training program needs.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_DATASET_H
#define KILN_FRONTEND_NN_DATASET_H

#include "frontend/nn/Error.h"

#include "kiln/data.h"

#include <string>
#include <utility>
#include <vector>

namespace kiln::nn {

class Dataset {
public:
  Dataset() = default;
  Dataset(Dataset &&other) noexcept;
  Dataset &operator=(Dataset &&other) noexcept;
  Dataset(const Dataset &) = delete;
  Dataset &operator=(const Dataset &) = delete;
  ~Dataset();

  /// `features` holds N samples of `sampleShape`, N = labels.size().
  static Dataset fromVectors(const std::vector<float> &features,
                             const Shape &sampleShape,
                             const std::vector<int64_t> &labels);
  /// An IDX image and label file pair (optionally gzipped), values as
  /// stored.
  static Dataset readIdx(const std::string &images, const std::string &labels);
  /// MNIST or Fashion-MNIST in `dir` (train-images-idx3-ubyte, ...; .gz
  /// too): `split` "train" or "test", the first `limit` samples (0: all),
  /// pixels scaled to [0, 1], samples [28, 28].
  static Dataset mnist(const std::string &dir, const std::string &split,
                       int64_t limit = 0);

  int64_t size() const;
  Shape sampleShape() const;
  /// Changes the per-sample shape; the element count must stay the same.
  void reshape(const Shape &sampleShape);
  /// The first n samples (all if n <= 0 or n >= size()).
  Dataset take(int64_t n) const;
  /// (train, validation): shuffled by seed, then round(N * fraction)
  /// samples for validation.
  std::pair<Dataset, Dataset> split(double validationFraction,
                                    uint64_t seed = 0) const;

  const float *features() const;
  const int64_t *labels() const;
  const kiln_dataset *get() const { return &ds; }

private:
  kiln_dataset ds = {};
};

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_DATASET_H
