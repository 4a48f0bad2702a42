"""Helpers of export-trained.test (standard library only).

  export_check.py model                 a linear classifier 784 -> 10 as
                                        ONNX text (initializers W, B)
  export_check.py images DATA OUT.npy   DATA's test images as float32
                                        [N, 784] in [0, 1]
  export_check.py compare LOGITS.npy PREDICTIONS.npy
                                        how many rows' argmax equal the
                                        predicted classes
"""

import gzip
import struct
import sys


def model():
    w = " ".join("float_data: %g" % (((i * 7919) % 101 - 50) / 5000.0)
                 for i in range(784 * 10))
    b = " ".join("float_data: 0" for _ in range(10))
    # The batch is left open (dim_param), as exporters write it.
    dims = lambda *ds: " ".join(
        "dim { dim_param: \"N\" }" if d is None else "dim { dim_value: %d }" % d
        for d in ds)
    print('ir_version: 8 opset_import { version: 13 } graph { name: "linear"')
    print('node { input: "x" input: "W" output: "h" op_type: "MatMul" name: "mm" }')
    print('node { input: "h" input: "B" output: "logits" op_type: "Add" name: "add" }')
    print('initializer { name: "W" data_type: 1 dims: 784 dims: 10 %s }' % w)
    print('initializer { name: "B" data_type: 1 dims: 10 %s }' % b)
    print('input { name: "x" type { tensor_type { elem_type: 1 shape { %s } } } }'
          % dims(None, 784))
    print('output { name: "logits" type { tensor_type { elem_type: 1 shape { %s } } } }'
          % dims(None, 10))
    print("}")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def write_npy(path, descr, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode() + payload)


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + length].decode()
    shape = tuple(int(d) for d in header.split("(")[1].split(")")[0].split(",")
                  if d.strip())
    code = "<f" if "'<f4'" in header else "<q"
    count = 1
    for d in shape:
        count *= d
    values = struct.unpack(code[0] + code[1] * count, data[10 + length:])
    return shape, values


def main():
    if sys.argv[1] == "model":
        model()
    elif sys.argv[1] == "images":
        dims, pixels = read_idx(sys.argv[2] + "/t10k-images-idx3-ubyte")
        n = dims[0]
        write_npy(sys.argv[3], "<f4", (n, 784),
                  struct.pack("<%df" % (n * 784), *(p / 255.0 for p in pixels)))
    else:
        (rows, cols), logits = read_npy(sys.argv[2])
        _, predictions = read_npy(sys.argv[3])
        same = 0
        for r in range(rows):
            row = logits[r * cols:(r + 1) * cols]
            same += row.index(max(row)) == predictions[r]
        print("%d of %d predictions agree" % (same, rows))


if __name__ == "__main__":
    main()
