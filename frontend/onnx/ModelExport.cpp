//===- ModelExport.cpp - kiln model functions to ONNX ---------------------===//
//
// Each kiln op of the function becomes one ONNX node, or a few where ONNX
// lacks the op (rsqrt, gelu) or states its operands differently (matmul's
// transposes, reductions' axes). Tensors that ONNX takes as inputs but kiln
// keeps as attributes (shapes, axes, slice bounds, pads) become small
// initializers. Values are named after the layer they came from (the op's
// NameLoc, which frontend/nn sets to the layer's name), so the graph reads
// like the model.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxExport.h"

#include "ir/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include "onnx/onnx_pb.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cmath>
#include <set>

using namespace mlir;

namespace kiln::onnx_export {

namespace {

/// The first NameLoc inside `loc`: the layer (or ONNX node) an op came
/// from. Empty when there is none.
std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations()) {
      std::string n = locationName(l);
      if (!n.empty())
        return n;
    }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return locationName(call.getCallee());
  return {};
}

/// ONNX's element type code of a kiln element type; 0 when it has none.
int onnxElementType(Type t) {
  if (t.isF32())
    return onnx::TensorProto::FLOAT;
  if (t.isF64())
    return onnx::TensorProto::DOUBLE;
  if (t.isF16())
    return onnx::TensorProto::FLOAT16;
  if (t.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (t.isInteger(64))
    return onnx::TensorProto::INT64;
  if (t.isInteger(32))
    return onnx::TensorProto::INT32;
  if (t.isInteger(16))
    return onnx::TensorProto::INT16;
  if (t.isInteger(8))
    return onnx::TensorProto::INT8;
  if (t.isInteger(1))
    return onnx::TensorProto::BOOL;
  return 0;
}

/// kiln ops that are one ONNX operator with the same operands and no
/// attributes.
const llvm::StringMap<const char *> &plainOps() {
  static const llvm::StringMap<const char *> ops = {
      {"kiln.neg", "Neg"},
      {"kiln.abs", "Abs"},
      {"kiln.exp", "Exp"},
      {"kiln.log", "Log"},
      {"kiln.sqrt", "Sqrt"},
      {"kiln.reciprocal", "Reciprocal"},
      {"kiln.tanh", "Tanh"},
      {"kiln.cos", "Cos"},
      {"kiln.sin", "Sin"},
      {"kiln.sigmoid", "Sigmoid"},
      {"kiln.relu", "Relu"},
      {"kiln.erf", "Erf"},
      {"kiln.softplus", "Softplus"},
      {"kiln.stop_gradient", "Identity"},
      {"kiln.add", "Add"},
      {"kiln.sub", "Sub"},
      {"kiln.mul", "Mul"},
      {"kiln.div", "Div"},
      {"kiln.pow", "Pow"},
      {"kiln.max", "Max"},
      {"kiln.min", "Min"},
      {"kiln.eq", "Equal"},
      {"kiln.lt", "Less"},
      {"kiln.le", "LessOrEqual"},
      {"kiln.gt", "Greater"},
      {"kiln.ge", "GreaterOrEqual"},
      {"kiln.select", "Where"},
      {"kiln.global_avg_pool", "GlobalAveragePool"},
  };
  return ops;
}

class GraphWriter {
public:
  GraphWriter(onnx::GraphProto &graph) : graph(graph) {}

  /// Gives `v` the ONNX name `name` (made unique).
  std::string bind(Value v, const std::string &name) {
    std::string unique = fresh(name);
    names[v] = unique;
    return unique;
  }
  /// The ONNX name of a value computed or bound earlier.
  const std::string &nameOf(Value v) const { return names.find(v)->second; }

  std::string fresh(const std::string &hint) {
    std::string base = hint.empty() ? "v" : hint;
    std::string name = base;
    for (int i = 1; !used.insert(name).second; ++i)
      name = base + "_" + std::to_string(i);
    return name;
  }

  /// Appends a node `type` reading `inputs` and writing `outputs`.
  onnx::NodeProto &node(const std::string &type,
                        llvm::ArrayRef<std::string> inputs,
                        llvm::ArrayRef<std::string> outputs,
                        const std::string &layer) {
    onnx::NodeProto &n = *graph.add_node();
    n.set_op_type(type);
    n.set_name(fresh((layer.empty() ? "" : layer + "/") + type));
    for (const std::string &i : inputs)
      n.add_input(i);
    for (const std::string &o : outputs)
      n.add_output(o);
    return n;
  }

  /// An initializer holding `values` as an i64 tensor of shape `dims`.
  std::string int64s(const std::string &hint, llvm::ArrayRef<int64_t> values,
                     llvm::ArrayRef<int64_t> dims) {
    onnx::TensorProto &t = *graph.add_initializer();
    t.set_name(fresh(hint));
    t.set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims)
      t.add_dims(d);
    t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                               values.size() * sizeof(int64_t)));
    return t.name();
  }
  std::string int64s(const std::string &hint, llvm::ArrayRef<int64_t> values) {
    return int64s(hint, values, {static_cast<int64_t>(values.size())});
  }
  /// A rank-0 f32 initializer.
  std::string scalar(const std::string &hint, float value) {
    onnx::TensorProto &t = *graph.add_initializer();
    t.set_name(fresh(hint));
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_float_data(value);
    return t.name();
  }

  onnx::GraphProto &graph;

