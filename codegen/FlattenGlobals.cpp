//===- FlattenGlobals.cpp - constant globals as 1-D arrays ----------------===//

#include "codegen/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFLATTENGLOBALS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

struct FlattenGlobalsPass
    : kiln::impl::KilnFlattenGlobalsBase<FlattenGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The globals to flatten, by name, with their original type.
    llvm::StringMap<MemRefType> flattened;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      auto type = global.getType();
      auto value =
          dyn_cast_if_present<DenseElementsAttr>(global.getInitialValueAttr());
      if (!global.getConstant() || !value || type.getRank() < 2 ||
          !type.getLayout().isIdentity() || !type.hasStaticShape())
        continue;
      auto flatType =
          MemRefType::get({type.getNumElements()}, type.getElementType(),
                          nullptr, type.getMemorySpace());
      global.setType(flatType);
      global.setInitialValueAttr(value.reshape(
          RankedTensorType::get(flatType.getShape(), type.getElementType())));
      flattened[global.getSymName()] = type;
    }
    if (flattened.empty())
      return;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getName());
      if (it == flattened.end())
        return;
      MemRefType type = it->second;
      OpBuilder b(get);
      auto flat = memref::GetGlobalOp::create(
          b, get.getLoc(),
          MemRefType::get({type.getNumElements()}, type.getElementType(),
                          nullptr, type.getMemorySpace()),
          get.getName());
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      Value expanded = memref::ExpandShapeOp::create(
          b, get.getLoc(), type, flat, ArrayRef<ReassociationIndices>{all});
      get.replaceAllUsesWith(expanded);
      get.erase();
    });
  }
};

} // namespace
