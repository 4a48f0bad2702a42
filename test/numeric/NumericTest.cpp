//===- NumericTest.cpp - shared pieces of the numeric op tests ------------===//

#include "NumericTest.h"

#include <sstream>

namespace kiln::numeric {

// The reference names dtypes by their MLIR element types already.
std::string elementType(Tensor::DType dtype) { return ref::dtypeName(dtype); }

std::string ty(const Shape &shape, const std::string &element) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element + ">";
}

std::string ty(const Tensor &t) { return ty(t.shape, elementType(t.dtype)); }

std::string i64Array(const Shape &values) {
  std::string s = "array<i64";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : ": ") + std::to_string(values[i]);
  return s + ">";
}

std::string FuncBuilder::arg(const std::string &type) {
  std::string n = "%a" + std::to_string(args.size());
  args.push_back(n + ": " + type);
  return n;
}

std::string FuncBuilder::op(const std::string &text, int numResults) {
  std::string n = "%v" + std::to_string(next++);
  body.push_back(n + (numResults > 1 ? ":" + std::to_string(numResults) : "") +
                 " = " + text);
  return n;
}

void FuncBuilder::ret(const std::string &value, const std::string &type) {
  results.push_back(value);
  resultTypes.push_back(type);
}

std::string FuncBuilder::str() const {
  std::ostringstream os;
  auto join = [&](const std::vector<std::string> &v) {
    for (size_t i = 0; i < v.size(); ++i)
      os << (i ? ", " : "") << v[i];
  };
  os << "func.func @" << name << "(";
  join(args);
  os << ") -> (";
  join(resultTypes);
  os << ") {\n";
  for (const std::string &line : body)
    os << "  " << line << "\n";
  os << "  return ";
  join(results);
  os << " : ";
  join(resultTypes);
  os << "\n}\n";
  return os.str();
}

std::string moduleOf(const std::vector<FuncBuilder> &funcs) {
  std::string s;
  for (const FuncBuilder &f : funcs)
    s += f.str();
  return s;
}

::testing::AssertionResult matches(const Tensor &actual, const Tensor &expected,
                                   Tolerance tol) {
  if (actual.dtype != expected.dtype)
    return ::testing::AssertionFailure()
           << "dtype " << ref::dtypeName(actual.dtype) << " != expected "
           << ref::dtypeName(expected.dtype);
  std::string why;
  if (ref::allClose(actual, expected, tol.rtol, tol.atol, &why))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << why << " (rtol " << tol.rtol << ", atol " << tol.atol << ")";
}

std::string OpBatch::in(const Tensor &t) {
  inputs.push_back(t);
  return func.arg(t);
}

void OpBatch::expect(const std::string &value, const Tensor &expectedValue,
                     Tolerance tol, std::string what) {
  func.ret(value, expectedValue);
  expected.push_back({expectedValue, tol, std::move(what)});
}

std::vector<Tensor> OpBatch::check() const {
  std::vector<Tensor> outs = run(source(), "main", inputs);
  EXPECT_EQ(outs.size(), expected.size());
  for (size_t i = 0; i < outs.size() && i < expected.size(); ++i)
    EXPECT_TRUE(matches(outs[i], expected[i].value, expected[i].tol))
        << "result " << i << ": " << expected[i].what;
  return outs;
}

Tensor random(const Shape &shape, std::mt19937 &rng, double lo, double hi,
              Tensor::DType dtype) {
  return Tensor::random(shape, dtype, rng, lo, hi);
}

} // namespace kiln::numeric
