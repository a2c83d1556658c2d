/**
 * Request handlers that load and keep datasets: the demos, dropped files (an
 * image folder is embedded with the backbone, resuming an interrupted
 * extraction), the datasets stored between visits, and a custom split.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import type { ZslDataset } from '../../core/data/dataset.ts';
import { generateDemoDataset } from '../../core/demos/demo-dataset.ts';
import { CancelledError, isCancelled, toUserMessage, ZslError } from '../../core/errors.ts';
import type { SourceFile } from '../../core/io/source-file.ts';
import type { PhaseProgress, Progress } from '../../core/progress.ts';
import { dropKind, readImageFolder } from '../../core/io/image-folder.ts';
import { embedPicture, generatePictureDataset } from '../../core/demos/picture-dataset.ts';
import type { DatasetStore, Handlers, HostContext } from '../host-context.ts';
import { extractImageFolder, extractionKey, resumeText } from '../../core/io/image-folder-features.ts';
import { withCustomSplit } from '../../core/data/holdout-split.ts';
import { loadFiles, stageFiles, toSourceFiles } from '../load-files.ts';
import type { StagedFiles, StoredDatasets } from '../protocol.ts';

type DatasetKind =
  | 'load-demo'
  | 'describe-files'
  | 'load-files'
  | 'list-stored'
  | 'load-stored'
  | 'delete-stored'
  | 'set-custom-split'
  | 'discard-extraction'
  | 'load-picture-demo';

/** Why verification cannot match the rows of a release copy stored before picture names were kept. */
export const STORED_WITHOUT_NAMES =
  'This stored copy of the release was kept before the app kept the names of its pictures, so its rows cannot be matched to pictures. Load the release again (its files with AwA2-filenames.txt beside the features, or res101.mat) to verify a backbone against it.';

