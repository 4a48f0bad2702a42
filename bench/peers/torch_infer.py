"""PyTorch's inference speed on the exported inputs (eval mode, no_grad).

  /usr/bin/python3 torch_infer.py DIR MODEL BATCH THREADS REPS SECONDS

Loads DIR/MODEL.pt into the model of models.py and runs it on
DIR/MODEL_b{BATCH}.npy: a warm-up of SECONDS, then REPS timed blocks of
about SECONDS each. Prints `median min max` of the seconds per call, and
saves the logits to DIR/MODEL_b{BATCH}.torch.npy.
"""

import os
import statistics
import sys
import time

# Debian's torch multiplies matrices with OpenBLAS, whose own threads
# torch.set_num_threads does not govern: they must be set before it loads.
if len(sys.argv) > 4:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[4]
    os.environ["OMP_NUM_THREADS"] = sys.argv[4]

import numpy as np
import torch

import models


def main():
    folder, name, batch, threads, reps, seconds = sys.argv[1:7]
    batch, threads, reps, seconds = int(batch), int(threads), int(reps), \
        float(seconds)
    torch.set_num_threads(threads)
    net = models.build(name)
    net.load_state_dict(torch.load(f"{folder}/{name}.pt"))
    net.eval()
    x = torch.from_numpy(np.load(f"{folder}/{name}_b{batch}.npy"))
    with torch.no_grad():
        np.save(f"{folder}/{name}_b{batch}.torch.npy", net(x).numpy())
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < seconds:  # warm-up
            net(x)
            calls += 1
        per_block = max(1, round(calls * seconds /
                                 (time.perf_counter() - start)))
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            for _ in range(per_block):
                net(x)
            times.append((time.perf_counter() - start) / per_block)
    print(statistics.median(times), min(times), max(times))


if __name__ == "__main__":
    main()
