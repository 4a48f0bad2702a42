//===- Pipeline.cpp - MLIR passes from kiln to the LLVM dialect
//------------===//

#include "codegen/Pipeline.h"
#include "codegen/Passes.h"
#include "ir/KilnDialect.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/TransformOps/DialectExtension.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/TransformOps/MemRefTransformOps.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/TransformOps/SCFTransformOps.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/TransformOps/TensorTransformOps.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/LoopExtension/LoopExtension.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/TransformOps/VectorTransformOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;

namespace kiln {

Pipeline::Pipeline(CompileOptions options) : opts(std::move(options)) {
  timing.setEnabled(opts.timePasses);
}
Pipeline::~Pipeline() = default;

void Pipeline::registerDialects(DialectRegistry &registry) {
  registry
      .insert<KilnDialect, func::FuncDialect, arith::ArithDialect,
              math::MathDialect, linalg::LinalgDialect, tensor::TensorDialect,
              memref::MemRefDialect, bufferization::BufferizationDialect,
              scf::SCFDialect, cf::ControlFlowDialect, affine::AffineDialect,
              LLVM::LLVMDialect, vector::VectorDialect, ub::UBDialect,
              omp::OpenMPDialect, transform::TransformDialect>();
  // The matmul schedule (kiln-schedule-matmul, kiln-lower-vectors): the
  // transform ops it uses, and the interfaces tiling, subset hoisting and
  // bufferization of vector code need.
  linalg::registerTransformDialectExtension(registry);
  scf::registerTransformDialectExtension(registry);
  tensor::registerTransformDialectExtension(registry);
  vector::registerTransformDialectExtension(registry);
  memref::registerTransformDialectExtension(registry);
  transform::registerLoopExtension(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  linalg::registerSubsetOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  memref::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

bool trainStepOptionsFromSpec(StringRef loss, StringRef optimizer,
                              std::string &options, std::string &error) {
  auto [name, rest] = optimizer.split(':');
  options = ("loss=" + loss + " optimizer=" + name).str();
  llvm::SmallVector<StringRef> settings;
  rest.split(settings, ',', -1, /*KeepEmpty=*/false);
  for (StringRef setting : settings) {
    auto [key, value] = setting.split('=');
    if (key.empty() || value.empty() || key == "loss" || key == "optimizer") {
      error =
          ("expected key=value after '" + name + ":', got '" + setting + "'")
              .str();
      return false;
    }
    options += (" " + key + "=" + value).str();
  }
  return true;
}

int dtypeCode(Type t) {
  if (t.isF32())
    return 1;
  if (t.isInteger(8))
    return 3;
  if (t.isInteger(16))
    return 5;
  if (t.isInteger(32))
    return 6;
  if (t.isInteger(64))
    return 7;
  if (t.isInteger(1))
    return 9;
  if (t.isF16())
    return 10;
  if (t.isF64())
    return 11;
  if (t.isBF16())
    return 16;
  return 0;
}

namespace {

/// Prints after the passes the options name, to stderr or to numbered files.
class IRDumper : public PassManager::IRPrinterConfig {
public:
  IRDumper(const CompileOptions &opts, OpPrintingFlags flags, int &counter)
      : IRPrinterConfig(/*printModuleScope=*/true,
                        /*printAfterOnlyOnChange=*/false,
                        /*printAfterOnlyOnFailure=*/false, flags),
        opts(opts), counter(counter) {}

  void printAfterIfEnabled(Pass *pass, Operation *op,
                           PrintCallbackFn print) override {
    StringRef name = pass->getArgument();
    if (name.empty())
      name = pass->getName();
    ++counter;
    if (!opts.dumpIrDir.empty()) {
      llvm::SmallString<256> path(opts.dumpIrDir);
      llvm::sys::path::append(
          path, llvm::formatv("{0:D2}-{1}.mlir", counter, name).str());
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec);
      if (!ec)
        print(os);
      else
        llvm::errs() << "warning: cannot write " << path << ": " << ec.message()
                     << "\n";
    }
    if (opts.printIrAfterAll ||
        llvm::is_contained(opts.printIrAfter, name.str())) {
      print(llvm::errs());
      llvm::errs() << "\n";
    }
  }

private:
  const CompileOptions &opts;
  int &counter;
};

TensorInfo tensorInfo(Type type, std::string name) {
  auto shaped = cast<ShapedType>(type);
  TensorInfo info;
  info.name = std::move(name);
  info.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
  info.dtype = dtypeCode(shaped.getElementType());
  return info;
}

/// A scalar or array attribute as the text a driver parses.
std::string attributeText(Attribute attr) {
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.str();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return std::to_string(i.getInt());
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    llvm::SmallString<32> text;
    f.getValue().toString(text);
    return std::string(text);
  }
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    std::string text;
    for (auto [i, element] : llvm::enumerate(a))
      text += (i ? "," : "") + attributeText(element);
    return text;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

/// What drivers need beyond types, as `key=value` lines: the training
/// layout of a train step (`kiln.train_step`) and `init.<argument>=<kind>`
/// for arguments with a `kiln.init`.
std::string entryAttributes(func::FuncOp func) {
  std::string text;
  if (auto layout = func->getAttrOfType<DictionaryAttr>("kiln.train_step"))
    for (NamedAttribute a : layout)
      text += a.getName().str() + "=" + attributeText(a.getValue()) + "\n";
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto init =
        func.getArgAttrOfType<StringAttr>(i, KilnDialect::getInitAttrName());
    auto name =
        func.getArgAttrOfType<StringAttr>(i, KilnDialect::getNameAttrName());
    if (init)
      text += "init." + (name ? name.str() : "arg" + std::to_string(i)) + "=" +
              init.str() + "\n";
  }
  return text;
}

/// Entry points are the public functions with bodies; argument names come
/// from a `kiln.name` attribute when the frontend set one.
std::vector<EntryPoint> collectEntryPoints(ModuleOp module) {
  std::vector<EntryPoint> entries;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    EntryPoint entry;
    entry.name = func.getSymName().str();
    entry.symbol = entry.name;
    entry.attributes = entryAttributes(func);
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "kiln.name");
      entry.inputs.push_back(
          tensorInfo(type, name ? name.str() : "arg" + std::to_string(i)));
    }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      // A result updated in place is its argument, not an output.
      if (auto arg =
              func.getResultAttrOfType<IntegerAttr>(i, "kiln.in_place_of")) {
        if (arg.getInt() >= 0 &&
            arg.getInt() < static_cast<int64_t>(entry.inputs.size()))
          entry.inputs[arg.getInt()].updatedInPlace = true;
        continue;
      }
      auto name = func.getResultAttrOfType<StringAttr>(i, "kiln.name");
      entry.outputs.push_back(
          tensorInfo(type, name ? name.str() : "result" + std::to_string(i)));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

LogicalResult checkEntryPoints(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    StringRef name = func.getSymName();
    if (name.empty() || llvm::isDigit(name[0]) ||
        !llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; }))
      return func.emitError("entry point name '")
             << name
             << "' is not a C identifier; the generated header "
                "could not declare it";
    auto check = [&](Type type, StringRef what) -> LogicalResult {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !dtypeCode(tensor.getElementType()))
        return func.emitError("entry point '")
               << func.getSymName() << "' has " << what << " of type " << type
               << "; entry points take and return statically shaped tensors";
      return success();
    };
    for (Type t : func.getArgumentTypes())
      if (failed(check(t, "an argument")))
        return failure();
    for (Type t : func.getResultTypes())
      if (failed(check(t, "a result")))
        return failure();
  }
  return success();
}

