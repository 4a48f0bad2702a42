//===- Elementwise.cpp - ONNX elementwise operators -----------------------===//
//
// Unary and binary math, comparisons, Where, Cast, Clip, Identity and
// Constant. Binary ops broadcast like NumPy from opset 7; before that
// (the pytorch-converted tests are opset 6) a `broadcast` attribute aligns
// the right operand at `axis` of the left one instead of at its end.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

#include <limits>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Opset < 7: with broadcast=1, rhs's dims line up with lhs's dims starting
/// at `axis` (default: the trailing dims), which NumPy broadcasting gets
/// after padding rhs with trailing 1s.
FailureOr<Value> legacyBroadcast(Importer &im, const onnx::NodeProto &node,
                                 Value lhs, Value rhs) {
  if (im.opset() >= 7 || !attrInt(node, "broadcast", 0))
    return rhs;
  int64_t lrank = typeOf(lhs).getRank(), rrank = typeOf(rhs).getRank();
  int64_t axis = attrInt(node, "axis", lrank - rrank);
  if (axis < 0)
    axis += lrank;
  if (axis < 0 || axis + rrank > lrank)
    return im.error() << "broadcast axis " << attrInt(node, "axis", 0)
                      << " does not fit a rank-" << rrank
                      << " operand into rank " << lrank,
           failure();
  SmallVector<int64_t> shape(typeOf(rhs).getShape());
  shape.append(lrank - axis - rrank, 1);
  return im.reshape(rhs, shape);
}

