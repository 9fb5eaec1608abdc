/**
 * Runs `work` and returns its promise, turning a synchronous throw into a rejection as `then` would: for paths that
 * chain on a promise instead of awaiting it in an async function (which costs a promise per call).
 */
export function promiseFrom<T>(work: () => Promise<T>): Promise<T> {
  try {
    return work();
  } catch (error) {
    return Promise.reject(error);
  }
}
