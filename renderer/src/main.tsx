import { CssBaseline, ThemeProvider } from '@mui/material';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createClient } from './api/create-client.js';
import { ApiProvider } from './store/ApiProvider.js';
import { createEventStore } from './store/event-store.js';
import { theme } from './theme.js';

const client = createClient();
// Events are subscribed once for the life of the window.
const store = createEventStore(client);

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
