/** Boots the page: one worker, one store, one controller, then the demo. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WorkerClient } from '../client/worker-client.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import { App } from './App.tsx';
import { AppContext } from './context.ts';
import { Controller } from './controller.ts';
import { AppStore } from './store.ts';
import { decodeSetup, encodeSetup } from './url-state.ts';
import './styles.css';

const shared = decodeSetup(new URLSearchParams(location.search));
const backend: BackendChoice = shared.backend ?? 'auto';

const store = new AppStore({
  backendChoice: backend,
  ...(shared.config ? { config: shared.config } : {}),
  ...(shared.problems.length > 0 ? { notice: { tone: 'info' as const, text: shared.problems.join(' ') } } : {}),
});
const client = new WorkerClient(() => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }));
const controller = new Controller(client, store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);

void controller.start(backend, shared.dataset);

// Keep the setup in the address bar, so the link in it reproduces this run.
store.subscribe(() => {
  const { config, dataset, backendChoice } = store.getState();
  const query = encodeSetup(config, dataset?.id ?? null, backendChoice).toString();
  if (`?${query}` !== location.search) history.replaceState(null, '', `?${query}`);
});
