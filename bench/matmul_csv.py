"""kiln-bench-matmul's JSON (one file per thread count) as results.csv rows.

  python3 matmul_csv.py matmul.t1.json matmul.t2.json

For each generated matmul and OpenBLAS shape: median, min and max GFLOP/s
over the repetitions, as `matmul,MxKxN,-,THREADS,IMPL,GFLOP/s,...` rows.
"""

import json
import re
import statistics
import sys

KILN = {"BM_kiln_mm_1024": "1024x1024x1024",
        "BM_kiln_mm_64x784x256": "64x784x256"}


def main():
    for path in sys.argv[1:]:
        threads = re.search(r"\.t(\d+)\.json$", path).group(1)
        with open(path) as f:
            runs = json.load(f)["benchmarks"]
        rates = {}
        for run in runs:
            if run.get("run_type") != "iteration":
                continue
            name = run["run_name"].removesuffix("/real_time")
            if name in KILN:
                key = (KILN[name], "kiln")
            else:
                m, k, n = re.findall(r"[mkn]:(\d+)", name)
                key = (f"{m}x{k}x{n}", "openblas")
            rates.setdefault(key, []).append(run["GFLOP/s"] / 1e9)  # FLOP/s
        for (shape, impl), r in sorted(rates.items()):
            print(f"matmul,{shape},-,{threads},{impl},GFLOP/s,"
                  f"{statistics.median(r):.1f},{min(r):.1f},{max(r):.1f},")


if __name__ == "__main__":
    main()
