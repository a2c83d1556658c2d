import { expect, test } from 'vitest';
import { runsToCsv, runsToJson } from '../../src/ui/runs/export-files.ts';
import type { RunRecord } from '../../src/ui/store.ts';

const record = {
  id: 'run-1',
  summary: {
    datasetId: 'demo-7',
    datasetName: 'Demo zoo (seed 7)',
    semantics: { name: 'att', description: 'att' },
    method: 'eszsl',
    split: 'demo',
    backend: 'webgpu',
    config: { params: { featureReg: 1000, attributes: 'l2' } },
    evaluation: { zslTop1: 0.5, zslTop5: 0.9, u: 0.25, s: 0.75, h: 0.375, seedFigure: { top1: 0.2, top5: 0.8 } },
    calibration: { mode: 'holdout', gamma: 0.1 },
    epochsCompleted: 0,
    seconds: 1.5,
  },
  lossCurve: [{ step: 1, loss: 2, smoothed: 2 }],
  epochs: [],
} as unknown as RunRecord;

test('CSV has a header and one quoted-where-needed row per run', () => {
  const lines = runsToCsv([record, record]).trim().split('\n');
  expect(lines).toHaveLength(3);
  // Each row names its dataset and the class semantics it used.
  expect(lines[0]).toBe('dataset,method,split,semantics,backend,epochs,zsl_top1,zsl_top5,u,s,h,gamma,seed_figure_top1,seconds,settings');
  expect(lines[1]).toBe('Demo zoo (seed 7),eszsl,demo,att,webgpu,0,0.5,0.9,0.25,0.75,0.375,0.1,0.2,1.5,"{""featureReg"":1000,""attributes"":""l2""}"');
});

test('JSON keeps the summary and the curves', () => {
  const [run] = JSON.parse(runsToJson([record]));
  expect(run).toMatchObject({ id: 'run-1', method: 'eszsl', evaluation: { h: 0.375 }, lossCurve: [{ step: 1, loss: 2 }] });
});
