//===- ShapeUtils.h - shape rules shared by ops and tests ------*- C++ -*-===//
//
// Plain shape arithmetic with no MLIR types in it, so that the op verifiers,
// the lowering and the unit tests all use one definition of each rule.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_SHAPEUTILS_H
#define KILN_IR_SHAPEUTILS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>

namespace kiln {

using Shape = llvm::SmallVector<int64_t, 6>;

/// NumPy broadcasting of two shapes: align trailing dims; each pair must be
/// equal or contain a 1. Returns nullopt when the shapes do not broadcast.
std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                     llvm::ArrayRef<int64_t> b);

/// True when `from` broadcasts to exactly `to`.
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Maps an axis in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The shape left after reducing `axes` (already normalized, any order; an
/// empty list reduces every dim). Reduced dims become 1 with keepdims.
Shape reducedShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes,
                   bool keepdims);

/// The axes a reduction over `axes` covers, normalized to [0, rank): an
/// empty list means every axis. The axes must be in range (verified ops).
Shape reductionAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

/// Number of elements of a shape.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// True when `perm` is a permutation of [0, size).
bool isPermutation(llvm::ArrayRef<int64_t> perm);

/// Output length of a sliding window (convolution or pooling) over one dim.
/// Returns a value < 1 when the window does not fit.
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t padLow, int64_t padHigh, int64_t dilation,
                         bool ceilMode = false);

/// Number of elements in [start, limit) taken with the given positive step.
int64_t sliceLength(int64_t start, int64_t limit, int64_t step);

} // namespace kiln

#endif // KILN_IR_SHAPEUTILS_H
