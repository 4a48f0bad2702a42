//===- ExportOnnxTest.cpp - Model::exportOnnx checked two ways -----------===//
//
// Every export is checked by ONNX's own checker and strict shape inference
// (Debian's libonnx), and run through kiln-run, which imports and compiles
// the file anew: its logits must be predict()'s on samples the model never
// trained on, at a batch other than the compiled one.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"
#include "frontend/nn/NN.h"

#include "ir/KilnBuilder.h"

#include "kiln/runtime.h"

#include "gtest/gtest.h"

#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

using namespace kiln::nn;
using kiln::nn::test::quiet;

namespace {

std::string tempDir() {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("kiln-onnx-export", dir));
  return dir.str().str();
}

/// `n` samples of `sampleShape` with values from N(0, 1) and labels mod
/// `classes`.
Dataset noise(int64_t n, const Shape &sampleShape, int64_t classes,
              uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  int64_t per = 1;
  for (int64_t d : sampleShape)
    per *= d;
  std::vector<float> x(n * per);
  for (float &v : x)
    v = normal(rng);
  std::vector<int64_t> y(n);
  for (int64_t i = 0; i < n; ++i)
    y[i] = i % classes;
  return Dataset::fromVectors(x, sampleShape, y);
}

CompileOptions options() {
  CompileOptions o;
  o.optimizer = "adam:lr=0.01";
  o.batch = 16;
  o.seed = 3;
  o.optLevel = 1;
  return o;
}

onnx::ModelProto readModel(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromString(bytes.str())) << path;
  return model;
}

