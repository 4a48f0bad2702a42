//===- LayerUtils.h - helpers shared by the layer implementations -*- C++
//-*-===//

#ifndef KILN_FRONTEND_NN_LAYERS_LAYERUTILS_H
#define KILN_FRONTEND_NN_LAYERS_LAYERUTILS_H

#include "frontend/nn/Layer.h"

#include "ir/KilnBuilder.h"

namespace kiln::nn::detail {

/// x @ w (+ b) on the last dim of x.
inline mlir::Value affine(KilnBuilder &b, mlir::Value x, mlir::Value w,
                          mlir::Value bias) {
  mlir::Value y = b.matmul(x, w);
  return bias ? b.add(y, bias) : y;
}

inline int64_t product(const Shape &s, size_t from = 0) {
  int64_t n = 1;
  for (size_t i = from; i < s.size(); ++i)
    n *= s[i];
  return n;
}

} // namespace kiln::nn::detail

#endif // KILN_FRONTEND_NN_LAYERS_LAYERUTILS_H
