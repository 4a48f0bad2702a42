//===- Tensor.cpp - plain tensor type for the reference ops ---------------===//

#include "Tensor.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace kiln::ref {

Tensor::Tensor(Shape shape, std::vector<double> data, DType dtype)
    : dtype(dtype), shape(std::move(shape)), data(std::move(data)) {
  for (int64_t d : this->shape)
    if (d < 0)
      throw std::invalid_argument("negative dim in shape " +
                                  shapeStr(this->shape));
  if (static_cast<int64_t>(this->data.size()) != numElements(this->shape))
    throw std::invalid_argument(
        "tensor of shape " + shapeStr(this->shape) + " needs " +
        std::to_string(numElements(this->shape)) + " values, got " +
        std::to_string(this->data.size()));
  if (isFloat())
    return;
  for (double v : this->data) {
    bool ok = dtype == I1 ? (v == 0 || v == 1)
                          : (std::isfinite(v) && v == std::trunc(v));
    if (!ok)
      throw std::invalid_argument(std::string("value ") + std::to_string(v) +
                                  " is not a valid " + dtypeName(dtype));
  }
}

Tensor Tensor::zeros(const Shape &shape, DType dtype) {
  return full(shape, 0.0, dtype);
}

Tensor Tensor::full(const Shape &shape, double value, DType dtype) {
  return Tensor(shape, std::vector<double>(numElements(shape), value), dtype);
}

Tensor Tensor::scalar(double value, DType dtype) {
  return Tensor({}, {value}, dtype);
}

Tensor Tensor::random(const Shape &shape, DType dtype, std::mt19937 &rng,
                      double lo, double hi) {
  Tensor t = zeros(shape, dtype);
  fillUniform(t, rng, lo, hi);
  return t;
}

int64_t Tensor::numel() const { return numElements(shape); }

double &Tensor::at(const Shape &coords) { return data[indexOf(coords, shape)]; }

double Tensor::at(const Shape &coords) const {
  return data[indexOf(coords, shape)];
}

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Shape stridesOf(const Shape &shape) {
  Shape strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

Shape coordsOf(int64_t index, const Shape &shape) {
  Shape coords(shape.size(), 0);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    coords[i] = index % shape[i];
    index /= shape[i];
  }
  return coords;
}

int64_t indexOf(const Shape &coords, const Shape &shape) {
  if (coords.size() != shape.size())
    throw std::out_of_range("coordinates " + shapeStr(coords) +
                            " have the wrong rank for shape " +
                            shapeStr(shape));
  int64_t index = 0;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (coords[i] < 0 || coords[i] >= shape[i])
      throw std::out_of_range("coordinates " + shapeStr(coords) +
                              " are outside shape " + shapeStr(shape));
    index = index * shape[i] + coords[i];
  }
  return index;
}

Shape broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      throw std::invalid_argument("shapes " + shapeStr(a) + " and " +
                                  shapeStr(b) + " do not broadcast");
    result[rank - 1 - i] = da == 1 ? db : da;
  }
  return result;
}

int64_t broadcastIndex(const Shape &operandShape, const Shape &outCoords) {
  if (operandShape.size() > outCoords.size())
    throw std::invalid_argument("operand " + shapeStr(operandShape) +
                                " has a higher rank than the result");
  size_t lead = outCoords.size() - operandShape.size();
  int64_t index = 0;
  for (size_t i = 0; i < operandShape.size(); ++i) {
    int64_t c = operandShape[i] == 1 ? 0 : outCoords[lead + i];
    if (c < 0 || c >= operandShape[i])
      throw std::out_of_range("result coordinates do not broadcast from " +
                              shapeStr(operandShape));
    index = index * operandShape[i] + c;
  }
  return index;
}

double atBroadcast(const Tensor &t, const Shape &outCoords) {
  return t.data[broadcastIndex(t.shape, outCoords)];
}

void fillUniform(Tensor &t, std::mt19937 &rng, double lo, double hi) {
  switch (t.dtype) {
  case Tensor::F32:
  case Tensor::F64: {
    std::uniform_real_distribution<double> dist(lo, hi);
    for (double &v : t.data) {
      v = dist(rng);
      if (t.dtype == Tensor::F32)
        v = static_cast<float>(v);
    }
    return;
  }
  case Tensor::I64:
  case Tensor::I32: {
    std::uniform_int_distribution<int64_t> dist(
        static_cast<int64_t>(std::ceil(lo)),
        static_cast<int64_t>(std::floor(hi)));
    for (double &v : t.data)
      v = static_cast<double>(dist(rng));
    return;
  }
  case Tensor::I1: {
    std::bernoulli_distribution dist(0.5);
    for (double &v : t.data)
      v = dist(rng) ? 1.0 : 0.0;
    return;
  }
  }
}

double wrapToDType(double value, Tensor::DType dtype) {
  switch (dtype) {
  case Tensor::F32:
  case Tensor::F64:
  case Tensor::I64:
    return value;
  case Tensor::I32:
    // Through uint32_t so that the narrowing is modular, not out of range.
    return static_cast<double>(static_cast<int32_t>(
        static_cast<uint32_t>(static_cast<int64_t>(value))));
  case Tensor::I1:
    return static_cast<double>(static_cast<int64_t>(value) & 1);
  }
  return value;
}

const char *dtypeName(Tensor::DType dtype) {
  switch (dtype) {
  case Tensor::F32:
    return "f32";
  case Tensor::F64:
    return "f64";
  case Tensor::I64:
    return "i64";
  case Tensor::I32:
    return "i32";
  case Tensor::I1:
    return "i1";
  }
  return "?";
}

std::string shapeStr(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool allClose(const Tensor &actual, const Tensor &expected, double rtol,
              double atol, std::string *why) {
  if (actual.shape != expected.shape) {
    if (why)
      *why = "shape " + shapeStr(actual.shape) + " != expected " +
             shapeStr(expected.shape);
    return false;
  }
  for (size_t i = 0; i < actual.data.size(); ++i) {
    double a = actual.data[i], e = expected.data[i];
    bool ok;
    if (std::isnan(a) || std::isnan(e))
      ok = std::isnan(a) && std::isnan(e);
    else if (std::isinf(a) || std::isinf(e))
      ok = a == e;
    else
      ok = std::fabs(a - e) <= atol + rtol * std::fabs(e);
    if (!ok) {
      if (why) {
        std::ostringstream os;
        os.precision(17);
        os << "element " << i << " at "
           << shapeStr(coordsOf(static_cast<int64_t>(i), actual.shape)) << ": "
           << a << " != expected " << e;
        *why = os.str();
      }
      return false;
    }
  }
  return true;
}

} // namespace kiln::ref
