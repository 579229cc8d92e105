/**
 * @file Hash routes of the lab. Hash routing keeps the built app working from any static host and sub-path.
 */

/** A parsed route. */
export type Route =
  | { name: 'data' }
  | { name: 'dataset'; datasetId: string; tab: DatasetTab }
  | { name: 'runs' }
  /** Runs compared side by side (`#/runs/compare/<id>,<id>,...`); shown by the runs page. */
  | { name: 'runs'; compare: string[] }
  | { name: 'run'; runId: string }
  /** The Train form of a new run on a dataset's latest version (`#/train/<datasetId>`). */
  | { name: 'train'; datasetId: string }
  /** The Train form prefilled with a run's spec, to change and start as a new run (`#/runs/<runId>/clone`). */
  | { name: 'train'; cloneOf: string }
  /** A sweep's page (`#/sweeps/<runId>`): the parent run of kind `sweep` and its trials. */
  | { name: 'sweep'; sweepId: string }
  /** The new-sweep form over a dataset's default spec (`#/sweeps/new/<datasetId>`). */
  | { name: 'new-sweep'; datasetId: string }
  /** The new-sweep form over a run's spec (`#/runs/<runId>/sweep`). */
  | { name: 'new-sweep'; fromRun: string }
  /** The AutoML form over a dataset's latest version (`#/automl/new/<datasetId>`). */
  | { name: 'new-automl'; datasetId: string }
  /** An AutoML job's page (`#/automl/<runId>`): the parent run of kind `automl`, its leaderboard and explanation. */
  | { name: 'automl'; runId: string }
  /** The model registry: every registered model, with search (`#/models`). */
  | { name: 'models' }
  /** A registered model's page (`#/models/<modelId>`), optionally opened on one version (`#/models/<modelId>/<version>`). */
  | { name: 'model'; modelId: string; version?: number }
  /** Model endpoints: every endpoint, and creating one (`#/endpoints`). */
  | { name: 'endpoints' }
  /** An endpoint's page (`#/endpoints/<endpointId>`): deployments, traffic split, test form, batch scoring. */
  | { name: 'endpoint'; endpointId: string }
  | { name: 'settings' }
  /** A run shared by link (`#/shared/<payload>`): the payload is base64url text, decoded and validated by the page. */
  | { name: 'shared'; payload: string }
  | { name: 'not-found'; path: string };

/** Tabs of a dataset page. */
export type DatasetTab = 'preview' | 'profile' | 'versions' | 'images';

const DATASET_TABS: readonly DatasetTab[] = ['preview', 'profile', 'versions', 'images'];

/** Longest hash parsed as an ordinary route; a share link's payload is the only long hash there is. */
const MAX_ROUTE_CHARS = 4096;

/** Parse `location.hash` (with or without the leading `#`). */
export function parseRoute(hash: string): Route {
  // A share link can be half a megabyte of someone else's text: matched by prefix, never run through regexes.
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.startsWith('/shared/')) {
    let end = body.length;
    while (end > 8 && body.charCodeAt(end - 1) === 47) end--; // trailing '/'
    return { name: 'shared', payload: body.slice(8, end) };
  }
  if (hash.length > MAX_ROUTE_CHARS) return { name: 'not-found', path: `${body.slice(0, 80)}…` };
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const raw = path.split('/');
  const parts = raw.map((part) => safeDecode(part));
  if (path === '' || (parts[0] === 'data' && parts.length === 1)) return { name: 'data' };
  if (parts[0] === 'data' && parts.length >= 2 && parts[1]) {
    const tab = (DATASET_TABS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as DatasetTab) : 'preview';
    return { name: 'dataset', datasetId: parts[1], tab };
  }
  if (parts[0] === 'runs' && parts.length === 1) return { name: 'runs' };
  if (parts[0] === 'runs' && parts.length === 3 && parts[1] === 'compare') {
    // Ids are split before decoding, so an id with an (encoded) comma survives.
    const ids = [...new Set(raw[2].split(',').filter((id) => id !== '').map((id) => safeDecode(id)))];
    return { name: 'runs', compare: ids };
  }
  if (parts[0] === 'runs' && parts.length === 2 && parts[1]) return { name: 'run', runId: parts[1] };
  if (parts[0] === 'runs' && parts.length === 3 && parts[1] && parts[2] === 'clone') return { name: 'train', cloneOf: parts[1] };
  if (parts[0] === 'train' && parts.length === 2 && parts[1]) return { name: 'train', datasetId: parts[1] };
  if (parts[0] === 'runs' && parts.length === 3 && parts[1] && parts[2] === 'sweep') return { name: 'new-sweep', fromRun: parts[1] };
  if (parts[0] === 'sweeps' && parts.length === 3 && parts[1] === 'new' && parts[2]) return { name: 'new-sweep', datasetId: parts[2] };
  if (parts[0] === 'sweeps' && parts.length === 2 && parts[1] && parts[1] !== 'new') return { name: 'sweep', sweepId: parts[1] };
  if (parts[0] === 'automl' && parts.length === 3 && parts[1] === 'new' && parts[2]) return { name: 'new-automl', datasetId: parts[2] };
  if (parts[0] === 'automl' && parts.length === 2 && parts[1] && parts[1] !== 'new') return { name: 'automl', runId: parts[1] };
  if (parts[0] === 'models' && parts.length === 1) return { name: 'models' };
  if (parts[0] === 'models' && parts.length === 2 && parts[1]) return { name: 'model', modelId: parts[1] };
  if (parts[0] === 'models' && parts.length === 3 && parts[1] && /^[1-9]\d{0,8}$/.test(parts[2])) return { name: 'model', modelId: parts[1], version: Number(parts[2]) };
  if (parts[0] === 'endpoints' && parts.length === 1) return { name: 'endpoints' };
  if (parts[0] === 'endpoints' && parts.length === 2 && parts[1]) return { name: 'endpoint', endpointId: parts[1] };
  if (parts[0] === 'settings' && parts.length === 1) return { name: 'settings' };
  return { name: 'not-found', path };
}

/** The hash for a route. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'data':
      return '#/data';
    case 'dataset':
      return `#/data/${encodeURIComponent(route.datasetId)}${route.tab === 'preview' ? '' : `/${route.tab}`}`;
    case 'runs':
      return 'compare' in route ? `#/runs/compare/${route.compare.map((id) => encodeURIComponent(id)).join(',')}` : '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'train':
      return 'cloneOf' in route ? `#/runs/${encodeURIComponent(route.cloneOf)}/clone` : `#/train/${encodeURIComponent(route.datasetId)}`;
    case 'sweep':
      return `#/sweeps/${encodeURIComponent(route.sweepId)}`;
    case 'new-sweep':
      return 'fromRun' in route ? `#/runs/${encodeURIComponent(route.fromRun)}/sweep` : `#/sweeps/new/${encodeURIComponent(route.datasetId)}`;
    case 'new-automl':
      return `#/automl/new/${encodeURIComponent(route.datasetId)}`;
    case 'automl':
      return `#/automl/${encodeURIComponent(route.runId)}`;
    case 'models':
      return '#/models';
    case 'model':
      return `#/models/${encodeURIComponent(route.modelId)}${route.version === undefined ? '' : `/${route.version}`}`;
    case 'endpoints':
      return '#/endpoints';
    case 'endpoint':
      return `#/endpoints/${encodeURIComponent(route.endpointId)}`;
    case 'settings':
      return '#/settings';
    case 'shared':
      return `#/shared/${route.payload}`;
    case 'not-found':
      return `#/${route.path}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