void buildPipeline(OpPassManager &pm, const CompileOptions &opts) {
  // kiln level: composite layers and higher-level ops into primitives.
  pm.addPass(createKilnDecompose());
  pm.addPass(createKilnExpand());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Max pooling over exact windows and its gradient: vector rows on tensors
  // (no linalg form vectorizes them); the rest lowers to linalg below.
  pm.addNestedPass<func::FuncOp>(createKilnVectorizePooling());
  // Convolutions with a tiny contraction (one input channel) and their
  // filter gradients: direct vector rows instead of im2col.
  KilnVectorizeConvOptions conv;
  conv.threads = opts.threads;
  pm.addNestedPass<func::FuncOp>(createKilnVectorizeConv(conv));

  // linalg on tensors, elementwise chains fused into single loop nests.
  pm.addPass(createKilnLowerToLinalg());
  pm.addPass(createKilnFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // 2-D f32 matmuls: packed, tiled for threads and registers, vectorized.
  KilnScheduleMatmulOptions schedule;
  schedule.threads = opts.threads;
  pm.addNestedPass<func::FuncOp>(createKilnScheduleMatmul(schedule));
  // Elementwise generics (epilogues, activations, updates): vectorized rows,
  // threads when big enough.
  KilnScheduleElementwiseOptions elementwise;
  elementwise.threads = opts.threads;
  pm.addNestedPass<func::FuncOp>(createKilnScheduleElementwise(elementwise));
  // Reductions: loops over outer dims around vector steps over the inner two.
  KilnScheduleReductionOptions reduction;
  reduction.threads = opts.threads;
  pm.addNestedPass<func::FuncOp>(createKilnScheduleReduction(reduction));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Buffers: results become out-parameters, intermediates go to the arena.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Folds the iter_args chain of a scheduled result down to its alloc, so
  // that the out-parameter replaces the alloc instead of being copied into.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createKilnDropInPlaceResults());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createKilnPlanMemory());
  pm.addNestedPass<func::FuncOp>(createKilnLowerVectors());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createKilnFlattenGlobals());

  // Loops, then the LLVM dialect. Entry points take bare pointers. The
  // schedule's scf.parallel loops become OpenMP; canonicalize removes the
  // memref.alloca_scope that leaves, which scf-to-cf cannot lower.
  pm.addPass(createKilnLowerCopies());
  ConvertSCFToOpenMPPassOptions openmp;
  openmp.numThreads = opts.threads;
  pm.addPass(createConvertSCFToOpenMPPass(openmp));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // exp, tanh, log, erf as vector polynomials, not a libm call per lane.
  pm.addPass(createKilnApproximateMath());
  // Math before vectors: math-to-libm unrolls vector math it has no
  // intrinsic for into vector.extract/insert + scalar calls, which
  // convert-vector-to-llvm must still see.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // vector.reduction comes only from kiln-schedule-reduction, whose steps
  // already sum in a different order than a scalar loop: let LLVM reduce
  // each as a tree of vector adds instead of one lane after another.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  // Padding values of masked transfers.
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Small host functions for LLVM's OpenMP outlining (linear, not quadratic).
  pm.addPass(createKilnOutlineParallel());
  pm.addPass(createCanonicalizerPass());
}

