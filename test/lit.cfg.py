# -*- Python -*-
# lit configuration of the kiln test suite. Every directory under test/ that
# holds .mlir or .test files is part of the suite; no per-directory config is
# needed (add a lit.local.cfg only to change suffixes or mark a directory
# unsupported).

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "unit", "Inputs"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))

# Each kiln tool builds into build/tools/<name>/. Tools not built yet are
# left unresolved rather than failing the whole suite, so that a test of a
# missing tool fails on its own.
kiln_tools = ["kiln-opt", "kiln-compile", "kiln-run", "kiln-export"]
kiln_tool_dirs = [os.path.join(config.kiln_obj_root, "tools", t) for t in kiln_tools]

# Prepend to PATH (append_path=True keeps the existing entries; without it
# PATH would be replaced and FileCheck would vanish). Tools at the start of a
# RUN line (`not kiln-opt ...`) are found through PATH.
llvm_config.with_environment("PATH", kiln_tool_dirs + [config.llvm_tools_dir],
                             append_path=True)

llvm_config.use_default_substitutions()

tools = [ToolSubst(t, unresolved="ignore") for t in kiln_tools]
tools += [ToolSubst("split-file", unresolved="fatal")]
llvm_config.add_tool_substitutions(tools, kiln_tool_dirs + [config.llvm_tools_dir])

# %stdpython: the Python running lit, for helper scripts that need only the
# standard library.
import sys
config.substitutions.append(("%stdpython", sys.executable))

# %python: a Python 3 with numpy (Debian's /usr/bin/python3 has it; the
# python3 first on PATH may not), for tests that write or read .npy files.
# Such tests say `REQUIRES: numpy`.
for python in ["/usr/bin/python3", "python3"]:
    path = shutil.which(python)
    if path and subprocess.call([path, "-c", "import numpy"],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) == 0:
        config.available_features.add("numpy")
        config.substitutions.append(("%python", path))
        break

# Debian's dataset-fashion-mnist, for the end-to-end training tests
# (REQUIRES: fashion-mnist); scripts/setup.sh installs it.
fashion_mnist = "/usr/share/datasets/fashion-mnist"
if os.path.exists(os.path.join(fashion_mnist, "train-images-idx3-ubyte.gz")):
    config.available_features.add("fashion-mnist")
    config.substitutions.append(("%fashion_mnist", fashion_mnist))

# %onnx_encode / %onnx_decode: protoc with Debian's ONNX schema turns the
# text-format models of test/onnx into binary ModelProto (and TensorProto
# outputs back into text), so the importer's tests need no Python onnx
# package. Such tests say `REQUIRES: onnx-protoc`.
protoc = shutil.which("protoc")
if protoc and os.path.exists("/usr/include/onnx/onnx.proto"):
    config.available_features.add("onnx-protoc")
    for name, message in [("%onnx_encode_tensor", "--encode=onnx.TensorProto"),
                          ("%onnx_decode_tensor", "--decode=onnx.TensorProto"),
                          ("%onnx_encode", "--encode=onnx.ModelProto")]:
        config.substitutions.append(
            (name, "%s -I/usr/include %s onnx/onnx.proto" % (protoc, message)))
