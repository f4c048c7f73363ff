/**
 * How long a cancel waits, by default, for the operation to be over: a cancelled export or import usually ends
 * within seconds, a large one within minutes. The provider's `timeouts.delete` and `firestore-ops cancel --wait`
 * share it.
 */
export const DEFAULT_CANCEL_TIMEOUT = "30m";
