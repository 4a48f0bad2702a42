"""Writes and checks .npy files for the kiln-compile executable tests.

  npy.py write FILE DTYPE SHAPE VALUE...   SHAPE like 2x3 (`scalar`: rank 0)
  npy.py check FILE DTYPE SHAPE VALUE...   exits 1 unless FILE has this
                                           dtype, shape and values (floats
                                           within 1e-5 relative + absolute)
"""

import sys

import numpy as np


def parse(dtype, shape, values):
    dims = () if shape == "scalar" else tuple(int(d) for d in shape.split("x"))
    return np.array([float(v) for v in values]).astype(dtype).reshape(dims)


def main(argv):
    command, path, dtype, shape, values = argv[1], argv[2], argv[3], argv[4], argv[5:]
    expected = parse(dtype, shape, values)
    if command == "write":
        np.save(path, expected)
        return 0
    actual = np.load(path)
    if actual.dtype != expected.dtype or actual.shape != expected.shape:
        print(f"{path}: got {actual.dtype}{list(actual.shape)}, "
              f"expected {expected.dtype}{list(expected.shape)}")
        return 1
    if not np.allclose(actual, expected, rtol=1e-5, atol=1e-5):
        print(f"{path}: got\n{actual}\nexpected\n{expected}")
        return 1
    print(f"{path}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