/// ONNX's checker and strict shape inference; "" when both pass.
std::string onnxProblems(onnx::ModelProto model) {
  try {
    onnx::checker::check_model(model);
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*error_mode=*/1,
                                       /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

/// The logits kiln-run computes with the ONNX file at `path` for the
/// first `n` samples of `data`.
std::vector<float> runExport(const std::string &path, const Dataset &data,
                             int64_t n, const std::string &dir) {
  Shape shape = data.sampleShape();
  int64_t per = 1;
  for (int64_t d : shape)
    per *= d;
  shape.insert(shape.begin(), n);
  kiln_tensor x = {};
  x.dtype = KILN_FLOAT;
  x.rank = static_cast<int32_t>(shape.size());
  std::string spec = "x=";
  for (size_t i = 0; i < shape.size(); ++i) {
    x.shape[i] = shape[i];
    spec += (i ? "x" : "") + std::to_string(shape[i]);
  }
  std::vector<float> values(data.features(), data.features() + n * per);
  x.data = values.data();
  std::string input = dir + "/x.npy", outDir = dir + "/out";
  EXPECT_EQ(kiln_npy_write(input.c_str(), &x), KILN_OK);
  std::string log = dir + "/kiln-run.log";
  std::optional<llvm::StringRef> redirects[] = {
      std::nullopt, llvm::StringRef(log), llvm::StringRef(log)};
  int rc = llvm::sys::ExecuteAndWait(KILN_RUN_PATH,
                                     {KILN_RUN_PATH, path, "--input", input,
                                      "--input-shape", spec, "--output-dir",
                                      outDir, "--output-format", "npy", "-O1"},
                                     std::nullopt, redirects);
  std::ifstream logFile(log);
  std::stringstream logText;
  logText << logFile.rdbuf();
  EXPECT_EQ(rc, 0) << logText.str();
  kiln_tensor out = {};
  std::string output = outDir + "/output_0.npy";
  if (kiln_npy_read(output.c_str(), &out) != KILN_OK) {
    ADD_FAILURE() << "kiln-run wrote no " << output << ": " << logText.str();
    return {};
  }
  const float *p = static_cast<const float *>(out.data);
  std::vector<float> logits(p, p + kiln_tensor_numel(&out));
  kiln_tensor_free(&out);
  return logits;
}

/// Trains `m` briefly on `train`, exports it and checks the file with
/// ONNX's checker and through kiln-run against predict() on `n` samples of
/// `test`. Returns the ONNX model.
onnx::ModelProto exportAndCompare(Model &m, const Dataset &train,
                                  const Dataset &test, int64_t n,
                                  float tolerance = 1e-4f,
                                  int64_t exportBatch = 1) {
  m.compile(options());
  m.fit(train, quiet(2));
  std::string dir = tempDir();
  std::string path = dir + "/" + m.name() + ".onnx";
  m.exportOnnx(path, exportBatch);
  onnx::ModelProto model = readModel(path);
  EXPECT_EQ(onnxProblems(model), "");

  Dataset first = test.take(n);
  std::vector<float> expected = m.predict(first);
  std::vector<float> got = runExport(path, first, n, dir);
  EXPECT_EQ(got.size(), expected.size());
  float worst = 0;
  for (size_t i = 0; i < std::min(got.size(), expected.size()); ++i)
    worst = std::max(worst, std::fabs(got[i] - expected[i]));
  EXPECT_LE(worst, tolerance) << "largest logit difference";

  // A model trained further no longer matches the file: the comparison
  // sees the parameters.
  m.fit(train, quiet(1));
  std::vector<float> moved = m.predict(first);
  float change = 0;
  for (size_t i = 0; i < std::min(got.size(), moved.size()); ++i)
    change = std::max(change, std::fabs(got[i] - moved[i]));
  EXPECT_GT(change, 10 * tolerance);
  llvm::sys::fs::remove_directories(dir);
  return model;
}

std::set<std::string> opTypes(const onnx::ModelProto &model) {
  std::set<std::string> types;
  for (const onnx::NodeProto &n : model.graph().node())
    types.insert(n.op_type());
  return types;
}

TEST(ExportOnnx, DenseModel) {
  Sequential m({12}, 1, "mlp");
  m.add(Dense(16, "relu"))
      .add(Dense(16, "tanh"))
      .add(Dropout(0.25, 1))
      .add(Dense(8, "sigmoid"))
      .add(Dense(4));
  // 40 samples: neither the compiled batch (16) nor the exported one.
  onnx::ModelProto model =
      exportAndCompare(m, noise(256, {12}, 4, 1), noise(64, {12}, 4, 2), 40);
  const onnx::GraphProto &g = model.graph();
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), "x");
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.output(0).name(), "logits");
  // The batch stays symbolic: nothing in an MLP depends on it.
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(0).dim_param(),
            "batch");
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(1).dim_value(), 12);
  EXPECT_EQ(g.output(0).type().tensor_type().shape().dim(0).dim_param(),
            "batch");
  // Parameters are initializers named as in the checkpoint.
  std::set<std::string> initializers;
  for (const onnx::TensorProto &t : g.initializer())
    initializers.insert(t.name());
  for (const char *p : {"dense_1.kernel", "dense_1.bias", "dense_4.kernel"})
    EXPECT_TRUE(initializers.count(p)) << p;
  std::set<std::string> types = opTypes(model);
  for (const char *op : {"MatMul", "Add", "Relu", "Tanh", "Sigmoid"})
    EXPECT_TRUE(types.count(op)) << op;
  // The checks above would see a broken file.
  onnx::ModelProto broken = model;
  broken.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOperator");
  EXPECT_NE(onnxProblems(broken), "");
  broken = model;
  broken.mutable_graph()->mutable_node(0)->set_input(0, "undefined_value");
  EXPECT_NE(onnxProblems(broken), "");
}

TEST(ExportOnnx, ConvolutionalModel) {
  // LeNet-5's layers on 1x12x12 images, plus average pooling and other
  // activations.
  Sequential m({1, 12, 12}, 1, "convnet");
  Conv2DOptions same;
  same.padding = "same";
  m.add(Conv2D(4, 5, "relu", same))
      .add(MaxPool2D(2))
      .add(Conv2D(6, 3, "elu"))
      .add(AvgPool2D(2))
      .add(Flatten())
      .add(Dense(12, "gelu"))
      .add(Dense(3));
  onnx::ModelProto model = exportAndCompare(m, noise(128, {1, 12, 12}, 3, 3),
                                            noise(32, {1, 12, 12}, 3, 4), 24);
  std::set<std::string> types = opTypes(model);
  for (const char *op :
       {"Conv", "MaxPool", "AveragePool", "Reshape", "Elu", "Erf", "MatMul"})
    EXPECT_TRUE(types.count(op)) << op;
  EXPECT_EQ(
      model.graph().input(0).type().tensor_type().shape().dim(0).dim_param(),
      "batch");
}

