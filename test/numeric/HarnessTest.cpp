//===- HarnessTest.cpp - the harness reports what goes wrong --------------===//

#include "NumericTest.h"

#include <stdexcept>

using namespace kiln::numeric;

namespace {

/// The message of the runtime_error `f` throws ("" if none).
template <typename F> std::string errorOf(F f) {
  try {
    f();
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "";
}

// A verifier error reaches the test's failure message, with its location.
TEST(HarnessTest, CompileErrorCarriesDiagnostics) {
  std::string error = errorOf([] {
    compile(R"(
func.func @main(%x: tensor<3xf32>) -> tensor<4xf32> {
  %0 = kiln.neg %x : tensor<4xf32>
  return %0 : tensor<4xf32>
})");
  });
  EXPECT_NE(error.find("cannot parse the module"), std::string::npos) << error;
  EXPECT_NE(error.find("test:3:17: error: use of value"), std::string::npos)
      << error;
  EXPECT_NE(error.find("error:"), std::string::npos) << error;
}

TEST(HarnessTest, LoweringErrorCarriesDiagnostics) {
  // Entry points take statically shaped tensors.
  std::string error = errorOf([] {
    compile("func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {\n"
            "  return %x : tensor<?xf32>\n}\n");
  });
  EXPECT_NE(error.find("lowering to the LLVM dialect failed"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("statically shaped"), std::string::npos) << error;
}

// Arguments are checked against the entry's signature, not trusted.
TEST(HarnessTest, RunChecksArguments) {
  const std::string source = R"(
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.neg %x : tensor<3xf32>
  return %0 : tensor<3xf32>
})";
  auto outs = run(source, "main", {Tensor({3}, {1, -2, 0.5})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_MATCH(outs[0], Tensor({3}, {-1, 2, -0.5}), kExact);
  EXPECT_NE(errorOf([&] {
              run(source, "main", {Tensor({4}, {1, 2, 3, 4})});
            }).find("kiln_run_entry(main)"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              run(source, "other", {Tensor({3}, {1, 2, 3})});
            }).find("no entry point 'other'"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { run(source, "main", {}); }).find("takes 1 inputs"),
            std::string::npos);
}

} // namespace
