//===- Contraction.cpp - matmul, convolution and pooling to linalg
//---------===//
//
// 2-D matmuls become linalg.matmul, an N-D times a 2-D one linalg.matmul of
// the collapsed rows, and same-batch N-D ones linalg.batch_matmul over the
// merged batch dims: the forms the packed schedule handles (a transposed
// operand is transposed into a copy first). Other broadcast-batch matmuls
// become a contraction linalg.generic whose indexing maps express the
// transposes.
// Convolution uses linalg's NCHW named ops on a zero-padded input; pooling
// is a linalg.generic over the window.
//
//===----------------------------------------------------------------------===//

#include "codegen/LowerToLinalg/Lowering.h"
#include "ir/ShapeUtils.h"
#include "ir/ops/OpUtils.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln;

namespace {

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type) {
  return filledTensor(b, loc, type, b.getFloatAttr(type.getElementType(), 0.0));
}

/// `v` [..., r, c] transposed to [..., c, r] in a copy; a constant (a
/// weight of an inference model) is transposed at compile time.
Value transposeInner(OpBuilder &b, Location loc, Value v) {
  auto t = tensorType(v);
  int64_t rank = t.getRank();
  SmallVector<int64_t> shape(t.getShape()), perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(shape[rank - 1], shape[rank - 2]);
  std::swap(perm[rank - 1], perm[rank - 2]);
  DenseElementsAttr value;
  if (matchPattern(v, m_Constant(&value)))
    if (DenseElementsAttr transposed = transposeConstant(value, perm))
      return arith::ConstantOp::create(b, loc, transposed);
  return linalg::TransposeOp::create(b, loc, v,
                                     emptyTensor(b, loc, t.clone(shape)), perm)
      .getResult()[0];
}

/// The product of 2-D (or, with `batched`, same-batch 3-D) operands as a
/// linalg.matmul (linalg.batch_matmul) of type `type`. A transposed operand
/// is copied out in its transposed layout first: the copy is O(n^2) next to
/// the product's O(n^3), and keeps the product the named op that the packed
/// schedule handles (the gradients of a dense layer and of attention are
/// such products).
Value plainMatmul(OpBuilder &b, Location loc, Value lhs, bool transposeLhs,
                  Value rhs, bool transposeRhs, RankedTensorType type,
                  bool batched) {
  Value init = zeroFilled(b, loc, type);
  if (transposeLhs)
    lhs = transposeInner(b, loc, lhs);
  if (transposeRhs)
    rhs = transposeInner(b, loc, rhs);
  if (batched)
    return linalg::BatchMatmulOp::create(b, loc, {type}, {lhs, rhs}, {init})
        .getResult(0);
  return linalg::MatmulOp::create(b, loc, {type}, {lhs, rhs}, {init})
      .getResult(0);
}

/// `v` with its dims [0, n) merged into one.
Value collapseLeading(OpBuilder &b, Location loc, Value v, int64_t n) {
  auto t = tensorType(v);
  int64_t lead = 1;
  for (int64_t i = 0; i < n; ++i)
    lead *= t.getDimSize(i);
  SmallVector<int64_t> shape = {lead};
  llvm::append_range(shape, t.getShape().drop_front(n));
  return reshapeTensor(b, loc, v, t.clone(shape));
}

