"""numpy (OpenBLAS) SGEMM n x n x n: the CPU measuring stick of `kernelgan bench gemm`.

    python3 bench/cpu/numpy_gemm.py --n 1024

Median and best of --steps products after --warmup, printed as `kernelgan bench gemm` prints them.
OpenBLAS picks its kernel by CPU; OPENBLAS_CORETYPE=Haswell forces its AVX2 kernel on an AVX-512
machine (how bench/cpu/run.sh measures the AVX2 comparison).
"""
import argparse
import statistics
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=1024)
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--warmup", type=int, default=3)
args = parser.parse_args()
n = args.n
rng = np.random.default_rng(1)
a = rng.random((n, n), dtype=np.float32)
b = rng.random((n, n), dtype=np.float32)
times = []
for i in range(args.warmup + args.steps):
    t = time.perf_counter()
    a @ b
    if i >= args.warmup:
        times.append(time.perf_counter() - t)
med = statistics.median(times)
print(f"numpy gemm: {n}x{n}x{n} fp32, median {med * 1e3:.2f} ms, best {min(times) * 1e3:.2f} ms")
print(f"GFLOP/s: {2 * n ** 3 / med / 1e9:.1f}")