private:
  llvm::DenseMap<Value, std::string> names;
  std::set<std::string> used;
};

void setInts(onnx::NodeProto &n, const char *name,
             llvm::ArrayRef<int64_t> values) {
  onnx::AttributeProto &a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a.add_ints(v);
}

void setInt(onnx::NodeProto &n, const char *name, int64_t value) {
  onnx::AttributeProto &a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}

void setFloat(onnx::NodeProto &n, const char *name, float value) {
  onnx::AttributeProto &a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
}

void setString(onnx::NodeProto &n, const char *name, const std::string &s) {
  onnx::AttributeProto &a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(s);
}

/// The dims and element type of `type` as an ONNX value type.
bool setValueType(onnx::ValueInfoProto &info, Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape() ||
      !onnxElementType(ranked.getElementType()))
    return false;
  onnx::TypeProto_Tensor &t = *info.mutable_type()->mutable_tensor_type();
  t.set_elem_type(onnxElementType(ranked.getElementType()));
  onnx::TensorShapeProto &shape = *t.mutable_shape();
  for (int64_t d : ranked.getShape())
    shape.add_dim()->set_dim_value(d);
  return true;
}

/// Little-endian element bytes of a dense constant.
bool denseBytes(DenseElementsAttr attr, std::string &bytes) {
  Type t = attr.getElementType();
  auto append = [&](const void *p, size_t n) {
    bytes.append(static_cast<const char *>(p), n);
  };
  if (t.isF32()) {
    for (float v : attr.getValues<float>())
      append(&v, 4);
  } else if (t.isF64()) {
    for (double v : attr.getValues<double>())
      append(&v, 8);
  } else if (t.isInteger(1)) {
    for (bool v : attr.getValues<bool>()) {
      char c = v;
      append(&c, 1);
    }
  } else if (t.isInteger(64)) {
    for (int64_t v : attr.getValues<int64_t>())
      append(&v, 8);
  } else if (t.isInteger(32)) {
    for (int32_t v : attr.getValues<int32_t>())
      append(&v, 4);
  } else {
    return false;
  }
  return true;
}

class Exporter {
public:
  Exporter(GraphWriter &w) : w(w) {}

