"""Exports the benchmark models from their PyTorch definitions (models.py).

  /usr/bin/python3 export.py OUT_DIR DATA_DIR [MODEL...]

Writes, for each model NAME (all of models.NAMES by default): NAME.pt (the state dict every peer loads),
NAME_b{1,64,256}.onnx (torch.onnx.export, opset 17, static shapes, input
"x", output "logits"; b64, the training step's, in training mode) and NAME_b{1,256}.npy (the first Fashion-MNIST test
images, the inference input every peer reads).
"""

import sys
import warnings

import numpy as np
import torch

import models


def main():
    out, data = sys.argv[1:3]
    warnings.filterwarnings("ignore")
    for name in sys.argv[3:] or models.NAMES:
        net = models.build(name).eval()
        torch.save(net.state_dict(), f"{out}/{name}.pt")
        for batch in (1, 64, 256):
            x = torch.from_numpy(models.images(data, "test", batch, name))
            # The batch-64 file is the training step's: exported in training
            # mode, as an eval export merges initializers of equal values
            # (every LayerNorm scale of ones, every zero bias) into one,
            # which would tie those parameters in training. (The models
            # have no dropout, so the function is the same.)
            mode = (torch.onnx.TrainingMode.TRAINING if batch == 64 else
                    torch.onnx.TrainingMode.EVAL)
            torch.onnx.export(net, x, f"{out}/{name}_b{batch}.onnx",
                              input_names=["x"], output_names=["logits"],
                              opset_version=17, training=mode)
            if batch != 64:
                np.save(f"{out}/{name}_b{batch}.npy", x.numpy())


if __name__ == "__main__":
    main()
