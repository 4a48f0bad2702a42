//===- Importer.cpp - ONNX graph walk and the helpers importers share -----===//

#include "frontend/onnx/Importer.h"

#include "ir/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

using namespace mlir;

namespace kiln::onnx_import {

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t attrInt(const onnx::NodeProto &node, StringRef name, int64_t fallback) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : fallback;
}

float attrFloat(const onnx::NodeProto &node, StringRef name, float fallback) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->f() : fallback;
}

std::string attrString(const onnx::NodeProto &node, StringRef name,
                       StringRef fallback) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->s() : fallback.str();
}

std::optional<SmallVector<int64_t>> attrInts(const onnx::NodeProto &node,
                                             StringRef name) {
  const onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>> attrFloats(const onnx::NodeProto &node,
                                             StringRef name) {
  const onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

/// The op table is built once; importers are plain functions.
static const OpTable &opTable() {
  static const OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerMatmulOps(t);
    registerConvOps(t);
    registerReductionOps(t);
    registerShapeOps(t);
    registerNormOps(t);
    registerLossOps(t);
    registerCompositeOps(t);
    return t;
  }();
  return table;
}

Importer::Importer(MLIRContext &context, const onnx::ModelProto &model,
                   StringRef modelPath, const ImportOptions &options)
    : context(context), model(model), modelPath(modelPath.str()),
      options(options),
      builder(FileLineColLoc::get(&context, modelPath, 0, 0), &context),
      fileLoc(FileLineColLoc::get(&context, modelPath, 0, 0)) {
  SmallString<256> dir(modelPath);
  llvm::sys::path::remove_filename(dir);
  modelDir = dir.empty() ? "." : dir.str().str();
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opsetVersion = set.version();
}

InFlightDiagnostic Importer::error() {
  // The location names the node; the message starts with its operator.
  InFlightDiagnostic diag = emitError(loc());
  if (currentNode)
    diag << currentNode->op_type() << ": ";
  return diag;
}

Value Importer::input(const onnx::NodeProto &node, int i) {
  if (i >= node.input_size() || node.input(i).empty())
    return {};
  return values.lookup(node.input(i));
}

FailureOr<Value> Importer::required(const onnx::NodeProto &node, int i) {
  if (Value v = input(node, i))
    return v;
  error() << "input " << i << " is required";
  return failure();
}

void Importer::setOutput(const onnx::NodeProto &node, int i, Value v) {
  if (!hasOutput(node, i))
    return;
  if (!values.count(node.output(i)))
    intermediates.push_back(node.output(i));
  values[node.output(i)] = v;
}

std::optional<SmallVector<int64_t>> Importer::knownInts(Value v) {
  auto given = argValues.find(v);
  if (given != argValues.end() &&
      isa<IntegerType>(typeOf(v).getElementType()) &&
      static_cast<int64_t>(given->second.size()) == typeOf(v).getNumElements())
    return llvm::to_vector(llvm::map_range(
        given->second, [](double x) { return static_cast<int64_t>(x); }));
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &x : attr.getValues<APInt>())
    result.push_back(intType.getWidth() == 1 ? x.getZExtValue()
                                             : x.getSExtValue());
  return result;
}

FailureOr<SmallVector<int64_t>>
Importer::constantInts(const onnx::NodeProto &node, int i, StringRef what) {
  Value v = input(node, i);
  if (!v) {
    error() << "input " << i << " (" << what << ") is required";
    return failure();
  }
  auto known = knownInts(v);
  if (!known) {
    error() << "input " << i << " (" << what
            << ") must be a constant integer tensor (kiln compiles static "
               "shapes)";
    return failure();
  }
  return *known;
}

std::optional<double> Importer::knownScalar(Value v, bool fromInputs) {
  auto given = argValues.find(v);
  if (fromInputs && given != argValues.end() && given->second.size() == 1 &&
      typeOf(v).getNumElements() == 1)
    return given->second[0];
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || attr.getNumElements() != 1)
    return std::nullopt;
  if (isa<FloatType>(attr.getElementType()))
    return (*attr.getValues<APFloat>().begin()).convertToDouble();
  return static_cast<double>((*attr.getValues<APInt>().begin()).getSExtValue());
}

Value Importer::ints(ArrayRef<int64_t> vals, ArrayRef<int64_t> shape,
                     Type elementType) {
  if (!elementType)
    elementType = builder.getI64Type();
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<APInt> apints;
  for (int64_t x : vals)
    apints.push_back(APInt(elementType.getIntOrFloatBitWidth(), x, true));
  return constant(DenseElementsAttr::get(type, apints));
}

Value Importer::constant(DenseElementsAttr value) {
  return ConstantOp::create(builder, value);
}

