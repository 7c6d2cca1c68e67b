import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExtractRequest } from '../../../extension/core/extract/run';
import { pipelineExtractRequest, runPipeline, SAMPLE_MONTHS } from '../../../extension/core/pipeline/run';
import type { TransformRequest } from '../../../extension/core/transform/run';

const extracted = { runId: 'extract-1', files: 3, bytes: 10, manifest: '/m.json' };

test('the pipeline: stack, extract, then the transform of exactly the extracted run', async () => {
  const calls: string[] = [];
  const result = await runPipeline({ months: '2024-01', source: { sample: true }, mode: 'native' }, {
    startStack: async () => (calls.push('stack'), true),
    extract: async (request: ExtractRequest) => (calls.push(`extract ${request.months} ${request.mode}`), extracted),
    transform: async (request: TransformRequest) => (calls.push(`transform ${request.run} ${request.mode}`), 'report'),
  });
  assert.deepEqual(calls, ['stack', 'extract 2024-01 native', 'transform extract-1 native']);
  assert.deepEqual(result, { extracted, report: 'report' });
});

test('a step that stops (failed or cancelled, already reported) stops the pipeline', async () => {
  const calls: string[] = [];
  const steps = {
    extract: async () => (calls.push('extract'), undefined),
    transform: async () => (calls.push('transform'), 'report'),
  };
  assert.equal(await runPipeline({}, steps), undefined);
  assert.deepEqual(calls, ['extract']);
  assert.equal(await runPipeline({}, { ...steps, startStack: async () => false }), undefined);
  assert.deepEqual(calls, ['extract'], 'no extract when the stack did not start');
});

test('defaults: the committed sample alone; with months, the extractor\'s source unless one is given', () => {
  assert.deepEqual(pipelineExtractRequest({}).source, { sample: true });
  assert.equal(pipelineExtractRequest({}).months, SAMPLE_MONTHS);
  assert.equal(pipelineExtractRequest({ months: '2024-03' }).source, undefined);
  const templated = pipelineExtractRequest({ months: '2024-03', source: { template: 't' }, zones: 'z' });
  assert.deepEqual(templated.source, { template: 't' });
  assert.equal(pipelineExtractRequest({ zones: '/z.csv' }).zones, '/z.csv');
});
