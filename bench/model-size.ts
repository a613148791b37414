/**
 * Prints the parameter count and forward multiply–accumulates per segment of every method of the
 * default architecture, for the two paper input shapes. Usage: npx tsx bench/model-size.ts
 */
import { defaultModelConfig } from '../src-main/model/config';
import { forwardMacs } from '../src-main/model/cost';
import { createModel } from '../src-main/model/registry';
import { tf } from '../src-main/model/tf';
import { METHODS } from '../src-main/model/types';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const shapes = [
    { name: 'MIT-BIH 2×2000 @360 Hz', nLeads: 2, nSamples: 2000, fs: 360, classes: ['PVC', 'APB'] },
    { name: '12×5000 @500 Hz', nLeads: 12, nSamples: 5000, fs: 500, classes: ['LVOT', 'RVOT'] },
  ];
  console.log('| input | method | parameters | segmenter MMAC | classifier MMAC | total MMAC |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const s of shapes) {
    for (const method of METHODS) {
      const cfg = defaultModelConfig({ ...s, method });
      const model = createModel(cfg, 0);
      const c = forwardMacs(cfg);
      const m = (v: number) => (v / 1e6).toFixed(1);
      console.log(
        `| ${s.name} | ${method} | ${model.countParams().toLocaleString('en-US')} | ${m(c.segmenterMacs)} | ${m(c.classifierMacs)} | ${m(c.totalMacs)} |`,
      );
      model.dispose();
    }
  }
}

void main();
