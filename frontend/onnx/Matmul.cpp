//===- Matmul.cpp - ONNX MatMul and Gemm ----------------------------------===//

#include "frontend/onnx/Importer.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// NumPy matmul: a 1-D lhs is a row [1, K] and a 1-D rhs a column [K, 1],
/// and the added dim is dropped from the result.
LogicalResult importMatMul(Importer &im, const onnx::NodeProto &node) {
  auto a = im.required(node, 0), b = im.required(node, 1);
  if (failed(a) || failed(b))
    return failure();
  Value lhs = *a, rhs = *b;
  bool lhsVector = typeOf(lhs).getRank() == 1;
  bool rhsVector = typeOf(rhs).getRank() == 1;
  if (lhsVector) {
    auto r = im.reshape(lhs, {1, typeOf(lhs).getDimSize(0)});
    if (failed(r))
      return failure();
    lhs = *r;
  }
  if (rhsVector) {
    auto r = im.reshape(rhs, {typeOf(rhs).getDimSize(0), 1});
    if (failed(r))
      return failure();
    rhs = *r;
  }
  auto product = im.make<MatmulOp>({lhs, rhs});
  if (failed(product))
    return failure();
  Value result = *product;
  if (lhsVector || rhsVector) {
    SmallVector<int64_t> shape(typeOf(result).getShape());
    if (rhsVector)
      shape.erase(shape.end() - 1);
    if (lhsVector)
      shape.erase(shape.end() - (rhsVector ? 1 : 2));
    auto r = im.reshape(result, shape);
    if (failed(r))
      return failure();
    result = *r;
  }
  im.setOutput(node, 0, result);
  return success();
}

/// alpha * op(A) op(B) + beta * C, C broadcast (unidirectionally) to the
/// product's shape.
LogicalResult importGemm(Importer &im, const onnx::NodeProto &node) {
  auto a = im.required(node, 0), b = im.required(node, 1);
  if (failed(a) || failed(b))
    return failure();
  if (typeOf(*a).getRank() != 2 || typeOf(*b).getRank() != 2)
    return im.error() << "A and B must be matrices";
  auto product = im.make<MatmulOp>(
      {*a, *b}, {im.boolean("transpose_lhs", attrInt(node, "transA", 0)),
                 im.boolean("transpose_rhs", attrInt(node, "transB", 0))});
  if (failed(product))
    return failure();
  Value result = *product;
  float alpha = attrFloat(node, "alpha", 1.0f);
  float beta = attrFloat(node, "beta", 1.0f);
  if (alpha != 1.0f) {
    auto r = im.make<MulOp>({result, im.scalarLike(result, alpha)});
    if (failed(r))
      return failure();
    result = *r;
  }
  if (Value c = im.input(node, 2)) {
    if (beta != 1.0f) {
      auto r = im.make<MulOp>({c, im.scalarLike(c, beta)});
      if (failed(r))
        return failure();
      c = *r;
    }
    auto r = im.make<AddOp>({result, c});
    if (failed(r))
      return failure();
    if (typeOf(*r) != typeOf(result))
      return im.error() << "C does not broadcast to the product's shape";
    result = *r;
  }
  im.setOutput(node, 0, result);
  return success();
}

} // namespace

void registerMatmulOps(OpTable &t) {
  t["MatMul"] = importMatMul;
  t["Gemm"] = importGemm;
}

} // namespace kiln::onnx_import
