/**
 * @file Tables from the npm package vega-datasets: Palmer penguins, Seattle
 * weather and Auto MPG (cars). Missing values stay missing (empty cells). The
 * licence of each table is read from the package's datapackage.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmSource } from './sources.mjs';
import { toCsv } from './csv.mjs';

const PKG = 'vega-datasets';
/** datapackage.json licence titles → SPDX ids, or a licence name where the title is a statement rather than a licence. */
const LICENCE_NAMES = {
  'CC0 1.0 Universal': 'CC0-1.0',
  'U.S. Government Dataset': 'Public domain (U.S. Government work)',
  'The original was distributed in 1982 for educational and scientific purposes.': 'No explicit licence (StatLib; distributed for educational and scientific purposes)',
};

/** A datapackage resource's licence: an SPDX id where one exists, else the licence's own title. */
function resourceLicence(resource) {
  const licence = resource?.licenses?.[0];
  const name = licence?.name ?? licence?.title;
  if (!name) throw new Error(`vega-datasets datapackage.json: no licence for ${resource?.path}`);
  return LICENCE_NAMES[name] ?? name;
}

/** Rows of a keyed JSON table in `columns` order; null stays null (an empty cell). */
function jsonTable(path, columns) {
  const records = JSON.parse(readFileSync(path, 'utf8'));
  return records.map((r, i) => columns.map((c) => {
    if (!(c in r)) throw new Error(`${path} record ${i}: no field "${c}"`);
    return r[c];
  }));
}

/** Builders for the vega-datasets tables. */
export function vegaDatasets(root) {
  const penguins = npmSource(root, PKG, 'data/penguins.json');
  const weather = npmSource(root, PKG, 'data/seattle-weather.csv');
  const cars = npmSource(root, PKG, 'data/cars.json');
  const datapackage = JSON.parse(readFileSync(join(penguins.packageDir, 'datapackage.json'), 'utf8'));
  const resource = (path) => datapackage.resources.find((r) => r.path === path);
  const fields = (path) => resource(path).schema.fields.map((f) => f.name);

  const penguinColumns = fields('penguins.json');
  const carColumns = fields('cars.json');
  const weatherText = readFileSync(weather.absolutePath, 'utf8');
  const weatherLines = weatherText.trim().split('\n');
  if (weatherLines[0] !== fields('seattle-weather.csv').join(',')) throw new Error(`seattle-weather.csv header "${weatherLines[0]}" differs from datapackage.json`);

  return [
    {
      entry: {
        id: 'penguins', name: 'Palmer penguins', file: 'penguins.csv', format: 'csv', task: 'multiclass', target: 'Species',
        description: 'Beak, flipper and body-mass measurements of 344 penguins of three species on three islands in the Palmer Archipelago, Antarctica.',
        attribution: 'K. B. Gorman, T. D. Williams, W. R. Fraser (2014), PLoS ONE 9(3):e90081; Palmer Station Antarctica LTER; packaged by A. M. Horst, A. P. Hill, K. B. Gorman (palmerpenguins).',
        notes: 'Missing values kept as empty cells (2 rows lack all measurements, 10 lack Sex); one Sex value is "." as in the source.',
        licence: resourceLicence(resource('penguins.json')),
        columns: penguinColumns,
        source: penguins,
      },
      bytes: toCsv(penguinColumns, jsonTable(penguins.absolutePath, penguinColumns)),
    },
    {
      entry: {
        id: 'seattle-weather', name: 'Seattle weather', file: 'seattle-weather.csv', format: 'csv', task: 'multiclass', target: 'weather',
        description: 'Daily precipitation, temperatures and wind in Seattle 2012–2015, with a weather type (drizzle, rain, snow, sun, fog).',
        attribution: 'NOAA National Climatic Data Center daily records; transformed by the Vega project (vega-datasets).',
        notes: 'Copied unchanged. "date" is an ISO date; the "weather" category was synthesised by Vega from several NOAA fields.',
        licence: resourceLicence(resource('seattle-weather.csv')),
        columns: weatherLines[0].split(','),
        source: weather,
      },
      bytes: weatherText.endsWith('\n') ? weatherText : `${weatherText}\n`,
    },
    {
      entry: {
        id: 'auto-mpg', name: 'Auto MPG (cars)', file: 'auto-mpg.csv', format: 'csv', task: 'regression', target: 'Miles_per_Gallon',
        description: 'Fuel economy, engine and weight figures of 406 car models from 1970–1982, with origin (USA, Europe, Japan).',
        attribution: 'StatLib, Carnegie Mellon University (1983 ASA Data Exposition); UCI Machine Learning Repository "Auto MPG" (R. Quinlan, 1993).',
        notes: 'Missing values kept as empty cells (8 Miles_per_Gallon, 6 Horsepower). "Year" is the model year as a date (YYYY-01-01).',
        licence: resourceLicence(resource('cars.json')),
        columns: carColumns,
        source: cars,
      },
      bytes: toCsv(carColumns, jsonTable(cars.absolutePath, carColumns)),
    },
  ];
}
