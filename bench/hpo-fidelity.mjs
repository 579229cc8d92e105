// The multi-fidelity part of bench:hpo (issue 4): tune an MLP on the digits sample with an equal budget of training
// epochs, ASHA (random sampler, successive halving on epochs) against random search whose every trial trains fully,
// and compare their regrets.
//
// Each sweep runs through the code of `benchtop sweep` (src/cli/sweep-command.ts): the sample imported by the import
// job into a fresh in-memory workspace, the sweep spec checked by `assertSweepSpec`, a sweep run and its trial runs
// in storage, the lab's planner (`planSweep`), sampler and policy, and each trial trained and judged by `runCliTrial`
// (src/cli/sweep-trial.ts) with the training job (`createTrainJob`, wasm backend, the CLI's PNG decoder
// src/cli/png-decoder.ts for the digits images). One difference, because the CLI cannot do it yet: the loop over
// trials (sweep-command.ts's `runTrials`, not exported) is repeated here with an epoch budget instead of a time budget: no trial starts once the sweep's
// trials have trained B epochs in all, and the trial that reaches B is canceled there (its epochs count; it has no
// final value).
//
// The measure: every trial of every sweep trains on the same split with the same initial weights (the search space
// fixes `seed`, which the trial spec's split and initialisers read), so one configuration scores the same wherever
// it runs, and "the best known validation accuracy" is well defined: the best final val_accuracy of any trial that
// trained fully, over every sweep of the bench. A method's regret on a seed is that minus the final val_accuracy of
// the sweep's best trial (the trial `benchtop sweep` would hand back: best complete trial, sweepOutcome). Sweep seed
// k seeds both methods' random samplers: the first floor(B/E) configurations of the ASHA sweep are the random
// search's (common random numbers; ASHA then samples more).
import 'fake-indexeddb/auto';

/** The search space: Adam's learning rate, two hidden layers' widths and dropouts, the batch size; `seed` fixed. */
export function searchSpace(trainingSeed) {
  return [
    { path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 0.1 },
    { path: 'model.layers[0].units', type: 'int', min: 16, max: 256, log: true },
    { path: 'model.layers[1].units', type: 'int', min: 16, max: 256, log: true },
    { path: 'model.layers[0].dropout', type: 'uniform', min: 0, max: 0.6 },
    { path: 'model.layers[1].dropout', type: 'uniform', min: 0, max: 0.6 },
    { path: 'batchSize', type: 'choice', values: [32, 64, 128, 256] },
    // One value: every trial gets the same split and initial weights (otherwise each trial's seed differs).
    { path: 'seed', type: 'choice', values: [trainingSeed] },
  ];
}

/** The sweep spec as a user writes it (data ids left out: filled from the imported sample). */
function sweepInput({ maxEpochs, maxTrials, termination, sweepSeed, trainingSeed }) {
  return {
    specVersion: 1,
    kind: 'sweep',
    base: {
      specVersion: 1,
      kind: 'train',
      data: { datasetId: 'digits', target: 'label', features: ['image'], split: { train: 0.6, validation: 0.2, test: 0.2, stratify: true } },
      featurization: { image: { width: 8, height: 8, channels: 1, normalize: true } },
      task: 'multiclass',
      model: {
        family: 'mlp',
        layers: [
          { units: 64, activation: 'relu', dropout: 0, batchNorm: false },
          { units: 64, activation: 'relu', dropout: 0, batchNorm: false },
        ],
      },
      optimizer: { name: 'adam', learningRate: 0.001 },
      loss: 'crossentropy',
      epochs: maxEpochs,
      batchSize: 32,
      checkpointEvery: maxEpochs,
      metricsEveryBatches: 0,
      seed: trainingSeed,
      backend: 'wasm',
    },
    space: searchSpace(trainingSeed),
    sampler: { type: 'random' },
    metric: { key: 'val_accuracy', goal: 'maximize' },
    maxTrials,
    termination,
    seed: sweepSeed,
  };
}