Value Importer::scalarLike(Value x, double value) {
  return builder.scalar(typeOf(x).getElementType(), value);
}

FailureOr<Value> Importer::reshape(Value x, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, typeOf(x).getElementType());
  return make<ReshapeOp>({x}, {}, type);
}

FailureOr<Value> Importer::cast(Value x, Type elementType) {
  if (typeOf(x).getElementType() == elementType)
    return x;
  return make<CastOp>({x}, {}, typeOf(x).clone(elementType));
}

FailureOr<SmallVector<Value>>
Importer::makeAll(StringRef name, ValueRange operands,
                  ArrayRef<NamedAttribute> attributes, unsigned numResults,
                  TypeRange resultTypes) {
  OperationState state(loc(), name);
  state.addOperands(operands);
  state.addAttributes(attributes);
  if (!resultTypes.empty())
    state.addTypes(resultTypes);
  else
    state.addTypes(SmallVector<Type>(numResults, builder.getNoneType()));
  Operation *op = builder.create(state);
  if (resultTypes.empty()) {
    // The placeholder types are replaced by what the op's shape rule says;
    // a shape rule that fails has emitted its error at the node.
    auto infer = dyn_cast<InferTypeOpInterface>(op);
    if (!infer) {
      op->erase();
      error() << "internal error: " << name << " needs explicit result types";
      return failure();
    }
    SmallVector<Type> types;
    if (failed(infer.inferReturnTypes(&context, op->getLoc(), op->getOperands(),
                                      op->getRawDictionaryAttrs(),
                                      op->getPropertiesStorage(),
                                      op->getRegions(), types)) ||
        types.size() != op->getNumResults()) {
      op->erase();
      return failure();
    }
    for (auto [result, type] : llvm::zip(op->getResults(), types))
      result.setType(type);
  }
  if (failed(mlir::verify(op))) {
    op->erase();
    return failure();
  }
  SmallVector<Value> results(op->getResults());
  SmallVector<OpFoldResult> folded;
  if (succeeded(op->fold(folded)) && folded.size() == results.size()) {
    for (auto [i, f] : llvm::enumerate(folded)) {
      if (auto v = dyn_cast<Value>(f)) {
        results[i] = v;
        continue;
      }
      auto value = dyn_cast<DenseElementsAttr>(llvm::cast<Attribute>(f));
      if (value && value.getType() == results[i].getType())
        results[i] = constant(value);
    }
  } else if (DenseElementsAttr value = foldKnownIntegers(op)) {
    results[0] = constant(value);
  }
  if (op->use_empty() &&
      llvm::none_of(results, [&](Value v) { return v.getDefiningOp() == op; }))
    op->erase();
  return results;
}

FailureOr<RankedTensorType>
Importer::inputType(const onnx::ValueInfoProto &info) {
  const std::string &name = info.name();
  if (!info.type().has_tensor_type())
    return emitError(fileLoc) << "graph input '" << name
                              << "' is not a tensor (sequence, map and "
                                 "optional inputs are unsupported)",
           failure();
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = elementTypeOf(&context, tensor.elem_type());
  if (!element)
    return emitError(fileLoc)
               << "graph input '" << name << "' has element type "
               << onnx::TensorProto::DataType_Name(
                      static_cast<onnx::TensorProto::DataType>(
                          tensor.elem_type()))
               << ", which kiln does not support",
           failure();
  SmallVector<int64_t> shape;
  auto given = options.inputShapes.find(name);
  if (tensor.has_shape() && given != options.inputShapes.end() &&
      tensor.shape().dim_size() != static_cast<int>(given->second.size()))
    return emitError(fileLoc)
               << "--input-shape for '" << name << "' has rank "
               << given->second.size() << " but the model declares rank "
               << tensor.shape().dim_size(),
           failure();
  if (given != options.inputShapes.end()) {
    shape.assign(given->second.begin(), given->second.end());
    for (int i = 0; tensor.has_shape() && i < tensor.shape().dim_size(); ++i) {
      const auto &dim = tensor.shape().dim(i);
      if (dim.has_dim_value() && dim.dim_value() != shape[i])
        return emitError(fileLoc)
                   << "--input-shape for '" << name << "' gives dim " << i
                   << " as " << shape[i] << " but the model fixes it to "
                   << dim.dim_value(),
               failure();
    }
  } else {
    if (!tensor.has_shape())
      return emitError(fileLoc)
                 << "graph input '" << name
                 << "' has no shape; give one with --input-shape " << name
                 << "=DxDx...",
             failure();
    for (int i = 0; i < tensor.shape().dim_size(); ++i) {
      const auto &dim = tensor.shape().dim(i);
      if (!dim.has_dim_value() || dim.dim_value() < 0)
        return emitError(fileLoc)
                   << "graph input '" << name << "' has a dynamic dim " << i
                   << (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                           : std::string())
                   << "; fix it with --input-shape " << name << "=DxDx...",
               failure();
      shape.push_back(dim.dim_value());
    }
  }
  // Absurd sizes are rejected before anything is allocated for them.
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > (int64_t(1) << 40) ||
        (d && elements > (int64_t(1) << 40) / d))
      return emitError(fileLoc)
                 << "graph input '" << name << "' has an absurd size",
             failure();
    elements *= d;
  }
  return RankedTensorType::get(shape, element);
}

