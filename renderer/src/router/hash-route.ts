/** Pages the hash router knows. `model` is the detail page of one model, `device` of one device (`#/devices/<id>`). */
export type PageName = 'fleet' | 'models' | 'model' | 'device' | 'profiling' | 'optimize' | 'rollouts' | 'federated' | 'bundles' | 'jobs' | 'audit';

export interface Route {
  page: PageName;
  /** Path segments after the page (the model id for `#/models/<id>`). */
  params: string[];
  query: URLSearchParams;
}

const pages: readonly PageName[] = ['fleet', 'models', 'profiling', 'optimize', 'rollouts', 'federated', 'bundles', 'jobs', 'audit'];

/** `#/models/abc?x=1` → { page: 'model', params: ['abc'], query: x=1 }. Unknown hashes go to Fleet. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  const first = segments[0] as PageName | undefined;
  if (first === 'models' && segments.length > 1) return { page: 'model', params: segments.slice(1), query };
  if ((first as string | undefined) === 'devices') {
    return segments.length > 1 ? { page: 'device', params: segments.slice(1), query } : { page: 'fleet', params: [], query };
  }
  if (first && pages.includes(first)) return { page: first, params: segments.slice(1), query };
  return { page: 'fleet', params: [], query };
}

/** Builds a hash: href('models', ['abc']) → '#/models/abc'; href('profiling', [], { model: 'x' }) → '#/profiling?model=x'. */
export function href(page: Exclude<PageName, 'model'>, params: string[] = [], query?: Record<string, string | undefined>): string {
  const path = [page, ...params.map(encodeURIComponent)].join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

/** The page of one device: deviceHref('dev-1') → '#/devices/dev-1'. */
export function deviceHref(id: string): string {
  return `#/devices/${encodeURIComponent(id)}`;
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** Changes the query of the current page without adding a history entry. */
export function replaceQuery(query: Record<string, string | undefined>): void {
  const route = parseHash(window.location.hash);
  const q = new URLSearchParams(route.query);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const base = window.location.hash.replace(/\?.*$/, '') || '#/';
  const qs = q.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${base}${qs ? `?${qs}` : ''}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