template <typename OpTy>
LogicalResult importBinary(Importer &im, const onnx::NodeProto &node) {
  auto lhs = im.required(node, 0), rhs = im.required(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto aligned = legacyBroadcast(im, node, *lhs, *rhs);
  if (failed(aligned))
    return failure();
  auto result = im.make<OpTy>({*lhs, *aligned});
  if (failed(result))
    return failure();
  im.setOutput(node, 0, *result);
  return success();
}

/// Pow allows different base and exponent types; the result has the base's.
/// Integer powers are computed in f64 (exact for the integers that fit).
LogicalResult importPow(Importer &im, const onnx::NodeProto &node) {
  auto base = im.required(node, 0), exponent = im.required(node, 1);
  if (failed(base) || failed(exponent))
    return failure();
  auto aligned = legacyBroadcast(im, node, *base, *exponent);
  if (failed(aligned))
    return failure();
  Type baseType = typeOf(*base).getElementType();
  Type computeType = isa<FloatType>(baseType) ? baseType : im.b().getF64Type();
  auto x = im.cast(*base, computeType), y = im.cast(*aligned, computeType);
  if (failed(x) || failed(y))
    return failure();
  auto result = im.make<PowOp>({*x, *y});
  if (failed(result))
    return failure();
  auto out = im.cast(*result, baseType);
  if (failed(out))
    return failure();
  im.setOutput(node, 0, *out);
  return success();
}

/// Max, Min, Sum and Mean take any number of inputs.
template <typename OpTy>
LogicalResult importVariadic(Importer &im, const onnx::NodeProto &node) {
  auto acc = im.required(node, 0);
  if (failed(acc))
    return failure();
  Value result = *acc;
  for (int i = 1; i < node.input_size(); ++i) {
    auto next = im.required(node, i);
    if (failed(next))
      return failure();
    auto r = im.make<OpTy>({result, *next});
    if (failed(r))
      return failure();
    result = *r;
  }
  if (node.op_type() == "Mean" && node.input_size() > 1) {
    auto r = im.make<MulOp>(
        {result, im.scalarLike(result, 1.0 / node.input_size())});
    if (failed(r))
      return failure();
    result = *r;
  }
  im.setOutput(node, 0, result);
  return success();
}

template <typename OpTy>
LogicalResult importUnary(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto result = im.make<OpTy>({*x}, {}, typeOf(*x));
  if (failed(result))
    return failure();
  im.setOutput(node, 0, *result);
  return success();
}

LogicalResult importLeakyRelu(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto r = im.make<LeakyReluOp>(
      {*x}, {im.f32("alpha", attrFloat(node, "alpha", 0.01f))}, typeOf(*x));
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

LogicalResult importElu(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto r = im.make<EluOp>(
      {*x}, {im.f32("alpha", attrFloat(node, "alpha", 1.0f))}, typeOf(*x));
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

LogicalResult importSelu(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto r = im.make<SeluOp>(
      {*x},
      {im.f32("alpha", attrFloat(node, "alpha", 1.67326319217681884765625f)),
       im.f32("gamma", attrFloat(node, "gamma", 1.05070102214813232421875f))},
      typeOf(*x));
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

/// max(0, min(1, alpha * x + beta)); HardSwish is x * HardSigmoid(x) with
/// alpha = 1/6, beta = 1/2.
LogicalResult importHardSigmoid(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  bool swish = node.op_type() == "HardSwish";
  float alpha = swish ? 1.0f / 6 : attrFloat(node, "alpha", 0.2f);
  float beta = swish ? 0.5f : attrFloat(node, "beta", 0.5f);
  auto scaled = im.make<MulOp>({*x, im.scalarLike(*x, alpha)});
  if (failed(scaled))
    return failure();
  auto shifted = im.make<AddOp>({*scaled, im.scalarLike(*x, beta)});
  if (failed(shifted))
    return failure();
  auto clipped = im.make<ClipOp>(
      {*shifted}, {im.f32("min", 0.0), im.f32("max", 1.0)}, typeOf(*x));
  if (failed(clipped))
    return failure();
  Value result = *clipped;
  if (swish) {
    auto r = im.make<MulOp>({*x, result});
    if (failed(r))
      return failure();
    result = *r;
  }
  im.setOutput(node, 0, result);
  return success();
}

/// x / (1 + |x|).
LogicalResult importSoftsign(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  auto abs = im.make<AbsOp>({*x}, {}, typeOf(*x));
  if (failed(abs))
    return failure();
  auto den = im.make<AddOp>({*abs, im.scalarLike(*x, 1.0)});
  if (failed(den))
    return failure();
  auto r = im.make<DivOp>({*x, *den});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
LogicalResult importCelu(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  float alpha = attrFloat(node, "alpha", 1.0f);
  if (alpha == 0)
    return im.error() << "alpha must not be 0";
  // Celu with alpha is Elu of x / alpha scaled by alpha.
  auto scaled = im.make<MulOp>({*x, im.scalarLike(*x, 1.0 / alpha)});
  if (failed(scaled))
    return failure();
  auto elu = im.make<EluOp>({*scaled}, {im.f32("alpha", 1.0)}, typeOf(*x));
  if (failed(elu))
    return failure();
  auto r = im.make<MulOp>({*elu, im.scalarLike(*x, alpha)});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

template <typename OpTy>
LogicalResult importCompare(Importer &im, const onnx::NodeProto &node) {
  return importBinary<OpTy>(im, node);
}

LogicalResult importNot(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  if (!typeOf(*x).getElementType().isInteger(1))
    return im.error() << "input must be bool";
  auto r = im.make<EqOp>({*x, im.b().scalar(im.b().getI1Type(), 0)});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

LogicalResult importWhere(Importer &im, const onnx::NodeProto &node) {
  auto c = im.required(node, 0), x = im.required(node, 1),
       y = im.required(node, 2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  auto r = im.make<SelectOp>({*c, *x, *y});
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

LogicalResult importCast(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  Type to;
  if (node.op_type() == "CastLike") {
    auto like = im.required(node, 1);
    if (failed(like))
      return failure();
    to = typeOf(*like).getElementType();
  } else {
    const onnx::AttributeProto *attr = findAttr(node, "to");
    if (!attr)
      return im.error() << "attribute 'to' is required";
    to = elementTypeOf(im.ctx(), attr->i());
    if (!to)
      return im.error() << "cast to "
                        << (onnx::TensorProto::DataType_IsValid(attr->i())
                                ? onnx::TensorProto::DataType_Name(
                                      static_cast<onnx::TensorProto::DataType>(
                                          attr->i()))
                                : std::to_string(attr->i()))
                        << " is not supported by kiln";
  }
  auto r = im.cast(*x, to);
  if (failed(r))
    return failure();
  im.setOutput(node, 0, *r);
  return success();
}

/// Clip's bounds are attributes before opset 11 and optional inputs after.
/// Constant bounds on a float tensor give kiln.clip; other cases compose
/// max and min.
LogicalResult importClip(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  Value minV, maxV;
  std::optional<double> lo, hi;
  if (im.opset() < 11) {
    if (const onnx::AttributeProto *a = findAttr(node, "min"))
      lo = a->f();
    if (const onnx::AttributeProto *a = findAttr(node, "max"))
      hi = a->f();
  } else {
    minV = im.input(node, 1);
    maxV = im.input(node, 2);
    // Bounds that are graph inputs stay runtime values (max and min).
    if (minV)
      lo = im.knownScalar(minV, /*fromInputs=*/false);
    if (maxV)
      hi = im.knownScalar(maxV, /*fromInputs=*/false);
  }
  Type element = typeOf(*x).getElementType();
  bool constantBounds = (!minV || lo) && (!maxV || hi);
  if (element.isF32() && constantBounds) {
    SmallVector<NamedAttribute> attrs;
    if (lo)
      attrs.push_back(im.f32("min", *lo));
    if (hi)
      attrs.push_back(im.f32("max", *hi));
    auto r = im.make<ClipOp>({*x}, attrs, typeOf(*x));
    if (failed(r))
      return failure();
    im.setOutput(node, 0, *r);
    return success();
  }
  Value result = *x;
  if (!minV && lo)
    minV = im.scalarLike(*x, *lo);
  if (!maxV && hi)
    maxV = im.scalarLike(*x, *hi);
  if (minV) {
    auto r = im.make<MaxOp>({result, minV});
    if (failed(r))
      return failure();
    result = *r;
  }
  if (maxV) {
    auto r = im.make<MinOp>({result, maxV});
    if (failed(r))
      return failure();
    result = *r;
  }
  im.setOutput(node, 0, result);
  return success();
}

LogicalResult importIdentity(Importer &im, const onnx::NodeProto &node) {
  auto x = im.required(node, 0);
  if (failed(x))
    return failure();
  im.setOutput(node, 0, *x);
  return success();
}

LogicalResult importConstant(Importer &im, const onnx::NodeProto &node) {
  if (node.attribute_size() != 1)
    return im.error() << "expected exactly one value attribute";
  const onnx::AttributeProto &a = node.attribute(0);
  Builder &b = im.b();
  DenseElementsAttr value;
  if (a.name() == "value") {
    auto decoded = decodeTensor(a.t(), "", im.loc());
    if (failed(decoded))
      return failure();
    value = *decoded;
  } else if (a.name() == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   a.f());
  } else if (a.name() == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getF32Type()),
        ArrayRef<float>(v));
  } else if (a.name() == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   static_cast<int64_t>(a.i()));
  } else if (a.name() == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()),
        ArrayRef<int64_t>(v));
  } else {
    return im.error() << "attribute '" << a.name()
                      << "' is not supported (kiln has no string or sparse "
                         "tensors)";
  }
  im.setOutput(node, 0, im.constant(value));
  return success();
}

} // namespace

void registerElementwiseOps(OpTable &t) {
  t["Add"] = importBinary<AddOp>;
  t["Sub"] = importBinary<SubOp>;
  t["Mul"] = importBinary<MulOp>;
  t["Div"] = importBinary<DivOp>;
  t["Pow"] = importPow;
  t["Max"] = importVariadic<MaxOp>;
  t["Min"] = importVariadic<MinOp>;
  t["Sum"] = importVariadic<AddOp>;
  t["Mean"] = importVariadic<AddOp>;
  t["Equal"] = importCompare<EqOp>;
  t["Less"] = importCompare<LtOp>;
  t["LessOrEqual"] = importCompare<LeOp>;
  t["Greater"] = importCompare<GtOp>;
  t["GreaterOrEqual"] = importCompare<GeOp>;
  t["Not"] = importNot;
  t["Where"] = importWhere;
  t["Abs"] = importUnary<AbsOp>;
  t["Neg"] = importUnary<NegOp>;
  t["Exp"] = importUnary<ExpOp>;
  t["Log"] = importUnary<LogOp>;
  t["Sqrt"] = importUnary<SqrtOp>;
  t["Reciprocal"] = importUnary<ReciprocalOp>;
  t["Tanh"] = importUnary<TanhOp>;
  t["Sigmoid"] = importUnary<SigmoidOp>;
  t["Relu"] = importUnary<ReluOp>;
  t["Erf"] = importUnary<ErfOp>;
  t["Softplus"] = importUnary<SoftplusOp>;
  t["Cos"] = importUnary<CosOp>;
  t["Sin"] = importUnary<SinOp>;
  t["LeakyRelu"] = importLeakyRelu;
  t["Elu"] = importElu;
  t["Selu"] = importSelu;
  t["Celu"] = importCelu;
  t["HardSigmoid"] = importHardSigmoid;
  t["HardSwish"] = importHardSigmoid;
  t["Softsign"] = importSoftsign;
  t["Clip"] = importClip;
  t["Cast"] = importCast;
  t["CastLike"] = importCast;
  t["Identity"] = importIdentity;
  t["Constant"] = importConstant;
}

} // namespace kiln::onnx_import
