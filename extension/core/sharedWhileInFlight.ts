/**
 * `read` made shareable: a call while an earlier one is still in flight gets that one's promise rather than a
 * second read. The Stack view and the status bar both read the stack's state when a step ends: one read serves both.
 * A call after the read settled (resolved or rejected) reads again.
 */
export function sharedWhileInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
