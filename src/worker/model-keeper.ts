/**
 * The worker's current model and the runs kept between visits. After training
 * the model is frozen (frozen-model.ts), so the model that classifies, the one
 * that is exported and the one restored after a reload are the same thing.
 * No DOM beyond IndexedDB (through the RunStore), no React.
 */
import type { Split, ZslDataset } from '../core/data/dataset.ts';
import { toUserMessage, ZslError } from '../core/errors.ts';
import { FrozenModel, parseModel, serialiseModel, type FrozenModelData } from '../core/inference/frozen-model.ts';
import type { ZslModel } from '../core/methods/types.ts';
import { freezeRun, type RunSummary } from '../core/training/train-and-evaluate.ts';
import type { EpochReport, ModelInfo, StoredRun } from './protocol.ts';
import type { RunStore } from './stores/run-store.ts';

export interface CurrentModel {
  model: ZslModel;
  /** The frozen form, when the model could be frozen (every built-in method can). */
  frozen: FrozenModelData | null;
  run: RunSummary | null;
  runId: string | null;
  /** It came from a model file the user imported. */
  imported?: boolean;
}

export class ModelKeeper {
  current: CurrentModel | null = null;

  constructor(private readonly runs: RunStore | undefined) {}

  /** Adopts a freshly trained model; returns notes for the user (e.g. when it could not be kept). */
  async adoptTrained(model: ZslModel, dataset: ZslDataset, split: Split, run: RunSummary, losses: number[], epochs: EpochReport[]): Promise<string[]> {
    const notes: string[] = [];
    let frozen: FrozenModelData | null = null;
    try {
      frozen = await freezeRun(model, dataset, split, run);
    } catch (error) {
      notes.push(`The model works but cannot be exported or kept after a reload: ${toUserMessage(error)}`);
    }
    const runId = `run-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    this.replace({ model: frozen ? new FrozenModel(frozen) : model, frozen, run, runId });
    if (frozen) model.dispose();
    if (this.runs) {
      try {
        await this.runs.save({
          id: runId,
          savedAt: Date.now(),
          datasetId: run.datasetId,
          summary: run,
          losses: Float32Array.from(losses),
          epochs,
          model: frozen ? serialiseModel(frozen) : null,
        });
      } catch (error) {
        notes.push(`The run is not kept for the next visit: ${toUserMessage(error)}`);
      }
    }
    return notes;
  }

  async list(): Promise<StoredRun[]> {
    if (!this.runs) return [];
    return (await this.runs.list()).map((r) => ({ ...r, summary: r.summary as RunSummary, epochs: r.epochs as EpochReport[] }));
  }

  async restore(runId: string): Promise<ModelInfo> {
    const text = this.runs ? await this.runs.model(runId) : null;
    if (!text) throw new ZslError('That run has no stored model to restore.');
    const runs = await this.list();
    this.replace({ ...this.fromText(text, 'stored model'), run: runs.find((r) => r.id === runId)?.summary ?? null, runId });
    return this.info();
  }

  async remove(runId: string): Promise<StoredRun[]> {
    await this.runs?.remove(runId);
    return this.list();
  }

  exportCurrent(): { fileName: string; text: string } {
    const frozen = this.require().frozen;
    if (!frozen) throw new ZslError('This model cannot be exported (it could not be frozen).');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return { fileName: `zero-shot-studio-${frozen.method}-${stamp}.json`, text: serialiseModel(frozen) };
  }

  importText(text: string, fileName: string): ModelInfo {
    this.replace({ ...this.fromText(text, fileName), run: null, runId: null, imported: true });
    return this.info();
  }

  require(): CurrentModel {
    if (!this.current) throw new ZslError('No model is trained yet: train one first.');
    return this.current;
  }

  info(): ModelInfo {
    const { frozen, run, runId, model, imported } = this.require();
    return {
      method: model.method,
      classes: frozen?.classNames.length ?? run?.classNames.length ?? 0,
      unseen: frozen?.unseenClasses.length ?? 0,
      featureDim: frozen?.featureDim ?? 0,
      featureSource: frozen?.featureSource.network ?? '',
      runId,
      datasetId: this.datasetId(),
      imported: imported ?? false,
    };
  }

  /** The dataset the current model was trained on, when its run says. */
  datasetId(): string | null {
    const current = this.current;
    if (!current) return null;
    const frozenRun = current.frozen?.run as { datasetId?: unknown } | null | undefined;
    return current.run?.datasetId ?? (typeof frozenRun?.datasetId === 'string' ? frozenRun.datasetId : null);
  }

  drop(): void {
    this.replace(null);
  }

  private fromText(text: string, fileName: string) {
    const frozen = parseModel(text, fileName);
    return { model: new FrozenModel(frozen), frozen };
  }

  private replace(next: CurrentModel | null): void {
    if (this.current && this.current.model !== next?.model) this.current.model.dispose();
    this.current = next;
  }
}
