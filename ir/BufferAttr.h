//===- BufferAttr.h - the kiln.buffer argument attribute --------*- C++ -*-===//
//
// A function argument marked `{kiln.buffer}` is state of the model that is
// not trained but updated by training (BatchNorm's running statistics):
// kiln-build-train-step updates it in place in @train_step, and evaluation
// reads it. Like `kiln.trainable` it must be a ranked float tensor (the
// dialect's argument-attribute verifier checks both).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_BUFFERATTR_H
#define KILN_IR_BUFFERATTR_H

#include "llvm/ADT/StringRef.h"

namespace kiln {

/// Name of the unit attribute that marks a function argument as a buffer.
/// (A constant here rather than beside getTrainableAttrName in
/// KilnBase.td, whose every change rebuilds all of kiln.)
inline constexpr llvm::StringLiteral bufferAttrName("kiln.buffer");

} // namespace kiln

#endif // KILN_IR_BUFFERATTR_H
