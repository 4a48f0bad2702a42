"""Largest difference between each peer's logits and PyTorch's.

  /usr/bin/python3 compare.py DIR MODEL BATCH

Prints one line per peer output found (DIR/MODEL_bBATCH.{kiln,ort}.npy):
`PEER max_abs_diff`, or `PEER shape:SHAPE` when the shapes differ.
"""

import os
import sys

import numpy as np


def main():
    folder, name, batch = sys.argv[1:4]
    base = f"{folder}/{name}_b{batch}"
    ref = np.load(f"{base}.torch.npy")
    for peer in ("kiln", "ort"):
        if not os.path.exists(f"{base}.{peer}.npy"):
            continue
        out = np.load(f"{base}.{peer}.npy")
        if out.shape != ref.shape:
            print(peer, "shape:" + "x".join(map(str, out.shape)))
        else:
            print(peer, f"{np.abs(out - ref).max():.3g}")


if __name__ == "__main__":
    main()
