/**
 * The controller's dataset flows: the demos, a drop in two steps (describe,
 * then load), the datasets stored in this browser, the semantic choice and a
 * custom split. Each dataset job shows its progress and can be cancelled.
 * Must not import React or the controller (it composes the flows).
 */
import type { MethodName } from '../../core/methods/catalog.ts';
import type { SemanticOptions } from '../../core/io/read-semantics.ts';
import type { DroppedFile, LoadedDataset, RequestMap } from '../../worker/protocol.ts';
import type { FlowContext } from '../flow-context.ts';

export type DatasetFlows = ReturnType<typeof datasetFlows>;

/** `setMethod` comes from the training flows: the picture demo picks the method that suits it. */
export function datasetFlows({ client, store, guard }: FlowContext, { setMethod }: { setMethod(method: MethodName): void }) {
  /**
   * Shows a dataset the worker now holds, with the model the worker still has
   * for it; when it is another dataset, the old one's curves, selected run and
   * interrupted training go (the runs table keeps every run, each naming its dataset).
   */
  const useDataset = (dataset: LoadedDataset): void => {
    const state = store.getState();
    const names = dataset.splits.map((s) => s.name);
    const current = state.config.split; // kept when the new dataset has it (e.g. from a link)
    const split = names.includes(current) ? current : (names[0] ?? current);
    const switched = state.dataset?.id !== dataset.id;
    const newest = state.runs.findIndex((r) => r.summary.datasetId === dataset.id);
    store.update({
      dataset,
      model: dataset.model,
      config: { ...state.config, split },
      ...(switched && state.status === 'idle'
        ? {
            selectedRun: newest >= 0 ? newest : null,
            lossCurve: newest >= 0 ? state.runs[newest]!.lossCurve : [],
            epochs: newest >= 0 ? state.runs[newest]!.epochs : [],
            interrupted: state.interrupted?.datasetId === dataset.id ? state.interrupted : null,
          }
        : {}),
    });
    if (dataset.notes.length > 0) store.update({ notice: { tone: 'info', text: dataset.notes.join(' ') } });
  };

  const datasetJob = async <K extends 'load-demo' | 'describe-files' | 'load-files' | 'load-stored' | 'load-picture-demo'>(
    kind: K,
    payload: RequestMap[K]['payload'],
    onResult: (result: RequestMap[K]['result']) => void,
  ): Promise<void> => {
    const { id, done } = client.start(kind, payload, {
      onEvent: (event) => {
        if (event.kind === 'progress') store.update({ datasetProgress: event.progress });
      },
    });
    store.update({ datasetJob: id, datasetProgress: null });
    await guard(async () => onResult(await done));
    store.update({ datasetJob: null, datasetProgress: null });
  };

  const flows = {
    async refreshStored(): Promise<void> {
      await guard(async () => store.update({ stored: await client.request('list-stored', {}) }));
    },

    async loadStored(datasetId: string): Promise<void> {
      await datasetJob('load-stored', { datasetId }, (dataset) => useDataset(dataset));
    },

    async deleteStored(datasetId: string): Promise<void> {
      await guard(async () => store.update({ stored: await client.request('delete-stored', { datasetId }) }));
    },

    async loadDemo(seed: number): Promise<void> {
      await datasetJob('load-demo', { seed }, (dataset) => useDataset(dataset));
    },

    /** Step one of a drop: recognise the files and show what is there and what is missing. */
    async describeFiles(files: DroppedFile[]): Promise<void> {
      store.update({ staged: null });
      await datasetJob('describe-files', { files }, (info) => store.update({ staged: { info, files } }));
    },

    /** Step two: parse the staged files; the loaded dataset stays until the new one is complete. */
    async loadStaged(): Promise<void> {
      const { staged, semantic } = store.getState();
      if (!staged) return;
      await datasetJob('load-files', { files: staged.files, token: staged.info.token, semantic }, (dataset) => {
        store.update({ staged: null });
        useDataset(dataset);
      });
      if (staged.info.layout === 'image-folder') {
        await guard(async () => store.update({ backbone: await client.request('backbone-info', {}) }));
      }
      await flows.refreshStored();
    },

    /** Drops the features kept from an interrupted extraction of the staged image folder: loading starts over. */
    async discardExtraction(): Promise<void> {
      await guard(async () => {
        await client.request('discard-extraction', {});
        const { staged } = store.getState();
        if (staged) store.update({ staged: { ...staged, info: { ...staged.info, resume: null } } });
      });
    },

    cancelDatasetJob(): void {
      const id = store.getState().datasetJob;
      if (id !== null) client.control(id, 'cancel');
    },

    setSemantic(patch: Partial<SemanticOptions>): void {
      store.update({ semantic: { ...store.getState().semantic, ...patch } });
    },

    async setCustomSplit(unseenClasses: number[]): Promise<void> {
      await guard(async () => {
        const dataset = await client.request('set-custom-split', { unseenClasses });
        store.update({ dataset, config: { ...store.getState().config, split: 'custom' } });
      });
    },

    /** `pickMethod`: switch to the method that suits the picture demo (not when a reload rebuilds it). */
    async loadPictureDemo(seed = 1, { pickMethod = true }: { pickMethod?: boolean } = {}): Promise<void> {
      await datasetJob('load-picture-demo', { seed, imagesPerClass: 12 }, (dataset) => {
        useDataset(dataset);
        if (pickMethod) setMethod('eszsl');
      });
      await guard(async () => store.update({ backbone: await client.request('backbone-info', {}) }));
    },
  };
  return flows;
}