/// The passes that prepare a model before it is lowered: a new batch size
/// and the training step.
LogicalResult buildPreparation(PassManager &pm, const CompileOptions &opts,
                               ModuleOp module) {
  if (opts.batch > 0) {
    KilnSetBatchOptions setBatch;
    setBatch.batch = opts.batch;
    pm.addPass(createKilnSetBatch(setBatch));
  }
  if (!opts.train)
    return success();
  std::unique_ptr<Pass> trainStep = createKilnBuildTrainStep();
  std::string error;
  if (failed(trainStep->initializeOptions(opts.trainStepOptions,
                                          [&](const llvm::Twine &message) {
                                            error = message.str();
                                            return failure();
                                          })))
    return emitError(module.getLoc(), "invalid training options '")
           << opts.trainStepOptions << "': " << error;
  pm.addPass(std::move(trainStep));
  return success();
}

} // namespace

LogicalResult Pipeline::addIRPrinting(PassManager &pm, ModuleOp module) {
  if (!opts.printIrAfterAll && opts.printIrAfter.empty() &&
      opts.dumpIrDir.empty())
    return success();
  if (!opts.dumpIrDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(opts.dumpIrDir))
      return emitError(module.getLoc(), "cannot create IR dump directory '")
             << opts.dumpIrDir << "': " << ec.message();
  OpPrintingFlags flags;
  if (opts.elideConstantsOver)
    flags.elideLargeElementsAttrs(opts.elideConstantsOver);
  // Printing needs a stable IR between passes.
  module.getContext()->disableMultithreading();
  pm.enableIRPrinting(std::make_unique<IRDumper>(opts, flags, passesRun));
  return success();
}

