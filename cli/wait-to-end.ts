import type { Deadline } from "../client/deadline";
import type { OperationView } from "../client/operation-view";
import type { OutputFormat } from "./args";
import { writeLine } from "./command";
import { EXIT, type ExitCode } from "./exit-codes";
import { follow } from "./follow";
import { endedText } from "./operation-text";
import type { ProgressStream } from "./progress-printer";
import { writeResources } from "./resource-output";
import type { Session } from "./session";

export interface WaitToEndOptions {
  deadline: Deadline;
  /** For the timeout message: "the operation to finish (...)". */
  purpose: string;
  format: OutputFormat;
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** What Ctrl-C leaves behind, in a sentence or two. */
  interrupted: string;
}

/**
 * Waits with live progress until the operation is done (`watch`, and export, import and bulk-delete without
 * --async), then says how it ended: a line, or the API's Operation resource with --format json|yaml. Exit 0
 * only if it ended SUCCESSFUL.
 */
export async function waitToEnd(
  session: Session,
  view: OperationView,
  { deadline, purpose, format, stdout, stderr, interrupted }: WaitToEndOptions,
): Promise<ExitCode> {
  const { name } = view;
  let current = view;
  if (!current.done) {
    current = await follow(session.client, name, {
      deadline,
      purpose,
      // With --format json|yaml, stdout is for the one document at the end.
      progress: format === "table" ? stdout : stderr,
      stderr,
      interrupted,
      initial: current,
    });
  }
  if (format === "table") writeLine(stdout, endedText(current));
  else
    writeResources(stdout, format, [(await session.client.getWithJson(name, { signal: deadline.signal })).json], false);
  return current.state === "SUCCESSFUL" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
}
