"""PyTorch's training throughput for the models of bench/train.sh.

  /usr/bin/python3 torch_train.py MODEL THREADS REPS SAMPLES DATA_DIR

Trains MODEL (mlp or lenet5, defined as examples/models/*.mlir define them)
with Adam 1e-3 at batch 64 on the first SAMPLES Fashion-MNIST training images
(scaled to [0, 1]), REPS times after one warm-up pass, and prints one line:
`MODEL THREADS median min max` in samples/s.
"""

import gzip
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def model(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                             nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def main():
    name, threads, reps, samples, data = sys.argv[1:6]
    threads, reps, samples = int(threads), int(reps), int(samples)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.from_numpy(idx(data + "/train-images-idx3-ubyte.gz")[:samples]
                         .astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(idx(data + "/train-labels-idx1-ubyte.gz")[:samples]
                         .astype(np.int64))
    net = model(name)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batches = samples // 64

    def epoch():
        start = time.perf_counter()
        for b in range(batches):
            xb, yb = x[b * 64:(b + 1) * 64], y[b * 64:(b + 1) * 64]
            opt.zero_grad()
            loss_fn(net(xb), yb).backward()
            opt.step()
        return batches * 64 / (time.perf_counter() - start)

    epoch()  # warm-up
    rates = [epoch() for _ in range(reps)]
    print(name, threads, round(statistics.median(rates)), round(min(rates)),
          round(max(rates)))


if __name__ == "__main__":
    main()
