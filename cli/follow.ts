import type { FirestoreAdminClient } from "../client/admin-client";
import type { Deadline } from "../client/deadline";
import type { OperationView } from "../client/operation-view";
import { waitUntilDone } from "../client/wait";
import { exitOnInterrupt } from "./exit-on-interrupt";
import { ProgressPrinter, type ProgressStream } from "./progress-printer";

export interface FollowOptions {
  /** `--timeout`, started with the command: it bounds the requests before the wait too. */
  deadline: Deadline;
  /** For the timeout message: "the operation to finish". */
  purpose: string;
  /** Where live progress goes. */
  progress: ProgressStream;
  /** Where the Ctrl-C explanation goes. */
  stderr: ProgressStream;
  /** What Ctrl-C leaves behind, in one sentence. */
  interrupted: string;
  /** A view just read, to start from without asking again. */
  initial?: OperationView;
}

/** Polls with the client's wait until the operation is done, showing progress as it goes. */
export async function follow(
  client: FirestoreAdminClient,
  name: string,
  options: FollowOptions,
): Promise<OperationView> {
  const printer = new ProgressPrinter(options.progress);
  const removeHandler = exitOnInterrupt(() => {
    printer.clear();
    options.stderr.write(`${options.interrupted}\n`);
  });
  try {
    return await waitUntilDone(
      client,
      name,
      { deadline: options.deadline, purpose: options.purpose, onChange: (view) => printer.update(view) },
      options.initial,
    );
  } finally {
    printer.clear();
    removeHandler();
  }
}
