import { FirestoreOperationsError, markClass } from "../client/errors";

/**
 * The operation finished despite our cancel, and `onCancelLost: "fail"` asked to stop: a provider input's
 * verdict, so it lives here rather than in client/ (`firestore-ops cancel` reports a lost cancel in words and its
 * exit code). Carries only its message.
 */
export class CancelLostError extends FirestoreOperationsError {
  override name = "CancelLostError";
}
markClass(CancelLostError, "CancelLostError");
