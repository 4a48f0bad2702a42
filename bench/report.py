"""The Markdown report of a bench/run.sh run.

  python3 report.py OUT_DIR [OUT_DIR...]

Reads OUT_DIR/results.csv, machine.txt and notes.txt (several runs, e.g.
with different --models, are merged; the first names the machine) and
prints the tables:
training, inference (batch 1 and 256), outputs against PyTorch, matmul,
compile times, and issue 7's targets (kiln on 2 threads against the better
of the peer's 1- and 2-thread figures).
"""

import csv
import sys

MODELS = ["mlp", "lenet5", "lstm", "transformer"]
TITLE = {"mlp": "MLP 784-256-128-10", "lenet5": "LeNet-5",
         "lstm": "LSTM h128", "transformer": "Transformer d64 x2"}


def load(folders):
    rows = {}
    for folder in folders:
        with open(f"{folder}/results.csv") as f:
            for r in csv.DictReader(f):
                key = (r["section"], r["model"], r["batch"], r["threads"],
                       r["impl"])
                rows[key] = r
    return rows


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def fmt(v):
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def cell(r):
    """`median (min-max)`, the failure, or a dash."""
    if r is None:
        return "-"
    m = num(r["median"])
    if m is None:
        note = r["note"]
        return note if note else "-"
    return f"{fmt(m)} ({fmt(num(r['min']))}-{fmt(num(r['max']))})"


def value(r):
    return num(r["median"]) if r else None


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def table(header, lines):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def training(rows):
    lines = []
    for m in MODELS:
        for th in ("1", "2"):
            k = rows.get(("train", m, "64", th, "kiln"))
            t = rows.get(("train", m, "64", th, "pytorch"))
            if not k and not t:
                continue
            notes = [r["note"].split("loss:")[-1] if r and "loss:" in r["note"]
                     else "-" for r in (k, t)]
            source = k["note"].split(";")[0] if k and value(k) else "-"
            lines.append([TITLE[m], th, cell(k), cell(t),
                          ratio(value(k), value(t)), source,
                          " / ".join(notes).replace(">", " -> ")])
    return table(["model", "threads", "kiln", "PyTorch", "kiln / PyTorch",
                  "kiln graph", "mean loss, first -> last epoch (kiln / "
                  "PyTorch)"], lines)


def inference(rows, batch):
    lines = []
    for m in MODELS:
        for th in ("1", "2"):
            k, t, o = (rows.get(("infer", m, batch, th, impl))
                       for impl in ("kiln", "pytorch", "onnxruntime"))
            if not (k or t or o):
                continue
            kv, tv, ov = value(k), value(t), value(o)
            if batch == "1":  # latency: a peer's time over kiln's
                ratios = [ratio(tv, kv), ratio(ov, kv)]
            else:
                ratios = [ratio(kv, tv), ratio(kv, ov)]
            kcell = cell(k)
            if k and k["note"] == "model API":
                kcell += " [model API graph]"
            lines.append([TITLE[m], th, kcell, cell(t), cell(o)] + ratios)
    unit = "ms per call" if batch == "1" else "samples/s"
    return table(["model", "threads", f"kiln ({unit})", "PyTorch",
                  "ONNX Runtime", "speed-up over PyTorch",
                  "speed-up over ONNX Runtime"], lines)


def checks(rows):
    lines = []
    for m in MODELS:
        for b in ("1", "256"):
            k = rows.get(("check", m, b, "-", "kiln"))
            o = rows.get(("check", m, b, "-", "onnxruntime"))
            if k or o:
                lines.append([TITLE[m], b, k["median"] if k else "-",
                              o["median"] if o else "-"])
    return table(["model", "batch", "kiln", "ONNX Runtime"], lines)


def matmul(rows):
    lines = []
    for shape in ("1024x1024x1024", "64x784x256"):
        for th in ("1", "2"):
            k = rows.get(("matmul", shape, "-", th, "kiln"))
            o = rows.get(("matmul", shape, "-", th, "openblas"))
            if k or o:
                lines.append([shape, th, cell(k), cell(o),
                              ratio(value(k), value(o))])
    return table(["M x K x N", "threads", "kiln GFLOP/s", "OpenBLAS",
                  "kiln / OpenBLAS"], lines)


def compile_times(rows):
    lines = []
    for m in MODELS:
        cells = []
        for b in ("1", "256", "64"):
            r = rows.get(("compile", m, b, "-", "kiln"))
            if r and value(r) is not None and b == "64":
                cells.append(f"{fmt(value(r))} ({r['note']})")
            else:
                cells.append(fmt(value(r)) if r and value(r) is not None
                             else cell(r))
        lines.append([TITLE[m]] + cells)
    return table(["model", "inference, batch 1", "inference, batch 256",
                  "training step, batch 64"], lines)


