#!/usr/bin/env python3
"""Native reference of bench/train.mjs: the same two models trained by PyTorch on one CPU thread.

Models (as in bench/train-page/train.worker.ts):
  - MLP 64-128-128-10 (relu, softmax via cross-entropy on logits), on seeded digits-like rows (64 features, 0..16);
  - the TF.js MNIST-tutorial CNN: conv 5x5x8 (stride 1, valid) relu, max-pool 2x2/2, conv 5x5x16 relu,
    max-pool 2x2/2, flatten, dense 10, on seeded 28x28x1 images in 0..1.
Optimizer: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7 as TF.js). Batches are slices of tensors made once, in order
(as `model.fit(..., { shuffle: false })`). Warm-up steps are run first and not timed. Then whole passes over the
rows are repeated until the time budget is spent.

Usage: python3 bench/torch_ref.py [--budget-ms 2000] [--batch-sizes 32,256] [--threads 1]
Prints one JSON object on stdout: {"torch": version, "threads": n, "rows": [{model, batchSize, warmupMs,
samples, ms, samplesPerSecond, cpuPerWall}], "matmul": [{n, reps, medianMs, gflops, cpuPerWall}]}. cpuPerWall
(process CPU time / wall time) shows that one thread was used: about 1.0.
"""
import argparse
import json
import os
import sys
import time

# One thread really: torch.set_num_threads covers ATen/OpenMP, but Debian's torch does its matmuls in OpenBLAS,
# whose pthread build starts one thread per core unless told before it loads (measured: 2048^2 at ~145 GFLOP/s with
# 2.0 CPU-seconds per second vs ~74 at 1.0). "--threads N" sets them all before torch is imported.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads

import torch  # noqa: E402
from torch import nn  # noqa: E402

SEED = 20261127
CLASSES = 10


def digits_like(rows, generator):
    """64 'pixels' in 0..16 around one random prototype per class, plus noise; labels cycle 0..9."""
    protos = torch.where(torch.rand(CLASSES, 64, generator=generator) < 0.4, 16 * torch.rand(CLASSES, 64, generator=generator), torch.zeros(CLASSES, 64))
    y = torch.arange(rows) % CLASSES
    x = (protos[y] + 4 * (torch.rand(rows, 64, generator=generator) - 0.5)).round().clamp(0, 16)
    return x, y


def images_like(rows, generator):
    """28x28x1 images in 0..1 around one random prototype per class, plus noise (NCHW for PyTorch)."""
    protos = (torch.rand(CLASSES, 1, 28, 28, generator=generator) < 0.3).float()
    y = torch.arange(rows) % CLASSES
    x = (protos[y] + 0.3 * torch.rand(rows, 1, 28, 28, generator=generator)).clamp(0, 1)
    return x, y


def mlp():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, CLASSES))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=5, stride=1),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, kernel_size=5, stride=1),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(256, CLASSES),
    )


def train_rate(name, make_model, x, y, batch_size, budget_ms, warmup_steps):
    """Samples/s of Adam training steps on whole batches of (x, y), warm-up steps excluded."""
    torch.manual_seed(SEED)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = max(batch_size, (x.shape[0] // batch_size) * batch_size)
    batches = [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, n, batch_size)]

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    t0 = time.perf_counter()
    for i in range(warmup_steps):
        step(*batches[i % len(batches)])
    warmup_ms = (time.perf_counter() - t0) * 1000
    samples = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    while True:
        for xb, yb in batches:
            step(xb, yb)
        samples += n
        if (time.perf_counter() - t0) * 1000 >= budget_ms:
            break
    ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - c0) * 1000
    return {"model": name, "batchSize": batch_size, "warmupMs": warmup_ms, "samples": samples, "ms": ms, "samplesPerSecond": samples / ms * 1000, "cpuPerWall": cpu_ms / ms}


def matmul_rate(n, reps):
    """GFLOP/s of an n x n float32 matmul (2n^3 FLOPs), median of `reps` after one warm-up."""
    g = torch.Generator().manual_seed(SEED)
    a = torch.rand(n, n, generator=g) * 2 - 1
    b = torch.rand(n, n, generator=g) * 2 - 1
    torch.mm(a, b)
    times = []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    cpu_per_wall = (time.process_time() - c0) / (time.perf_counter() - w0)
    times.sort()
    med = times[len(times) // 2] if reps % 2 else (times[reps // 2 - 1] + times[reps // 2]) / 2
    return {"n": n, "reps": reps, "medianMs": med * 1000, "gflops": 2 * n**3 / med / 1e9, "cpuPerWall": cpu_per_wall}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-ms", type=float, default=2000)
    parser.add_argument("--batch-sizes", default="32,256")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mlp-rows", type=int, default=1792)
    parser.add_argument("--cnn-rows", type=int, default=1024)
    parser.add_argument("--matmul-reps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(SEED)
    data = {"mlp": digits_like(args.mlp_rows, g), "cnn": images_like(args.cnn_rows, g)}
    makers = {"mlp": mlp, "cnn": cnn}
    rows = []
    for name in ("mlp", "cnn"):
        x, y = data[name]
        for bs in (int(s) for s in args.batch_sizes.split(",")):
            rows.append(train_rate(name, makers[name], x, y, bs, args.budget_ms, warmup_steps=5))
    matmul = [matmul_rate(n, args.matmul_reps) for n in (1024, 2048)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows, "matmul": matmul}))


if __name__ == "__main__":
    main()
