//===- Fold.cpp - import-time evaluation of small integer tensors ---------===//
//
// Exporters compute shapes, slice bounds and axes at run time from Shape:
// PyTorch's multi-head attention, for one, derives its q/k/v slice bounds
// as Shape -> Gather -> Add -> Div -> Mul. With static shapes every such
// value is known at import time, and kiln needs it there (its shapes and
// slice bounds are attributes). The kiln ops' own folders only simplify
// (x + 0 -> x); this evaluates the integer ops of such chains on constant
// operands so that the consumers (Reshape, Slice, Expand, ...) see
// constants. Float math is left to the compiled graph.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

#include "ir/ShapeUtils.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Larger integer tensors are data, not shapes: left to the compiled graph.
constexpr int64_t kMaxFoldedElements = 4096;

/// The values of an integer constant, sign-extended (i1 zero-extended).
struct IntValues {
  SmallVector<int64_t> values;
  SmallVector<int64_t> shape;
};

std::optional<IntValues> intOperand(Operation *op, unsigned i) {
  DenseElementsAttr attr;
  if (i >= op->getNumOperands() ||
      !matchPattern(op->getOperand(i), m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<IntegerType>(attr.getElementType());
  if (!type || attr.getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  IntValues result;
  for (const APInt &x : attr.getValues<APInt>())
    result.values.push_back(type.getWidth() == 1 ? x.getZExtValue()
                                                 : x.getSExtValue());
  result.shape.assign(attr.getType().getShape().begin(),
                      attr.getType().getShape().end());
  return result;
}

/// The values of every operand of `op`; nullopt unless all are known.
std::optional<SmallVector<IntValues>> intOperands(Operation *op) {
  SmallVector<IntValues> operands;
  for (unsigned i = 0; i < op->getNumOperands(); ++i) {
    auto v = intOperand(op, i);
    if (!v)
      return std::nullopt;
    operands.push_back(std::move(*v));
  }
  return operands;
}

/// The element of `operand` that NumPy broadcasting pairs with element
/// `linear` of a result of shape `resultShape`.
int64_t broadcastElement(const IntValues &operand,
                         ArrayRef<int64_t> resultShape, int64_t linear) {
  int64_t index = 0, stride = 1;
  int64_t offset = resultShape.size() - operand.shape.size();
  for (int64_t d = resultShape.size() - 1; d >= offset; --d) {
    int64_t coord = linear % resultShape[d];
    linear /= resultShape[d];
    int64_t size = operand.shape[d - offset];
    if (size != 1)
      index += coord * stride;
    stride *= size;
  }
  return operand.values[index];
}

/// Evaluates `fn` elementwise over broadcast operands; nullopt when an
/// operand is not a known integer tensor or `fn` declines (e.g. x / 0).
template <typename Fn>
std::optional<SmallVector<int64_t>>
elementwise(Operation *op, ArrayRef<int64_t> resultShape, Fn fn) {
  std::optional<SmallVector<IntValues>> known = intOperands(op);
  if (!known)
    return std::nullopt;
  SmallVector<IntValues> &operands = *known;
  SmallVector<int64_t> out, args(operands.size());
  for (int64_t e = 0, n = numElements(resultShape); e < n; ++e) {
    for (auto [arg, operand] : llvm::zip(args, operands))
      arg = broadcastElement(operand, resultShape, e);
    std::optional<int64_t> r = fn(ArrayRef<int64_t>(args));
    if (!r)
      return std::nullopt;
    out.push_back(*r);
  }
  return out;
}

std::optional<int64_t> binary(Operation *op, int64_t a, int64_t b) {
  int64_t r;
  if (isa<AddOp>(op))
    return llvm::AddOverflow(a, b, r) ? std::nullopt : std::optional(r);
  if (isa<SubOp>(op))
    return llvm::SubOverflow(a, b, r) ? std::nullopt : std::optional(r);
  if (isa<MulOp>(op))
    return llvm::MulOverflow(a, b, r) ? std::nullopt : std::optional(r);
  if (isa<DivOp>(op)) // Truncating, as kiln.div on integers.
    return b == 0 || (a == INT64_MIN && b == -1) ? std::nullopt
                                                 : std::optional(a / b);
  if (isa<MaxOp>(op))
    return std::max(a, b);
  if (isa<MinOp>(op))
    return std::min(a, b);
  if (isa<EqOp>(op))
    return a == b;
  if (isa<LtOp>(op))
    return a < b;
  if (isa<LeOp>(op))
    return a <= b;
  if (isa<GtOp>(op))
    return a > b;
  if (isa<GeOp>(op))
    return a >= b;
  return std::nullopt;
}

/// The result values of `op` on known integer operands, or nullopt.
std::optional<SmallVector<int64_t>> evaluate(Operation *op,
                                             RankedTensorType resultType) {
  ArrayRef<int64_t> shape = resultType.getShape();
  if (isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, EqOp, LtOp, LeOp, GtOp,
          GeOp>(op))
    return elementwise(
        op, shape, [&](ArrayRef<int64_t> v) { return binary(op, v[0], v[1]); });
  if (isa<SelectOp>(op))
    return elementwise(op, shape, [](ArrayRef<int64_t> v) {
      return std::optional<int64_t>(v[0] ? v[1] : v[2]);
    });
  if (isa<NegOp>(op))
    return elementwise(op, shape, [](ArrayRef<int64_t> v) {
      return v[0] == INT64_MIN ? std::nullopt : std::optional(-v[0]);
    });
  if (isa<AbsOp>(op))
    return elementwise(op, shape, [](ArrayRef<int64_t> v) {
      return v[0] == INT64_MIN ? std::nullopt : std::optional(std::abs(v[0]));
    });
  // Integer to integer: truncation to the result's width happens when the
  // values become APInts; to i1 (ONNX Cast to bool) is "non-zero".
  if (isa<CastOp, BroadcastToOp>(op)) {
    bool toBool = resultType.getElementType().isInteger(1) && isa<CastOp>(op);
    return elementwise(op, shape, [&](ArrayRef<int64_t> v) {
      return std::optional<int64_t>(toBool ? v[0] != 0 : v[0]);
    });
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    auto in = intOperand(op, 0);
    if (!in)
      return std::nullopt;
    SmallVector<int64_t> out;
    for (int64_t e = 0, n = numElements(shape); e < n; ++e) {
      int64_t rest = e, index = 0, stride = 1;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        int64_t coord = rest % shape[d];
        rest /= shape[d];
        index += (slice.getStarts()[d] + coord * slice.getSteps()[d]) * stride;
        stride *= in->shape[d];
      }
      out.push_back(in->values[index]);
    }
    return out;
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    auto data = intOperand(op, 0), indices = intOperand(op, 1);
    if (!data || !indices)
      return std::nullopt;
    int64_t axis = gather.getAxis(), dim = data->shape[axis];
    int64_t outer = numElements(ArrayRef(data->shape).take_front(axis));
    int64_t inner = numElements(ArrayRef(data->shape).drop_front(axis + 1));
    SmallVector<int64_t> out;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k : indices->values) {
        if (k < 0)
          k += dim;
        if (k < 0 || k >= dim)
          return std::nullopt; // Out of range: the op reports it.
        for (int64_t j = 0; j < inner; ++j)
          out.push_back(data->values[(o * dim + k) * inner + j]);
      }
    return out;
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t outer = numElements(shape.take_front(concat.getAxis()));
    std::optional<SmallVector<IntValues>> parts = intOperands(op);
    if (!parts)
      return std::nullopt;
    SmallVector<int64_t> out;
    for (int64_t o = 0; o < outer; ++o)
      for (const IntValues &part : *parts) {
        int64_t chunk = part.values.size() / outer;
        llvm::append_range(out, ArrayRef(part.values).slice(o * chunk, chunk));
      }
    return out;
  }
  return std::nullopt;
}

} // namespace

DenseElementsAttr foldKnownIntegers(Operation *op) {
  if (op->getNumResults() != 1)
    return {};
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !isa<IntegerType>(resultType.getElementType()) ||
      resultType.getNumElements() > kMaxFoldedElements)
    return {};
  auto values = evaluate(op, resultType);
  if (!values ||
      static_cast<int64_t>(values->size()) != resultType.getNumElements())
    return {};
  unsigned width = resultType.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> bits;
  for (int64_t v : *values)
    bits.push_back(APInt(64, v, /*isSigned=*/true).trunc(width));
  return DenseElementsAttr::get(resultType, bits);
}

} // namespace kiln::onnx_import
