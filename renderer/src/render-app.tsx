import { CssBaseline, ThemeProvider } from '@mui/material';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ApiClient } from './api/api-client.js';
import { App } from './App.js';
import { ApiProvider } from './store/ApiProvider.js';
import type { EventStore } from './store/event-store.js';
import { theme } from './theme.js';

export function renderApp(client: ApiClient, store: EventStore): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <ApiProvider client={client} store={store}>
          <App />
        </ApiProvider>
      </ThemeProvider>
    </StrictMode>,
  );
}
