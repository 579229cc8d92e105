"""Optuna's TPE (or random search) on the bench:hpo functions, for a side-by-side run: `npm run bench:hpo -- --optuna`.

Usage: python3 bench/hpo-optuna.py SEEDS TRIALS [tpe|random] [FIRST_SEED]
Prints one JSON object: {"version", "sampler", "median": {function: {trials: median regret}}, "msPerTrial": {function: ms}}.
Needs Optuna (Debian: python3-optuna, 3.1.0 on Debian 12). The functions mirror bench/hpo-functions.mjs.
"""
import json
import math
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann(A, P):
    def f(x):
        return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(len(x)))) for i in range(4))

    return f


H3 = hartmann(
    [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]],
    [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]],
)
H6 = hartmann(
    [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]],
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ],
)
FUNCTIONS = {
    "Branin": (branin, [(-5, 10), (0, 15)], 0.397887),
    "Hartmann3": (H3, [(0, 1)] * 3, -3.86278),
    "Hartmann6": (H6, [(0, 1)] * 6, -3.32237),
}


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    kind = sys.argv[3] if len(sys.argv) > 3 else "tpe"
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    checkpoints = [n for n in (50, 100, 200) if n <= trials]
    out = {"version": optuna.__version__, "sampler": kind, "median": {}, "msPerTrial": {}}
    for name, (f, bounds, optimum) in FUNCTIONS.items():
        regrets = {n: [] for n in checkpoints}
        elapsed = 0.0
        for seed in range(first, first + seeds):
            sampler = optuna.samplers.TPESampler(seed=seed) if kind == "tpe" else optuna.samplers.RandomSampler(seed=seed)
            study = optuna.create_study(sampler=sampler)
            objective = lambda trial: f([trial.suggest_float(f"x{d}", lo, hi) for d, (lo, hi) in enumerate(bounds)])
            started = time.perf_counter()
            study.optimize(objective, n_trials=trials)
            elapsed += time.perf_counter() - started
            values = [t.value for t in study.trials]
            for n in checkpoints:
                regrets[n].append(min(values[:n]) - optimum)
        out["median"][name] = {n: statistics.median(r) for n, r in regrets.items()}
        out["msPerTrial"][name] = elapsed / seeds / trials * 1000
    print(json.dumps(out))


main()