  /// Emits the nodes of `op`; on failure sets `error`.
  bool emit(Operation *op, std::string &error) {
    layer = locationName(op->getLoc());
    std::string where = layer.empty() ? "" : " (layer '" + layer + "')";
    for (Type t : op->getResultTypes())
      if (!onnxElementType(getElementTypeOrSelf(t))) {
        error = op->getName().getStringRef().str() + where +
                ": its result type has no ONNX element type";
        return false;
      }
    StringRef kind = op->getName().getStringRef();
    auto plain = plainOps().find(kind);
    if (plain != plainOps().end()) {
      w.node(plain->second, inputs(op), {out(op)}, layer);
      return true;
    }
    std::string problem;
    bool done =
        llvm::TypeSwitch<Operation *, bool>(op)
            .Case([&](ConstantOp c) { return constant(c, problem); })
            .Case([&](RsqrtOp o) {
              std::string root = tmp("sqrt");
              w.node("Sqrt", inputs(o), {root}, layer);
              w.node("Reciprocal", {root}, {out(o)}, layer);
              return true;
            })
            .Case([&](LeakyReluOp o) {
              setFloat(w.node("LeakyRelu", inputs(o), {out(o)}, layer), "alpha",
                       o.getAlpha().convertToFloat());
              return true;
            })
            .Case([&](EluOp o) {
              setFloat(w.node("Elu", inputs(o), {out(o)}, layer), "alpha",
                       o.getAlpha().convertToFloat());
              return true;
            })
            .Case([&](SeluOp o) {
              onnx::NodeProto &n = w.node("Selu", inputs(o), {out(o)}, layer);
              setFloat(n, "alpha", o.getAlpha().convertToFloat());
              setFloat(n, "gamma", o.getGamma().convertToFloat());
              return true;
            })
            .Case([&](GeluOp o) { return gelu(o); })
            .Case([&](ClipOp o) {
              std::string lo = o.getMin()
                                   ? w.scalar(layer + "/clip_min",
                                              o.getMin()->convertToFloat())
                                   : "";
              std::string hi = o.getMax()
                                   ? w.scalar(layer + "/clip_max",
                                              o.getMax()->convertToFloat())
                                   : "";
              w.node("Clip", {w.nameOf(o.getInput()), lo, hi}, {out(o)}, layer);
              return true;
            })
            .Case([&](CastOp o) {
              setInt(w.node("Cast", inputs(o), {out(o)}, layer), "to",
                     onnxElementType(getElementTypeOrSelf(o.getType())));
              return true;
            })
            .Case([&](MatmulOp o) { return matmul(o); })
            .Case([&](Conv2DOp o) {
              onnx::NodeProto &n = w.node("Conv", inputs(o), {out(o)}, layer);
              setInts(n, "strides", o.getStrides());
              // kiln's [top, left, bottom, right] is ONNX's order too.
              setInts(n, "pads", o.getPadding());
              setInts(n, "dilations", o.getDilations());
              setInt(n, "group", o.getGroups());
              ArrayRef<int64_t> f = o.getFilter().getType().getShape();
              setInts(n, "kernel_shape", {f[2], f[3]});
              return true;
            })
            .Case([&](MaxPool2DOp o) {
              onnx::NodeProto &n =
                  w.node("MaxPool", inputs(o), {out(o)}, layer);
              setInts(n, "kernel_shape", o.getKernelSize());
              setInts(n, "strides", o.getStrides());
              setInts(n, "pads", o.getPadding());
              setInts(n, "dilations", o.getDilations());
              setInt(n, "ceil_mode", o.getCeilMode());
              return true;
            })
            .Case([&](AvgPool2DOp o) {
              onnx::NodeProto &n =
                  w.node("AveragePool", inputs(o), {out(o)}, layer);
              setInts(n, "kernel_shape", o.getKernelSize());
              setInts(n, "strides", o.getStrides());
              setInts(n, "pads", o.getPadding());
              setInt(n, "ceil_mode", o.getCeilMode());
              setInt(n, "count_include_pad", o.getCountIncludePad());
              return true;
            })
            .Case([&](ReduceSumOp o) {
              // Opset 13 takes ReduceSum's axes as an input; no input
              // reduces every dim, as kiln's empty axes do.
              std::vector<std::string> in = {w.nameOf(o.getInput())};
              if (!o.getAxes().empty())
                in.push_back(w.int64s(layer + "/axes", o.getAxes()));
              setInt(w.node("ReduceSum", in, {out(o)}, layer), "keepdims",
                     o.getKeepdims());
              return true;
            })
            .Case([&](ReduceMeanOp o) { return reduce("ReduceMean", o); })
            .Case([&](ReduceMaxOp o) { return reduce("ReduceMax", o); })
            .Case([&](ReduceMinOp o) { return reduce("ReduceMin", o); })
            .Case([&](ReduceLogSumExpOp o) {
              return reduce("ReduceLogSumExp", o);
            })
            .Case([&](ArgMaxOp o) {
              onnx::NodeProto &n = w.node("ArgMax", inputs(o), {out(o)}, layer);
              setInt(n, "axis", o.getAxis());
              setInt(n, "keepdims", o.getKeepdims());
              setInt(n, "select_last_index", o.getSelectLastIndex());
              return true;
            })
            .Case([&](SoftmaxOp o) {
              setInt(w.node("Softmax", inputs(o), {out(o)}, layer), "axis",
                     o.getAxis());
              return true;
            })
            .Case([&](LogSoftmaxOp o) {
              setInt(w.node("LogSoftmax", inputs(o), {out(o)}, layer), "axis",
                     o.getAxis());
              return true;
            })
            .Case([&](ReshapeOp o) {
              // A dim 0 that the reshape keeps is written as ONNX's "copy
              // the input's dim" (0): the same at this batch, and the
              // file then runs at another batch too (Flatten).
              SmallVector<int64_t> dims(o.getType().getShape());
              auto in = cast<RankedTensorType>(o.getInput().getType());
              if (!dims.empty() && in.getRank() > 0 &&
                  in.getDimSize(0) == dims[0] && llvm::count(dims, 0) == 0)
                dims[0] = 0;
              std::string shape = w.int64s(layer + "/shape", dims);
              w.node("Reshape", {w.nameOf(o.getInput()), shape}, {out(o)},
                     layer);
              return true;
            })
            .Case([&](BroadcastToOp o) {
              // Expand broadcasts both ways: a 1 where the input already
              // has the result's dim 0 keeps it, at any batch.
              SmallVector<int64_t> dims(o.getType().getShape());
              auto in = cast<RankedTensorType>(o.getInput().getType());
              if (!dims.empty() && in.getRank() == (int64_t)dims.size() &&
                  in.getDimSize(0) == dims[0])
                dims[0] = 1;
              std::string shape = w.int64s(layer + "/shape", dims);
              w.node("Expand", {w.nameOf(o.getInput()), shape}, {out(o)},
                     layer);
              return true;
            })
            .Case([&](TransposeOp o) {
              setInts(w.node("Transpose", inputs(o), {out(o)}, layer), "perm",
                      o.getPermutation());
              return true;
            })
            .Case([&](ConcatOp o) {
              setInt(w.node("Concat", inputs(o), {out(o)}, layer), "axis",
                     o.getAxis());
              return true;
            })
            .Case([&](SliceOp o) {
              int64_t rank = o.getStarts().size();
              std::vector<int64_t> axes(rank);
              for (int64_t i = 0; i < rank; ++i)
                axes[i] = i;
              w.node("Slice",
                     {w.nameOf(o.getInput()),
                      w.int64s(layer + "/starts", o.getStarts()),
                      w.int64s(layer + "/ends", o.getLimits()),
                      w.int64s(layer + "/axes", axes),
                      w.int64s(layer + "/steps", o.getSteps())},
                     {out(o)}, layer);
              return true;
            })
            .Case([&](GatherOp o) {
              setInt(w.node("Gather", inputs(o), {out(o)}, layer), "axis",
                     o.getAxis());
              return true;
            })
            .Case([&](PadOp o) { return pad(o, problem); })
            .Case([&](BatchNormInferenceOp o) {
              setFloat(w.node("BatchNormalization", inputs(o), {out(o)}, layer),
                       "epsilon", o.getEpsilon().convertToFloat());
              return true;
            })
            .Case([&](LayerNormOp o) {
              onnx::NodeProto &n =
                  w.node("LayerNormalization", inputs(o), {out(o)}, layer);
              setInt(n, "axis", o.getAxis());
              setFloat(n, "epsilon", o.getEpsilon().convertToFloat());
              return true;
            })
            .Case([&](DropoutOp o) {
              // Inference: the identity. A mask read by a later op would
              // need training-mode Dropout, whose draws ONNX leaves to the
              // runtime.
              if (o.getTraining() || !o.getMask().use_empty()) {
                problem = "only inference-mode dropout whose mask is unused "
                          "exports";
                return false;
              }
              w.node("Identity", {w.nameOf(o.getInput())}, {out(o)}, layer);
              return true;
            })
            .Case([&](BatchNormTrainingOp) {
              problem = "batch statistics have no place in an inference "
                        "model; use running statistics "
                        "(kiln.batch_norm_inference)";
              return false;
            })
            .Default([&](Operation *) {
              problem = "has no ONNX equivalent in the exporter";
              return false;
            });
    if (!done)
      error = kind.str() + where + ": " +
              (problem.empty() ? "cannot be exported" : problem);
    return done;
  }

private:
  std::vector<std::string> inputs(Operation *op) {
    std::vector<std::string> in;
    for (Value v : op->getOperands())
      in.push_back(w.nameOf(v));
    return in;
  }
  std::string result(Value v) {
    std::string hint = layer.empty() ? "v" : layer;
    if (auto result = dyn_cast<OpResult>(v))
      hint += "/" + result.getOwner()->getName().stripDialect().str();
    return w.bind(v, hint);
  }
  std::string out(Operation *op) { return result(op->getResult(0)); }
  std::string tmp(const std::string &what) {
    return w.fresh((layer.empty() ? "" : layer + "/") + what);
  }

