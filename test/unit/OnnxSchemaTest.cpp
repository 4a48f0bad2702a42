//===- OnnxSchemaTest.cpp - the ONNX schema library reads real models
//------===//
//
// The ONNX importer will read models through libonnx-dev's compiled schema;
// this checks that the build finds it and that it parses a model of the
// ONNX backend test suite (libonnx-testdata) as expected.
//
//===----------------------------------------------------------------------===//

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

const char *kAbsModel =
    "/usr/share/libonnx-testdata/data/node/test_abs/model.onnx";

TEST(OnnxSchemaTest, ParsesBackendTestModel) {
  std::ifstream in(kAbsModel, std::ios::binary);
  if (!in)
    GTEST_SKIP() << kAbsModel << " is missing (package libonnx-testdata)";
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromIstream(&in));
  ASSERT_EQ(model.graph().node_size(), 1);
  EXPECT_EQ(model.graph().node(0).op_type(), "Abs");
  ASSERT_EQ(model.graph().input_size(), 1);
  const auto &type = model.graph().input(0).type().tensor_type();
  EXPECT_EQ(type.elem_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(type.shape().dim_size(), 3);
  ASSERT_GE(model.opset_import_size(), 1);
  EXPECT_GT(model.opset_import(0).version(), 0);
}

TEST(OnnxSchemaTest, RejectsGarbage) {
  onnx::ModelProto model;
  // A truncated length-delimited field (graph, field 7) cannot parse.
  std::string bytes = "\x3a\x7f\x0a";
  EXPECT_FALSE(model.ParseFromString(bytes));
}

} // namespace
