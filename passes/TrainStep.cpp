//===- TrainStep.cpp - kiln-build-train-step ------------------------------===//
//
// Builds @train_step and @eval_step around a forward function @model.
// train_step inlines the model's body (a func.call has no gradient, and
// training switches dropout and batch norm) and eval_step calls the model
// (one compiled copy of the inference forward pass); both apply the loss,
// and train_step then reuses the kiln-autodiff core for the gradients and
// passes/Optimizers for the update. See the pass description in Passes.td
// for the layout.
//
//===----------------------------------------------------------------------===//

#include "ir/BufferAttr.h"
#include "ir/KilnBuilder.h"
#include "ir/ops/OpUtils.h"
#include "passes/Autodiff.h"
#include "passes/ModelFunction.h"
#include "passes/Optimizers.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace kiln {
#define GEN_PASS_DEF_KILNBUILDTRAINSTEP
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

enum class LossKind { SoftmaxCrossEntropy, Mse, BceWithLogits, Nll };

std::optional<LossKind> parseLoss(StringRef name) {
  if (name == "softmax_cross_entropy")
    return LossKind::SoftmaxCrossEntropy;
  if (name == "mse")
    return LossKind::Mse;
  if (name == "bce_with_logits")
    return LossKind::BceWithLogits;
  if (name == "nll")
    return LossKind::Nll;
  return std::nullopt;
}

/// What the builders need to know about @model.
struct ModelInfo {
  func::FuncOp func;
  SmallVector<unsigned> params;  // argument indices, in order
  SmallVector<unsigned> buffers; // kiln.buffer arguments, in order
  unsigned input;                // the one argument of neither kind
  SmallVector<std::string> paramNames, bufferNames;
  RankedTensorType logitsType, targetType;
};

/// The running-statistics momentum of a batch norm without kiln.momentum
/// (PyTorch's default).
constexpr double defaultMomentum = 0.1;

/// Clones @model's body into `b`'s block with its arguments mapped to
/// `params`, `buffers` and `x`; returns the logits. With `step`
/// (train_step) every kiln.dropout is switched to training with its seed
/// advanced by the step, so each step draws new masks, and every
/// kiln.batch_norm_inference whose statistics are buffers normalizes with
/// the batch's statistics instead, its buffers' new values (PyTorch's
/// update with the op's kiln.momentum) going to `bufferUpdates` (null where
/// a buffer is not updated). Without `step` the model's ops are cloned as
/// they are.
Value inlineModel(KilnBuilder &b, const ModelInfo &m, ValueRange params,
                  ValueRange buffers, Value x, Value step = {},
                  SmallVectorImpl<Value> *bufferUpdates = nullptr) {
  IRMapping map;
  func::FuncOp model = m.func;
  Block &body = model.getBody().front();
  for (auto [i, arg] : llvm::enumerate(m.params))
    map.map(body.getArgument(arg), params[i]);
  for (auto [i, arg] : llvm::enumerate(m.buffers))
    map.map(body.getArgument(arg), buffers[i]);
  map.map(body.getArgument(m.input), x);
  if (bufferUpdates)
    bufferUpdates->assign(m.buffers.size(), Value());
  auto bufferIndex = [&](Value v) -> int {
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &body)
      return -1;
    const auto *it = llvm::find(m.buffers, arg.getArgNumber());
    return it == m.buffers.end() ? -1 : int(it - m.buffers.begin());
  };
  for (Operation &op : body.without_terminator()) {
    if (auto dropout = dyn_cast<DropoutOp>(op); dropout && step) {
      Value seed = b.add(map.lookup(dropout.getSeed()), step);
      auto train =
          DropoutOp::create(b, map.lookup(dropout.getInput()), seed,
                            dropout.getRatioAttr(), b.getBoolAttr(true));
      map.map(dropout.getResults(), train.getResults());
      continue;
    }
    auto norm = dyn_cast<BatchNormInferenceOp>(op);
    int meanIndex = norm ? bufferIndex(norm.getMean()) : -1;
    int varIndex = norm ? bufferIndex(norm.getVariance()) : -1;
    if (!step || meanIndex < 0 || varIndex < 0) {
      b.clone(op, map);
      continue;
    }
    b.setLoc(norm.getLoc());
    auto train = BatchNormTrainingOp::create(
        b, map.lookup(norm.getInput()), map.lookup(norm.getScale()),
        map.lookup(norm.getBias()), norm.getEpsilonAttr());
    map.map(norm.getOutput(), train.getOutput());
    double momentum = defaultMomentum;
    if (auto attr = norm->getAttrOfType<FloatAttr>("kiln.momentum"))
      momentum = attr.getValueAsDouble();
    // The running variance is unbiased, from the M values per channel.
    auto inputType = tensorType(norm.getInput());
    int64_t count = inputType.getNumElements() /
                    tensorType(norm.getMean()).getNumElements();
    double unbias = count > 1 ? double(count) / double(count - 1) : 1.0;
    auto update = [&](int index, Value batchValue, double factor) {
      // A layer called twice updates its buffers once per call, in order.
      Value old =
          (*bufferUpdates)[index] ? (*bufferUpdates)[index] : buffers[index];
      (*bufferUpdates)[index] = b.add(b.scale(old, 1.0 - momentum),
                                      b.scale(batchValue, momentum * factor));
    };
    update(meanIndex, train.getBatchMean(), 1.0);
    update(varIndex, train.getBatchVariance(), unbias);
  }
  return map.lookup(body.getTerminator()->getOperand(0));
}

