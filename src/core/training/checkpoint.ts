/**
 * Trainer checkpoints: every trainable variable, the optimiser's moments and the
 * random generator's position, so an interrupted run continues exactly where
 * its last finished epoch left it. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError } from '../errors.ts';
import type { AdamW } from './optimiser.ts';
import type { Rng, RngState } from '../compute/rng.ts';

export interface TrainerState {
  variables: Float32Array[];
  optimizer: { t: number; moments: Float32Array[] };
  rng: RngState;
}

export interface Checkpointable {
  snapshot(): Promise<TrainerState>;
  restore(state: TrainerState): void;
}

export function checkpointable(variables: tf.Variable[], optimizer: AdamW, rng: Rng): Checkpointable {
  return {
    async snapshot() {
      return {
        variables: (await Promise.all(variables.map((v) => v.data()))) as Float32Array[],
        optimizer: await optimizer.snapshot(),
        rng: rng.snapshot(),
      };
    },
    restore(state) {
      if (state.variables.length !== variables.length) {
        throw new ZslError(`the checkpoint holds ${state.variables.length} weight arrays; this model has ${variables.length}.`);
      }
      variables.forEach((v, i) => {
        const data = state.variables[i]!;
        if (data.length !== v.size) throw new ZslError(`a checkpoint weight array has ${data.length} values; expected ${v.size}.`);
        tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
      });
      optimizer.restore(state.optimizer);
      rng.restore(state.rng);
    },
  };
}
