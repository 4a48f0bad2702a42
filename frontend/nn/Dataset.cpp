//===- Dataset.cpp - owned datasets for fit, evaluate and predict
//----------===//

#include "frontend/nn/Dataset.h"

#include "kiln/preprocess.h"

#include <sys/stat.h>

namespace kiln::nn {

Dataset::Dataset(Dataset &&other) noexcept : ds(other.ds) { other.ds = {}; }

Dataset &Dataset::operator=(Dataset &&other) noexcept {
  if (this != &other) {
    kiln_dataset_free(&ds);
    ds = other.ds;
    other.ds = {};
  }
  return *this;
}

Dataset::~Dataset() { kiln_dataset_free(&ds); }

Dataset Dataset::fromVectors(const std::vector<float> &features,
                             const Shape &sampleShape,
                             const std::vector<int64_t> &labels) {
  int64_t n = static_cast<int64_t>(labels.size()), per = 1;
  for (int64_t d : sampleShape)
    per *= d;
  if (static_cast<int64_t>(features.size()) != n * per)
    throw Error("Dataset::fromVectors: " + std::to_string(features.size()) +
                " feature values are not " + std::to_string(n) +
                " samples of " + formatShape(sampleShape));
  Shape shape = {n};
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  kiln_tensor x = {}, y = {};
  x.dtype = KILN_FLOAT;
  x.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    x.shape[i] = shape[i];
  x.data = const_cast<float *>(features.data());
  y.dtype = KILN_INT64;
  y.rank = 1;
  y.shape[0] = n;
  y.data = const_cast<int64_t *>(labels.data());
  Dataset out;
  // Copies both; the vectors stay the caller's.
  if (kiln_dataset_from_tensors(&x, &y, &out.ds))
    throwRuntimeError("Dataset::fromVectors");
  return out;
}

Dataset Dataset::readIdx(const std::string &images, const std::string &labels) {
  Dataset out;
  if (kiln_dataset_read_idx(images.c_str(), labels.c_str(), &out.ds))
    throwRuntimeError("Dataset::readIdx");
  return out;
}

static std::string dataFile(const std::string &dir, const std::string &name) {
  struct stat st;
  std::string path = dir + "/" + name;
  if (stat(path.c_str(), &st) != 0 && stat((path + ".gz").c_str(), &st) == 0)
    return path + ".gz";
  return path;
}

Dataset Dataset::mnist(const std::string &dir, const std::string &split,
                       int64_t limit) {
  if (split != "train" && split != "test")
    throw Error("Dataset::mnist: split must be \"train\" or \"test\", got \"" +
                split + "\"");
  std::string prefix = split == "train" ? "train" : "t10k";
  Dataset all = readIdx(dataFile(dir, prefix + "-images-idx3-ubyte"),
                        dataFile(dir, prefix + "-labels-idx1-ubyte"));
  Dataset out = all.take(limit);
  if (kiln_scale_to_unit(&out.ds.features, 255.0f))
    throwRuntimeError("Dataset::mnist");
  return out;
}

int64_t Dataset::size() const {
  return ds.features.data ? kiln_dataset_size(&ds) : 0;
}

Shape Dataset::sampleShape() const {
  return Shape(ds.features.shape + 1, ds.features.shape + ds.features.rank);
}

void Dataset::reshape(const Shape &sampleShape) {
  if (kiln_dataset_reshape(&ds, static_cast<int32_t>(sampleShape.size()),
                           sampleShape.data()))
    throwRuntimeError("Dataset::reshape to " + formatShape(sampleShape));
}

Dataset Dataset::take(int64_t n) const {
  int64_t total = size();
  if (n <= 0 || n > total)
    n = total;
  std::vector<int64_t> idx(n);
  for (int64_t i = 0; i < n; ++i)
    idx[i] = i;
  Dataset out;
  if (kiln_dataset_gather(&ds, idx.data(), n, &out.ds))
    throwRuntimeError("Dataset::take");
  return out;
}

std::pair<Dataset, Dataset> Dataset::split(double validationFraction,
                                           uint64_t seed) const {
  Dataset train, validation;
  if (kiln_dataset_split(&ds, validationFraction, seed, &train.ds,
                         &validation.ds))
    throwRuntimeError("Dataset::split");
  return {std::move(train), std::move(validation)};
}

const float *Dataset::features() const {
  return static_cast<const float *>(ds.features.data);
}

const int64_t *Dataset::labels() const {
  return static_cast<const int64_t *>(ds.labels.data);
}

} // namespace kiln::nn
