import { Deadline } from "../../client/deadline";
import { LONGEST_DURATION, parseDuration } from "../../client/durations";
import { shortOperationId } from "../../client/names";
import { waitError } from "../../client/wait";
import type { CommandContext } from "../command";
import type { ExitCode } from "../exit-codes";
import { targetOperation } from "../targets";
import { waitToEnd } from "../wait-to-end";

/** The longest wait parseDuration accepts: watching is meant to last until the operation ends. */
export const WATCH_TIMEOUT_DEFAULT = LONGEST_DURATION;

/** `watch NAME`: live progress until the operation is done; exit 0 only if it ended SUCCESSFUL. */
export async function watchCommand({ invocation, session, stdout, stderr }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.names[0] as string, invocation.flags, session.settings.project);
  const timeoutMs = parseDuration(invocation.timeout ?? WATCH_TIMEOUT_DEFAULT, "--timeout");
  const purpose = "the operation to finish (it goes on; run the same command again to keep watching)";
  // --timeout bounds the whole command, the first read included.
  const deadline = Deadline.after(timeoutMs, "--timeout", undefined, session.client.clock);
  const view = await session.client.get(name, { signal: deadline.signal }).catch((error: unknown) => {
    throw waitError(error, deadline, name, purpose, undefined);
  });
  return waitToEnd(session, view, {
    deadline,
    purpose,
    format: invocation.flags.format,
    stdout,
    stderr,
    interrupted: `Stopped watching; ${shortOperationId(name)} goes on untouched.`,
  });
}