export function datasetHandlers(ctx: HostContext): Handlers<DatasetKind> {
  const { env, models, ensureBackend, requireBackbone, replaceBackbone, shippedBackbone, setDataset, summary, requireDataset } = ctx;

  const requireStore = (): DatasetStore => {
    if (!env.store) throw new ZslError('Stored datasets are not available here (no IndexedDB).');
    return env.store;
  };
  const listStored = async (): Promise<StoredDatasets> => {
    const store = requireStore();
    return { datasets: await store.list(), usage: await store.estimate() };
  };
  const fractionReporter = (id: number, phase: string) => (fraction: number) =>
    env.post({ kind: 'progress', id, progress: { phase, fraction, etaSeconds: null } });

  /** Keeps a parsed dataset for the next visit; failing to store it never fails the load. */
  const keep = async (data: ZslDataset, description: string, id: number, signal: AbortSignal, imageFiles: string[] | null = null): Promise<string[]> => {
    if (!env.store) return [];
    try {
      await env.store.save(data, { semantic: description, imageFiles }, { signal, onProgress: fractionReporter(id, 'Saving for next time') });
      return [];
    } catch (error) {
      if (isCancelled(error)) throw error;
      return [`The dataset is loaded but was not stored for next time: ${toUserMessage(error)}`];
    }
  };

  /** An interrupted extraction of this image folder with the current backbone, if one is kept (never fails a drop). */
  const resumable = async (files: SourceFile[], signal: AbortSignal): Promise<StagedFiles['resume']> => {
    if (!env.extractions) return null;
    try {
      await ensureBackend();
      const folder = await readImageFolder(files, signal);
      const { spec } = await requireBackbone();
      const done = await env.extractions.count(await extractionKey(folder, spec));
      return done > 0 ? { done, total: folder.images.length, backbone: spec.name } : null;
    } catch {
      return null;
    }
  };

  return {
    async 'load-demo'(request, job) {
      env.post({ kind: 'progress', id: request.id, progress: { phase: 'Generating the demo zoo', fraction: 0, etaSeconds: null } });
      const demo = generateDemoDataset({ seed: request.seed });
      if (job.cancel.signal.aborted) throw new CancelledError();
      return setDataset(demo, 'Demo attributes, each z-scored over the classes.');
    },
    async 'describe-files'(request, job) {
      const { staged: description, expanded } = await stageFiles(request.files, request.id, job.cancel.signal);
      ctx.staged = { token: request.id, files: expanded };
      if (description.layout === 'image-folder') description.resume = await resumable(expanded, job.cancel.signal);
      return description;
    },
    async 'load-files'(request, job) {
      const files = ctx.staged && ctx.staged.token === request.token ? ctx.staged.files : toSourceFiles(request.files);
      const progress = (p: Progress) => env.post({ kind: 'progress', id: request.id, progress: p });
      if (dropKind(files) === 'image-folder') {
        // Pictures in class folders: embed them with the backbone, then it is a dataset like any other.
        await ensureBackend();
        const folder = await readImageFolder(files, job.cancel.signal);
        const { model: net, spec } = await requireBackbone();
        const decode = env.decodeImage;
        if (!decode) throw new ZslError('Images cannot be decoded here.');
        const embed = async (file: SourceFile) => {
          const image = await decode(await new Response(file.stream()).blob());
          return embedPicture(net, spec, image.pixels, image.width, image.height);
        };
        const kept = env.extractions ? { store: env.extractions, job: await extractionKey(folder, spec) } : undefined;
        const { dataset: pictures, resumed } = await extractImageFolder(folder, embed, spec.featureSourceNetwork, request.semantic, job.cancel.signal, progress, { keep: kept });
        const description = `Attributes from the predicate matrix, normalised: ${request.semantic.normalise}.`;
        const notes = await keep(pictures, description, request.id, job.cancel.signal);
        // Complete: the features kept for resuming are no longer needed.
        await env.extractions?.clear().catch(() => undefined);
        if (resumed > 0) notes.unshift(`Resumed an interrupted extraction: ${resumeText(resumed, folder.images.length)}.`);
        ctx.staged = null;
        return setDataset(pictures, description, notes);
      }
      const loaded = await loadFiles(files, request.semantic, job.cancel.signal, progress);
      const notes = await keep(loaded.dataset, loaded.semantic, request.id, job.cancel.signal, loaded.imageFiles ?? null);
      ctx.staged = null;
      const summary = setDataset(loaded.dataset, loaded.semantic, notes);
      // The names of its pictures, to verify a backbone against it (kept with the stored copy too).
      ctx.releaseNames = loaded.imageFiles ? { datasetId: loaded.dataset.id, names: loaded.imageFiles } : null;
      return summary;
    },
    async 'list-stored'() {
      return listStored();
    },
    async 'load-stored'(request, job) {
      const { dataset: stored, meta } = await requireStore().load(request.datasetId, {
        signal: job.cancel.signal,
        onProgress: fractionReporter(request.id, 'Reading the stored dataset'),
      });
      const summary = setDataset(stored, typeof meta.semantic === 'string' ? meta.semantic : null);
      ctx.releaseNames = meta.imageFiles
        ? { datasetId: stored.id, names: meta.imageFiles }
        : meta.imageFiles === undefined && stored.featureSource.kind === 'release'
          ? { datasetId: stored.id, names: null, missing: STORED_WITHOUT_NAMES }
          : null;
      return summary;
    },
    async 'delete-stored'(request) {
      await requireStore().remove(request.datasetId);
      return listStored();
    },
    async 'set-custom-split'(request) {
      ctx.dataset = withCustomSplit(requireDataset(), request.unseenClasses);
      if (models.current?.run?.split === 'custom') models.drop(); // trained on the old custom split
      return summary();
    },
    async 'discard-extraction'() {
      await env.extractions?.clear();
      return null;
    },
    async 'load-picture-demo'(request, job) {
      const progress = (p: PhaseProgress) => env.post({ kind: 'progress', id: request.id, progress: { ...p, etaSeconds: null } });
      progress({ phase: 'Loading the picture backbone', fraction: 0 });
      await ensureBackend();
      // The picture demo is drawn for its own backbone: switch back to it if another was in use.
      const current = await requireBackbone();
      if (!current.shipped) await replaceBackbone(shippedBackbone());
      const { model, spec } = await requireBackbone();
      const pictures = await generatePictureDataset({ model, spec, seed: request.seed, imagesPerClass: request.imagesPerClass, onProgress: progress, signal: job.cancel.signal });
      return setDataset(pictures, 'One-hot picture attributes: shape, colour, pattern, size.');
    },
  };
}