Value buildLoss(KilnBuilder &b, LossKind kind, Value logits, Value y,
                Reduction reduction) {
  auto r = ReductionAttr::get(b.getContext(), reduction);
  switch (kind) {
  case LossKind::SoftmaxCrossEntropy:
    return SoftmaxCrossEntropyOp::create(b, logits, y, Value(), r,
                                         IntegerAttr());
  case LossKind::Nll:
    return NllLossOp::create(b, logits, y, Value(), r, IntegerAttr());
  case LossKind::Mse:
    return MseLossOp::create(b, logits, y, r);
  case LossKind::BceWithLogits:
    return BinaryCrossEntropyWithLogitsOp::create(b, logits, y, r);
  }
  return {};
}

/// The loss of each sample, [N]: the mean over a sample's elements for the
/// elementwise losses, so that the mean of these is the batch's mean loss.
Value buildSampleLosses(KilnBuilder &b, LossKind kind, Value logits, Value y) {
  Value losses = buildLoss(b, kind, logits, y, Reduction::none);
  int64_t rank = tensorType(losses).getRank();
  if (rank <= 1)
    return losses;
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(1, rank));
  return b.mean(losses, axes, /*keepdims=*/false);
}

/// A new public function `name` after `after` with arguments named `names`.
func::FuncOp createFunction(OpBuilder &builder, func::FuncOp after,
                            StringRef name, TypeRange args,
                            ArrayRef<std::string> names) {
  builder.setInsertionPointAfter(after);
  auto func = func::FuncOp::create(builder, after.getLoc(), name,
                                   builder.getFunctionType(args, {}));
  func.addEntryBlock();
  for (auto [i, n] : llvm::enumerate(names))
    func.setArgAttr(i, KilnDialect::getNameAttrName(),
                    builder.getStringAttr(n));
  return func;
}

void setResults(func::FuncOp func, ValueRange results,
                ArrayRef<std::string> names) {
  Block &body = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&body);
  func::ReturnOp::create(b, func.getLoc(), results);
  func.setFunctionType(FunctionType::get(
      func.getContext(), func.getArgumentTypes(), TypeRange(results)));
  SmallVector<Attribute> attrs;
  for (const std::string &n : names)
    attrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(KilnDialect::getNameAttrName(), b.getStringAttr(n))));
  func.setAllResultAttrs(attrs);
}

