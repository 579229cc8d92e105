#!/usr/bin/python3
"""Golden expectations of the tabular model families, from scikit-learn.

Run with Debian's python3-sklearn (1.2.1): /usr/bin/python3 src/engines/tabular/testdata/golden.py
It writes golden.json beside itself: small fixed datasets (iris, diabetes and seeded toys, features rounded to one
decimal so that every feature has fewer than 255 distinct values and binning is exact) with scikit-learn's fitted
coefficients, predictions, probabilities and tree structures. The tests in src/engines/tabular/*.test.ts compare.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden.json')


def arr(a):
    """A numpy array as nested lists, NaN as None (JSON has no NaN)."""
    a = np.asarray(a, dtype=float)
    return [None if np.isnan(v) else float(v) for v in a.ravel()]


def dataset(X, y):
    return {'X': arr(X), 'nRows': int(X.shape[0]), 'nFeatures': int(X.shape[1]), 'y': arr(y)}


rs = np.random.RandomState(0)

# Toy classification: 3 classes from a nonlinear score, features on a 0.1 grid.
Xc = np.round(rs.normal(size=(300, 5)), 1)
score = Xc[:, 0] + 0.5 * Xc[:, 1] ** 2 - Xc[:, 2] + 0.3 * rs.normal(size=300)
yc = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])).astype(float)

# Toy regression.
Xr = np.round(rs.normal(size=(300, 4)), 1)
yr = 3 * Xr[:, 0] - 2 * Xr[:, 1] * Xr[:, 2] + np.sin(2 * Xr[:, 3]) + 0.2 * rs.normal(size=300)
Xr_test = np.round(rs.normal(size=(60, 4)), 1)

# Toy binary with 10% missing values.
Xb = np.round(rs.normal(size=(400, 4)), 1)
yb = (Xb[:, 0] - Xb[:, 1] + 0.5 * Xb[:, 2] * Xb[:, 3] + 0.3 * rs.normal(size=400) > 0).astype(float)
Xb[rs.uniform(size=Xb.shape) < 0.1] = np.nan
Xb_test = np.round(rs.normal(size=(80, 4)), 1)
Xb_test[rs.uniform(size=Xb_test.shape) < 0.1] = np.nan

iris = load_iris()
Xi, yi = iris.data, iris.target.astype(float)
diabetes = load_diabetes(scaled=False)
Xd, yd = diabetes.data, diabetes.target

golden = {
    'sklearn': sklearn.__version__,
    'data': {
        'iris': dataset(Xi, yi),
        'toyClassification': dataset(Xc, yc),
        'toyRegression': dict(dataset(Xr, yr), XTest=arr(Xr_test), nTest=int(Xr_test.shape[0])),
        'toyBinaryMissing': dict(dataset(Xb, yb), XTest=arr(Xb_test), nTest=int(Xb_test.shape[0])),
        'diabetes': dataset(Xd, yd),
    },
}

# Logistic regression on standardized features, converged tightly: newton-cg, since scikit-learn's lbfgs stops on its
# fixed ftol (64 eps) about 1e-4 away from the optimum on iris.
logistic = {}
for name, C in [('irisC1', 1.0), ('irisC01', 0.1)]:
    Z = StandardScaler().fit_transform(Xi)
    m = LogisticRegression(C=C, solver='newton-cg', tol=1e-8, max_iter=1000).fit(Z, yi)
    logistic[name] = {'C': C, 'coef': arr(m.coef_), 'intercept': arr(m.intercept_), 'proba': arr(m.predict_proba(Z))}
Z = StandardScaler().fit_transform(Xc)
yc_bin = (yc == 2).astype(float)
m = LogisticRegression(C=0.5, solver='newton-cg', tol=1e-8, max_iter=1000).fit(Z, yc_bin)
logistic['toyBinaryC05'] = {'C': 0.5, 'coef': arr(m.coef_), 'intercept': arr(m.intercept_), 'proba': arr(m.predict_proba(Z)), 'y': arr(yc_bin)}
golden['logistic'] = logistic

# Linear models on standardized features and target: ridge, lasso, elastic net.
Zd = StandardScaler().fit_transform(Xd)
td = (yd - yd.mean()) / yd.std()
n = Xd.shape[0]
linear = {}
for name, alpha, l1_ratio in [('ridge', 0.01, 0.0), ('lasso', 0.01, 1.0), ('elasticNet', 0.05, 0.5)]:
    if l1_ratio == 0:
        m = Ridge(alpha=alpha * n).fit(Zd, td)
    elif l1_ratio == 1:
        m = Lasso(alpha=alpha, tol=1e-12, max_iter=1000000).fit(Zd, td)
    else:
        m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=1000000).fit(Zd, td)
    linear[name] = {'alpha': alpha, 'l1Ratio': l1_ratio, 'coef': arr(m.coef_), 'prediction': arr(yd.mean() + yd.std() * m.predict(Zd))}
golden['linear'] = linear

# k-nearest neighbours on standardized iris: train on rows i % 3 != 0, predict rows i % 3 == 0.
train = np.arange(150) % 3 != 0
test = ~train
scaler = StandardScaler().fit(Xi[train])
Ztr, Zte = scaler.transform(Xi[train]), scaler.transform(Xi[test])
knn = {'trainRows': [int(i) for i in np.where(train)[0]], 'testRows': [int(i) for i in np.where(test)[0]], 'cases': []}
for k, weights, metric in [(5, 'uniform', 'euclidean'), (7, 'distance', 'euclidean'), (5, 'uniform', 'manhattan'), (1, 'uniform', 'euclidean')]:
    m = KNeighborsClassifier(n_neighbors=k, weights=weights, metric=metric, algorithm='brute').fit(Ztr, yi[train])
    dist, _ = m.kneighbors(Zte, n_neighbors=k + 1)
    # A tie between the k-th and (k+1)-th neighbour leaves the neighbour set to the implementation.
    ambiguous = [bool(abs(d[k - 1] - d[k]) <= 1e-12) for d in dist]
    knn['cases'].append({'k': k, 'weights': weights, 'metric': metric, 'proba': arr(m.predict_proba(Zte)), 'ambiguous': ambiguous})
scaler_r = StandardScaler().fit(Xr)
m = KNeighborsRegressor(n_neighbors=5, weights='distance', algorithm='brute').fit(scaler_r.transform(Xr), yr)
dist, _ = m.kneighbors(scaler_r.transform(Xr_test), n_neighbors=6)
knn['regression'] = {'k': 5, 'weights': 'distance', 'prediction': arr(m.predict(scaler_r.transform(Xr_test))),
                     'ambiguous': [bool(abs(d[4] - d[5]) <= 1e-12) for d in dist]}
golden['knn'] = knn


def preorder(tree, classification):
    """Nodes depth-first, left child first: split feature (-1 at a leaf) and, at leaves, the normalised value."""
    nodes = []
    stack = [0]
    while stack:
        i = stack.pop()
        if tree.children_left[i] == -1:
            v = tree.value[i].ravel()
            nodes.append({'feature': -1, 'value': arr(v / v.sum() if classification else v)})
        else:
            nodes.append({'feature': int(tree.feature[i]), 'samples': int(tree.n_node_samples[i])})
            stack.append(tree.children_right[i])
            stack.append(tree.children_left[i])
    return nodes


# Leaves of at least 10 rows: with smaller ones some nodes have exact ties between splits, which scikit-learn breaks by rounding.
m = DecisionTreeClassifier(max_depth=4, min_samples_leaf=10, random_state=0).fit(Xc, yc)
tree_c = {'maxDepth': 4, 'minSamplesLeaf': 10, 'nodes': preorder(m.tree_, True), 'proba': arr(m.predict_proba(Xc))}
m = DecisionTreeRegressor(max_depth=4, min_samples_leaf=5, random_state=0).fit(Xr, yr)
tree_r = {'maxDepth': 4, 'minSamplesLeaf': 5, 'nodes': preorder(m.tree_, False), 'prediction': arr(m.predict(Xr))}
m = DecisionTreeClassifier(random_state=0).fit(Xc, yc)
golden['decisionTree'] = {'classification': tree_c, 'regression': tree_r, 'fullDepthTrainAccuracy': float(m.score(Xc, yc))}

# Histogram gradient boosting without early stopping: deterministic, so the trees should be the same.
hgb = {}
common = dict(max_iter=20, max_leaf_nodes=15, min_samples_leaf=10, learning_rate=0.1, early_stopping=False)
m = HistGradientBoostingRegressor(**common).fit(Xr, yr)
hgb['regression'] = {'params': common, 'train': arr(m.predict(Xr)), 'test': arr(m.predict(Xr_test))}
params = dict(common, l2_regularization=1.0, max_depth=3, learning_rate=0.3)
m = HistGradientBoostingRegressor(**params).fit(Xr, yr)
hgb['regressionL2Depth'] = {'params': params, 'train': arr(m.predict(Xr)), 'test': arr(m.predict(Xr_test))}
m = HistGradientBoostingClassifier(**common).fit(Xb, yb)
hgb['binaryMissing'] = {'params': common, 'train': arr(m.predict_proba(Xb)), 'test': arr(m.predict_proba(Xb_test))}
params = dict(max_iter=20, max_leaf_nodes=8, min_samples_leaf=5, learning_rate=0.1, early_stopping=False)
m = HistGradientBoostingClassifier(**params).fit(Xi, yi)
hgb['irisMulticlass'] = {'params': params, 'train': arr(m.predict_proba(Xi))}
params = dict(common, max_bins=16)
m = HistGradientBoostingRegressor(**params).fit(Xr, yr)
hgb['regressionQuantileBins'] = {'params': params, 'train': arr(m.predict(Xr)), 'test': arr(m.predict(Xr_test))}
golden['histGradientBoosting'] = hgb

# Random forests: not reproducible across implementations; compare cross-validated scores on the same folds.
forest = {}
for name, X, y in [('iris', Xi, yi), ('toyClassification', Xc, yc)]:
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    accs = [RandomForestClassifier(n_estimators=100, random_state=0).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in folds]
    forest[name] = {'folds': [[int(i) for i in te] for _, te in folds], 'accuracy': float(np.mean(accs))}
folds = list(KFold(5, shuffle=True, random_state=0).split(Xr))
r2 = [r2_score(yr[te], RandomForestRegressor(n_estimators=100, random_state=0).fit(Xr[tr], yr[tr]).predict(Xr[te])) for tr, te in folds]
forest['toyRegression'] = {'folds': [[int(i) for i in te] for _, te in folds], 'r2': float(np.mean(r2))}
golden['randomForest'] = forest

with open(OUT, 'w') as f:
    json.dump(golden, f, separators=(',', ':'))
print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)')