struct LowerMatmul : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto type = op.getType();
    bool ta = op.getTransposeLhs(), tb = op.getTransposeRhs();
    int64_t rank = type.getRank();
    auto lhsType = tensorType(lhs), rhsType = tensorType(rhs);
    if (rank == 2 && lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      rewriter.replaceOp(
          op, plainMatmul(rewriter, loc, lhs, ta, rhs, tb, type, false));
      return success();
    }
    // [..., M, K] times a 2-D [K, N]: the rows of every batch share the
    // right operand, so this is one 2-D product of all the rows (a dense
    // layer applied to a sequence).
    if (rank > 2 && lhsType.getRank() == rank && rhsType.getRank() == 2 &&
        !ta) {
      Value rows = collapseLeading(rewriter, loc, lhs, rank - 1);
      auto rowsType = RankedTensorType::get(
          {tensorType(rows).getDimSize(0), type.getDimSize(rank - 1)},
          type.getElementType());
      Value product =
          plainMatmul(rewriter, loc, rows, false, rhs, tb, rowsType, false);
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, type));
      return success();
    }
    // Same batch dims on both sides (attention's per-head products): one
    // linalg.batch_matmul over the batch dims merged into one.
    auto batchShape = type.getShape().drop_back(2);
    if (rank > 2 && lhsType.getRank() == rank && rhsType.getRank() == rank &&
        lhsType.getShape().drop_back(2) == batchShape &&
        rhsType.getShape().drop_back(2) == batchShape) {
      Value l = collapseLeading(rewriter, loc, lhs, rank - 2);
      Value r = collapseLeading(rewriter, loc, rhs, rank - 2);
      int64_t merged = 1;
      for (int64_t d : batchShape)
        merged *= d;
      auto productType = type.clone(
          {merged, type.getDimSize(rank - 2), type.getDimSize(rank - 1)});
      Value product =
          plainMatmul(rewriter, loc, l, ta, r, tb, productType, true);
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, type));
      return success();
    }
    Value init = zeroFilled(rewriter, loc, type);
    // Iteration space: (batch..., m, n, k).
    MLIRContext *ctx = rewriter.getContext();
    int64_t batch = rank - 2, loops = rank + 1;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineExpr m = d(batch), n = d(batch + 1), k = d(batch + 2);
    auto operandMap = [&](RankedTensorType t, AffineExpr row, AffineExpr col,
                          bool transpose) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = batch - (t.getRank() - 2);
      for (int64_t i = 0; i < t.getRank() - 2; ++i)
        exprs.push_back(t.getDimSize(i) == 1 && type.getDimSize(offset + i) != 1
                            ? getAffineConstantExpr(0, ctx)
                            : d(offset + i));
      exprs.push_back(transpose ? col : row);
      exprs.push_back(transpose ? row : col);
      return AffineMap::get(loops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(d(i));
    SmallVector<AffineMap> maps = {
        operandMap(lhsType, m, k, op.getTransposeLhs()),
        operandMap(rhsType, k, n, op.getTransposeRhs()),
        AffineMap::get(loops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{lhs, rhs}, ValueRange{init},
        maps, iterators, [](OpBuilder &b, Location l, ValueRange args) {
          Value prod = arith::MulFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::AddFOp::create(b, l, args[2], prod)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Pads the spatial dims (2 and 3) of an NCHW tensor with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padding, TypedAttr value) {
  // padding is [top, left, bottom, right].
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  auto type = tensorType(input);
  SmallVector<int64_t> low = {0, 0, padding[0], padding[1]};
  SmallVector<int64_t> high = {0, 0, padding[2], padding[3]};
  SmallVector<int64_t> shape(type.getShape());
  for (int i = 0; i < 4; ++i)
    shape[i] += low[i] + high[i];
  Value pad = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, type.clone(shape), input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               pad);
}

DenseIntElementsAttr i64Vector(OpBuilder &b, ArrayRef<int64_t> values) {
  return DenseIntElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(values.size())},
                            b.getI64Type()),
      values);
}