TEST(ExportOnnx, GlobalPoolingLayerNormAndSoftmax) {
  Tensor x = Input({2, 6, 6});
  Tensor h = Conv2D(4, 3, "leaky_relu")(x);
  Tensor a = GlobalAvgPool2D()(h);
  Tensor b = Flatten()(MaxPool2D(2)(h));
  Tensor c = Dense(4, "softplus")(b);
  Tensor joined = Add()({a, BatchNorm()(c)});
  Tensor out = Dense(3, "log_softmax")(LayerNorm()(joined));
  Model m(x, out, "branches");
  exportAndCompare(m, noise(128, {2, 6, 6}, 3, 5), noise(32, {2, 6, 6}, 3, 6),
                   20);
}

TEST(ExportOnnx, BatchNormUsesRunningStatistics) {
  // Trained running statistics differ from the initial 0 and 1; the file
  // must carry them (kiln-run would otherwise disagree with predict).
  Sequential m({2, 6, 6}, 1, "bn");
  m.add(Conv2D(3, 3))
      .add(BatchNorm())
      .add(ActivationLayer("relu"))
      .add(Flatten())
      .add(Dense(2));
  onnx::ModelProto model = exportAndCompare(m, noise(128, {2, 6, 6}, 2, 7),
                                            noise(32, {2, 6, 6}, 2, 8), 20);
  EXPECT_TRUE(opTypes(model).count("BatchNormalization"));
  bool found = false;
  for (const onnx::TensorProto &t : model.graph().initializer())
    found |= t.name() == "batch_norm_1.moving_variance";
  EXPECT_TRUE(found);
}

/// The batch dim of the export's input: its size, or -1 when symbolic.
int64_t exportedBatch(const onnx::ModelProto &model) {
  const auto &dim = model.graph().input(0).type().tensor_type().shape().dim(0);
  return dim.has_dim_param() ? -1 : dim.dim_value();
}

TEST(ExportOnnx, RecurrentAndAttentionLayers) {
  // Composite layers export as the primitives kiln-decompose makes of
  // them. Exported at the batch compared (8), in case the decomposition
  // fixes it (a zero initial state of the batch's shape).
  Tensor x = Input({4, 2});
  Model lstm(x, Dense(3)(LSTM(6)(x)), "lstm");
  onnx::ModelProto a = exportAndCompare(lstm, noise(64, {4, 2}, 3, 9),
                                        noise(16, {4, 2}, 3, 10), 8, 1e-4f, 8);
  EXPECT_TRUE(exportedBatch(a) == -1 || exportedBatch(a) == 8);

  Tensor y = Input({4, 2});
  Tensor h = PositionalEmbedding()(Dense(8)(y));
  h = TransformerEncoderLayer(2, 16)(h);
  Model transformer(y, Dense(3)(GlobalAvgPool1D()(h)), "transformer");
  onnx::ModelProto b = exportAndCompare(transformer, noise(64, {4, 2}, 3, 11),
                                        noise(16, {4, 2}, 3, 12), 8, 1e-4f, 8);
  EXPECT_TRUE(opTypes(b).count("Softmax"));
  EXPECT_TRUE(opTypes(b).count("LayerNormalization"));
}

TEST(ExportOnnx, UnsupportedOpIsNamedWithItsLayer) {
  // An activation made of an op without an ONNX mapping (a loss).
  Activation squaredError(
      "squared_error", [](kiln::KilnBuilder &b, mlir::Value x) -> mlir::Value {
        return kiln::MseLossOp::create(
            b, x, b.zeros(mlir::cast<mlir::RankedTensorType>(x.getType())),
            kiln::ReductionAttr::get(b.getContext(), kiln::Reduction::none));
      });
  Sequential m({4}, 1, "custom");
  m.add(Dense(4, squaredError)).add(Dense(2));
  m.compile(options());
  std::string dir = tempDir();
  try {
    m.exportOnnx(dir + "/custom.onnx");
    ADD_FAILURE() << "exportOnnx accepted kiln.mse_loss";
  } catch (const Error &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("kiln.mse_loss"), std::string::npos) << what;
    EXPECT_NE(what.find("layer 'dense_1'"), std::string::npos) << what;
  }
  llvm::sys::fs::remove_directories(dir);
}

TEST(ExportOnnx, NeedsACompiledModel) {
  Sequential m({4}, 1, "plain");
  m.add(Dense(2));
  EXPECT_THROW(m.exportOnnx("/tmp/never.onnx"), Error);
}

} // namespace
