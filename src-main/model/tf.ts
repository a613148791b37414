/**
 * The one place tfjs is imported from, so every module shares the same tfjs-core engine (a
 * second copy would hold its own backends, kernels and variables).
 *
 * PROD mode is switched on here because it turns off tfjs's debug checks and its console hints;
 * the loudest of those asks Node users to install tfjs-node, which cannot be installed on every
 * machine and is already tried first by `initBackend` (src-main/model/backend.ts).
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);

export { tf };