LogicalResult Pipeline::lowerToLLVMDialect(ModuleOp module) {
  PassManager prepare(module.getContext());
  if (failed(buildPreparation(prepare, opts, module)))
    return failure();
  PassManager pm(module.getContext());
  buildPipeline(pm, opts);
  std::string passNames;
  llvm::raw_string_ostream pipelineText(passNames);
  prepare.printAsTextualPipeline(pipelineText);
  pipelineText << ",";
  pm.printAsTextualPipeline(pipelineText);
  // Pass arguments are the words of [a-z0-9-] in the textual pipeline.
  llvm::SmallVector<std::string> words(1);
  for (char c : passNames) {
    if (llvm::isLower(c) || llvm::isDigit(c) || c == '-')
      words.back() += c;
    else if (!words.back().empty())
      words.emplace_back();
  }
  for (const std::string &name : opts.printIrAfter) {
    if (!llvm::is_contained(words, name))
      return emitError(module.getLoc(), "--print-ir-after: no pass named '")
             << name << "' in the pipeline";
  }
  if (failed(addIRPrinting(prepare, module)) ||
      failed(addIRPrinting(pm, module)))
    return failure();
  TimingScope root = timing.getRootScope();
  TimingScope prepareTime = root.nest("prepare the model");
  if (opts.timePasses)
    prepare.enableTiming(prepareTime);
  if (prepare.size() && failed(prepare.run(module)))
    return failure();
  prepareTime.stop();

  if (failed(checkEntryPoints(module)))
    return failure();
  entries = collectEntryPoints(module);
  if (!opts.symbolPrefix.empty()) {
    StringRef prefix = opts.symbolPrefix;
    if (llvm::isDigit(prefix[0]) || !llvm::all_of(prefix, [](char c) {
          return llvm::isAlnum(c) || c == '_';
        }))
      return emitError(module.getLoc(), "symbol prefix '")
             << prefix << "' is not the start of a C identifier";
    SymbolTable symbols(module);
    for (EntryPoint &entry : entries) {
      entry.symbol = opts.symbolPrefix + entry.name;
      if (failed(symbols.rename(
              symbols.lookup(entry.name),
              StringAttr::get(module.getContext(), entry.symbol))))
        return emitError(module.getLoc(), "cannot rename entry point '")
               << entry.name << "' to '" << entry.symbol << "'";
    }
  }
  // kiln.* argument and result attributes describe the model (trainable,
  // names) and are recorded above; the lowered code has no use for them,
  // except kiln.in_place_of, which kiln-drop-in-place-results consumes.
  auto isKiln = [](NamedAttribute a) {
    return a.getName().strref().starts_with("kiln.") &&
           a.getName() != "kiln.in_place_of";
  };
  for (auto func : module.getOps<func::FuncOp>()) {
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (DictionaryAttr attrs = func.getArgAttrDict(i))
        for (NamedAttribute a : attrs.getValue())
          if (isKiln(a))
            func.removeArgAttr(i, a.getName());
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      if (DictionaryAttr attrs = func.getResultAttrDict(i))
        for (NamedAttribute a : attrs.getValue())
          if (isKiln(a))
            func.removeResultAttr(i, a.getName());
  }

  // The schedules size their tiles for the target (an input may name its
  // own model, as the lit tests do).
  if (!module->hasAttr(kTargetModelAttr)) {
    FailureOr<TargetModel> target = describeTarget();
    if (failed(target))
      return emitError(module.getLoc(), "cannot make a target machine for '")
             << (opts.targetCpu.empty() ? "host" : opts.targetCpu) << "'";
    setTargetModel(module, *target);
  }

  TimingScope lowerTime = root.nest("lower to the LLVM dialect");
  if (opts.timePasses)
    pm.enableTiming(lowerTime);
  if (failed(pm.run(module)))
    return failure();
  lowerTime.stop();

  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    for (EntryPoint &entry : entries)
      if (func.getName() == entry.symbol)
        if (auto size = func->getAttrOfType<IntegerAttr>("kiln.arena_size"))
          entry.arenaSize = size.getInt();
  return success();
}

} // namespace kiln