def best(rows, section, model, batch, impl, lower):
    vals = [value(rows.get((section, model, batch, th, impl)))
            for th in ("1", "2")]
    vals = [v for v in vals if v]
    if not vals:
        return None
    return min(vals) if lower else max(vals)


def targets(rows):
    """Issue 7's targets: kiln on 2 threads against the peer's best."""
    lines = []

    def add(what, goal, got, met):
        lines.append([what, goal, got,
                      "-" if met is None else ("met" if met else "missed")])

    train_goal = {"mlp": 2.0, "lenet5": 3.0, "lstm": 1.5, "transformer": 1.5}
    for m in MODELS:
        k = value(rows.get(("train", m, "64", "2", "kiln")))
        t = best(rows, "train", m, "64", "pytorch", lower=False)
        r = k / t if k and t else None
        add(f"train {TITLE[m]}", f">= {train_goal[m]}x PyTorch",
            f"{r:.2f}x" if r else "-", None if r is None else r >= train_goal[m])
    for m in MODELS:
        k = value(rows.get(("infer", m, "1", "2", "kiln")))
        o = best(rows, "infer", m, "1", "onnxruntime", lower=True)
        add(f"batch-1 latency {TITLE[m]}", "<= ONNX Runtime",
            f"{fmt(k)} vs {fmt(o)} ms" if k and o else "-",
            None if not (k and o) else k <= o)
    for m in MODELS:
        k = value(rows.get(("infer", m, "256", "2", "kiln")))
        for peer, goal, name in (("onnxruntime", 1.2, "ONNX Runtime"),
                                 ("pytorch", 2.0, "PyTorch")):
            p = best(rows, "infer", m, "256", peer, lower=False)
            r = k / p if k and p else None
            add(f"batch-256 samples/s {TITLE[m]}", f">= {goal}x {name}",
                f"{r:.2f}x" if r else "-", None if r is None else r >= goal)
    for shape, th, goal in (("1024x1024x1024", "1", 0.9),
                            ("1024x1024x1024", "2", 0.9),
                            ("64x784x256", "1", 1.0),
                            ("64x784x256", "2", 1.0)):
        k = value(rows.get(("matmul", shape, "-", th, "kiln")))
        o = value(rows.get(("matmul", shape, "-", th, "openblas")))
        r = k / o if k and o else None
        add(f"matmul {shape}, {th} thread(s)", f">= {goal:.0%} of OpenBLAS",
            f"{r:.0%}" if r else "-", None if r is None else r >= goal)
    for m in MODELS:
        for b, goal in (("1", 3), ("256", 3), ("64", 6)):
            v = value(rows.get(("compile", m, b, "-", "kiln")))
            what = "training step" if b == "64" else f"inference b{b}"
            add(f"compile {TITLE[m]}, {what}", f"< {goal} s",
                f"{v:.1f} s" if v else "-", None if v is None else v < goal)
    return table(["target", "goal", "measured", ""], lines)


def main():
    folders = sys.argv[1:]
    rows = load(folders)
    with open(f"{folders[0]}/machine.txt") as f:
        machine = dict(line.rstrip("\n").split("=", 1) for line in f
                       if "=" in line)
    notes = []
    for folder in folders:
        with open(f"{folder}/notes.txt") as f:
            notes += [line.strip() for line in f if line.strip()]
    print(f"# kiln benchmarks ({machine.get('mode', '').split(':')[0]} run)\n")
    print(f"{machine.get('date')}; {machine.get('cpu')}, {machine.get('cores')}"
          f" cores; load average {machine.get('load_start')} at the start, "
          f"{machine.get('load_end')} at the end; kiln {machine.get('kiln')}, "
          f"PyTorch {machine.get('torch') or '-'}, ONNX Runtime "
          f"{machine.get('onnxruntime') or '-'} (onnxruntime-node); "
          f"{machine.get('mode', '').split(': ', 1)[-1]}. Each cell is the "
          "median (min-max) of the repetitions after a warm-up.\n")
    sections = [
        ("Training, batch 64, Adam 1e-3 (samples/s, higher is better)",
         training(rows)),
        ("Inference latency, batch 1 (ms, lower is better)",
         inference(rows, "1")),
        ("Inference throughput, batch 256 (samples/s, higher is better)",
         inference(rows, "256")),
        ("Outputs: largest |difference| from PyTorch's logits", checks(rows)),
        ("Matmul (bench/matmul_bench.cpp), GFLOP/s", matmul(rows)),
        ("Compile time of kiln-compile (s)", compile_times(rows)),
        ("Issue 7 targets (kiln on 2 threads; the peer's better thread "
         "count)", targets(rows)),
    ]
    for title, body in sections:
        print(f"## {title}\n\n{body}\n")
    if notes:
        print("## Notes\n")
        for n in notes:
            print(f"- {n}")


if __name__ == "__main__":
    main()
