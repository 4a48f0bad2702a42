"""PyTorch's training throughput for the models of models.py.

  /usr/bin/python3 torch_train.py MODEL THREADS REPS SAMPLES DATA_DIR

Trains MODEL with Adam 1e-3 at batch 64 on the first SAMPLES Fashion-MNIST
training images (scaled to [0, 1], shuffled each pass), REPS times after one warm-up pass, and
prints one line: `MODEL THREADS median min max` in samples/s, then the mean
loss of the first and the last pass.
"""

import os
import statistics
import sys
import time

# Debian's torch multiplies matrices with OpenBLAS, whose own threads
# torch.set_num_threads does not govern: they must be set before it loads.
if len(sys.argv) > 2:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[2]
    os.environ["OMP_NUM_THREADS"] = sys.argv[2]

import torch
from torch import nn

import models


def main():
    name, threads, reps, samples, data = sys.argv[1:6]
    threads, reps, samples = int(threads), int(reps), int(samples)
    torch.set_num_threads(threads)
    x = torch.from_numpy(models.images(data, "train", samples, name))
    y = torch.from_numpy(models.labels(data, "train", samples))
    net = models.build(name).train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batches = samples // 64
    losses = []

    def epoch():
        total = 0.0
        start = time.perf_counter()
        order = torch.randperm(samples)  # shuffled each epoch, as kiln's
        for b in range(batches):
            pick = order[b * 64:(b + 1) * 64]
            xb, yb = x[pick], y[pick]
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
        rate = batches * 64 / (time.perf_counter() - start)
        losses.append(total / batches)
        return rate

    epoch()  # warm-up
    rates = [epoch() for _ in range(reps)]
    print(name, threads, round(statistics.median(rates)), round(min(rates)),
          round(max(rates)), f"{losses[0]:.4f}", f"{losses[-1]:.4f}")


if __name__ == "__main__":
    main()
