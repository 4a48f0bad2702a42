//===- KilnDialect.cpp - dialect registration and shared hooks ------------===//

#include "ir/KilnDialect.h"
#include "ir/BufferAttr.h"
#include "ir/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;

#include "ir/KilnDialect.cpp.inc"
#include "ir/KilnEnums.cpp.inc"
#include "ir/KilnInterfaces.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "ir/KilnAttrs.cpp.inc"

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/KilnOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/KilnAttrs.cpp.inc"
      >();
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

bool KilnDialect::isInitializerName(StringRef name) {
  static const StringRef names[] = {"zeros",          "ones",
                                    "glorot_uniform", "glorot_normal",
                                    "he_uniform",     "he_normal"};
  return llvm::is_contained(names, name);
}

LogicalResult KilnDialect::verifyRegionArgAttribute(Operation *op,
                                                    unsigned regionIndex,
                                                    unsigned argIndex,
                                                    NamedAttribute attr) {
  if (attr.getName() == getNameAttrName()) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError()
             << "'" << getNameAttrName() << "' must be a string (argument "
             << argIndex << ")";
    return success();
  }
  if (attr.getName() == getInitAttrName()) {
    auto init = dyn_cast<StringAttr>(attr.getValue());
    if (!init || !isInitializerName(init.getValue()))
      return op->emitError()
             << "'" << getInitAttrName() << "' on argument " << argIndex
             << " must be one of \"zeros\", \"ones\", \"glorot_uniform\", "
                "\"glorot_normal\", \"he_uniform\", \"he_normal\"; got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() != getTrainableAttrName() &&
      attr.getName() != bufferAttrName)
    return op->emitError() << "unknown kiln argument attribute '"
                           << attr.getName().getValue() << "' on argument "
                           << argIndex;
  if (!isa<UnitAttr>(attr.getValue()))
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' is a unit attribute (argument " << argIndex
                           << ")";
  // A function declaration has no region arguments; its type still counts.
  Type type;
  if (auto func = dyn_cast<FunctionOpInterface>(op))
    type = func.getArgumentTypes()[argIndex];
  else if (!op->getRegion(regionIndex).empty())
    type = op->getRegion(regionIndex).getArgument(argIndex).getType();
  else
    return success();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !isa<FloatType>(tensor.getElementType()))
    return op->emitError() << (attr.getName() == bufferAttrName ? "buffer"
                                                                : "trainable")
                           << " argument " << argIndex
                           << " must be a ranked float tensor, got " << type;
  return success();
}

#define GET_OP_CLASSES
#include "ir/KilnOps.cpp.inc"