  bool constant(ConstantOp c, std::string &problem) {
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    std::string bytes;
    if (!dense || !denseBytes(dense, bytes)) {
      problem = "its value is not a dense f32, f64, i64, i32 or i1 tensor";
      return false;
    }
    onnx::TensorProto &t = *w.graph.add_initializer();
    t.set_name(out(c));
    t.set_data_type(onnxElementType(dense.getElementType()));
    for (int64_t d : dense.getType().getShape())
      t.add_dims(d);
    t.set_raw_data(bytes);
    return true;
  }

  bool gelu(GeluOp o) {
    std::string x = w.nameOf(o.getInput());
    std::string phi = tmp("gelu_phi");
    if (o.getApproximate()) {
      // 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))
      std::string x3 = tmp("gelu_x3"), inner = tmp("gelu_inner"),
                  sum = tmp("gelu_sum"), scaled = tmp("gelu_scaled"),
                  th = tmp("gelu_tanh"), one = tmp("gelu_one");
      w.node("Pow", {x, w.scalar(layer + "/three", 3.0f)}, {x3}, layer);
      w.node("Mul", {x3, w.scalar(layer + "/c", 0.044715f)}, {inner}, layer);
      w.node("Add", {x, inner}, {sum}, layer);
      w.node("Mul",
             {sum, w.scalar(layer + "/sqrt_2_over_pi",
                            static_cast<float>(std::sqrt(2.0 / M_PI)))},
             {scaled}, layer);
      w.node("Tanh", {scaled}, {th}, layer);
      w.node("Add", {th, w.scalar(layer + "/one", 1.0f)}, {one}, layer);
      w.node("Mul", {one, w.scalar(layer + "/half", 0.5f)}, {phi}, layer);
    } else {
      // Phi(x) = 0.5 * (1 + erf(x / sqrt(2)))
      std::string scaled = tmp("gelu_scaled"), e = tmp("gelu_erf"),
                  one = tmp("gelu_one");
      w.node("Mul",
             {x, w.scalar(layer + "/inv_sqrt2",
                          static_cast<float>(1.0 / std::sqrt(2.0)))},
             {scaled}, layer);
      w.node("Erf", {scaled}, {e}, layer);
      w.node("Add", {e, w.scalar(layer + "/one", 1.0f)}, {one}, layer);
      w.node("Mul", {one, w.scalar(layer + "/half", 0.5f)}, {phi}, layer);
    }
    w.node("Mul", {x, phi}, {out(o)}, layer);
    return true;
  }