/// A groups = 1 convolution as an explicit GEMM (im2col), so that it takes
/// the packed matmul schedule. The patches are built by one copy per kernel
/// offset or one per output position, whichever is fewer: a forward conv
/// has a small kernel, while a filter gradient (a conv2d over [C, N, H, W]
/// with the [F, N, OH, OW] gradient as its filter, see ir/ops/ConvGrad.cpp)
/// has a kernel as large as the image and a kernel-sized output. In both
/// orders each copy reads the padded input in order along its innermost
/// dim, so the copies vectorize.
///   Per kernel offset (kh, kw): patches [C, KH, KW, N, OH, OW], the slot of
///   an offset being the input's [N, C, OH, OW] window with N and C swapped;
///   filter [F, C KH KW] times patches [C KH KW, N OH OW], the [F, N, OH, OW]
///   product transposed to [N, F, OH, OW].
///   Per output position (oh, ow): patches [N, OH, OW, C, KH, KW], the slot
///   of a position being the input's [N, C, KH, KW] window as is; patches
///   [N OH OW, C KH KW] times the filter transposed to [C KH KW, F], the
///   [N, OH, OW, F] product transposed to [N, F, OH, OW].
/// The bias is added by the final transpose.
Value im2colConv(OpBuilder &b, Location loc, Conv2DOp op, Value padded,
                 Value filter, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto type = op.getType();
  Type et = type.getElementType();
  auto in = tensorType(padded), fl = tensorType(filter);
  int64_t n = in.getDimSize(0), c = in.getDimSize(1), f = fl.getDimSize(0);
  int64_t kh = fl.getDimSize(2), kw = fl.getDimSize(3);
  int64_t oh = type.getDimSize(2), ow = type.getDimSize(3);
  auto strides = op.getStrides(), dilations = op.getDilations();
  bool perOffset = kh * kw <= oh * ow;
  // The copies: (outer, inner) run over the kernel offsets or the output
  // positions; the window of one copy has the other pair's extent.
  int64_t outerH = perOffset ? kh : oh, outerW = perOffset ? kw : ow;
  int64_t winH = perOffset ? oh : kh, winW = perOffset ? ow : kw;
  SmallVector<int64_t> patchShape =
      perOffset ? SmallVector<int64_t>{c, kh, kw, n, oh, ow}
                : SmallVector<int64_t>{n, oh, ow, c, kh, kw};
  SmallVector<int64_t> slotShape = perOffset
                                       ? SmallVector<int64_t>{c, n, oh, ow}
                                       : SmallVector<int64_t>{n, c, kh, kw};
  auto slotType = RankedTensorType::get(slotShape, et);
  auto idx = [&](ArrayRef<int64_t> v) {
    return getAsIndexOpFoldResult(ctx, v);
  };
  Value patches = emptyTensor(b, loc, RankedTensorType::get(patchShape, et));
  for (int64_t i = 0; i < outerH; ++i) {
    for (int64_t j = 0; j < outerW; ++j) {
      // Offset (i, j) reads rows i d + o s; position (i, j) rows i s + k d.
      SmallVector<int64_t> start = {
          0, 0, perOffset ? i * dilations[0] : i * strides[0],
          perOffset ? j * dilations[1] : j * strides[1]};
      SmallVector<int64_t> step = {1, 1, perOffset ? strides[0] : dilations[0],
                                   perOffset ? strides[1] : dilations[1]};
      Value window = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({n, c, winH, winW}, et), padded,
          idx(start), idx({n, c, winH, winW}), idx(step));
      SmallVector<int64_t> at(6, 0), sizes(patchShape), ones(6, 1);
      at[1] = i;
      at[2] = j;
      sizes[1] = sizes[2] = 1;
      Value slot = tensor::ExtractSliceOp::create(
          b, loc, slotType, patches, idx(at), idx(sizes), idx(ones));
      Value copy = perOffset ? permutedCopy(b, loc, window, slot, {1, 0, 2, 3})
                             : permutedCopy(b, loc, window, slot, {0, 1, 2, 3});
      patches = tensor::InsertSliceOp::create(b, loc, copy, patches,
                                              ValueRange{}, ValueRange{},
                                              ValueRange{}, at, sizes, ones);
    }
  }
  int64_t k = c * kh * kw, cols = n * oh * ow;
  Value lhs, rhs;
  int64_t rows, outCols;
  if (perOffset) {
    lhs = reshapeTensor(b, loc, filter, RankedTensorType::get({f, k}, et));
    rhs = reshapeTensor(b, loc, patches, RankedTensorType::get({k, cols}, et));
    rows = f;
    outCols = cols;
  } else {
    lhs = reshapeTensor(b, loc, patches, RankedTensorType::get({cols, k}, et));
    Value flat =
        reshapeTensor(b, loc, filter, RankedTensorType::get({f, k}, et));
    rhs = permutedCopy(b, loc, flat,
                       emptyTensor(b, loc, RankedTensorType::get({k, f}, et)),
                       {1, 0});
    rows = cols;
    outCols = f;
  }
  auto productType = RankedTensorType::get({rows, outCols}, et);
  Value product = linalg::MatmulOp::create(b, loc, {productType}, {lhs, rhs},
                                           {zeroFilled(b, loc, productType)})
                      .getResult(0);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  // Loops (n, f, oh, ow) of the result; where the product holds each.
  AffineMap productMap;
  if (perOffset) {
    product = reshapeTensor(b, loc, product,
                            RankedTensorType::get({f, n, oh, ow}, et));
    productMap = AffineMap::get(4, 0, {d(1), d(0), d(2), d(3)}, ctx);
  } else {
    product = reshapeTensor(b, loc, product,
                            RankedTensorType::get({n, oh, ow, f}, et));
    productMap = AffineMap::get(4, 0, {d(0), d(2), d(3), d(1)}, ctx);
  }
  SmallVector<Value> inputs = {product};
  SmallVector<AffineMap> maps = {productMap};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(4, 0, {d(1)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs,
             ValueRange{emptyTensor(b, loc, type)}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value r = args[0];
               if (bias)
                 r = arith::AddFOp::create(nb, l, r, args[1]);
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// Whether a stride-1, groups = 1 convolution is cheaper scattered (see
/// col2imConv): its columns [F KH KW, N H W] are fewer than the patches
/// [C KH KW, N OH OW] im2col would gather. That is the case for an input
/// gradient, a conv2d of the upstream gradient padded by K - 1 on each side
/// (ir/ops/ConvGrad.cpp), whose patches are mostly padding.
bool prefersCol2im(Conv2DOp op) {
  auto in = tensorType(op.getInput()), fl = tensorType(op.getFilter());
  auto out = op.getType();
  if (op.getGroups() != 1 ||
      llvm::any_of(op.getStrides(), [](int64_t s) { return s != 1; }))
    return false;
  int64_t columns = fl.getDimSize(0) * in.getDimSize(2) * in.getDimSize(3);
  int64_t patches = fl.getDimSize(1) * out.getDimSize(2) * out.getDimSize(3);
  return columns < patches;
}

/// A stride-1, groups = 1 convolution as a matmul and a scatter (col2im):
/// every input position's contribution to each kernel offset,
///   cols[F, KH, KW, N, H, W] = filter [F, KH, KW, C] x input [C, N, H, W]
/// (one matmul of [F KH KW, C] by [C, N H W] on the unpadded input), then
/// for each offset (i, j) the rows and columns of cols that land inside the
/// output are added to it: output row y receives input row y + i dh - top.
/// The bias (or zero) initializes the output.
Value col2imConv(OpBuilder &b, Location loc, Conv2DOp op, Value input,
                 Value filter, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto type = op.getType();
  Type et = type.getElementType();
  auto in = tensorType(input), fl = tensorType(filter);
  int64_t n = in.getDimSize(0), c = in.getDimSize(1), h = in.getDimSize(2),
          w = in.getDimSize(3);
  int64_t f = fl.getDimSize(0), kh = fl.getDimSize(2), kw = fl.getDimSize(3);
  int64_t oh = type.getDimSize(2), ow = type.getDimSize(3);
  auto dilations = op.getDilations(), padding = op.getPadding();
  auto idx = [&](ArrayRef<int64_t> v) {
    return getAsIndexOpFoldResult(ctx, v);
  };
  Value lhs = permutedCopy(
      b, loc, filter,
      emptyTensor(b, loc, RankedTensorType::get({f, kh, kw, c}, et)),
      {0, 2, 3, 1});
  lhs = reshapeTensor(b, loc, lhs, RankedTensorType::get({f * kh * kw, c}, et));
  Value rhs =
      permutedCopy(b, loc, input,
                   emptyTensor(b, loc, RankedTensorType::get({c, n, h, w}, et)),
                   {1, 0, 2, 3});
  rhs = reshapeTensor(b, loc, rhs, RankedTensorType::get({c, n * h * w}, et));
  auto colsType = RankedTensorType::get({f * kh * kw, n * h * w}, et);
  Value cols = linalg::MatmulOp::create(b, loc, {colsType}, {lhs, rhs},
                                        {zeroFilled(b, loc, colsType)})
                   .getResult(0);
  cols = reshapeTensor(b, loc, cols,
                       RankedTensorType::get({f, kh, kw, n, h, w}, et));
  Value result;
  if (bias)
    result = buildElementwise(
        b, loc, type,
        reshapeTensor(b, loc, bias, RankedTensorType::get({1, f, 1, 1}, et)),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  else
    result = zeroFilled(b, loc, type);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  for (int64_t i = 0; i < kh; ++i) {
    // Output rows [y0, y1) read input rows y + i dh - top.
    int64_t shiftH = i * dilations[0] - padding[0];
    int64_t y0 = std::max<int64_t>(0, -shiftH);
    int64_t y1 = std::min<int64_t>(oh, h - shiftH);
    for (int64_t j = 0; j < kw; ++j) {
      int64_t shiftW = j * dilations[1] - padding[1];
      int64_t x0 = std::max<int64_t>(0, -shiftW);
      int64_t x1 = std::min<int64_t>(ow, w - shiftW);
      if (y0 >= y1 || x0 >= x1)
        continue;
      SmallVector<int64_t> outAt = {0, 0, y0, x0},
                           outSizes = {n, f, y1 - y0, x1 - x0};
      SmallVector<int64_t> colsAt = {0, i, j, 0, y0 + shiftH, x0 + shiftW};
      SmallVector<int64_t> colsSizes = {f, 1, 1, n, y1 - y0, x1 - x0};
      Value part = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({f, n, y1 - y0, x1 - x0}, et), cols,
          idx(colsAt), idx(colsSizes), idx(SmallVector<int64_t>(6, 1)));
      Value dest = tensor::ExtractSliceOp::create(
          b, loc, result, idx(outAt), idx(outSizes),
          idx(SmallVector<int64_t>(4, 1)));
      SmallVector<AffineMap> maps = {
          AffineMap::get(4, 0, {d(1), d(0), d(2), d(3)}, ctx),
          AffineMap::getMultiDimIdentityMap(4, ctx)};
      SmallVector<utils::IteratorType> iterators(4,
                                                 utils::IteratorType::parallel);
      Value sum =
          linalg::GenericOp::create(
              b, loc, TypeRange{dest.getType()}, ValueRange{part},
              ValueRange{dest}, maps, iterators,
              [](OpBuilder &nb, Location l, ValueRange args) {
                linalg::YieldOp::create(
                    nb, l,
                    ValueRange{arith::AddFOp::create(nb, l, args[1], args[0])});
              })
              .getResult(0);
      result = tensor::InsertSliceOp::create(
          b, loc, sum, result, ValueRange{}, ValueRange{}, ValueRange{}, outAt,
          outSizes, SmallVector<int64_t>(4, 1));
    }
  }
  return result;
}

struct LowerConv2D : OpConversionPattern<Conv2DOp> {
  LowerConv2D(MLIRContext *ctx, bool useIm2col)
      : OpConversionPattern(ctx), useIm2col(useIm2col) {}
  bool useIm2col;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type et = type.getElementType();
    if (useIm2col && prefersCol2im(op)) {
      rewriter.replaceOp(op,
                         col2imConv(rewriter, loc, op, adaptor.getInput(),
                                    adaptor.getFilter(), adaptor.getBias()));
      return success();
    }
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPadding(),
                             rewriter.getFloatAttr(et, 0.0));
    Value filter = adaptor.getFilter();
    SmallVector<NamedAttribute> attrs = {
        rewriter.getNamedAttr("strides", i64Vector(rewriter, op.getStrides())),
        rewriter.getNamedAttr("dilations",
                              i64Vector(rewriter, op.getDilations()))};
    int64_t groups = op.getGroups();
    Value result;
    if (groups == 1 && useIm2col) {
      result = im2colConv(rewriter, loc, op, input, filter, adaptor.getBias());
    } else if (groups == 1) {
      // The bias initializes the accumulator: no separate pass over the
      // output to add it.
      Value init = zeroFilled(rewriter, loc, type);
      if (Value bias = adaptor.getBias())
        init = buildElementwise(
            rewriter, loc, type,
            reshapeTensor(
                rewriter, loc, bias,
                RankedTensorType::get({1, type.getDimSize(1), 1, 1}, et)),
            [](OpBuilder &, Location, ValueRange args) { return args[0]; });
      result = linalg::Conv2DNchwFchwOp::create(rewriter, loc, {type},
                                                {input, filter}, {init}, attrs)
                   .getResult(0);
    } else {
      // [N, C, H, W] -> [N, G, C/G, H, W]; [F, C/G, KH, KW] ->
      // [G, F/G, C/G, KH, KW]; result [N, G, F/G, OH, OW].
      auto in = tensorType(input), fl = tensorType(filter);
      int64_t n = in.getDimSize(0), c = in.getDimSize(1), f = fl.getDimSize(0);
      auto groupedIn = RankedTensorType::get(
          {n, groups, c / groups, in.getDimSize(2), in.getDimSize(3)}, et);
      auto groupedFilter =
          RankedTensorType::get({groups, f / groups, fl.getDimSize(1),
                                 fl.getDimSize(2), fl.getDimSize(3)},
                                et);
      auto groupedOut = RankedTensorType::get(
          {n, groups, f / groups, type.getDimSize(2), type.getDimSize(3)}, et);
      Value conv = linalg::Conv2DNgchwGfchwOp::create(
                       rewriter, loc, {groupedOut},
                       {reshapeTensor(rewriter, loc, input, groupedIn),
                        reshapeTensor(rewriter, loc, filter, groupedFilter)},
                       {zeroFilled(rewriter, loc, groupedOut)}, attrs)
                       .getResult(0);
      result = reshapeTensor(rewriter, loc, conv, type);
      if (Value bias = adaptor.getBias())
        result = buildElementwise(
            rewriter, loc, type,
            {result, reshapeTensor(rewriter, loc, bias,
                                   RankedTensorType::get(
                                       {1, type.getDimSize(1), 1, 1}, et))},
            [](OpBuilder &b, Location l, ValueRange args) {
              return arith::AddFOp::create(b, l, args[0], args[1]);
            });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Extra high padding that ceil_mode needs so that the last window fits in
/// the padded input.
int64_t ceilExtra(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                  int64_t dilation, int64_t padLow, int64_t padHigh) {
  int64_t needed = (out - 1) * stride + dilation * (kernel - 1) + 1;
  return std::max<int64_t>(0, needed - (in + padLow + padHigh));
}

/// A generic reducing each window of a padded NCHW input into `init`.
Value windowReduce(OpBuilder &b, Location loc, Value padded, Value init,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> dilations, bool isMax) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  // (n, c, oh, ow, kh, kw)
  auto inputMap =
      AffineMap::get(6, 0,
                     {d(0), d(1), d(2) * strides[0] + d(4) * dilations[0],
                      d(3) * strides[1] + d(5) * dilations[1]},
                     ctx);
  auto outMap = AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx);
  auto windowMap = AffineMap::get(6, 0, {d(4), d(5)}, ctx);
  // A window-shaped operand gives the kernel loops their trip counts.
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getF32Type());
  using utils::IteratorType;
  SmallVector<IteratorType> iterators(4, IteratorType::parallel);
  iterators.append(2, IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{padded, window},
             ValueRange{init}, {inputMap, windowMap, outMap}, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value r =
                   isMax
                       ? Value(
                             arith::MaximumFOp::create(nb, l, args[0], args[2]))
                       : Value(arith::AddFOp::create(nb, l, args[0], args[2]));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

struct LowerMaxPool : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    auto in = tensorType(adaptor.getInput());
    auto k = op.getKernelSize(), s = op.getStrides(), dl = op.getDilations();
    SmallVector<int64_t> pad(op.getPadding());
    pad[2] += ceilExtra(in.getDimSize(2), type.getDimSize(2), k[0], s[0], dl[0],
                        pad[0], pad[2]);
    pad[3] += ceilExtra(in.getDimSize(3), type.getDimSize(3), k[1], s[1], dl[1],
                        pad[1], pad[3]);
    TypedAttr lowest = extremeValue(type.getElementType(), true);
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), pad, lowest);
    Value init = filledTensor(rewriter, loc, type, lowest);
    rewriter.replaceOp(op, windowReduce(rewriter, loc, padded, init, k, s, dl,
                                        /*isMax=*/true));
    return success();
  }
};