/** Loads the lab's modules through the Vite SSR loader (as bin/benchtop.mjs runs the CLI). */
async function labModules(server) {
  const load = (path) => server.ssrLoadModule(path);
  const [sweepTrial, pngDecoder, specInput, trainCommand, dataSource, plan, sweepSpec, epochBudget, trainJob, connections, datasetImport, datasets, runStatus, sweeps, workspaces] =
    await Promise.all(
      [
        '/src/cli/sweep-trial.ts',
        '/src/cli/png-decoder.ts',
        '/src/cli/spec-input.ts',
        '/src/cli/train-command.ts',
        '/src/cli/data-source.ts',
        '/src/core/tune/sweep-plan.ts',
        '/src/core/tune/sweep-spec.ts',
        '/src/core/tune/termination/epoch-budget.ts',
        '/src/jobs/train-job.ts',
        '/src/storage/connections.ts',
        '/src/storage/dataset-import.ts',
        '/src/storage/datasets.ts',
        '/src/storage/run-status.ts',
        '/src/storage/sweeps.ts',
        '/src/storage/workspaces.ts',
      ].map(load),
    );
  return { ...sweepTrial, ...pngDecoder, ...specInput, ...trainCommand, ...dataSource, ...plan, ...sweepSpec, ...epochBudget, ...trainJob, ...connections, ...datasetImport, ...datasets, ...runStatus, ...sweeps, ...workspaces };
}

/**
 * Runs one sweep to its end under an epoch budget, as `benchtop sweep` runs one (see the file comment). Returns the
 * trials (number, status, params, value, epochs), the epochs trained, and the best trial's value.
 */
async function runBudgetedSweep(lab, root, input, epochBudget, log) {
  const workspace = await lab.createWorkspace('bench hpo multi-fidelity');
  const db = lab.getWorkspaceDb(workspace.id);
  try {
    const source = await lab.resolveDataSource('digits', { cwd: root, root });
    const imported = await lab.importDataset(
      { workspaceId: workspace.id, source: { kind: 'file', file: source.file }, datasetName: source.datasetName, sampleId: source.sample.id, target: source.sample.target, description: source.sample.description },
      () => undefined,
    );
    const version = await lab.getVersion(db, imported.versionId);
    const ids = { datasetId: version.datasetId, versionId: version.id, contentHash: version.contentHash };
    const spec = lab.assertSweepSpec({ ...input, base: lab.completeSpecInput(input.base, ids, {}) }, { columns: version.columns, contentHash: version.contentHash });
    const sweep = await lab.createSweepRun(db, { spec, environment: { appVersion: 'bench', libraries: [] }, name: 'bench sweep', tags: ['bench'] });
    await lab.transitionRun(db, sweep.id, 'running');

    const job = lab.createTrainJob({ appVersion: 'bench', wasmPaths: lab.nodeWasmPaths(root), probe: lab.nodeProbe, progressIntervalMs: 1000, decodeImage: lab.decodePng });
    const sampler = lab.sweepSampler(spec);
    const trials = [];
    const curves = [];
    let used = 0;
    const started = Date.now();
    while (used < epochBudget) {
      const plan = lab.planSweep({ spec, trials, elapsedMs: Date.now() - started, sampler });
      if (plan.done || plan.start.length === 0) break;
      const planned = plan.start[0];
      const runSpec = lab.trialSpec(spec, planned);
      const [trialRun] = await lab.createTrialRuns(db, sweep.id, [{ ...planned, spec: runSpec, name: lab.trialName('bench sweep', planned.number) }]);
      // The epoch budget: cancel the trial at the end of the epoch that spends it. The training loop looks at the
      // signal before each epoch and batch, so an abort sent from the epoch-end progress message (the only
      // `training` message with batch = batches, as the spec records no batch metrics) stops it after exactly that
      // epoch.
      const budget = new AbortController();
      const budgetedJob = {
        ...job,
        runTrain: (workspaceId, runId, onProgress) =>
          job.runTrain(workspaceId, runId, (progress) => {
            onProgress(progress);
            const { status, epoch, epochs, batch, batches } = progress;
            if (status === 'training' && batches > 0 && batch === batches && epoch < epochs && used + epoch >= epochBudget) budget.abort();
          }),
      };
      const trialStarted = performance.now();
      const result = await lab.runCliTrial(
        { db, workspaceId: workspace.id, job: budgetedJob, spec, curves, budgetLeftMs: Infinity, budgetReason: '', say: () => undefined, signal: budget.signal },
        trialRun,
      );
      if (result.fatal !== undefined) throw new Error(result.fatal);
      trials.push({ number: planned.number, status: result.status, params: planned.params, ...(result.value === undefined ? {} : { value: result.value }), epochs: result.epochs, ...(result.stoppedEarly === undefined ? {} : { stoppedAt: stopEpoch(result.stoppedEarly) }), ...(result.error === undefined ? {} : { error: result.error }), seconds: (performance.now() - trialStarted) / 1000 });
      curves.push({ trialNumber: planned.number, values: result.values });
      used += result.epochs;
      log(result.status === 'complete' ? '+' : result.status === 'pruned' ? '.' : result.status === 'canceled' ? 'x' : '!');
    }
    const consumed = lab.epochsConsumed(curves);
    if (consumed !== used) throw new Error(`Epochs counted two ways disagree: ${used} from the runs' progress, ${consumed} from the stored curves`);
    const outcome = lab.sweepOutcome(spec, trials);
    if (outcome.status !== 'completed') throw new Error(`The sweep failed: ${outcome.message}`);
    return { trials, epochs: used, best: outcome.best.value, bestNumber: outcome.best.number, seconds: (Date.now() - started) / 1000 };
  } finally {
    await lab.deleteWorkspace(workspace.id).catch(() => undefined);
  }
}

