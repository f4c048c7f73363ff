import { diagnoseOperation, diagnosisText } from "../client/failure-diagnosis";
import { shortOperationId } from "../client/names";
import { cancelEffects, DOCUMENT_OPERATION_TYPES, OTHER_OPERATION_TYPES } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { elapsed, formatError, formatTime, shortType } from "./format";

/** The progress part of describeProgress, without the state it starts with. */
export function progressText(view: OperationView): string {
  const text = describeProgress(view);
  return text.startsWith(view.state) ? text.slice(view.state.length).trim() : text;
}

/** `describe` as text: one `Label: value` line per fact, in the order a person asks for them. */
export function operationText(view: OperationView): string {
  const rows: [string, string][] = [
    ["Name", view.name],
    ["Type", typeText(view)],
    ["State", view.state],
    ["Done", view.done ? "yes" : "no"],
    ["Progress", progressText(view) || "-"],
    ["Started", formatTime(view.startTime)],
    ["Ended", formatTime(view.endTime)],
  ];
  const took = elapsed(view);
  if (took) rows.push([view.done ? "Took" : "Running for", took]);
  if (DOCUMENT_OPERATION_TYPES.includes(view.metadataType)) {
    rows.push(["Collections", view.request.collectionIds.join(", ") || "all"]);
    rows.push(["Namespaces", view.request.namespaceIds.map((id) => id || "(default)").join(", ") || "all"]);
  }
  if (view.resource) rows.push(["Resource", view.resource]);
  const output = view.outputUriPrefix ?? view.request.outputUriPrefix;
  if (output) rows.push(["Output", output]);
  if (view.request.inputUriPrefix) rows.push(["Input", view.request.inputUriPrefix]);
  if (view.request.snapshotTime) rows.push(["Snapshot time", view.request.snapshotTime]);
  const error = formatError(view);
  if (error) rows.push(["Error", error]);
  const diagnosis = diagnoseOperation(view);
  if (diagnosis) {
    rows.push(["Fix", diagnosis.fix]);
    rows.push(["Docs", diagnosis.docs]);
  }
  if (view.state === "CANCELLED" || view.state === "CANCELLING") {
    rows.push(["Note", cancelEffects(view.metadataType, view.outputUriPrefix)]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join("\n");
}

/** The short type, with what it is when this package knows the type (any other is shown by its name). */
function typeText(view: OperationView): string {
  const what = OTHER_OPERATION_TYPES[view.metadataType];
  return what ? `${shortType(view)} (${what})` : shortType(view);
}

/** One line for an operation that is over: `ID ended FAILED after 2m10s: 1,000/5,000 documents (20.0%) (code 13: ...)`. */
export function endedText(view: OperationView): string {
  const took = elapsed(view);
  const progress = progressText(view);
  // Code 1 is what CANCELLED means; saying it again is noise.
  const error = view.state === "CANCELLED" && view.error?.code === 1 ? undefined : formatError(view);
  let text = `${shortOperationId(view.name)} ended ${view.state}`;
  if (took) text += ` after ${took}`;
  if (progress) text += `: ${progress}`;
  if (error) text += ` (${error})`;
  if (view.state === "CANCELLED") text += `. ${cancelEffects(view.metadataType, view.outputUriPrefix)}`;
  const diagnosis = view.state === "FAILED" ? diagnoseOperation(view) : undefined;
  if (diagnosis) text += `. ${diagnosisText(diagnosis)}`;
  return text;
}
