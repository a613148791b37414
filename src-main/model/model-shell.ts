/**
 * What every model built on a ParamStore shares (the unet1d-cnn and mil-fcn families): the check
 * of an input against the signal contract, and the weight accessors and dispose of the
 * BeatlensModel interface.
 */
import { BeatlensError } from '../errors';
import type { ParamStore } from './layers';
import type { tf } from './tf';
import type { BeatlensModel, ModelConfig } from './types';

/** Throws a one-line BeatlensError unless x is (batch, nSamples, nLeads) of `cfg`. */
export function checkModelInput(x: tf.Tensor3D, cfg: ModelConfig, disposed: boolean): void {
  if (disposed) throw new BeatlensError('model-disposed', 'the model was disposed');
  const [, nSamples, nLeads] = x.shape;
  if (x.rank !== 3 || nLeads !== cfg.nLeads || nSamples !== cfg.nSamples) {
    throw new BeatlensError(
      'model-input',
      `input shape [${x.shape}] does not match the model's (batch, nSamples=${cfg.nSamples}, nLeads=${cfg.nLeads})`,
    );
  }
}

/** trainableWeights / namedWeights / countParams over the store's weights. */
export function storeWeights(
  store: ParamStore,
): Pick<BeatlensModel, 'trainableWeights' | 'namedWeights' | 'countParams'> {
  const trainable = () => store.weights().filter((w) => w.trainable);
  return {
    trainableWeights: () => trainable().map((w) => w.variable),
    namedWeights: () => store.weights(),
    countParams: () => trainable().reduce((n, w) => n + w.variable.size, 0),
  };
}

/** Disposes every weight of the store (BN moving statistics included). */
export function disposeStore(store: ParamStore): void {
  for (const w of store.weights()) w.variable.dispose();
}
