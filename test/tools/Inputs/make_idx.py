"""Writes a small MNIST-style dataset as IDX files, for the train command.

  make_idx.py DIR [--train N] [--test N] [--gzip] [--damage KIND]

Ten classes of 28x28 images: class k is a bright 7x7 square at a place of
its own on a faint random background, so a small MLP learns it in an epoch.
--damage writes one broken file instead of a good one:
  truncated      train images cut short in the middle of the pixels
  magic          train images with a wrong magic number
  count          one train label fewer than train images
  label          a train label of 10 (the model has 10 classes)
Only the standard library: this runs with any python3.
"""

import gzip
import os
import random
import struct
import sys


def idx(type_code, dims, payload):
    header = struct.pack(">HBB", 0, type_code, len(dims))
    header += b"".join(struct.pack(">I", d) for d in dims)
    return header + payload


def make(count, rng):
    images, labels = bytearray(), bytearray()
    for _ in range(count):
        k = rng.randrange(10)
        row, col = 3 + 7 * (k // 4), 2 + 6 * (k % 4)
        pixels = bytearray(rng.randrange(40) for _ in range(28 * 28))
        for r in range(row, row + 7):
            for c in range(col, col + 7):
                pixels[r * 28 + c] = 200 + rng.randrange(56)
        images += pixels
        labels.append(k)
    return images, labels


def main():
    args = sys.argv[1:]
    out = args.pop(0)
    opts = {"--train": "256", "--test": "128", "--damage": ""}
    compress = "--gzip" in args
    args = [a for a in args if a != "--gzip"]
    for flag, value in zip(args[::2], args[1::2]):
        opts[flag] = value
    rng = random.Random(7)
    os.makedirs(out, exist_ok=True)
    damage = opts["--damage"]
    for split, count in (("train", int(opts["--train"])),
                         ("t10k", int(opts["--test"]))):
        images, labels = make(count, rng)
        image_file = idx(0x08, [count, 28, 28], bytes(images))
        label_file = idx(0x08, [count], bytes(labels))
        if split == "train":
            if damage == "truncated":
                image_file = image_file[: len(image_file) // 2]
            elif damage == "magic":
                image_file = b"\x12\x34" + image_file[2:]
            elif damage == "count":
                label_file = idx(0x08, [count - 1], bytes(labels[:-1]))
            elif damage == "label":
                labels[count // 2] = 10
                label_file = idx(0x08, [count], bytes(labels))
        for name, data in ((split + "-images-idx3-ubyte", image_file),
                           (split + "-labels-idx1-ubyte", label_file)):
            path = os.path.join(out, name)
            if compress:
                with gzip.open(path + ".gz", "wb") as f:
                    f.write(data)
            else:
                with open(path, "wb") as f:
                    f.write(data)


if __name__ == "__main__":
    main()
