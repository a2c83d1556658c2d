/**
 * The controller's flows for finished runs: bringing back the runs table and
 * the newest model after a reload, choosing and deleting a run, and exporting
 * or importing a model file.
 * Must not import React or the controller (it composes the flows).
 */
import { lossCurveFromLosses } from '../store.ts';
import { download } from '../shared/download.ts';
import type { FlowContext } from '../flow-context.ts';

export type RunFlows = ReturnType<typeof runFlows>;

export function runFlows({ client, store, guard }: FlowContext) {
  return {
    /** Brings back the runs table, every curve and the newest model for this dataset, as before the reload. */
    async restoreRuns(): Promise<void> {
      await guard(async () => {
        const { runs } = await client.request('list-runs', {});
        const records = runs.map((r) => ({ id: r.id, summary: r.summary, lossCurve: lossCurveFromLosses(r.losses), epochs: r.epochs }));
        // The curves shown are those of the loaded dataset's newest run, never another dataset's.
        const datasetId = store.getState().dataset?.id;
        const newest = records.findIndex((r) => r.summary.datasetId === datasetId);
        store.update({ runs: records, selectedRun: newest >= 0 ? newest : null, ...(newest >= 0 ? { lossCurve: records[newest]!.lossCurve, epochs: records[newest]!.epochs } : {}) });
        const latest = runs.find((r) => r.hasModel && r.summary.datasetId === datasetId);
        if (latest) store.update({ model: await client.request('restore-run-model', { runId: latest.id }) });
      });
    },

    async deleteRun(index: number): Promise<void> {
      const record = store.getState().runs[index];
      if (!record) return;
      await guard(async () => {
        if (record.id) await client.request('delete-run', { runId: record.id });
        const runs = store.getState().runs.filter((r) => r !== record);
        store.update({ runs, selectedRun: runs.length > 0 ? 0 : null });
      });
    },

    selectRun(index: number): void {
      const { runs } = store.getState();
      const run = runs[index];
      if (run) store.update({ selectedRun: index, lossCurve: run.lossCurve, epochs: run.epochs });
    },

    /** Downloads the current model as one file; the file never leaves the machine. */
    async exportModel(): Promise<void> {
      await guard(async () => {
        const { fileName, text } = await client.request('export-model', {});
        download(new Blob([text], { type: 'application/json' }), fileName);
      });
    },

    async importModel(file: File): Promise<void> {
      await guard(async () => {
        const model = await client.request('import-model', { file });
        store.update({ model, notice: { tone: 'info', text: `Imported a ${model.method} model that knows ${model.classes} classes (${model.unseen} unseen in its training).` } });
      });
    },
  };
}