struct LowerAvgPool : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type et = type.getElementType();
    auto in = tensorType(adaptor.getInput());
    auto k = op.getKernelSize(), s = op.getStrides();
    SmallVector<int64_t> dl = {1, 1};
    auto p = op.getPadding();
    int64_t h = in.getDimSize(2), w = in.getDimSize(3);
    int64_t oh = type.getDimSize(2), ow = type.getDimSize(3);
    SmallVector<int64_t> pad(p);
    pad[2] += ceilExtra(h, oh, k[0], s[0], 1, p[0], p[2]);
    pad[3] += ceilExtra(w, ow, k[1], s[1], 1, p[1], p[3]);
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), pad,
                              rewriter.getFloatAttr(et, 0.0));
    Value sums = windowReduce(rewriter, loc, padded,
                              zeroFilled(rewriter, loc, type), k, s, dl,
                              /*isMax=*/false);
    // The divisor of each output position is known at compile time (as in
    // PyTorch: windows are clipped to the padded input; without
    // count_include_pad also to the input itself).
    SmallVector<float> inverse;
    for (int64_t i = 0; i < oh; ++i) {
      for (int64_t j = 0; j < ow; ++j) {
        int64_t h0 = i * s[0] - p[0], w0 = j * s[1] - p[1];
        int64_t h1 = std::min(h0 + k[0], h + p[2]);
        int64_t w1 = std::min(w0 + k[1], w + p[3]);
        int64_t count = (h1 - h0) * (w1 - w0);
        if (!op.getCountIncludePad())
          count = (std::min(h1, h) - std::max<int64_t>(h0, 0)) *
                  (std::min(w1, w) - std::max<int64_t>(w0, 0));
        inverse.push_back(count > 0 ? 1.0f / count : 0.0f);
      }
    }
    auto divType = RankedTensorType::get({oh, ow}, rewriter.getF32Type());
    Value div = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(divType, ArrayRef(inverse)));
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, type, {sums, div},
                             [&](OpBuilder &b, Location l, ValueRange args) {
                               return arith::MulFOp::create(
                                   b, l, args[0],
                                   convertScalar(b, l, args[1], et));
                             }));
    return success();
  }
};

} // namespace

void kiln::populateContractionLowering(RewritePatternSet &patterns,
                                       bool im2col) {
  patterns.add<LowerMatmul, LowerMaxPool, LowerAvgPool>(patterns.getContext());
  patterns.add<LowerConv2D>(patterns.getContext(), im2col);
}
