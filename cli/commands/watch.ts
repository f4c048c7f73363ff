import { Deadline } from "../../client/deadline";
import { parseDuration } from "../../client/durations";
import { waitError } from "../../client/wait";
import { type CommandContext, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { follow } from "../follow";
import { shortId } from "../format";
import { endedText } from "../operation-text";
import { writeResources } from "../resource-output";
import { targetOperation } from "../targets";

/** The longest wait parseDuration accepts: watching is meant to last until the operation ends. */
export const WATCH_TIMEOUT_DEFAULT = "168h";

/** `watch NAME`: live progress until the operation is done; exit 0 only if it ended SUCCESSFUL. */
export async function watchCommand({ invocation, session, stdout, stderr }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.names[0] as string, invocation.flags, session.settings.project);
  const timeoutMs = parseDuration(invocation.timeout ?? WATCH_TIMEOUT_DEFAULT, "--timeout");
  const id = shortId(name);
  const { format } = invocation.flags;
  const purpose = "the operation to finish (it goes on; run the same command again to keep watching)";
  // --timeout bounds the whole command, the first read included.
  const deadline = Deadline.after(timeoutMs, "--timeout");
  let view = await session.client.get(name, { signal: deadline.signal }).catch((error: unknown) => {
    throw waitError(error, deadline, name, purpose, undefined);
  });
  if (!view.done) {
    view = await follow(session.client, name, {
      deadline,
      purpose,
      // With --format json|yaml, stdout is for the one document at the end.
      progress: format === "table" ? stdout : stderr,
      stderr,
      interrupted: `Stopped watching; ${id} goes on untouched.`,
      initial: view,
    });
  }
  if (format === "table") writeLine(stdout, endedText(view));
  else
    writeResources(stdout, format, [(await session.client.getWithJson(name, { signal: deadline.signal })).json], false);
  return view.state === "SUCCESSFUL" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
}
