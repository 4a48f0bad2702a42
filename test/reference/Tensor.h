//===- Tensor.h - plain tensor type for the reference ops -------*- C++ -*-===//
//
// A deliberately simple tensor for the test-only reference implementation:
// every element is stored as a double whatever the dtype, so that one code
// path serves all element types and sums accumulate in double. Integer values
// are exact up to 2^53; i1 holds 0 or 1. No MLIR/LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_REFERENCE_TENSOR_H
#define KILN_TEST_REFERENCE_TENSOR_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kiln::ref {

using Shape = std::vector<int64_t>;

struct Tensor {
  enum DType { F32, F64, I64, I32, I1 };

  DType dtype = F32;
  Shape shape;
  /// Row-major elements.
  std::vector<double> data;

  Tensor() = default;
  /// Checks that `data` has numElements(shape) entries and that integer and
  /// i1 values are representable; throws std::invalid_argument otherwise.
  Tensor(Shape shape, std::vector<double> data, DType dtype = F32);

  static Tensor zeros(const Shape &shape, DType dtype = F32);
  static Tensor full(const Shape &shape, double value, DType dtype = F32);
  static Tensor scalar(double value, DType dtype = F32);
  /// Uniform values in [lo, hi) for floats (rounded to float for F32, so the
  /// same values can be fed to f32 code exactly), uniform integers in
  /// [ceil(lo), floor(hi)] for I64/I32, and fair coin flips for I1.
  static Tensor random(const Shape &shape, DType dtype, std::mt19937 &rng,
                       double lo = -1.0, double hi = 1.0);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t numel() const;
  bool isFloat() const { return dtype == F32 || dtype == F64; }

  /// Element at multi-dimensional coordinates (bounds-checked).
  double &at(const Shape &coords);
  double at(const Shape &coords) const;
};

/// Number of elements of a shape (1 for rank 0).
int64_t numElements(const Shape &shape);

/// Row-major strides, in elements.
Shape stridesOf(const Shape &shape);

/// Coordinates of flat row-major `index` in `shape`.
Shape coordsOf(int64_t index, const Shape &shape);

/// Flat row-major index of `coords` in `shape` (bounds-checked).
int64_t indexOf(const Shape &coords, const Shape &shape);

/// NumPy broadcasting: align trailing dims; each pair must be equal or
/// contain a 1. Throws std::invalid_argument when the shapes do not broadcast.
Shape broadcastShapes(const Shape &a, const Shape &b);

/// Flat index into an operand of shape `operandShape` that is read, under
/// broadcasting, at coordinates `outCoords` of a (higher or equal rank)
/// result: leading result dims are dropped and size-1 dims read index 0.
int64_t broadcastIndex(const Shape &operandShape, const Shape &outCoords);

/// Element of `t` read under broadcasting at result coordinates.
double atBroadcast(const Tensor &t, const Shape &outCoords);

/// Fills `t` as Tensor::random would, keeping its dtype and shape.
void fillUniform(Tensor &t, std::mt19937 &rng, double lo = -1.0,
                 double hi = 1.0);

/// Wraps an integer value to the range of an integer dtype (two's
/// complement, like the generated code); i1 keeps the low bit. Floats pass.
double wrapToDType(double value, Tensor::DType dtype);

const char *dtypeName(Tensor::DType dtype);
std::string shapeStr(const Shape &shape);

/// True when the tensors have the same shape and every pair of elements
/// satisfies |a - b| <= atol + rtol * |b| (NaNs match NaNs, infinities match
/// equal infinities). Dtypes are not compared. On mismatch, `why` (if given)
/// describes the first failing element.
bool allClose(const Tensor &actual, const Tensor &expected, double rtol,
              double atol, std::string *why = nullptr);

} // namespace kiln::ref

#endif // KILN_TEST_REFERENCE_TENSOR_H
