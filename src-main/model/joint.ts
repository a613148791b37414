/**
 * The 'unet1d-cnn' family: one code path for the three methods.
 * - joint:      L = segmenter(D), A = pool(L), classifier(A ⊙ D)   (the paper)
 * - cascaded:   classifier(A broadcast to every lead)              (baseline)
 * - classifier: classifier(D), no segmenter weights at all          (baseline)
 */
import { createRng } from '../random';
import { checkModelInput, disposeStore, storeWeights } from './model-shell';
import { tf } from './tf';
import { createClassifier } from './classifier';
import { validateModelConfig } from './config';
import { ParamStore, windowPool } from './layers';
import { createSegmenter } from './segmenter';
import type { BeatlensModel, FeaturesOutput, ModelConfig } from './types';

export function createUnetCnn(config: ModelConfig, seed: number): BeatlensModel {
  validateModelConfig(config);
  const cfg: ModelConfig = structuredClone(config);
  const store = new ParamStore(createRng(seed));
  const segmenter =
    cfg.method === 'classifier' ? null : createSegmenter(store, cfg.segmenter, cfg.nLeads);
  const classifier = createClassifier(store, cfg.classifier, cfg.nLeads, cfg.classes.length);
  let disposed = false;

  const checkInput = (x: tf.Tensor3D): void => checkModelInput(x, cfg, disposed);

  const forwardFeatures = (x: tf.Tensor3D, training: boolean): FeaturesOutput => {
    checkInput(x);
    // tf.tidy returns tensors only (no nulls), hence the list.
    const kept = tf.tidy((): tf.Tensor[] => {
      if (!segmenter) {
        // A clone, so a caller may dispose every returned tensor without disposing x.
        return [classifier.features(x, training), tf.clone(x)];
      }
      const segmenterMap = segmenter.apply(x, training);
      const attention = windowPool(segmenterMap, cfg.pooling, cfg.kernelSamples, cfg.poolingAlign);
      const a3 = tf.expandDims(attention, 2) as tf.Tensor3D;
      const classifierInput: tf.Tensor3D =
        cfg.method === 'joint' ? tf.mul(x, a3) : tf.mul(a3, tf.ones([1, 1, cfg.nLeads]));
      const featureMap = classifier.features(classifierInput, training);
      return [featureMap, classifierInput, attention, segmenterMap];
    });
    return {
      featureMap: kept[0] as tf.Tensor3D,
      classifierInput: kept[1] as tf.Tensor3D,
      attention: (kept[2] as tf.Tensor2D | undefined) ?? null,
      segmenterMap: (kept[3] as tf.Tensor2D | undefined) ?? null,
    };
  };

  const forwardHead = (featureMap: tf.Tensor3D, training: boolean): tf.Tensor2D =>
    tf.tidy(() => classifier.head(featureMap, training));

  const model: BeatlensModel = {
    config: cfg,
    forward(x, training) {
      const f = forwardFeatures(x, training);
      const logits = forwardHead(f.featureMap, training);
      f.featureMap.dispose();
      f.classifierInput.dispose();
      f.segmenterMap?.dispose();
      return { logits, attention: f.attention };
    },
    forwardFeatures,
    forwardHead,
    forwardClassifier(input, training) {
      checkInput(input);
      return tf.tidy(() => classifier.head(classifier.features(input, training), training));
    },
    ...storeWeights(store),
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeStore(store);
    },
  };
  return model;
}