LogicalResult Importer::importNode(const onnx::NodeProto &node, int index) {
  std::string name = node.name();
  if (name.empty())
    name = node.output_size() ? node.output(0) : node.op_type();
  builder.setLoc(NameLoc::get(StringAttr::get(&context, name), fileLoc));
  currentNode = &node;
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return emitError(loc())
           << "operator '" << node.op_type() << "' of domain '" << node.domain()
           << "' is not supported (kiln imports the default ONNX "
              "domain, opset "
           << opsetVersion << ")";
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !values.count(node.input(i)))
      return error() << "input '" << node.input(i)
                     << "' is not defined before this node (node " << index
                     << " of the graph)";
  auto it = opTable().find(node.op_type());
  if (it == opTable().end())
    return emitError(loc()) << "unsupported ONNX operator '" << node.op_type()
                            << "' (opset " << opsetVersion << ")";
  // Diagnostics of the ops made for this node (their shape rules and
  // verifiers speak of kiln ops) start with the ONNX operator, as the
  // importers' own do; the location names the node.
  bool reemitting = false;
  ScopedDiagnosticHandler prefixOpType(&context, [&](Diagnostic &diag) {
    std::string text = diag.str();
    if (reemitting || diag.getSeverity() != DiagnosticSeverity::Error ||
        StringRef(text).starts_with(node.op_type() + ": "))
      return failure(); // On to the caller's handler.
    reemitting = true;
    InFlightDiagnostic prefixed = emitError(diag.getLocation())
                                  << node.op_type() << ": " << text;
    for (Diagnostic &note : diag.getNotes())
      prefixed.attachNote(note.getLocation()) << note.str();
    prefixed.report();
    reemitting = false;
    return success();
  });
  if (failed(it->second(*this, node)))
    return failure();
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !values.count(node.output(i)))
      return error() << "output " << i << " ('" << node.output(i)
                     << "') is not supported by kiln's importer";
  return success();
}

/// How a training build starts a parameter the file initializes: the
/// trainer draws random weights itself (Glorot for matrices, zeros for
/// vectors), but a constant initialization, such as LayerNorm's scale of
/// ones or a zero bias, is part of the model and is kept ("ones", "zeros").
/// Empty: the trainer's default.
static StringRef initializerKind(DenseElementsAttr value) {
  if (value.empty())
    return "";
  auto values = value.getValues<APFloat>();
  double first = (*values.begin()).convertToDouble();
  if ((first != 0.0 && first != 1.0) ||
      llvm::any_of(values, [&](const APFloat &x) {
        return x.convertToDouble() != first;
      }))
    return "";
  return first == 0.0 ? "zeros" : "ones";
}

