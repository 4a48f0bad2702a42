//===- EndToEndTest.cpp - whole models, as a library and as an executable -===//
//
// A 3-layer MLP (784-256-128-10) and LeNet-5's forward pass, each compiled
// to a shared library (in process, through the harness) and to an
// executable (kiln-compile --emit=exe, run on .npy files), and checked
// against the reference ops composed the same way.
//
//===----------------------------------------------------------------------===//

#include "NumericTest.h"
#include "kiln/runtime.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace kiln::numeric {
namespace {

namespace fs = std::filesystem;

// Seven examples: an odd batch. Sums over 784 and 400 inputs: a long
// reduction's f32 error.
constexpr int64_t kBatch = 7;
constexpr Tolerance kModel = kLongReduction;

Tensor dense(const Tensor &x, const Tensor &w, const Tensor &b, bool relu) {
  Tensor y = ref::add(ref::matmul(x, w), b);
  return relu ? ref::relu(y) : y;
}

struct Model {
  std::string source;
  std::vector<Tensor> inputs;
  Tensor expected;
};

std::string denseText(const std::string &x, const std::string &w,
                      const std::string &b, int64_t in, int64_t out, bool relu,
                      const std::string &name) {
  std::string y = "%" + name;
  std::string text =
      "  " + y + "_mm = kiln.matmul " + x + ", " + w + " : (tensor<" +
      std::to_string(kBatch) + "x" + std::to_string(in) + "xf32>, tensor<" +
      std::to_string(in) + "x" + std::to_string(out) + "xf32>) -> tensor<" +
      std::to_string(kBatch) + "x" + std::to_string(out) + "xf32>\n" + "  " +
      y + (relu ? "_b" : "") + " = kiln.add " + y + "_mm, " + b +
      " : (tensor<" + std::to_string(kBatch) + "x" + std::to_string(out) +
      "xf32>, tensor<" + std::to_string(out) + "xf32>) -> tensor<" +
      std::to_string(kBatch) + "x" + std::to_string(out) + "xf32>\n";
  if (relu)
    text += "  " + y + " = kiln.relu " + y + "_b : tensor<" +
            std::to_string(kBatch) + "x" + std::to_string(out) + "xf32>\n";
  return text;
}

Model mlp(std::mt19937 &rng) {
  Model m;
  Tensor x = random({kBatch, 784}, rng, 0, 1);
  Tensor w1 = random({784, 256}, rng, -0.05, 0.05), b1 = random({256}, rng);
  Tensor w2 = random({256, 128}, rng, -0.1, 0.1), b2 = random({128}, rng);
  Tensor w3 = random({128, 10}, rng, -0.1, 0.1), b3 = random({10}, rng);
  m.inputs = {x, w1, b1, w2, b2, w3, b3};
  m.expected =
      dense(dense(dense(x, w1, b1, true), w2, b2, true), w3, b3, false);
  m.source = "func.func @mlp(%x: tensor<7x784xf32>, %w1: tensor<784x256xf32>, "
             "%b1: tensor<256xf32>, %w2: tensor<256x128xf32>, "
             "%b2: tensor<128xf32>, %w3: tensor<128x10xf32>, "
             "%b3: tensor<10xf32>) -> tensor<7x10xf32> {\n" +
             denseText("%x", "%w1", "%b1", 784, 256, true, "h1") +
             denseText("%h1", "%w2", "%b2", 256, 128, true, "h2") +
             denseText("%h2", "%w3", "%b3", 128, 10, false, "y") +
             "  return %y : tensor<7x10xf32>\n}\n";
  return m;
}

Model lenet(std::mt19937 &rng) {
  Model m;
  Tensor x = random({kBatch, 1, 28, 28}, rng, 0, 1);
  Tensor c1 = random({6, 1, 5, 5}, rng, -0.3, 0.3), cb1 = random({6}, rng);
  Tensor c2 = random({16, 6, 5, 5}, rng, -0.1, 0.1), cb2 = random({16}, rng);
  Tensor w1 = random({400, 120}, rng, -0.05, 0.05), b1 = random({120}, rng);
  Tensor w2 = random({120, 84}, rng, -0.1, 0.1), b2 = random({84}, rng);
  Tensor w3 = random({84, 10}, rng, -0.1, 0.1), b3 = random({10}, rng);
  m.inputs = {x, c1, cb1, c2, cb2, w1, b1, w2, b2, w3, b3};
  Tensor h = ref::relu(ref::conv2d(x, c1, &cb1, {1, 1}, {2, 2, 2, 2}));
  h = ref::maxPool2d(h, {2, 2}, {2, 2});
  h = ref::relu(ref::conv2d(h, c2, &cb2));
  h = ref::reshape(ref::maxPool2d(h, {2, 2}, {2, 2}), {kBatch, 400});
  m.expected =
      dense(dense(dense(h, w1, b1, true), w2, b2, true), w3, b3, false);
  m.source = R"(func.func @lenet(%x: tensor<7x1x28x28xf32>,
    %c1: tensor<6x1x5x5xf32>, %cb1: tensor<6xf32>,
    %c2: tensor<16x6x5x5xf32>, %cb2: tensor<16xf32>,
    %w1: tensor<400x120xf32>, %b1: tensor<120xf32>,
    %w2: tensor<120x84xf32>, %b2: tensor<84xf32>,
    %w3: tensor<84x10xf32>, %b3: tensor<10xf32>) -> tensor<7x10xf32> {
  %0 = kiln.conv2d %x, %c1, %cb1 {padding = array<i64: 2, 2, 2, 2>} : (tensor<7x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<7x6x28x28xf32>
  %1 = kiln.relu %0 : tensor<7x6x28x28xf32>
  %2 = kiln.max_pool2d %1 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<7x6x28x28xf32> -> tensor<7x6x14x14xf32>
  %3 = kiln.conv2d %2, %c2, %cb2 : (tensor<7x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32>) -> tensor<7x16x10x10xf32>
  %4 = kiln.relu %3 : tensor<7x16x10x10xf32>
  %5 = kiln.max_pool2d %4 {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<7x16x10x10xf32> -> tensor<7x16x5x5xf32>
  %h0 = kiln.reshape %5 : tensor<7x16x5x5xf32> -> tensor<7x400xf32>
)" + denseText("%h0", "%w1", "%b1", 400, 120, true, "h1") +
             denseText("%h1", "%w2", "%b2", 120, 84, true, "h2") +
             denseText("%h2", "%w3", "%b3", 84, 10, false, "y") +
             "  return %y : tensor<7x10xf32>\n}\n";
  return m;
}

kiln_tensor toRuntime(const Tensor &t, std::vector<float> &storage) {
  kiln_tensor r{};
  r.dtype = KILN_FLOAT;
  r.rank = static_cast<int32_t>(t.shape.size());
  for (size_t i = 0; i < t.shape.size(); ++i)
    r.shape[i] = t.shape[i];
  storage.assign(t.data.begin(), t.data.end());
  r.data = storage.data();
  return r;
}

/// Compiles `m` with kiln-compile --emit=exe, runs the executable on .npy
/// files and returns its output.
Tensor runExecutable(const Model &m, const std::string &name) {
  fs::path dir = fs::temp_directory_path() /
                 ("kiln-e2e-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "model.mlir") << m.source;
  std::string cmd = std::string(KILN_COMPILE_PATH) + " " +
                    (dir / "model.mlir").string() + " -o " +
                    (dir / "model").string() + " --emit=exe";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string run = (dir / "model").string() + " --output-dir " + dir.string();
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    std::vector<float> storage;
    kiln_tensor t = toRuntime(m.inputs[i], storage);
    std::string path = (dir / ("in" + std::to_string(i) + ".npy")).string();
    EXPECT_EQ(kiln_npy_write(path.c_str(), &t), KILN_OK) << kiln_last_error();
    run += " " + path;
  }
  EXPECT_EQ(std::system(run.c_str()), 0) << run;
  kiln_tensor out{};
  std::string outPath = (dir / "output_0.npy").string();
  EXPECT_EQ(kiln_npy_read(outPath.c_str(), &out), KILN_OK) << kiln_last_error();
  Tensor result = Tensor::zeros({}, Tensor::F32);
  if (out.data) {
    result = Tensor::zeros(Shape(out.shape, out.shape + out.rank), Tensor::F32);
    const float *p = static_cast<const float *>(out.data);
    for (int64_t i = 0; i < result.numel(); ++i)
      result.data[i] = p[i];
  }
  kiln_tensor_free(&out);
  fs::remove_all(dir);
  return result;
}

class EndToEndTest : public NumericTest {};

TEST_F(EndToEndTest, MlpSharedLibrary) {
  Model m = mlp(rng);
  EXPECT_MATCH(run(m.source, "mlp", m.inputs)[0], m.expected, kModel);
}

TEST_F(EndToEndTest, MlpExecutable) {
  Model m = mlp(rng);
  EXPECT_MATCH(runExecutable(m, "mlp"), m.expected, kModel);
}

TEST_F(EndToEndTest, LeNetSharedLibrary) {
  Model m = lenet(rng);
  EXPECT_MATCH(run(m.source, "lenet", m.inputs)[0], m.expected, kModel);
}

TEST_F(EndToEndTest, LeNetExecutable) {
  Model m = lenet(rng);
  EXPECT_MATCH(runExecutable(m, "lenet"), m.expected, kModel);
}

} // namespace
} // namespace kiln::numeric
