//===- Error.h - errors of the model-building API ---------------*- C++ -*-===//
//
// The model API reports every misuse (a layer given a shape it cannot take,
// a model used before compile(), a file that cannot be read) by throwing
// kiln::nn::Error. A C++ user building a model expects the call that went
// wrong to stop there with a message, as Keras raises; threading
// llvm::Error through every layer call would make model code unreadable.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_NN_ERROR_H
#define KILN_FRONTEND_NN_ERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln::nn {

/// A tensor shape, batch dim included.
using Shape = std::vector<int64_t>;

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// "[64, 6, 28, 28]".
std::string formatShape(const Shape &shape);

/// Throws an Error with the runtime's last error message after `what`.
[[noreturn]] void throwRuntimeError(const std::string &what);

} // namespace kiln::nn

#endif // KILN_FRONTEND_NN_ERROR_H
