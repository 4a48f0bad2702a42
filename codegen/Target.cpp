//===- Target.cpp - LLVM IR, entry wrappers and native code
//----------------===//
//
// Code generation happens in process through llvm::TargetMachine, with the
// host CPU's name and features unless the options name others, and with FP
// contraction allowed so that multiply-adds become FMAs.
//
//===----------------------------------------------------------------------===//

#include "codegen/Pipeline.h"

#include "codegen/CostModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <unistd.h>

using namespace mlir;

namespace kiln {

llvm::TargetMachine *Pipeline::getTargetMachine(std::string &error) {
  if (targetMachine)
    return targetMachine.get();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = opts.targetCpu;
  std::string features = opts.targetFeatures;
  if (cpu.empty() || cpu == "native" || cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    if (features.empty()) {
      llvm::SubtargetFeatures hostFeatures;
      for (auto &feature : llvm::sys::getHostCPUFeatures())
        hostFeatures.AddFeature(feature.first(), feature.second);
      features = hostFeatures.getString();
    }
  }
  llvm::TargetOptions options;
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  targetMachine.reset(target->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      opts.optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                         : llvm::CodeGenOptLevel::Default));
  if (!targetMachine)
    error =
        "cannot create a target machine for " + triple.str() + " (" + cpu + ")";
  return targetMachine.get();
}

FailureOr<TargetModel> Pipeline::describeTarget() {
  std::string error;
  llvm::TargetMachine *tm = getTargetMachine(error);
  if (!tm)
    return failure();
  const llvm::MCSubtargetInfo &sti = *tm->getMCSubtargetInfo();
  TargetModel target;
  if (tm->getTargetTriple().isX86()) {
    // The widest vectors the CPU has: LLVM uses zmm registers for 512-bit
    // vector types (the IR sets no min-legal-vector-width limit).
    if (sti.checkFeatures("+avx512f")) {
      target.vectorLanes = 16;
      target.vectorRegisters = 32;
    } else if (!sti.checkFeatures("+avx")) {
      target.vectorLanes = 4;
    }
  } else if (tm->getTargetTriple().isAArch64()) {
    target.vectorLanes = 4;
    target.vectorRegisters = 32;
  }
  // The host's caches when compiling for the host (glibc reads them from
  // cpuid; 0 where it cannot tell).
  StringRef cpu = opts.targetCpu;
  if (cpu.empty() || cpu == "native" || cpu == "host") {
    if (long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE); l1 > 0)
      target.l1Bytes = l1;
    if (long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE); l2 > 0)
      target.l2Bytes = l2;
  }
  return target;
}

namespace {

/// `void NAME_packed(void **args)`: calls NAME with args[0..n), so that a
/// driver can call any entry point through one signature.
void addPackedWrapper(llvm::Module &module, llvm::Function *entry) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrTy = llvm::PointerType::getUnqual(ctx);
  auto *type =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrTy}, false);
  auto *wrapper =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                             entry->getName() + "_packed", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::SmallVector<llvm::Value *> args;
  for (auto [i, param] : llvm::enumerate(entry->args())) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptrTy, wrapper->getArg(0), i);
    args.push_back(b.CreateLoad(param.getType(), slot));
  }
  b.CreateCall(entry, args);
  b.CreateRetVoid();
}