OwningOpRef<ModuleOp> Importer::run() {
  if (!model.has_graph()) {
    emitError(fileLoc) << "the model has no graph";
    return {};
  }
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &t : graph.initializer())
    initializerNames.insert(t.name());

  for (auto &given : options.inputShapes)
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &in) {
          return in.name() == given.first &&
                 !initializerNames.contains(in.name());
        })) {
      emitError(fileLoc) << "--input-shape names '" << given.first
                         << "', which is not an input of the graph";
      return {};
    }

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    // Old exporters list initializers among the inputs; they are the
    // initializers' values, not inputs of the compiled function.
    if (initializerNames.contains(in.name()))
      continue;
    auto type = inputType(in);
    if (failed(type))
      return {};
    argTypes.push_back(*type);
    argNames.push_back(in.name());
  }

  // Initializers: decoded first, so that a bad one is reported even when
  // they become arguments.
  SmallVector<DenseElementsAttr> initValues;
  for (const onnx::TensorProto &t : graph.initializer()) {
    auto value = decodeTensor(t, modelDir, fileLoc);
    if (failed(value))
      return {};
    initValues.push_back(*value);
  }
  // Float initializers are the parameters; integer ones (shapes, indices)
  // stay constants even in a training build.
  unsigned numInputs = argTypes.size();
  auto isParameter = [&](DenseElementsAttr value) {
    return options.trainable && isa<FloatType>(value.getElementType());
  };
  SmallVector<DenseElementsAttr> paramValues;
  for (auto [t, value] : llvm::zip(graph.initializer(), initValues))
    if (isParameter(value)) {
      argTypes.push_back(value.getType());
      argNames.push_back(t.name());
      paramValues.push_back(value);
    }

  auto funcType = builder.getFunctionType(argTypes, {});
  auto func = func::FuncOp::create(builder, options.functionName, funcType);
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = entry->getArgument(i);
    func.setArgAttr(i, KilnDialect::getNameAttrName(),
                    builder.getStringAttr(name));
    if (i >= numInputs) {
      func.setArgAttr(i, KilnDialect::getTrainableAttrName(),
                      builder.getUnitAttr());
      if (StringRef init = initializerKind(paramValues[i - numInputs]);
          !init.empty())
        func.setArgAttr(i, KilnDialect::getInitAttrName(),
                        builder.getStringAttr(init));
    } else if (auto given = options.inputValues.find(i);
               given != options.inputValues.end())
      argValues[entry->getArgument(i)] = given->second;
  }
  for (auto [t, value] : llvm::zip(graph.initializer(), initValues))
    if (!isParameter(value))
      values[t.name()] = constant(value);

  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return {};
  currentNode = nullptr;
  builder.setLoc(fileLoc);

  SmallVector<Value> results;
  SmallVector<std::string> resultNames;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v) {
      emitError(fileLoc) << "graph output '" << out.name()
                         << "' is not computed by any node";
      return {};
    }
    results.push_back(v);
    resultNames.push_back(out.name());
  }
  if (options.exposeIntermediates)
    for (const std::string &name : intermediates)
      if (!llvm::is_contained(resultNames, name)) {
        results.push_back(values.lookup(name));
        resultNames.push_back(name);
      }
  func::ReturnOp::create(builder, results);
  // Constants that folding left unused (a reshaped initializer's original).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isa<ConstantOp>(op) && op.use_empty())
      op.erase();
  func.setType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(resultNames))
    func.setResultAttr(i, KilnDialect::getNameAttrName(),
                       builder.getStringAttr(name));
  if (failed(mlir::verify(*module)))
    return {};
  return module;
}

std::string describeLocation(Location loc) {
  if (auto flc = dyn_cast<FileLineColLoc>(loc)) {
    std::string s = flc.getFilename().str();
    if (flc.getLine())
      s += ":" + std::to_string(flc.getLine()) + ":" +
           std::to_string(flc.getColumn());
    return s;
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return describeLocation(name.getChildLoc()) + ": node '" +
           name.getName().str() + "'";
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return describeLocation(fused.getLocations().front());
  std::string s;
  llvm::raw_string_ostream os(s);
  os << loc;
  return s;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> importModelBytes(MLIRContext &context, StringRef bytes,
                                       StringRef modelPath,
                                       const ImportOptions &options,
                                       ImportInfo *info) {
  context.loadDialect<KilnDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  onnx::ModelProto model;
  google::protobuf::io::ArrayInputStream stream(bytes.data(), bytes.size());
  google::protobuf::io::CodedInputStream coded(&stream);
  // Models with large initializers exceed protobuf's default 64 MiB limit.
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (bytes.empty() || !model.ParseFromCodedStream(&coded) ||
      !coded.ConsumedEntireMessage()) {
    emitError(fileLoc) << "not a valid ONNX model (the file does not parse "
                          "as an onnx.ModelProto; truncated or not ONNX)";
    return {};
  }
  if (!model.has_graph() || model.opset_import_size() == 0) {
    emitError(fileLoc) << "not a valid ONNX model (no graph or no opset)";
    return {};
  }
  Importer importer(context, model, modelPath, options);
  OwningOpRef<ModuleOp> module = importer.run();
  if (module && info)
    info->numOutputs = model.graph().output_size();
  return module;
}

OwningOpRef<ModuleOp> importModel(MLIRContext &context, StringRef path,
                                  const ImportOptions &options,
                                  ImportInfo *info) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the model: " << buffer.getError().message();
    return {};
  }
  return importModelBytes(context, (*buffer)->getBuffer(), path, options, info);
}

bool parseInputShape(llvm::StringRef spec, std::string &name,
                     std::vector<int64_t> &shape) {
  auto [lhs, rhs] = spec.rsplit('=');
  if (lhs.empty() || rhs.empty() || lhs == spec)
    return false;
  name = lhs.str();
  llvm::SmallVector<llvm::StringRef> dims;
  rhs.split(dims, 'x');
  for (llvm::StringRef d : dims) {
    int64_t v;
    if (d.getAsInteger(10, v) || v < 0)
      return false;
    shape.push_back(v);
  }
  return true;
}

} // namespace kiln::onnx_import
