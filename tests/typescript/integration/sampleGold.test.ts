import { after, before, describe } from 'node:test';
import { checksSuite } from './sampleGold/checks';
import { goldTablesSuite } from './sampleGold/goldTables';
import { previewSuite, warmDevSession } from './sampleGold/preview';
import { sampleGold } from './sampleGold/published';
import { restoreSuite } from './sampleGold/restore';
import { schemaEditSuite } from './sampleGold/schemaEdit';
import { transformRunSuite } from './sampleGold/transformRun';

// Gold written by the real transform, once: the bundled sample extracted into scratch buckets of its own and
// spark-submitted to the stack's master through the core's runners. A transform costs ~30 s on 2 cores, so the
// suites that need gold share this publish, in the order their writes allow:
//   0. the publishing transform's own events, progress and report (the dev session warm meanwhile);
//   1. `etl preview` of that extraction on the warm dev session, working tree and edited copies: writes nothing;
//   2. the gold tables: reads only (its fixture table is removed after);
//   3. the checks: their failing run is stopped before any write;
//   4. restore: a bad run replaces January, then gold is restored to before it;
//   5. an edited transform of the published extraction: a new dim_zone schema.
const sample = sampleGold('sampletest');

describe('gold written by the real transform (the sample, published once)', { timeout: 1_800_000 }, () => {
  let devSession: number | undefined;
  before(async () => {
    devSession = await warmDevSession(); // before the publish: its transform must get the workers all the same
    await sample.publish();
  });
  after(() => sample.remove());

  transformRunSuite(sample);
  previewSuite(sample, () => devSession);
  goldTablesSuite(sample);
  checksSuite(sample);
  restoreSuite(sample);
  schemaEditSuite(sample);
});
