/**
 * Request handlers for the backbone that embeds pictures: which one is in use,
 * one the user brought as files (a tfjs model, or ResNet weights), going back to
 * the shipped one, a ResNet's preprocessing, and verifying a ResNet against the
 * loaded release on some of the release's own pictures.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import { IMAGE_PATTERN } from '../../core/io/image-folder.ts';
import { parseResNetSpecId, resNetSpec } from '../../core/backbones/resnet-backbone.ts';
import { summarise, verifyAgainstRelease } from '../../core/backbones/verify-release.ts';
import { ZslError } from '../../core/errors.ts';
import type { Handlers, HostContext } from '../host-context.ts';

type BackboneKind = 'backbone-info' | 'load-backbone-files' | 'reset-backbone' | 'set-backbone-preprocessing' | 'verify-backbone';

export function backboneHandlers(ctx: HostContext): Handlers<BackboneKind> {
  const { env, backboneInfo, requireBackbone, replaceBackbone, shippedBackbone, ensureBackend, requireDataset } = ctx;
  return {
    async 'backbone-info'() {
      return backboneInfo(await requireBackbone());
    },
    async 'load-backbone-files'(request, job) {
      if (!env.backbones) throw new ZslError('Backbones cannot be loaded from files here.');
      await ensureBackend();
      const loaded = await env.backbones.fromFiles(request.files, {
        draft: request.draft,
        source: request.source,
        signal: job.cancel.signal,
        onProgress: (progress) => env.post({ kind: 'progress', id: request.id, progress }),
      });
      const { notKept, ...backbone } = loaded;
      const info = await replaceBackbone(Promise.resolve({ ...backbone, shipped: false }));
      return notKept ? { ...info, notKept } : info;
    },
    async 'reset-backbone'() {
      await env.backbones?.forget();
      return replaceBackbone(shippedBackbone());
    },
    async 'set-backbone-preprocessing'(request) {
      const inUse = await requireBackbone();
      const parsed = parseResNetSpecId(inUse.spec);
      if (!parsed) throw new ZslError(`The ${inUse.spec.name} backbone declares its own preprocessing; only ResNet weights offer variants.`);
      const spec = resNetSpec(parsed.info, request.preprocessing, parsed.inputSize);
      const verified = ctx.verification;
      if (verified && verified.specId === inUse.spec.id) {
        const { variants, compared, unmatched } = verified.result;
        ctx.verification = { ...verified, specId: spec.id, result: summarise(parsed.info, variants, request.preprocessing, compared, unmatched) };
      }
      // Kept for the next visit; failing to keep it does not stop its use now.
      await env.backbones?.keep?.(inUse.model, spec, inUse.source).catch((error: unknown) => console.warn('backbone not kept', error));
      return replaceBackbone(Promise.resolve({ ...inUse, spec }));
    },
    async 'verify-backbone'(request, job) {
      const data = requireDataset();
      const known = ctx.releaseNames?.datasetId === data.id ? ctx.releaseNames : null;
      const names = known?.names ?? null;
      if (data.featureSource.kind === 'release' && known && !known.names) throw new ZslError(known.missing);
      if (data.featureSource.kind !== 'release' || !names) {
        throw new ZslError(
          'To verify a backbone, load the release with the names of its pictures first: AwA2-filenames.txt beside the features, or res101.mat (its image_files).',
        );
      }
      const inUse = await requireBackbone();
      const parsed = parseResNetSpecId(inUse.spec);
      if (!parsed) throw new ZslError('Verification compares ResNet features with the release: load ResNet-101 weights (Keras .h5 or torchvision .safetensors) first.');
      const decode = env.decodeImage;
      if (!decode) throw new ZslError('Images cannot be decoded here.');
      const pictures = request.files
        .filter(({ file }) => IMAGE_PATTERN.test(file.name))
        .map(({ file }) => ({ name: file.name, decode: () => decode(file) }));
      if (pictures.length === 0) throw new ZslError('No pictures were among the files; drop some of the release\'s JPEGImages/<class>/*.jpg.');
      const result = await verifyAgainstRelease(
        { model: inUse.model, info: parsed.info, inUse: parsed.preprocessing, inputSize: parsed.inputSize },
        pictures,
        { names, features: data.features, featureDim: data.featureDim },
        {
          signal: job.cancel.signal,
          onProgress: (fraction, phase) => env.post({ kind: 'progress', id: request.id, progress: { phase, fraction, etaSeconds: null } }),
        },
      );
      ctx.verification = { specId: inUse.spec.id, network: data.featureSource.network, result };
      return backboneInfo(inUse);
    },
  };
}
