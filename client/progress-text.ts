import type { OperationView } from "./operation-view";
import { formatBytes, formatCount } from "./quantities";

/** The words for progress the server has reported without an estimate of the whole (early reads, as Google's). */
export const NO_ESTIMATE_YET = "no estimate yet";

/**
 * One line for logs: `PROCESSING 4,200/26,200 documents (16.0%), 1.9 MB/12.8 MB`. Only numbers the server sent are
 * printed: before its first estimate `PROCESSING 1,310 documents so far (no estimate yet)`, before any progress
 * the state alone.
 */
export function describeProgress(
  view: Pick<OperationView, "state" | "documents" | "bytes"> & Pick<Partial<OperationView>, "percentage">,
): string {
  const parts: string[] = [];
  // Restore and clone report only a percentage (of the estimated time, per operation.proto).
  if (view.percentage?.estimated && !view.documents?.estimated) {
    const pct = Math.min(100, (view.percentage.completed / view.percentage.estimated) * 100);
    parts.push(`${pct.toFixed(0)}% done`);
  }
  const docs = view.documents;
  let unestimated = false;
  if (docs?.estimated && docs.completed > docs.estimated) {
    // The server's estimates can be low (completed overtakes them): say so rather than print 122.7%.
    parts.push(`${formatCount(docs.completed)} documents (over the estimate of ${formatCount(docs.estimated)})`);
  } else if (docs?.estimated) {
    const pct = ((docs.completed / docs.estimated) * 100).toFixed(1);
    parts.push(`${formatCount(docs.completed)}/${formatCount(docs.estimated)} documents (${pct}%)`);
  } else if (docs?.completed) {
    parts.push(`${formatCount(docs.completed)} documents so far`);
    unestimated = true;
  }
  const bytes = view.bytes;
  if (bytes?.estimated && bytes.completed > bytes.estimated) {
    parts.push(`${formatBytes(bytes.completed)} (over the estimate of ${formatBytes(bytes.estimated)})`);
  } else if (bytes?.estimated) {
    parts.push(`${formatBytes(bytes.completed)}/${formatBytes(bytes.estimated)}`);
  } else if (bytes?.completed) {
    parts.push(`${formatBytes(bytes.completed)} so far`);
    unestimated = true;
  }
  const text = parts.length ? `${view.state} ${parts.join(", ")}` : view.state;
  return unestimated ? `${text} (${NO_ESTIMATE_YET})` : text;
}

/**
 * Percent done (0-100, one decimal, rounded down): of the estimated documents, or a restore's or clone's own
 * progressPercentage; undefined when the server gave no estimate.
 */
export function percentDone(view: Pick<OperationView, "documents" | "percentage">): number | undefined {
  const basis = view.documents?.estimated ? view.documents : view.percentage;
  if (!basis?.estimated) return undefined;
  return Math.min(100, Math.floor((basis.completed / basis.estimated) * 1000) / 10);
}
