#!/usr/bin/python3
"""scikit-learn side of `npm run bench:tabular` (bench/tabular.mjs).

Reads a JSON file of datasets with their folds (written by tabular.mjs, so both sides use the same rows and the
same 5 stratified folds), fits each reference model on each training fold, and prints JSON: per dataset and model
the mean validation accuracy (classification) or R² (regression) and the total fit + predict seconds (wall and
CPU). Run with
Debian's python3-sklearn; tabular.mjs sets OMP_NUM_THREADS=1 so that HistGradientBoosting uses one core like the lab.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.simplefilter('ignore', ConvergenceWarning)


def models(task, skip_mlp):
    """Reference models by the lab family they stand beside (sklearn-only ones under their own names)."""
    scaled = lambda m: make_pipeline(StandardScaler(), m)  # noqa: E731
    if task == 'regression':
        out = {
            'linear': lambda: scaled(Ridge(alpha=1.0)),
            'knn': lambda: scaled(KNeighborsRegressor(n_neighbors=5)),
            'decision-tree': lambda: DecisionTreeRegressor(random_state=0),
            'random-forest': lambda: RandomForestRegressor(n_estimators=300, random_state=0, n_jobs=1),
            'hist-gradient-boosting': lambda: HistGradientBoostingRegressor(random_state=0),
            'svm-rbf': lambda: scaled(SVR()),
            'mlp-128-128': lambda: scaled(MLPRegressor(hidden_layer_sizes=(128, 128), max_iter=500, random_state=0)),
        }
    else:
        out = {
            'logistic': lambda: scaled(LogisticRegression(max_iter=1000)),
            'knn': lambda: scaled(KNeighborsClassifier(n_neighbors=5)),
            'decision-tree': lambda: DecisionTreeClassifier(random_state=0),
            'random-forest': lambda: RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=1),
            'hist-gradient-boosting': lambda: HistGradientBoostingClassifier(random_state=0),
            'svm-rbf': lambda: scaled(SVC()),
            'mlp-128-128': lambda: scaled(MLPClassifier(hidden_layer_sizes=(128, 128), max_iter=500, random_state=0)),
        }
    if skip_mlp:
        del out['mlp-128-128']
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    skip_mlp = '--no-mlp' in sys.argv
    results = {}
    for ds in spec['datasets']:
        X = np.asarray(ds['X'], dtype=float).reshape(ds['nRows'], ds['nFeatures'])
        y = np.asarray(ds['y'], dtype=float)
        task = ds['task']
        results[ds['name']] = {}
        for name, make in models(task, skip_mlp).items():
            scores = []
            seconds = 0.0
            cpu_seconds = 0.0
            for validation in ds['folds']:
                mask = np.zeros(len(y), dtype=bool)
                mask[validation] = True
                started = time.perf_counter()
                cpu_started = time.process_time()
                model = make().fit(X[~mask], y[~mask])
                predicted = model.predict(X[mask])
                seconds += time.perf_counter() - started
                cpu_seconds += time.process_time() - cpu_started
                scores.append(r2_score(y[mask], predicted) if task == 'regression' else accuracy_score(y[mask], predicted))
            results[ds['name']][name] = {'score': float(np.mean(scores)), 'seconds': seconds, 'cpuSeconds': cpu_seconds}
            print(f"sklearn {ds['name']} {name}: {np.mean(scores):.4f} in {seconds:.2f} s (CPU {cpu_seconds:.2f} s)", file=sys.stderr)
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
