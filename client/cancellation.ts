import type { OperationView } from "./operation-view";

/** How a cancel ended ("none": nothing was sent): what destroy, replace and `firestore-ops cancel` report. */
export type Cancellation = "none" | "requested" | "cancelled" | "completed-despite-cancel" | "failed-despite-cancel";

/** The outcome of a cancel, once the operation is done. */
export function cancellationOutcome(view: OperationView): Cancellation {
  if (!view.done) return "requested";
  if (view.state === "CANCELLED") return "cancelled";
  return view.state === "SUCCESSFUL" ? "completed-despite-cancel" : "failed-despite-cancel";
}