  /// ONNX's MatMul has no transposes: they become Transposes of the last
  /// two dims.
  bool matmul(MatmulOp o) {
    auto transposed = [&](Value v, bool t) {
      if (!t)
        return w.nameOf(v);
      int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
      std::vector<int64_t> perm(rank);
      for (int64_t i = 0; i < rank; ++i)
        perm[i] = i;
      std::swap(perm[rank - 1], perm[rank - 2]);
      std::string name = tmp("transposed");
      setInts(w.node("Transpose", {w.nameOf(v)}, {name}, layer), "perm", perm);
      return name;
    };
    std::string lhs = transposed(o.getLhs(), o.getTransposeLhs());
    std::string rhs = transposed(o.getRhs(), o.getTransposeRhs());
    w.node("MatMul", {lhs, rhs}, {out(o)}, layer);
    return true;
  }

  /// Opset 17's ReduceMean/Max/Min/LogSumExp take axes as an attribute
  /// (none: every dim).
  template <typename Op> bool reduce(const char *type, Op o) {
    onnx::NodeProto &n = w.node(type, inputs(o), {out(o)}, layer);
    if (!o.getAxes().empty())
      setInts(n, "axes", o.getAxes());
    setInt(n, "keepdims", o.getKeepdims());
    return true;
  }

  bool pad(PadOp o, std::string &problem) {
    std::vector<int64_t> pads(o.getLow().begin(), o.getLow().end());
    pads.insert(pads.end(), o.getHigh().begin(), o.getHigh().end());
    for (int64_t p : pads)
      if (p < 0) {
        problem = "negative padding (a crop) does not export";
        return false;
      }
    const char *mode = o.getMode() == PadMode::reflect ? "reflect"
                       : o.getMode() == PadMode::edge  ? "edge"
                                                       : "constant";
    std::vector<std::string> in = {w.nameOf(o.getInput()),
                                   w.int64s(layer + "/pads", pads)};
    if (o.getMode() == PadMode::constant) {
      if (!o.getType().getElementType().isF32()) {
        problem = "constant padding of a non-f32 tensor does not export";
        return false;
      }
      in.push_back(
          w.scalar(layer + "/pad_value",
                   static_cast<float>(o.getValue().convertToDouble())));
    }
    setString(w.node("Pad", in, {out(o)}, layer), "mode", mode);
    return true;
  }

