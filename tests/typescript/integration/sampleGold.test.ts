import { after, before, describe } from 'node:test';
import { checksSuite } from './sampleGold/checks';
import { goldTablesSuite } from './sampleGold/goldTables';
import { sampleGold } from './sampleGold/published';
import { restoreSuite } from './sampleGold/restore';
import { schemaEditSuite } from './sampleGold/schemaEdit';
import { transformRunSuite } from './sampleGold/transformRun';

// Gold written by the real transform, once: the bundled sample extracted into scratch buckets of its own and
// spark-submitted to the stack's master through the core's runners. A transform costs ~30 s on 2 cores, so the
// suites that need gold share this publish, in the order their writes allow:
//   0. the publishing transform's own events, progress and report;
//   1. the gold tables: reads only (its fixture table is removed after);
//   2. the checks: their failing run is stopped before any write;
//   3. restore: a bad run replaces January, then gold is restored to before it;
//   4. an edited transform of the published extraction: a new dim_zone schema.
const sample = sampleGold('sampletest');

describe('gold written by the real transform (the sample, published once)', { timeout: 1_800_000 }, () => {
  before(() => sample.publish());
  after(() => sample.remove());

  transformRunSuite(sample);
  goldTablesSuite(sample);
  checksSuite(sample);
  restoreSuite(sample);
  schemaEditSuite(sample);
});
