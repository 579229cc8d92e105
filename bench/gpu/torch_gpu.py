#!/usr/bin/env python3
"""Native reference of bench/gpu/gpu-bench.mjs: the same models in PyTorch on CUDA and on the CPU.

Models (as bench/torch_ref.py and bench/train-page/train.worker.ts):
  - MLP 64-128-128-10 (relu; softmax via cross-entropy on logits), seeded digits-like rows (64 features, 0..16);
  - the TF.js MNIST-tutorial CNN (conv 5x5x8 valid relu, max-pool 2x2/2, conv 5x5x16 relu, max-pool 2x2/2,
    flatten, dense 10) on seeded 28x28x1 images in 0..1;
  - scoring: MLP 64-256-256-10 + softmax over 100,000 rows, in chunks of 10,000, host tensors in and out
    (on CUDA the host->device copy and the read-back are inside the timing, as TF.js's upload and `data()` are).
Training: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7), batches sliced in order from tensors made once (on the device),
5 warm-up steps not timed, then whole passes until the budget is spent; CUDA synchronised before the clock stops.
No per-step loss read-back (TF.js's `fit` reads the loss back every batch; that is part of what it costs).

Usage: python3 bench/gpu/torch_gpu.py [--budget-ms 1500] [--devices cuda,cpu16,cpu1]
Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys
import time

import torch
from torch import nn

SEED = 20261127
CLASSES = 10


def digits_like(rows, g):
    protos = torch.where(torch.rand(CLASSES, 64, generator=g) < 0.4, 16 * torch.rand(CLASSES, 64, generator=g), torch.zeros(CLASSES, 64))
    y = torch.arange(rows) % CLASSES
    x = (protos[y] + 4 * (torch.rand(rows, 64, generator=g) - 0.5)).round().clamp(0, 16)
    return x, y


def images_like(rows, g):
    protos = (torch.rand(CLASSES, 1, 28, 28, generator=g) < 0.3).float()
    y = torch.arange(rows) % CLASSES
    x = (protos[y] + 0.3 * torch.rand(rows, 1, 28, 28, generator=g)).clamp(0, 1)
    return x, y


def mlp(width=128):
    return nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, CLASSES))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(256, CLASSES)
    )


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def train_rate(name, make, x, y, batch_size, budget_ms, device):
    torch.manual_seed(SEED)
    model = make().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = max(batch_size, (x.shape[0] // batch_size) * batch_size)
    xd, yd = x[:n].to(device), y[:n].to(device)
    batches = [(xd[i : i + batch_size], yd[i : i + batch_size]) for i in range(0, n, batch_size)]

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()

    t0 = time.perf_counter()
    for i in range(5):
        step(*batches[i % len(batches)])
    sync(device)
    warmup_ms = (time.perf_counter() - t0) * 1000
    samples = 0
    t0 = time.perf_counter()
    while True:
        for xb, yb in batches:
            step(xb, yb)
        samples += n
        sync(device)
        if (time.perf_counter() - t0) * 1000 >= budget_ms:
            break
    ms = (time.perf_counter() - t0) * 1000
    return {"model": name, "batchSize": batch_size, "warmupMs": round(warmup_ms, 1), "samples": samples, "ms": round(ms, 1), "samplesPerSecond": samples / ms * 1000}


def score_rate(x, device, chunk, budget_ms):
    torch.manual_seed(SEED)
    model = mlp(256).to(device).eval()

    def one_pass():
        with torch.no_grad():
            for i in range(0, x.shape[0], chunk):
                torch.softmax(model(x[i : i + chunk].to(device)), dim=1).cpu()

    t0 = time.perf_counter()
    one_pass()
    warmup_ms = (time.perf_counter() - t0) * 1000
    passes = 0
    t0 = time.perf_counter()
    while True:
        one_pass()
        passes += 1
        if (time.perf_counter() - t0) * 1000 >= budget_ms:
            break
    ms = (time.perf_counter() - t0) * 1000
    return {"rows": x.shape[0], "chunk": chunk, "passes": passes, "warmupMs": round(warmup_ms, 1), "ms": round(ms, 1), "rowsPerSecond": passes * x.shape[0] / ms * 1000}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget-ms", type=float, default=1500)
    p.add_argument("--devices", default="cuda,cpu16,cpu1")
    args = p.parse_args()
    g = torch.Generator().manual_seed(SEED)
    mx, my = digits_like(1792, g)
    cx, cy = images_like(1024, g)
    sx, _ = digits_like(100_000, g)
    out = {"torch": torch.__version__, "cuda": torch.version.cuda, "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None, "cpuCount": os.cpu_count(), "devices": {}}
    for dev in args.devices.split(","):
        if dev == "cuda" and not torch.cuda.is_available():
            out["devices"][dev] = {"skipped": "torch.cuda.is_available() is False"}
            continue
        if dev.startswith("cpu"):
            torch.set_num_threads(int(dev[3:]) if dev[3:] else os.cpu_count())
        device = torch.device("cuda" if dev == "cuda" else "cpu")
        rows = []
        for name, make, x, y in (("mlp", mlp, mx, my), ("cnn", cnn, cx, cy)):
            for bs in (32, 256):
                rows.append(train_rate(name, make, x, y, bs, args.budget_ms, device))
                print(f"torch {dev} {name} b{bs}: {rows[-1]['samplesPerSecond']:.0f} samples/s", file=sys.stderr, flush=True)
        score = score_rate(sx, device, 10_000, args.budget_ms)
        print(f"torch {dev} score: {score['rowsPerSecond']:.0f} rows/s", file=sys.stderr, flush=True)
        out["devices"][dev] = {"threads": torch.get_num_threads() if device.type == "cpu" else None, "train": rows, "score": score}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
