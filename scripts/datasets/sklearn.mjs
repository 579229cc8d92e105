/**
 * @file The scikit-learn sample datasets shipped by Debian's python3-sklearn:
 * iris, wine, breast cancer and diabetes as CSV, digits as a zip of 8×8 PNGs.
 * sklearn's CSVs start with a count header ("150,4,setosa,…"); it is replaced by
 * the feature names sklearn's own loaders use (read from the installed _base.py)
 * and the integer target is mapped to the class names that header lists.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { debianSource } from './sources.mjs';
import { toCsv } from './csv.mjs';
import { encodeGrayPng } from './png.mjs';
import { zipImages } from './image-zip.mjs';

const PKG = 'python3-sklearn';
const DATA = 'sklearn/datasets/data';
const UCI_NOTE = 'The UCI Machine Learning Repository lists the original under CC BY 4.0.';

/** The `feature_names` list literal inside `def <loader>(` in sklearn's _base.py. */
function loaderFeatureNames(baseSource, loader) {
  const start = baseSource.indexOf(`def ${loader}(`);
  const at = baseSource.indexOf('feature_names = ', start);
  if (start < 0 || at < 0) throw new Error(`sklearn _base.py: no feature_names in ${loader}(); expected a list literal`);
  const list = baseSource.slice(baseSource.indexOf('[', at), baseSource.indexOf(']', at));
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** Rows of a sklearn count-header CSV and the class names its first line lists. */
function readCountHeaderCsv(path) {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const [rows, features, ...classNames] = head.split(',');
  const data = lines.map((l) => l.split(','));
  if (data.length !== Number(rows)) throw new Error(`${path}: header says ${rows} rows; found ${data.length}`);
  return { features: Number(features), classNames, data };
}

/** A classification CSV from a count-header file, with named features and a named target. */
function classificationCsv(base, { file, loader, target }) {
  const source = debianSource(PKG, `${DATA}/${file}`);
  const { features, classNames, data } = readCountHeaderCsv(source.absolutePath);
  const names = loaderFeatureNames(base, loader);
  if (names.length !== features) throw new Error(`${file}: ${features} features but sklearn's ${loader}() names ${names.length}`);
  const columns = [...names, target];
  const rows = data.map((r, i) => {
    const label = classNames[Number(r[features])];
    if (r.length !== features + 1 || label === undefined) throw new Error(`${file} row ${i + 2}: expected ${features} values and a class index 0..${classNames.length - 1}; got "${r.join(',')}"`);
    return [...r.slice(0, features), label];
  });
  return { source, columns, rows, classNames };
}

const SKLEARN_LICENCE = 'BSD-3-Clause';

/** Builders for the sklearn datasets. Each returns { entry, bytes } (entry lacks file hash/size). */
export function sklearnDatasets() {
  const baseSource = readFileSync(debianSource(PKG, 'sklearn/datasets/_base.py').absolutePath, 'utf8');
  const out = [];

  const iris = classificationCsv(baseSource, { file: 'iris.csv', loader: 'load_iris', target: 'species' });
  out.push({
    entry: {
      id: 'iris', name: 'Iris', file: 'iris.csv', format: 'csv', task: 'multiclass', target: 'species',
      description: 'Sepal and petal measurements (cm) of 150 iris flowers from three species (50 each).',
      attribution: 'R. A. Fisher (1936), "The use of multiple measurements in taxonomic problems", Annals of Eugenics 7(2); via scikit-learn.',
      notes: `Count header replaced by sklearn's load_iris() feature names; target index mapped to ${iris.classNames.join('/')}. ${UCI_NOTE}`,
    },
    ...iris,
  });

  const wine = classificationCsv(baseSource, { file: 'wine_data.csv', loader: 'load_wine', target: 'class' });
  out.push({
    entry: {
      id: 'wine', name: 'Wine', file: 'wine.csv', format: 'csv', task: 'multiclass', target: 'class',
      description: 'Chemical analysis (13 measurements) of 178 Italian wines from three cultivars.',
      attribution: 'M. Forina et al., PARVUS (1988); UCI Machine Learning Repository "Wine" (Aeberhard & Forina, 1991); via scikit-learn.',
      notes: `Count header replaced by sklearn's load_wine() feature names; target index mapped to ${wine.classNames.join('/')}. ${UCI_NOTE}`,
    },
    ...wine,
  });

  const cancer = classificationCsv(baseSource, { file: 'breast_cancer.csv', loader: 'load_breast_cancer', target: 'diagnosis' });
  out.push({
    entry: {
      id: 'breast-cancer', name: 'Breast cancer (Wisconsin diagnostic)', file: 'breast-cancer.csv', format: 'csv', task: 'binary', target: 'diagnosis',
      description: '30 features of cell nuclei computed from images of breast-mass aspirates, 569 cases, malignant or benign.',
      attribution: 'W. H. Wolberg, W. N. Street, O. L. Mangasarian (1995), UCI Machine Learning Repository "Breast Cancer Wisconsin (Diagnostic)"; via scikit-learn.',
      notes: `Count header replaced by sklearn's load_breast_cancer() feature names; target index mapped to ${cancer.classNames.join('/')}. ${UCI_NOTE}`,
    },
    ...cancer,
  });

  const diabetesX = debianSource(PKG, `${DATA}/diabetes_data_raw.csv.gz`);
  const diabetesY = debianSource(PKG, `${DATA}/diabetes_target.csv.gz`);
  const x = gunzipSync(readFileSync(diabetesX.absolutePath)).toString('utf8').trim().split(/\r?\n/).map((l) => l.trim().split(/\s+/));
  const y = gunzipSync(readFileSync(diabetesY.absolutePath)).toString('utf8').trim().split(/\r?\n/).map((l) => String(Number(l.trim())));
  const diabetesNames = loaderFeatureNames(baseSource, 'load_diabetes');
  if (x.length !== y.length || x.some((r) => r.length !== diabetesNames.length)) {
    throw new Error(`diabetes: ${x.length} feature rows of ${diabetesNames.length} values expected to match ${y.length} targets`);
  }
  out.push({
    entry: {
      id: 'diabetes', name: 'Diabetes', file: 'diabetes.csv', format: 'csv', task: 'regression', target: 'disease_progression',
      description: 'Age, sex, BMI, blood pressure and six blood-serum measurements of 442 diabetes patients; target is disease progression one year later.',
      attribution: 'B. Efron, T. Hastie, I. Johnstone, R. Tibshirani (2004), "Least Angle Regression", Annals of Statistics 32(2); via scikit-learn.',
      notes: "Raw (unscaled) values from diabetes_data_raw.csv.gz, as load_diabetes(scaled=False) returns them; sex is coded 1/2; s1..s6 are tc, ldl, hdl, tch, ltg, glu. Target from diabetes_target.csv.gz.",
    },
    source: diabetesX,
    columns: [...diabetesNames, 'disease_progression'],
    rows: x.map((r, i) => [...r, y[i]]),
  });

  out.push(digits());
  return out.map(({ entry, source, columns, rows, bytes }) => ({
    entry: { ...entry, columns, rows: rows.length, licence: SKLEARN_LICENCE, source },
    bytes: bytes ?? toCsv(columns, rows),
  }));
}

/** sklearn's digits (the UCI optdigits test set) as `digits/<label>/<row>.png`, pixels 0..16 scaled to 0..255. */
function digits() {
  const source = debianSource(PKG, `${DATA}/digits.csv.gz`);
  const lines = gunzipSync(readFileSync(source.absolutePath)).toString('utf8').trim().split(/\r?\n/);
  const images = lines.map((line, i) => {
    const values = line.split(',').map(Number);
    const label = values.pop();
    if (values.length !== 64 || !Number.isInteger(label) || label < 0 || label > 9) throw new Error(`digits.csv.gz line ${i + 1}: expected 64 pixels and a label 0..9`);
    const pixels = Uint8Array.from(values, (v) => Math.round((v * 255) / 16));
    return { label: String(label), name: `${String(i).padStart(4, '0')}.png`, png: encodeGrayPng(8, 8, pixels) };
  });
  return {
    entry: {
      id: 'digits', name: 'Digits (8×8)', file: 'digits.zip', format: 'images', task: 'image-classification', target: 'label',
      description: '1,797 handwritten digits as 8×8 grayscale images, in folders named by digit.',
      attribution: 'E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository "Optical Recognition of Handwritten Digits" (test set); via scikit-learn.',
      notes: `Images digits/<label>/<row>.png; the label is the parent folder; <row> is the 0-based row in digits.csv.gz; intensities 0..16 scaled to 0..255 (white ink on black). ${UCI_NOTE}`,
    },
    source,
    columns: ['image', 'label', 'path', 'width', 'height'],
    rows: images,
    bytes: zipImages('digits', images),
  };
}
