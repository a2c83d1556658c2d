/** Boots the page: the kept settings or a link's setup, one worker, one store, one controller, then the demo. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WorkerClient } from '../client/worker-client.ts';
import { App } from './App.tsx';
import { AppContext } from './context.ts';
import { Controller } from './controller.ts';
import { watchPolicyViolations } from './backbone/allowed-sites.ts';
import { AppStore } from './store.ts';
import { readSettings, settingsOf, startup } from './shared/settings.ts';
import { createSettingsStore, loadSettings, SettingsSaver } from './shared/settings-store.ts';
import { decodeSetup, encodeSetup } from './shared/url-state.ts';
import './styles.css';

// Note what the page's Content-Security-Policy blocks from the start, so a refused backbone download is explained.
watchPolicyViolations();

const settings = createSettingsStore();
const kept = readSettings(await loadSettings(settings));
// A link with a setup wins; a bare address brings back the last visit's settings.
const { backend, dataset, datasetFrom, state } = startup(decodeSetup(new URLSearchParams(location.search)), kept);

const store = new AppStore(state);
const client = new WorkerClient(() => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }));
const controller = new Controller(client, store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);

void controller.start(backend, dataset, datasetFrom);

// A file dropped anywhere but a drop zone must not make the browser open it and leave the page (and the session).
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());

// A background tab keeps training (in the worker); its charts are redrawn once it is shown again.
const onVisibility = () => store.setHidden(document.visibilityState === 'hidden');
document.addEventListener('visibilitychange', onVisibility);
onVisibility();

// Save the settings as they change, for the next visit without a link.
const saver = new SettingsSaver((next) => settings.save(next));
store.subscribe(() => saver.offer(settingsOf(store.getState())));

// Keep the setup in the address bar, so the link in it reproduces this run.
store.subscribe(() => {
  const { config, dataset, backendChoice } = store.getState();
  const query = encodeSetup(config, dataset?.id ?? null, backendChoice).toString();
  if (`?${query}` !== location.search) history.replaceState(null, '', `?${query}`);
});
