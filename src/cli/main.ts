/**
 * @file The `benchtop` command line, `train`, `sweep` and `score` (`bin/benchtop.mjs` loads this file through Vite's SSR
 * loader). `main(argv, io)` never exits the process: it returns the exit code, so tests run it in-process with their
 * own writers.
 * Storage is an in-memory IndexedDB (fake-indexeddb), installed before Dexie is first loaded.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, USAGE, UsageError } from './args';
import { runAutoMLCommand } from './automl-command';
import { runSweepCommand } from './sweep-command';
import { runScoreCommand } from './score-command';
import { EXIT, runTrainCommand, type CliIo } from './train-command';

export { EXIT, type CliIo } from './train-command';
export { USAGE } from './args';

/** The repository this file belongs to (two folders up from `src/cli`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `benchtop` with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], ioOverrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    root: REPO_ROOT,
    ...ioOverrides,
  };
  try {
    if (argv[0] === 'automl') return await runAutoMLCommand(argv.slice(1), io);
    const command = parseCommand(argv);
    if (command.command === 'help') {
      io.stdout(USAGE);
      return EXIT.completed;
    }
    if (command.command === 'sweep') return await runSweepCommand(command, io, appVersion(io.root));
    if (command.command === 'score') return await runScoreCommand(command, io);
    return await runTrainCommand(command, io, appVersion(io.root));
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`benchtop: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (io.signal?.aborted) {
      io.stderr('Canceled\n');
      io.stdout(`${JSON.stringify({ event: 'done', status: 'canceled' })}\n`);
      return EXIT.canceled;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`Error: ${message}\n`);
    io.stdout(`${JSON.stringify({ event: 'done', status: 'failed', error: message })}\n`);
    return EXIT.failed;
  }
}

function appVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
