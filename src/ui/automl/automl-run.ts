/**
 * @file AutoML runs as the UI reads them: a parent run (kind `automl`) with its `automl` info, and its trial runs with
 * their `automlTrial` info. Small and free of core imports, because the runs list (in the initial bundle) uses it.
 */
import type { AutoMLRunInfo, AutoMLTrialInfo } from '../../protocol/automl';
import type { AutoMLRecord } from '../../storage/automl-runs';
import type { RunRecord } from '../../storage/records';
import { formatDuration } from '../runs/run-format';

/** The AutoML info of a run, when it is an AutoML parent. */
export function automlInfo(run: RunRecord): AutoMLRunInfo | undefined {
  return run.kind === 'automl' ? run.automl : undefined;
}

/** The AutoML trial info of a run, when it is an AutoML trial. */
export function automlTrialInfo(run: RunRecord): AutoMLTrialInfo | undefined {
  return run.automlTrial;
}

/** Whether `run` is an AutoML parent with its info. */
export function isAutoMLRun(run: RunRecord): run is AutoMLRecord {
  return automlInfo(run) !== undefined;
}

/** A budget in words: `8 trials`, `60 s`, `8 trials or 60 s`. */
export function budgetText(budget: AutoMLRunInfo['spec']['budget']): string {
  const parts: string[] = [];
  if (budget.trials !== undefined) parts.push(`${budget.trials} ${budget.trials === 1 ? 'trial' : 'trials'}`);
  if (budget.timeMs !== undefined) parts.push(formatDuration(budget.timeMs));
  return parts.join(' or ');
}

/** The runs list's progress cell of an AutoML run: `3/8 trials`, or `3 trials (60 s budget)`. */
export function automlProgressText(run: RunRecord): string {
  const info = automlInfo(run);
  if (!info) return '–';
  const finished = info.trialsFinished;
  const { trials, timeMs } = info.spec.budget;
  if (trials !== undefined) return `${finished}/${trials} trials`;
  return `${finished} ${finished === 1 ? 'trial' : 'trials'}${timeMs !== undefined ? ` (${formatDuration(timeMs)} budget)` : ''}`;
}
