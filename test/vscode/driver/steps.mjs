/**
 * A scenario's named steps: each is timed and logged; a failing one is recorded, screenshotted and rethrown.
 * `steps` is what the scenario returns (the runner prints it).
 */
export function stepRecorder(log, screenshot) {
  const steps = [];
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true, ms: Date.now() - started });
      log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      steps.push({ name, ok: false, ms: Date.now() - started, error: String(error?.message ?? error) });
      log(`FAIL ${name}: ${error?.message ?? error}`);
      await screenshot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw error;
    }
  };
  return { steps, step };
}
