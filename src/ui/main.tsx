/** Boots the page: one worker, one store, one controller, then the demo. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WorkerClient } from '../client/worker-client.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import { App } from './App.tsx';
import { AppContext } from './context.ts';
import { Controller } from './controller.ts';
import { AppStore } from './store.ts';
import './styles.css';

const params = new URLSearchParams(location.search);
const backend = (params.get('backend') ?? 'auto') as BackendChoice;

const store = new AppStore({ backendChoice: backend });
const client = new WorkerClient(() => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }));
const controller = new Controller(client, store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);

void controller.start(backend, 7);
