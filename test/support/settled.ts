/** Whether `promise` has settled once everything already under way (microtasks, due callbacks) has had its turn. */
export async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