struct BuildTrainStepPass
    : kiln::impl::KilnBuildTrainStepBase<BuildTrainStepPass> {
  using KilnBuildTrainStepBase::KilnBuildTrainStepBase;

  LogicalResult configure(ModuleOp module, OptimizerConfig &c,
                          LossKind &lossKind) {
    auto error = [&]() {
      return module.emitError() << "kiln-build-train-step: ";
    };
    std::optional<OptimizerKind> kind = parseOptimizerKind(optimizer);
    if (!kind)
      return error() << "unknown optimizer '" << optimizer
                     << "' (sgd, momentum, nesterov, adagrad, rmsprop, adam, "
                        "adamw)";
    std::optional<LossKind> l = parseLoss(loss);
    if (!l)
      return error() << "unknown loss '" << loss
                     << "' (softmax_cross_entropy, mse, bce_with_logits, nll)";
    lossKind = *l;
    std::optional<LrSchedule> s = parseLrSchedule(schedule);
    if (!s)
      return error() << "unknown schedule '" << schedule
                     << "' (constant, step, cosine)";
    c = OptimizerConfig::defaults(*kind);
    if (lr != -1.0)
      c.lr = lr;
    if (momentum != -1.0)
      c.momentum = momentum;
    if (eps != -1.0)
      c.eps = eps;
    if (weightDecay != -1.0)
      c.weightDecay = weightDecay;
    c.beta1 = beta1;
    c.beta2 = beta2;
    c.alpha = alpha;
    c.centered = centered;
    c.clipNorm = clipNorm;
    c.schedule = *s;
    c.stepSize = stepSize;
    c.gamma = gamma;
    c.totalSteps = totalSteps;
    c.lrMin = lrMin;
    if ((c.kind == OptimizerKind::Sgd || c.kind == OptimizerKind::AdaGrad ||
         c.kind == OptimizerKind::Adam || c.kind == OptimizerKind::AdamW) &&
        momentum > 0)
      return error() << "momentum does not apply to optimizer " << optimizer;
    if (centered && c.kind != OptimizerKind::RmsProp)
      return error() << "centered applies to rmsprop only";
    std::string problem = c.validate();
    if (!problem.empty())
      return error() << problem;
    return success();
  }

  FailureOr<ModelInfo> findModel(ModuleOp module, LossKind lossKind) {
    ModelInfo m;
    m.func = findModelFunction(module, model, "kiln-build-train-step");
    if (!m.func)
      return failure();
    func::FuncOp f = m.func;
    auto error = [&]() {
      return f.emitError() << "kiln-build-train-step: @" << f.getSymName()
                           << " ";
    };
    if (!f.getBody().hasOneBlock())
      return error() << "must have one block", failure();
    if (f.getNumResults() != 1)
      return error() << "must return one value (the logits), not "
                     << f.getNumResults(),
             failure();
    m.logitsType = dyn_cast<RankedTensorType>(f.getResultTypes()[0]);
    if (!m.logitsType || !isa<FloatType>(m.logitsType.getElementType()))
      return error() << "must return a float tensor", failure();
    SmallVector<unsigned> inputs;
    for (unsigned i = 0; i < f.getNumArguments(); ++i) {
      if (f.getArgAttr(i, bufferAttrName)) {
        m.buffers.push_back(i);
        auto name =
            f.getArgAttrOfType<StringAttr>(i, KilnDialect::getNameAttrName());
        m.bufferNames.push_back(name ? name.str() : "b" + std::to_string(i));
        continue;
      }
      if (!f.getArgAttr(i, KilnDialect::getTrainableAttrName())) {
        inputs.push_back(i);
        continue;
      }
      auto t = dyn_cast<RankedTensorType>(f.getArgumentTypes()[i]);
      if (!t || !isa<FloatType>(t.getElementType()))
        return error() << "has a kiln.trainable argument #" << i
                       << " that is not a float tensor",
               failure();
      m.params.push_back(i);
      auto name =
          f.getArgAttrOfType<StringAttr>(i, KilnDialect::getNameAttrName());
      m.paramNames.push_back(name ? name.str() : "p" + std::to_string(i));
    }
    if (inputs.size() != 1)
      return error() << "must have exactly one argument that is neither "
                        "kiln.trainable nor kiln.buffer (the input x), found "
                     << inputs.size(),
             failure();
    m.input = inputs[0];
    if (lossKind == LossKind::SoftmaxCrossEntropy ||
        lossKind == LossKind::Nll) {
      if (m.logitsType.getRank() < 2)
        return error() << "returns " << m.logitsType << "; loss " << loss
                       << " needs logits of rank >= 2 ([N, C, ...])",
               failure();
      SmallVector<int64_t> shape(m.logitsType.getShape());
      shape.erase(shape.begin() + 1);
      m.targetType =
          RankedTensorType::get(shape, IntegerType::get(f.getContext(), 64));
    } else {
      m.targetType = m.logitsType;
    }
    return m;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OptimizerConfig config;
    LossKind lossKind;
    if (failed(configure(module, config, lossKind)))
      return signalPassFailure();
    FailureOr<ModelInfo> found = findModel(module, lossKind);
    if (failed(found))
      return signalPassFailure();
    ModelInfo &m = *found;
    SymbolTable symbols(module);
    for (StringRef name : {"train_step", "eval_step"})
      if (symbols.lookup(name)) {
        module.emitError() << "kiln-build-train-step: cannot add @" << name
                           << ": the symbol exists";
        return signalPassFailure();
      }

    MLIRContext *ctx = &getContext();
    FunctionType modelType = m.func.getFunctionType();
    Type xType = modelType.getInput(m.input);
    SmallVector<Type> paramTypes;
    for (unsigned i : m.params)
      paramTypes.push_back(modelType.getInput(i));
    SmallVector<std::string> paramNames;
    for (const std::string &n : m.paramNames)
      paramNames.push_back("param:" + n);
    SmallVector<Type> bufferTypes;
    SmallVector<std::string> bufferNames;
    for (auto [i, arg] : llvm::enumerate(m.buffers)) {
      bufferTypes.push_back(modelType.getInput(arg));
      bufferNames.push_back("buffer:" + m.bufferNames[i]);
    }
    size_t numParams = m.params.size(), numBuffers = m.buffers.size();
    OpBuilder builder(ctx);

    // eval_step(params..., buffers..., x, y) -> (per-sample loss, logits).
    // Per sample so that a driver can evaluate a last, partly padded batch
    // exactly.
    {
      SmallVector<Type> args(paramTypes);
      args.append(bufferTypes);
      args.append({xType, m.targetType});
      SmallVector<std::string> names(paramNames);
      names.append(bufferNames);
      names.append({"x", "y"});
      func::FuncOp eval =
          createFunction(builder, m.func, "eval_step", args, names);
      KilnBuilder b(m.func.getLoc(), ctx);
      b.setInsertionPointToStart(&eval.getBody().front());
      ValueRange a = eval.getArguments();
      // The model's inference ops unchanged: call it rather than inline a
      // second copy of the forward pass, which would double its compile
      // time (the model function stays an entry point of its own).
      SmallVector<Value> operands(m.func.getNumArguments());
      for (auto [i, arg] : llvm::enumerate(m.params))
        operands[arg] = a[i];
      for (auto [i, arg] : llvm::enumerate(m.buffers))
        operands[arg] = a[numParams + i];
      operands[m.input] = a[numParams + numBuffers];
      Value logits = func::CallOp::create(b, m.func, operands).getResult(0);
      Value losses = buildSampleLosses(b, lossKind, logits, a.back());
      setResults(eval, {losses, logits}, {"loss", "logits"});
    }

    // train_step(params..., state..., buffers..., step, x, y).
    SmallVector<std::string> slots = optimizerStateNames(config);
    size_t numState = numParams * slots.size();
    SmallVector<Type> args(paramTypes);
    SmallVector<std::string> names(paramNames);
    for (auto [i, t] : llvm::enumerate(paramTypes))
      for (const std::string &slot : slots) {
        args.push_back(t);
        names.push_back("state:" + m.paramNames[i] + "." + slot);
      }
    args.append(bufferTypes);
    names.append(bufferNames);
    Type stepType = RankedTensorType::get({}, builder.getI64Type());
    args.append({stepType, xType, m.targetType});
    names.append({"step", "x", "y"});
    func::FuncOp train =
        createFunction(builder, m.func, "train_step", args, names);
    // How each parameter and buffer starts, for the driver that
    // initializes them.
    unsigned bufferStart = numParams + numState;
    for (auto [i, arg] : llvm::enumerate(m.params))
      if (Attribute init =
              m.func.getArgAttr(arg, KilnDialect::getInitAttrName()))
        train.setArgAttr(i, KilnDialect::getInitAttrName(), init);
    for (auto [i, arg] : llvm::enumerate(m.buffers))
      if (Attribute init =
              m.func.getArgAttr(arg, KilnDialect::getInitAttrName()))
        train.setArgAttr(bufferStart + i, KilnDialect::getInitAttrName(), init);
    Block &body = train.getBody().front();
    ValueRange a = train.getArguments();
    unsigned stepIndex = bufferStart + numBuffers;
    KilnBuilder b(m.func.getLoc(), ctx);
    b.setInsertionPointToStart(&body);
    SmallVector<Value> bufferUpdates;
    Value logits = inlineModel(b, m, a.take_front(numParams),
                               a.slice(bufferStart, numBuffers),
                               a[stepIndex + 1], a[stepIndex], &bufferUpdates);
    b.setLoc(m.func.getLoc());
    Value lossValue =
        buildLoss(b, lossKind, logits, a[stepIndex + 2], Reduction::mean);
    // The buffers' new values are results before differentiation, which
    // folds and drops whatever no result uses; they are not on the loss's
    // path, so they get no gradient.
    SmallVector<Value> firstResults = {lossValue};
    SmallVector<unsigned> updatedBuffers;
    for (auto [i, v] : llvm::enumerate(bufferUpdates))
      if (v) {
        firstResults.push_back(v);
        updatedBuffers.push_back(i);
      }
    setResults(train, firstResults,
               SmallVector<std::string>(firstResults.size(), "loss"));
    SmallVector<unsigned> wrt;
    for (unsigned i = 0; i < numParams; ++i)
      wrt.push_back(i);
    if (failed(appendGradients(train, wrt)))
      return signalPassFailure();

    auto ret = cast<func::ReturnOp>(body.getTerminator());
    b.setInsertionPoint(ret);
    SmallVector<Value> newBuffers(
        ret.getOperands().slice(1, updatedBuffers.size()));
    SmallVector<Value> grads(
        ret.getOperands().drop_front(1 + updatedBuffers.size()));
    if (config.clipNorm > 0)
      buildClipByGlobalNorm(b, config.clipNorm, grads);
    Value step = a[stepIndex];
    Value lrValue = buildLearningRate(b, config, step);
    SmallVector<Value> results = {ret.getOperand(0)};
    SmallVector<std::string> resultNames = {"loss"};
    SmallVector<Value> newState;
    for (unsigned i = 0; i < numParams; ++i) {
      ParamUpdate u = buildOptimizerUpdate(
          b, config, lrValue, step, a[i], grads[i],
          a.slice(numParams + i * slots.size(), slots.size()));
      results.push_back(u.param);
      newState.append(u.state);
    }
    results.append(newState);
    // The argument each new value replaces: parameters and state in
    // order, then the updated buffers.
    SmallVector<unsigned> destinations;
    for (unsigned i = 0; i < numParams + numState; ++i)
      destinations.push_back(i);
    for (auto [i, index] : llvm::enumerate(updatedBuffers)) {
      results.push_back(newBuffers[i]);
      destinations.push_back(bufferStart + index);
    }
    // Write each new value into its argument: in place after one-shot
    // bufferization (a copy only where the old value is still read later).
    for (unsigned i = 1; i < results.size(); ++i) {
      Value dest = a[destinations[i - 1]];
      results[i] =
          bufferization::MaterializeInDestinationOp::create(b, results[i], dest)
              .getResult();
      train.setArgAttr(destinations[i - 1], "bufferization.writable",
                       b.getBoolAttr(true));
      resultNames.push_back("updated:" + names[destinations[i - 1]]);
    }
    ret.erase();
    setResults(train, results, resultNames);
    // Which argument each updated value is, so that codegen can drop these
    // results once bufferization has made each one its argument.
    for (unsigned i = 1; i < results.size(); ++i)
      train.setResultAttr(i, "kiln.in_place_of",
                          b.getI64IntegerAttr(destinations[i - 1]));

    // The layout, for drivers: what each argument range holds.
    SmallVector<NamedAttribute> layout = {
        b.getNamedAttr("optimizer", b.getStringAttr(optimizer)),
        b.getNamedAttr("loss", b.getStringAttr(loss)),
        b.getNamedAttr("num_params", b.getI64IntegerAttr(numParams)),
        b.getNamedAttr("num_buffers", b.getI64IntegerAttr(numBuffers)),
        b.getNamedAttr("state_slots", b.getStrArrayAttr(SmallVector<StringRef>(
                                          slots.begin(), slots.end()))),
        b.getNamedAttr("step_arg", b.getI64IntegerAttr(stepIndex)),
        b.getNamedAttr("lr", b.getF64FloatAttr(config.lr))};
    train->setAttr("kiln.train_step", b.getDictionaryAttr(layout));
  }
};

} // namespace