/** The epoch a policy's reason names (`Stopped at epoch 3 (rung 2 of 4): ...`), when it names one. */
function stopEpoch(reason) {
  const match = /^Stopped at epoch (\d+)/.exec(reason);
  return match ? Number(match[1]) : undefined;
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The multi-fidelity comparison. `maxEpochs` E, η, `fullTrials` (the budget B = fullTrials · E epochs), `seeds`
 * sweep seeds 0..seeds-1, `trainingSeed` (the split and initial weights every trial shares).
 */
export async function runMultiFidelity(server, root, { maxEpochs, reductionFactor, fullTrials, seeds, trainingSeed }, log) {
  const lab = await labModules(server);
  const epochBudget = fullTrials * maxEpochs;
  const asha = { type: 'asha', minEpochs: 1, reductionFactor };
  const rungs = [];
  for (let e = 1; e <= maxEpochs; e *= reductionFactor) rungs.push(e);
  const perSeed = [];
  for (let seed = 0; seed < seeds; seed++) {
    log(`  seed ${seed}: random `);
    const random = await runBudgetedSweep(lab, root, sweepInput({ maxEpochs, maxTrials: fullTrials, termination: { type: 'none' }, sweepSeed: seed, trainingSeed }), epochBudget, log);
    log(` ASHA `);
    // maxTrials is only a ceiling here: the epoch budget ends the ASHA sweep.
    const ashaRun = await runBudgetedSweep(lab, root, sweepInput({ maxEpochs, maxTrials: 10_000, termination: asha, sweepSeed: seed, trainingSeed }), epochBudget, log);
    log(` (${(random.seconds + ashaRun.seconds).toFixed(0)} s)\n`);
    perSeed.push({ seed, random, asha: ashaRun });
  }
  // The best known: every fully trained trial of the bench (same split and initial weights everywhere).
  const full = perSeed.flatMap((s) => [...s.random.trials, ...s.asha.trials]).filter((t) => t.status === 'complete' && t.epochs === maxEpochs);
  const bestKnown = Math.max(...full.map((t) => t.value));
  const summary = (method) => {
    const regrets = perSeed.map((s) => bestKnown - s[method].best);
    return {
      regrets,
      medianRegret: median(regrets),
      meanRegret: regrets.reduce((a, b) => a + b, 0) / regrets.length,
      medianBest: median(perSeed.map((s) => s[method].best)),
      medianTrials: median(perSeed.map((s) => s[method].trials.length)),
      medianComplete: median(perSeed.map((s) => s[method].trials.filter((t) => t.status === 'complete').length)),
      medianEpochs: median(perSeed.map((s) => s[method].epochs)),
      medianSeconds: median(perSeed.map((s) => s[method].seconds)),
    };
  };
  const random = summary('random');
  const ashaSummary = summary('asha');
  const wins = perSeed.filter((s) => s.asha.best > s.random.best).length;
  const ties = perSeed.filter((s) => s.asha.best === s.random.best).length;
  return {
    parameters: { dataset: 'digits', maxEpochs, reductionFactor, minEpochs: 1, rungs, fullTrials, epochBudget, seeds, trainingSeed, metric: 'val_accuracy', space: searchSpace(trainingSeed) },
    bestKnown,
    fullyTrained: full.length,
    random,
    asha: ashaSummary,
    ratio: random.medianRegret === 0 ? (ashaSummary.medianRegret === 0 ? 1 : Infinity) : ashaSummary.medianRegret / random.medianRegret,
    wins,
    ties,
    perSeed: perSeed.map((s) => ({
      seed: s.seed,
      random: { best: s.random.best, bestNumber: s.random.bestNumber, epochs: s.random.epochs, trials: s.random.trials },
      asha: { best: s.asha.best, bestNumber: s.asha.bestNumber, epochs: s.asha.epochs, trials: s.asha.trials },
    })),
  };
}
