/**
 * The controller's flows that ask the current model about inputs: an image of
 * the dataset, a drawing, a picture file, and the map of its embedding space.
 * Must not import React or the controller (it composes the flows).
 */
import type { FlowContext } from '../flow-context.ts';

export type ClassifyFlows = ReturnType<typeof classifyFlows>;

export function classifyFlows({ client, store, attempt }: FlowContext) {
  return {
    /** The 2-D map of the current model's space (the newest run's model). */
    async embeddingMap(maxImages = 600) {
      return attempt(() => client.request('embedding-map', { maxImages }));
    },

    /** `'random'`: an image whose true class is a candidate (a test image of an unseen class in ZSL). */
    async classifyImage(imageIndex: number | 'random', scope: 'unseen' | 'all') {
      return attempt(() => client.request('classify-image', { imageIndex, scope, k: 5 }));
    },

    async classifyPixels(pixels: Uint8ClampedArray, width: number, height: number, scope: 'unseen' | 'all') {
      return attempt(() => client.request('classify-pixels', { pixels, width, height, scope, k: 5 }));
    },

    async classifyImageFile(file: File, scope: 'unseen' | 'all') {
      return attempt(() => client.request('classify-image-file', { file, scope, k: 5 }));
    },

    setClassifyScope(classifyScope: 'unseen' | 'all'): void {
      store.update({ classifyScope });
    },
  };
}
