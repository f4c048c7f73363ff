import { formatDuration } from "../client/durations";
import type { OperationView } from "../client/operation-view";
import { NO_ESTIMATE_YET, percentDone } from "../client/progress-text";

/** `ExportDocumentsMetadata` → `ExportDocuments`; the suffix is the same on every type. */
export function shortType(view: OperationView): string {
  return view.metadataType.replace(/Metadata$/, "") || "-";
}

/** Second precision in UTC: what a table has room for; anything unparsable is shown as sent. */
export function formatTime(time: string | undefined): string {
  if (time === undefined) return "-";
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Start to end (or to now, while running), e.g. "1m05s"; undefined without a start time. */
export function elapsed(view: OperationView, now = Date.now()): string | undefined {
  const start = view.startTime ? Date.parse(view.startTime) : Number.NaN;
  const end = view.endTime ? Date.parse(view.endTime) : now;
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  return formatDuration(end - start);
}

const BAR_WIDTH = 20;

/** `[#####---------------]` for the documents done; empty when the server gave no estimate. */
export function progressBar(view: OperationView, width = BAR_WIDTH): string {
  const percent = percentDone(view);
  if (percent === undefined) return "";
  const filled = Math.round((percent / 100) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** The bar with its percentage, for a table column: `[#####---------------]  26.0%`. */
export function progressCell(view: OperationView): string {
  const percent = percentDone(view);
  if (percent !== undefined) return `${progressBar(view)} ${percent.toFixed(1).padStart(5)}%`;
  // Progress without an estimate (early reads): said so, rather than a bar of a number the server did not send.
  return view.documents?.completed || view.bytes?.completed ? NO_ESTIMATE_YET : "";
}

/** "code 13: message", the way gcloud shows a google.rpc.Status. */
export function formatError(view: OperationView): string | undefined {
  return view.error ? `code ${view.error.code}: ${view.error.message || "(no message)"}` : undefined;
}
