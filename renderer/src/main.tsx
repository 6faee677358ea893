import { createClient } from './api/create-client.js';
import { prefetchDeviceList } from './pages/fleet/device-list-prefetch.js';
import { parseHash } from './router/hash-route.js';
import { createEventStore } from './store/event-store.js';

// This entry stays small and runs as soon as it arrives; React, MUI and the pages load behind it.
const client = createClient();
// Events are subscribed once for the life of the window.
const store = createEventStore(client);
// On Fleet the inventory is the longest wait before the first render: it is asked for while the UI loads.
if (parseHash(window.location.hash).page === 'fleet') prefetchDeviceList(client);

void import('./render-app.js').then(({ renderApp }) => renderApp(client, store));
