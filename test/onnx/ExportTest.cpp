//===- ExportTest.cpp - parameters written back into an ONNX model --------===//
//
// exportInitializers replaces initializers in a copy of a model; importing
// the copy must give the new values (as kiln-run would compile them) and
// keep everything else, and mismatched values must be refused.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxImport.h"
#include "ir/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

using namespace kiln::onnx_import;

namespace {

std::string tempPath(const char *suffix) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("kiln-export", suffix, path));
  return path.str().str();
}

/// y = x + w with w a [2, 3] float initializer (typed float_data) and b an
/// unused int64 initializer that the export must leave alone.
std::string writeModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto *g = model.mutable_graph();
  g->set_name("g");
  onnx::TensorProto *w = g->add_initializer();
  w->set_name("w");
  w->add_dims(2);
  w->add_dims(3);
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int i = 0; i < 6; ++i)
    w->add_float_data(i);
  onnx::TensorProto *b = g->add_initializer();
  b->set_name("b");
  b->add_dims(1);
  b->set_data_type(onnx::TensorProto::INT64);
  b->add_int64_data(42);
  onnx::NodeProto *n = g->add_node();
  n->set_op_type("Add");
  n->add_input("x");
  n->add_input("w");
  n->add_output("y");
  auto tensorType = [](onnx::ValueInfoProto *v, const char *name) {
    v->set_name(name);
    auto *t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    t->mutable_shape()->add_dim()->set_dim_value(2);
    t->mutable_shape()->add_dim()->set_dim_value(3);
  };
  tensorType(g->add_input(), "x");
  tensorType(g->add_output(), "y");
  std::string path = tempPath("onnx");
  std::ofstream out(path, std::ios::binary);
  EXPECT_TRUE(model.SerializeToOstream(&out));
  return path;
}

ExportedTensor floats(std::vector<int64_t> shape, std::vector<float> v) {
  ExportedTensor t;
  t.shape = std::move(shape);
  t.dtype = onnx::TensorProto::FLOAT;
  t.bytes.assign(reinterpret_cast<const char *>(v.data()), v.size() * 4);
  return t;
}

TEST(OnnxExport, RoundTripsInitializers) {
  std::string in = writeModel(), out = tempPath("onnx");
  std::vector<float> trained = {0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f};
  std::string error;
  ASSERT_TRUE(
      exportInitializers(in, out, {{"w", floats({2, 3}, trained)}}, error))
      << error;

  // The importer, as kiln-run uses it, sees the new values as constants.
  mlir::MLIRContext context;
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  auto module = importModel(context, out, ImportOptions());
  ASSERT_TRUE(module) << diagnostics;
  std::vector<float> imported;
  module->walk([&](kiln::ConstantOp c) {
    auto dense = llvm::cast<mlir::DenseElementsAttr>(c.getValue());
    if (dense.getElementType().isF32())
      for (float f : dense.getValues<float>())
        imported.push_back(f);
  });
  EXPECT_EQ(imported, trained);

  // Everything else is the original's; the untouched initializer keeps its
  // typed data, the replaced one holds raw_data only.
  onnx::ModelProto copy;
  std::ifstream copyIn(out, std::ios::binary);
  ASSERT_TRUE(copy.ParseFromIstream(&copyIn));
  ASSERT_EQ(copy.graph().node_size(), 1);
  EXPECT_EQ(copy.graph().node(0).op_type(), "Add");
  EXPECT_EQ(copy.opset_import(0).version(), 13);
  ASSERT_EQ(copy.graph().initializer_size(), 2);
  EXPECT_EQ(copy.graph().initializer(0).float_data_size(), 0);
  EXPECT_EQ(copy.graph().initializer(0).raw_data().size(), 24u);
  EXPECT_EQ(copy.graph().initializer(1).int64_data(0), 42);

  // Trainable import: the new values become kiln.trainable arguments.
  ImportOptions trainable;
  trainable.trainable = true;
  auto train = importModel(context, out, trainable);
  ASSERT_TRUE(train) << diagnostics;
  auto func = *train->getOps<mlir::func::FuncOp>().begin();
  ASSERT_EQ(func.getNumArguments(), 2u); // x, w (b is an int64 constant)
  EXPECT_TRUE(func.getArgAttr(1, "kiln.trainable"));
  llvm::sys::fs::remove(in);
  llvm::sys::fs::remove(out);
}

TEST(OnnxExport, RefusesMismatchedValues) {
  std::string in = writeModel(), out = tempPath("onnx");
  std::string error;
  EXPECT_FALSE(exportInitializers(
      in, out, {{"w", floats({3, 2}, {0, 0, 0, 0, 0, 0})}}, error));
  EXPECT_NE(error.find("shape or dtype differs"), std::string::npos) << error;
  EXPECT_FALSE(
      exportInitializers(in, out, {{"w", floats({2, 3}, {0, 0})}}, error));
  EXPECT_NE(error.find("has 8 bytes, expected 24"), std::string::npos) << error;
  EXPECT_FALSE(exportInitializers(
      in, out, {{"nope", floats({2, 3}, {0, 0, 0, 0, 0, 0})}}, error));
  EXPECT_NE(error.find("no initializer named 'nope'"), std::string::npos)
      << error;
  EXPECT_FALSE(exportInitializers(out + ".missing", out, {}, error));
  llvm::sys::fs::remove(in);
  llvm::sys::fs::remove(out);
}

} // namespace