  GraphWriter &w;
  std::string layer;
};

} // namespace

bool exportFunction(
    func::FuncOp func,
    const std::map<std::string, onnx_import::ExportedTensor> &initializers,
    const ExportOptions &options, std::string &bytes, std::string &error) {
  if (!func.getBody().hasOneBlock()) {
    error = "@" + func.getSymName().str() + " must have one block";
    return false;
  }
  onnx::ModelProto model;
  // IR version 8 is the one of opsets 17 and 18.
  model.set_ir_version(8);
  model.set_producer_name("kiln");
  onnx::OperatorSetIdProto &opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(options.opset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(options.graphName);
  if (!options.docString.empty())
    graph.set_doc_string(options.docString);
  GraphWriter w(graph);

  Block &body = func.getBody().front();
  std::set<std::string> used;
  for (BlockArgument arg : body.getArguments()) {
    auto nameAttr = func.getArgAttrOfType<StringAttr>(
        arg.getArgNumber(), KilnDialect::getNameAttrName());
    std::string name =
        nameAttr ? nameAttr.str() : "arg" + std::to_string(arg.getArgNumber());
    std::string bound = w.bind(arg, name);
    auto it = initializers.find(name);
    if (it == initializers.end()) {
      onnx::ValueInfoProto &info = *graph.add_input();
      info.set_name(bound);
      if (!setValueType(info, arg.getType())) {
        error = "argument '" + name + "' has type that ONNX cannot state";
        return false;
      }
      continue;
    }
    used.insert(name);
    const onnx_import::ExportedTensor &v = it->second;
    auto type = cast<RankedTensorType>(arg.getType());
    if (std::vector<int64_t>(type.getShape().begin(), type.getShape().end()) !=
            v.shape ||
        onnxElementType(type.getElementType()) != v.dtype) {
      error = "the value given for '" + name +
              "' differs in shape or dtype from the argument's " +
              std::to_string(type.getRank()) + "-d type";
      return false;
    }
    onnx::TensorProto &t = *graph.add_initializer();
    t.set_name(bound);
    t.set_data_type(v.dtype);
    for (int64_t d : v.shape)
      t.add_dims(d);
    t.set_raw_data(v.bytes);
  }
  for (const auto &[name, value] : initializers)
    if (!used.count(name)) {
      error = "@" + func.getSymName().str() + " has no argument named '" +
              name + "'";
      return false;
    }

  Exporter exporter(w);
  for (Operation &op : body.without_terminator())
    if (!exporter.emit(&op, error))
      return false;

  // Results: a graph output must be a node's output, so an argument or a
  // value returned twice goes through an Identity.
  Operation *ret = body.getTerminator();
  std::set<std::string> outputs;
  for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
    auto nameAttr =
        func.getResultAttrOfType<StringAttr>(i, KilnDialect::getNameAttrName());
    std::string wanted =
        nameAttr ? nameAttr.str() : "output_" + std::to_string(i);
    std::string name = w.fresh(wanted);
    w.node("Identity", {w.nameOf(v)}, {name}, "output");
    onnx::ValueInfoProto &info = *graph.add_output();
    info.set_name(name);
    if (!setValueType(info, v.getType())) {
      error =
          "result " + std::to_string(i) + " has a type that ONNX cannot state";
      return false;
    }
  }

  if (!options.batchDimParam.empty()) {
    auto symbolic = [&](onnx::ValueInfoProto &info) {
      onnx::TensorShapeProto *shape =
          info.mutable_type()->mutable_tensor_type()->mutable_shape();
      if (shape->dim_size() > 0)
        shape->mutable_dim(0)->set_dim_param(options.batchDimParam);
    };
    for (onnx::ValueInfoProto &info : *graph.mutable_input())
      symbolic(info);
    for (onnx::ValueInfoProto &info : *graph.mutable_output())
      symbolic(info);
  }
  // Deterministic: map fields (none here) would otherwise reorder.
  bytes.clear();
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    model.SerializeToCodedStream(&coded);
  }
  return true;
}

} // namespace kiln::onnx_export
