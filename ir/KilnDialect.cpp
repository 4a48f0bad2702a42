//===- KilnDialect.cpp - dialect registration and shared hooks ------------===//

#include "ir/KilnDialect.h"
#include "ir/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;

#include "ir/KilnDialect.cpp.inc"
#include "ir/KilnEnums.cpp.inc"
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

Operation *KilnDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

LogicalResult KilnDialect::verifyRegionArgAttribute(Operation *op,
                                                    unsigned regionIndex,
                                                    unsigned argIndex,
                                                    NamedAttribute attr) {
  if (attr.getName() != getTrainableAttrName())
    return op->emitError() << "unknown kiln argument attribute '"
                           << attr.getName() << "' on argument " << argIndex;
  if (!isa<UnitAttr>(attr.getValue()))
    return op->emitError() << "'" << getTrainableAttrName()
                           << "' is a unit attribute (argument " << argIndex
                           << ")";
  Region &region = op->getRegion(regionIndex);
  if (region.empty())
    return success();
  Type type = region.getArgument(argIndex).getType();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !isa<FloatType>(tensor.getElementType()))
    return op->emitError() << "trainable argument " << argIndex
                           << " must be a ranked float tensor, got " << type;
  return success();
}

#define GET_OP_CLASSES
#include "ir/KilnOps.cpp.inc"
