// Test functions of the hyperparameter-optimisation benchmark (bench/hpo.mjs), with their domains and known minima.
// Definitions: Surjanovic & Bingham, Virtual Library of Simulation Experiments (https://www.sfu.ca/~ssurjano/).

/** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887 (three minimisers). */
function branin([x1, x2]) {
  const a = 1;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const r = 6;
  const s = 10;
  const t = 1 / (8 * Math.PI);
  return a * (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}

const ALPHA = [1.0, 1.2, 3.0, 3.2];

function hartmann(A, P) {
  return (x) => {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < x.length; j++) inner += A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2;
      sum += ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  };
}

const hartmann3 = hartmann(
  [
    [3.0, 10, 30],
    [0.1, 10, 35],
    [3.0, 10, 30],
    [0.1, 10, 35],
  ],
  [
    [3689, 1170, 2673],
    [4699, 4387, 7470],
    [1091, 8732, 5547],
    [381, 5743, 8828],
  ],
);

const hartmann6 = hartmann(
  [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
  ],
  [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
  ],
);

/** The benchmark functions: name, bounds per dimension, known minimum, and a minimiser to check the definition. */
export const FUNCTIONS = [
  { name: 'Branin', f: branin, bounds: [[-5, 10], [0, 15]], optimum: 0.397887, argmin: [Math.PI, 2.275] },
  { name: 'Hartmann3', f: hartmann3, bounds: Array(3).fill([0, 1]), optimum: -3.86278, argmin: [0.114614, 0.555649, 0.852547] },
  {
    name: 'Hartmann6',
    f: hartmann6,
    bounds: Array(6).fill([0, 1]),
    optimum: -3.32237,
    argmin: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
  },
];
