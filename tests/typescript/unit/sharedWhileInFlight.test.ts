import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedWhileInFlight } from '../../../extension/core/sharedWhileInFlight';

/** A read the test ends by hand, counting its calls. */
function manualRead() {
  const ends: ((value: number) => void)[] = [];
  const fails: ((error: Error) => void)[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      ends.push(resolve);
      fails.push(reject);
    });
  return { read, ends, fails };
}

test('two callers at once share one read, and both get its value', async () => {
  const { read, ends } = manualRead();
  const shared = sharedWhileInFlight(read);
  const [first, second] = [shared(), shared()];
  assert.equal(ends.length, 1);
  ends[0](7);
  assert.deepEqual(await Promise.all([first, second]), [7, 7]);
});

test('a call after the read settled reads again', async () => {
  const { read, ends } = manualRead();
  const shared = sharedWhileInFlight(read);
  const first = shared();
  ends[0](1);
  await first;
  const second = shared();
  assert.equal(ends.length, 2);
  ends[1](2);
  assert.equal(await second, 2);
});

test('a failed read reaches every caller that shared it, and the next call reads again', async () => {
  const { read, ends, fails } = manualRead();
  const shared = sharedWhileInFlight(read);
  const [first, second] = [shared(), shared()];
  fails[0](new Error('stack unreadable'));
  await assert.rejects(first, /stack unreadable/);
  await assert.rejects(second, /stack unreadable/);
  const third = shared();
  assert.equal(ends.length, 2);
  ends[1](3);
  assert.equal(await third, 3);
});
