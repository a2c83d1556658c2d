/** React access to the store and the controller. */
import { createContext, startTransition, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { Controller } from './controller.ts';
import type { AppState, AppStore } from './store.ts';

export const AppContext = createContext<{ store: AppStore; controller: Controller } | null>(null);

function useApp() {
  const app = useContext(AppContext);
  if (!app) throw new Error('AppContext is missing');
  return app;
}

export function useAppState<T>(select: (state: AppState) => T): T {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

export function useController(): Controller {
  return useApp().controller;
}

/**
 * Like useAppState, but re-renders as a transition: React may split the work into
 * small slices and yield to the browser between them. For charts, which are
 * costly to redraw and never urgent, so the main thread stays free for input.
 */
export function useDeferredAppState<T>(select: (state: AppState) => T): T {
  const { store } = useApp();
  const [value, setValue] = useState(() => select(store.getState()));
  useEffect(
    () => store.subscribe(() => startTransition(() => setValue(select(store.getState())))),
    // `select` is expected to be a stable, module-level function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store],
  );
  return value;
}
