//===- Tensor.cpp - ONNX TensorProto to dense attributes ------------------===//
//
// Initializers and Constant values arrive as TensorProto: data in one of the
// typed repeated fields, in raw_data (little-endian bytes), or in a file
// beside the model (external data). Every size is checked against the
// dims before anything is copied, so a lying or hostile file is an error,
// not an out-of-bounds read or a huge allocation.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/Importer.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace kiln::onnx_import {

Type elementTypeOf(MLIRContext *ctx, int dataType) {
  Builder b(ctx);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    // Strings, unsigned and complex types have no kiln element type: the
    // dialect's integers are signless and its arithmetic signed.
    return {};
  }
}

/// Bytes per element as stored in raw_data.
static int64_t storageBytes(Type t) {
  return t.isInteger(1) ? 1 : t.getIntOrFloatBitWidth() / 8;
}

static std::string dtypeName(int dataType) {
  if (onnx::TensorProto::DataType_IsValid(dataType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

/// The bytes of an external-data tensor, read from `modelDir` only.
static FailureOr<std::string> readExternal(const onnx::TensorProto &tensor,
                                           StringRef modelDir, int64_t bytes,
                                           Location loc) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &e : tensor.external_data()) {
    if (e.key() == "location")
      location = e.value();
    else if (e.key() == "offset" || e.key() == "length") {
      char *end = nullptr;
      long long v = std::strtoll(e.value().c_str(), &end, 10);
      if (e.value().empty() || *end || v < 0)
        return emitError(loc) << "initializer '" << tensor.name()
                              << "': bad external data " << e.key() << " '"
                              << e.value() << "'",
               failure();
      (e.key() == "offset" ? offset : length) = v;
    }
  }
  if (location.empty())
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': external data without a location",
           failure();
  // Only files inside the model's folder: no absolute paths, no "..".
  bool escapes = llvm::sys::path::is_absolute(location) ||
                 location.find('\\') != std::string::npos;
  for (auto it = llvm::sys::path::begin(location),
            e = llvm::sys::path::end(location);
       it != e; ++it)
    if (*it == "..")
      escapes = true;
  if (escapes)
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': external data location '" << location
                          << "' is outside the model's folder (absolute "
                             "paths and '..' are not allowed)",
           failure();
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  if (length >= 0 && length != bytes)
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': external data length " << length
                          << " does not match its dims (" << bytes << " bytes)",
           failure();
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(path, fileSize))
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': cannot read external data file '" << path
                          << "'",
           failure();
  if (static_cast<uint64_t>(offset) > fileSize ||
      fileSize - offset < static_cast<uint64_t>(bytes))
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': external data file '" << location
                          << "' is too short (" << fileSize << " bytes, need "
                          << bytes << " at offset " << offset << ")",
           failure();
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, bytes, offset);
  if (!buffer)
    return emitError(loc) << "initializer '" << tensor.name()
                          << "': cannot read '" << path << "'",
           failure();
  return (*buffer)->getBuffer().str();
}

FailureOr<DenseElementsAttr> decodeTensor(const onnx::TensorProto &tensor,
                                          StringRef modelDir, Location loc) {
  MLIRContext *ctx = loc.getContext();
  auto fail = [&]() {
    return emitError(loc) << "tensor '" << tensor.name() << "': ";
  };
  Type element = elementTypeOf(ctx, tensor.data_type());
  if (!element)
    return fail() << dtypeName(tensor.data_type())
                  << " tensors are not supported by kiln",
           failure();
  if (tensor.has_segment())
    return fail() << "segmented tensors are not supported", failure();
  SmallVector<int64_t> shape;
  int64_t numel = 1;
  for (int64_t d : tensor.dims()) {
    // 2^32 elements is far beyond any model kiln compiles and keeps every
    // byte count below in range.
    if (d < 0 || (d && numel > (int64_t(1) << 32) / d))
      return fail() << "dims [" << llvm::ArrayRef<int64_t>(shape)
                    << (shape.empty() ? "" : ", ") << d
                    << ", ...] are negative or absurdly large",
             failure();
    numel *= d;
    shape.push_back(d);
  }
  auto type = RankedTensorType::get(shape, element);
  int64_t elemBytes = storageBytes(element);
  int64_t bytes = numel * elemBytes;

  std::string external;
  StringRef raw;
  bool hasRaw = tensor.has_raw_data();
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    auto data = readExternal(tensor, modelDir, bytes, loc);
    if (failed(data))
      return failure();
    external = std::move(*data);
    raw = external;
    hasRaw = true;
  } else if (hasRaw) {
    raw = tensor.raw_data();
  }

  if (hasRaw) {
    if (static_cast<int64_t>(raw.size()) != bytes)
      return fail() << "raw_data has " << raw.size() << " bytes but dims "
                    << "[" << llvm::ArrayRef<int64_t>(shape) << "] of "
                    << dtypeName(tensor.data_type()) << " need " << bytes,
             failure();
    if (element.isInteger(1)) {
      SmallVector<bool> bits;
      for (char c : raw)
        bits.push_back(c != 0);
      return DenseElementsAttr::get(type, bits);
    }
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(
            type, ArrayRef<char>(raw.data(), raw.size()), detectedSplat))
      return fail() << "raw_data does not fit its type", failure();
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw.data(), raw.size()));
  }

  // Typed fields. Each must hold exactly numel values.
  auto sizeError = [&](int64_t have) {
    return fail() << "has " << have << " values but dims ["
                  << llvm::ArrayRef<int64_t>(shape) << "] need " << numel,
           failure();
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT: {
    if (tensor.float_data_size() != numel)
      return sizeError(tensor.float_data_size());
    SmallVector<float> v(tensor.float_data().begin(),
                         tensor.float_data().end());
    return DenseElementsAttr::get(type, ArrayRef<float>(v));
  }
  case onnx::TensorProto::DOUBLE: {
    if (tensor.double_data_size() != numel)
      return sizeError(tensor.double_data_size());
    SmallVector<double> v(tensor.double_data().begin(),
                          tensor.double_data().end());
    return DenseElementsAttr::get(type, ArrayRef<double>(v));
  }
  case onnx::TensorProto::INT64: {
    if (tensor.int64_data_size() != numel)
      return sizeError(tensor.int64_data_size());
    SmallVector<int64_t> v(tensor.int64_data().begin(),
                           tensor.int64_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(v));
  }
  case onnx::TensorProto::BOOL: {
    if (tensor.int32_data_size() != numel)
      return sizeError(tensor.int32_data_size());
    SmallVector<bool> v;
    for (int32_t x : tensor.int32_data())
      v.push_back(x != 0);
    return DenseElementsAttr::get(type, v);
  }
  default: {
    // int32, int16, int8 and the bits of float16/bfloat16 live in
    // int32_data.
    if (tensor.int32_data_size() != numel)
      return sizeError(tensor.int32_data_size());
    SmallVector<APInt> v;
    unsigned width = element.getIntOrFloatBitWidth();
    for (int32_t x : tensor.int32_data())
      v.push_back(APInt(width, static_cast<uint64_t>(x), /*isSigned=*/false,
                        /*implicitTrunc=*/true));
    if (auto f = dyn_cast<FloatType>(element)) {
      SmallVector<APFloat> fv;
      for (const APInt &bits : v)
        fv.push_back(APFloat(f.getFloatSemantics(), bits));
      return DenseElementsAttr::get(type, fv);
    }
    return DenseElementsAttr::get(type, v);
  }
  }
}

} // namespace kiln::onnx_import
