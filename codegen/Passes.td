//===- Passes.td - kiln codegen passes ---------------------*- tablegen -*-===//

#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnExpand : Pass<"kiln-expand"> {
  let summary = "Expand higher-level kiln ops into primitive kiln ops";
  let description = [{
    Rewrites softmax, log_softmax, reduce_mean, reduce_logsumexp,
    global_avg_pool, the normalizations, dropout and the losses into
    elementwise ops, reductions, matmuls and data movement, so that the
    lowering to linalg only handles a small core and elementwise fusion sees
    every piece. Runs after autodiff: gradients are stated on the
    higher-level ops, where they are simpler and more stable.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnVectorizePooling
    : Pass<"kiln-vectorize-pooling", "mlir::func::FuncOp"> {
  let summary = "Max pooling and its gradient over exact windows as vector rows";
  let description = [{
    Rewrites `kiln.max_pool2d` whose windows tile the input exactly
    (strides equal to the kernel, no padding or dilation) and
    `kiln.max_pool2d_grad` into loops over output rows on tensors that
    handle one vector register of outputs per step: each input row of the
    window is one contiguous read, split into its window columns with
    `vector.shuffle` (and, for the gradient, interleaved back). The last
    step of a ragged row is masked. Runs before kiln-lower-to-linalg, which
    lowers the other pooling ops to scalar linalg generics.
  }];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"
  ];
}

def KilnVectorizeConv : Pass<"kiln-vectorize-conv", "mlir::func::FuncOp"> {
  let summary = "Small-contraction convolutions and their filter gradients as vector rows";
  let description = [{
    Rewrites unit-stride, groups = 1 `kiln.conv2d` ops whose contraction
    C * KH * KW is at most 512 (all of LeNet-5's, input gradients included)
    into loops over output rows on tensors that read the zero-padded input
    directly, one vector of output positions per step, instead of im2col
    patches and a packed matmul. A filter gradient (a conv2d of the input
    and the upstream gradient both transposed to [C, N, H, W], see
    ir/ops/ConvGrad.cpp) of such a convolution reads both in their NCHW
    layout and keeps lane-wise partial sums per (output channel, kernel
    column), reduced at the end. Rows that would leave more than half of
    the lanes idle keep im2col. A convolution big enough for threads (the
    matmuls' threshold) runs its batch loop, a filter gradient its loop
    over (input channel, kernel row), as an `scf.forall`. Runs before
    kiln-lower-to-linalg.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", "0",
           "Threads the forall is split for (0: assume 2, 1: no forall)">
  ];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"
  ];
}

def KilnLowerToLinalg : Pass<"kiln-lower-to-linalg"> {
  let summary = "Lower primitive kiln ops to linalg, tensor, arith and math";
  let description = [{
    Matmuls become linalg named or contraction ops, groups = 1
    convolutions patches (im2col copies) times a `linalg.matmul` (or, with
    conv-im2col=false, linalg's NCHW convolution ops, as grouped ones do),
    everything elementwise becomes `linalg.generic` with broadcasting
    indexing maps, data movement becomes tensor ops. An op left over (one
    kiln-expand should have removed, or an unknown one) is an error at its
    location.
  }];
  let options = [
    Option<"convIm2col", "conv-im2col", "bool", "true",
           "Lower groups = 1 convolutions to patches (im2col) and a matmul "
           "rather than linalg's NCHW convolution ops">
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect"
  ];
}

def KilnFuseElementwise : Pass<"kiln-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops; fold reshapes between generics only";
  let description = [{
    linalg-fuse-elementwise-ops, except that a reshape is folded into (or
    out of) a linalg op only when that op is a `linalg.generic`: a named op
    such as `linalg.matmul` keeps its operands' reshapes and stays named, so
    the schedules still find it (the flatten before a dense layer, an
    im2col convolution's collapsed patches).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def KilnFlattenGlobals : Pass<"kiln-flatten-globals", "mlir::ModuleOp"> {
  let summary = "Store multi-dimensional constant globals as 1-D arrays";
  let description = [{
    Rewrites each constant `memref.global` of rank > 1 into a 1-D global,
    and each `memref.get_global` of it into the 1-D global and a
    `memref.expand_shape` back to its type. The LLVM global is then one flat
    array instead of nested arrays, whose translation and code generation
    cost grows with the number of innermost rows (a weight packed at
    compile time has rows of one element). Runs after the vector schedule,
    which expects the original shapes.
  }];
}

def KilnPlanMemory : Pass<"kiln-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in one arena argument";
  let description = [{
    After bufferization, replaces each statically shaped `memref.alloc` of a
    function with a `memref.view` into a new trailing `memref<Nxi8>`
    argument, the arena. Buffers whose live ranges (through their views)
    do not overlap share bytes; offsets are 64-byte aligned. N is stored in
    the function's `kiln.arena_size` attribute, and the generated entry point
    allocates nothing per call. A dynamically shaped allocation is an error.
    A `func.call` of a function with a body passes it a view of the
    caller's arena, live for the call only (callees are planned first;
    recursion is an error).
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def KilnOutlineParallel : Pass<"kiln-outline-parallel", "mlir::ModuleOp"> {
  let summary = "Move each omp.parallel of an llvm.func into a function of its own";
  let description = [{
    On the LLVM dialect, before translation: replaces each outermost
    `omp.parallel` with an `llvm.call` of a new internal `llvm.func`
    (`<host>_par`, renamed when taken) that holds the region and takes the
    values it uses from above as arguments; operand-free pure ops
    (constants, addresses of globals) are cloned instead. LLVM's OpenMP
    outlining builds an analysis of the whole host function per region, so
    a step with hundreds of parallel loops translated in quadratic time.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def KilnApproximateMath : Pass<"kiln-approximate-math"> {
  let summary = "Replace f32 exp, expm1, log, log1p, log2, tanh and erf by polynomials";
  let description = [{
    MLIR's polynomial approximations (arith and FMA ops, a few ulp in f32)
    instead of libm calls, which LLVM would make once per vector lane.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def KilnLowerCopies : Pass<"kiln-lower-copies"> {
  let summary = "Turn strided memref.copy into linalg.copy";
  let description = [{
    The LLVM lowering turns a `memref.copy` between non-contiguous memrefs
    (a padded or sliced view) into a call to `memrefCopy` from MLIR's C
    runner library, which generated code must not depend on. As a
    `linalg.copy` it becomes loops like every other linalg op. Contiguous
    copies stay: they become `llvm.memcpy`.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def KilnScheduleMatmul : Pass<"kiln-schedule-matmul", "mlir::func::FuncOp"> {
  let summary = "Pack, tile and vectorize f32 linalg.matmul and "
                "linalg.batch_matmul on tensors";
  let description = [{
    For each 2-D f32 `linalg.matmul` on static tensors, applies the stage A
    transform schedule of docs/notes/matmul-schedule.md with tile sizes from
    the cost model: A, B and C packed to the mmt4d layout (zero padded),
    an `scf.forall` over C blocks (the threads), a K block loop and an
    mr x nr register tile held in `scf.for` iter_args as a vector
    contraction. A 3-D f32 `linalg.batch_matmul` with the default maps gets
    the same schedule with the batch as the outermost dim of every packed
    tensor and of the foralls, which split the batch before the products.
    Marks the function `kiln.scheduled` for kiln-lower-vectors. Other ops
    are left alone.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", "0",
           "Threads the forall is split for (0: assume 2)">
  ];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect", "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect", "mlir::ub::UBDialect",
    // The schedule matches a kiln.* marker attribute; parsing it loads the
    // dialect, which must not happen while passes run in threads.
    "::kiln::KilnDialect"
  ];
}

def KilnScheduleElementwise
    : Pass<"kiln-schedule-elementwise", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize elementwise f32 linalg.generic on tensors";
  let description = [{
    For each all-parallel `linalg.generic` on static f32 tensors whose body
    is arith/math only (no gathers, no linalg.index) and whose inputs are
    read by projected permutations that keep the innermost loop innermost
    (broadcasts, and transposes of the outer dims): an `scf.forall` over the
    outer dims when the op is big enough for threads (cost model), then one
    row x up to 4 vectors per step, vectorized with masks at the ragged
    edge. An op the transform rejects keeps its loops. Marks the function
    `kiln.scheduled` for kiln-lower-vectors.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", "0",
           "Threads the forall is split for (0: assume 2, 1: no forall)">
  ];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect", "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect", "mlir::ub::UBDialect",
    // The schedule matches a kiln.* marker attribute; parsing it loads the
    // dialect, which must not happen while passes run in threads.
    "::kiln::KilnDialect"
  ];
}
def KilnScheduleReduction
    : Pass<"kiln-schedule-reduction", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize f32 reduction linalg.generic on tensors";
  let description = [{
    For each `linalg.generic` with reduction iterators on static f32
    tensors whose body is arith/math only and
    whose operands are read by projected permutations that keep the
    innermost loop innermost: loops over all but the two innermost dims,
    then one vector step over those two (or a block of rows dividing the
    second innermost; at most 1024 elements, so no masks), vectorized to a
    `vector.multi_reduction` and lowered to horizontal reductions of rows
    (innermost dim reduced) or lane-wise adds (innermost dim parallel). An
    op of rank 3 or more whose outermost dim is parallel (softmax and layer
    norm rows) and that is big enough for threads (the elementwise
    threshold) first splits that dim into an `scf.forall`. An op the
    transform rejects keeps its loops. Marks the function `kiln.scheduled`
    for kiln-lower-vectors.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", "0",
           "Threads the forall is split for (0: assume 2, 1: no forall)">
  ];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect", "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect", "mlir::ub::UBDialect",
    // The schedule matches a kiln.* marker attribute; parsing it loads the
    // dialect, which must not happen while passes run in threads.
    "::kiln::KilnDialect"
  ];
}

def KilnLowerVectors : Pass<"kiln-lower-vectors", "mlir::func::FuncOp"> {
  let summary = "Lower the scheduled vector code to 1-D vectors and FMAs";
  let description = [{
    Stage B of the matmul schedule, on buffers, for the functions
    kiln-schedule-matmul marked: `scf.forall` becomes `scf.parallel` (for
    convert-scf-to-openmp), contractions become `vector.fma` outer
    products, transfers become 1-D (masked) loads and stores.
  }];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect", "mlir::memref::MemRefDialect",
    "mlir::arith::ArithDialect", "mlir::ub::UBDialect"
  ];
}

def KilnDropInPlaceResults
    : Pass<"kiln-drop-in-place-results", "mlir::ModuleOp"> {
  let summary = "Drop results that bufferized into the argument they update";
  let description = [{
    A training step updates parameters and optimizer state in place: it
    writes each new value into its argument's buffer and also returns it,
    marked `kiln.in_place_of = <argument index>` (the return keeps the write
    alive before bufferization). After one-shot bufferization such a result
    must be that very argument; this pass erases it, so that no copy is made
    into an out-parameter. A result that did not bufferize in place is an
    error: the update would otherwise silently cost a copy per step.
  }];
}

#endif // KILN_CODEGEN_PASSES_TD
