const key = 'edgefleet.token';

/**
 * The console's access token in browser mode: taken from `?token=` on first load, kept in sessionStorage,
 * and removed from the address bar so it is not left in history or screenshots.
 */
export function takeBrowserToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(key, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(key);
}
