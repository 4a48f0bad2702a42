"""The four benchmark models in PyTorch, defined as examples/*.cpp define
them in kiln's model API, and the Fashion-MNIST reader they share.

Each model takes the layout of the kiln example: the MLP [N, 784], LeNet-5
[N, 1, 28, 28], the LSTM and the Transformer [N, 28, 28] (28 rows of 28
pixels as a sequence), and returns [N, 10] logits.
"""

import gzip

import numpy as np
import torch
from torch import nn

NAMES = ["mlp", "lenet5", "lstm", "transformer"]
SAMPLE_SHAPE = {"mlp": (784,), "lenet5": (1, 28, 28), "lstm": (28, 28),
                "transformer": (28, 28)}


class LastHidden(nn.Module):
    """LSTM(128) over the rows, the last hidden state to Dense(10)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(h[-1])


class Transformer(nn.Module):
    """Rows projected 28 -> 64, learned positions, two post-norm encoder
    layers (4 heads, feed-forward 128, ReLU, no dropout), mean over tokens,
    Dense(10)."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(28, 64)
        self.pos = nn.Parameter(torch.empty(28, 64))
        nn.init.xavier_uniform_(self.pos)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0,
                                       batch_first=True) for _ in range(2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        h = self.proj(x) + self.pos
        for layer in self.layers:
            h = layer(h)
        return self.fc(h.mean(dim=1))


def build(name):
    torch.manual_seed(0)
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(),
                             nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    if name == "lenet5":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
    if name == "lstm":
        return LastHidden()
    if name == "transformer":
        return Transformer()
    raise ValueError("unknown model " + name)


def idx(path):
    """An IDX file (gzipped) as a NumPy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big")
             for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8,
                         offset=4 + 4 * dims).reshape(shape)


def images(data_dir, split, count, name):
    """The first `count` images of a split, scaled to [0, 1], in the
    model's input layout."""
    prefix = "train" if split == "train" else "t10k"
    x = idx(f"{data_dir}/{prefix}-images-idx3-ubyte.gz")[:count]
    return np.ascontiguousarray(
        (x.astype(np.float32) / 255).reshape((-1,) + SAMPLE_SHAPE[name]))


def labels(data_dir, split, count):
    prefix = "train" if split == "train" else "t10k"
    return idx(f"{data_dir}/{prefix}-labels-idx1-ubyte.gz")[:count].astype(
        np.int64)
