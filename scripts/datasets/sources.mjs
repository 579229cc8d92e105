/**
 * @file Locates the installed packages the sample datasets are built from, and
 * fails with the install command when one is absent. Nothing is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A source package that is not installed; `install` is the command that fixes it. */
export class MissingSourceError extends Error {
  constructor(pkg, origin, detail, install) {
    super(`Missing ${origin} package "${pkg}": ${detail}. Install it with: ${install}`);
    this.name = 'MissingSourceError';
    this.install = install;
  }
}

/**
 * An installed npm package in `root`/node_modules: its version and the absolute path of `file` inside it.
 * Throws MissingSourceError when the package or the file is absent.
 */
export function npmSource(root, pkg, file) {
  const dir = join(root, 'node_modules', pkg);
  const install = `npm install (it is a devDependency), or npm i -D -E ${pkg}`;
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) throw new MissingSourceError(pkg, 'npm', `${dir} not found`, install);
  const path = join(dir, file);
  if (!existsSync(path)) throw new MissingSourceError(pkg, 'npm', `${file} not found in the installed package`, install);
  const { version } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return { package: pkg, version, origin: `npm ${pkg}`, path: file, absolutePath: path, packageDir: dir };
}

/** Files and version of an installed Debian package, or null when dpkg does not know it. */
function dpkgPackage(pkg) {
  try {
    const version = execFileSync('dpkg-query', ['-W', '-f', '${Status}\t${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [status, ver] = version.split('\t');
    if (!status.endsWith(' installed')) return null;
    const files = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    return { version: ver, files };
  } catch {
    return null;
  }
}

const debianCache = new Map();

/**
 * An installed Debian package's file whose path ends with `suffix` (e.g. "sklearn/datasets/data/iris.csv").
 * Throws MissingSourceError when the package is not installed or lacks the file.
 */
export function debianSource(pkg, suffix) {
  if (!debianCache.has(pkg)) debianCache.set(pkg, dpkgPackage(pkg));
  const info = debianCache.get(pkg);
  const install = `apt-get install ${pkg}`;
  if (!info) throw new MissingSourceError(pkg, 'Debian', 'dpkg reports it is not installed', install);
  const path = info.files.find((f) => f.endsWith(`/${suffix}`) && existsSync(f));
  if (!path) throw new MissingSourceError(pkg, 'Debian', `no installed file ends with ${suffix}`, install);
  return { package: pkg, version: info.version, origin: `Debian ${pkg}`, path, absolutePath: path };
}