/// Emits the module table `tableSymbol`, a kiln_module_info (see
/// runtime/include/kiln/driver.h): for each entry point its name, packed
/// wrapper, arena size and the name, dtype and shape of each input and output.
void addModuleInfo(llvm::Module &module, const std::vector<EntryPoint> &entries,
                   const std::string &tableSymbol) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *ptrTy = llvm::PointerType::getUnqual(ctx);
  auto *i32 = b.getInt32Ty();
  auto *i64 = b.getInt64Ty();
  auto str = [&](const std::string &s) -> llvm::Constant * {
    return b.CreateGlobalString(s, "kiln.str", 0, &module);
  };
  // kiln_arg_info { const char *name; int32 dtype; int32 rank;
  //                 const int64 *shape; }
  auto *argTy = llvm::StructType::get(ctx, {ptrTy, i32, i32, ptrTy});
  // kiln_entry_info { const char *name; void (*packed)(void **);
  //   int64 arena_size; int32 num_inputs; int32 num_outputs;
  //   const kiln_arg_info *args; const char *attributes; }
  auto *entryTy =
      llvm::StructType::get(ctx, {ptrTy, ptrTy, i64, i32, i32, ptrTy, ptrTy});
  auto global = [&](llvm::Constant *init, const char *name) {
    return new llvm::GlobalVariable(
        module, init->getType(), /*isConstant=*/true,
        llvm::GlobalValue::PrivateLinkage, init, name);
  };
  llvm::SmallVector<llvm::Constant *> entryInits;
  for (const EntryPoint &entry : entries) {
    llvm::SmallVector<llvm::Constant *> argInits;
    for (const auto *list : {&entry.inputs, &entry.outputs}) {
      for (const TensorInfo &t : *list) {
        llvm::SmallVector<llvm::Constant *> dims;
        for (int64_t d : t.shape)
          dims.push_back(llvm::ConstantInt::get(i64, d));
        llvm::Constant *shape = llvm::ConstantPointerNull::get(ptrTy);
        if (!dims.empty())
          shape = global(llvm::ConstantArray::get(
                             llvm::ArrayType::get(i64, dims.size()), dims),
                         "kiln.shape");
        argInits.push_back(llvm::ConstantStruct::get(
            argTy, {str(t.name), llvm::ConstantInt::get(i32, t.dtype),
                    llvm::ConstantInt::get(i32, t.shape.size()), shape}));
      }
    }
    llvm::Constant *args =
        global(llvm::ConstantArray::get(
                   llvm::ArrayType::get(argTy, argInits.size()), argInits),
               "kiln.args");
    entryInits.push_back(llvm::ConstantStruct::get(
        entryTy, {str(entry.name), module.getFunction(entry.symbol + "_packed"),
                  llvm::ConstantInt::get(i64, entry.arenaSize),
                  llvm::ConstantInt::get(i32, entry.inputs.size()),
                  llvm::ConstantInt::get(i32, entry.outputs.size()), args,
                  str(entry.attributes)}));
  }
  llvm::Constant *table =
      global(llvm::ConstantArray::get(
                 llvm::ArrayType::get(entryTy, entryInits.size()), entryInits),
             "kiln.entries");
  // kiln_module_info { int32 version; int32 num_entries;
  //                    const kiln_entry_info *entries; }
  auto *infoTy = llvm::StructType::get(ctx, {i32, i32, ptrTy});
  new llvm::GlobalVariable(
      module, infoTy, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(
          infoTy, {llvm::ConstantInt::get(i32, 2),
                   llvm::ConstantInt::get(i32, entryInits.size()), table}),
      tableSymbol);
}

/// LLVM's default pipeline at `optLevel`, less loop unrolling: the
/// scheduled code arrives unrolled to register tiles, and unrolling the rest
/// again made LLVM's time on a train step five times longer (LeNet-5: 11 s
/// -> 2 s) without a measurable speed-up. The vectorizers stay for the loops
/// that no schedule vectorized.
void optimize(llvm::Module &module, unsigned optLevel,
              llvm::TargetMachine *tm) {
  if (optLevel == 0)
    return;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 1   ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  pb.buildPerModuleDefaultPipeline(level).run(module, mam);
}

} // namespace

std::unique_ptr<llvm::Module>
Pipeline::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context) {
  std::string error;
  llvm::TargetMachine *tm = getTargetMachine(error);
  if (!tm) {
    emitError(module.getLoc(), "cannot set up code generation: ") << error;
    return nullptr;
  }
  TimingScope translateTime =
      timing.getRootScope().nest("translate to LLVM IR");
  auto llvmModule = translateModuleToLLVMIR(module, context, "kiln");
  if (!llvmModule) {
    emitError(module.getLoc(), "translation to LLVM IR failed");
    return nullptr;
  }
  llvmModule->setTargetTriple(tm->getTargetTriple());
  llvmModule->setDataLayout(tm->createDataLayout());
  for (const EntryPoint &entry : entries) {
    llvm::Function *f = llvmModule->getFunction(entry.symbol);
    if (!f) {
      emitError(module.getLoc(), "entry point '")
          << entry.name << "' vanished in lowering";
      return nullptr;
    }
    addPackedWrapper(*llvmModule, f);
  }
  addModuleInfo(*llvmModule, entries, moduleTableSymbol());
  translateTime.stop();
  TimingScope optimizeTime = timing.getRootScope().nest("LLVM optimization");
  optimize(*llvmModule, opts.optLevel, tm);
  return llvmModule;
}

LogicalResult Pipeline::emitCode(llvm::Module &module, bool assembly,
                                 llvm::raw_pwrite_stream &os,
                                 std::string &error) {
  llvm::TargetMachine *tm = getTargetMachine(error);
  if (!tm)
    return failure();
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              assembly ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  TimingScope codegenTime = timing.getRootScope().nest(
      assembly ? "LLVM assembly generation" : "LLVM object generation");
  pm.run(module);
  return success();
}

} // namespace kiln
