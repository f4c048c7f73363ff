import type { StartRequest, StartWording } from "../client/ambiguous-start";
import { Deadline } from "../client/deadline";
import { parseDuration } from "../client/durations";
import { QuotaGates } from "../client/quota-gate";
import { startOperation } from "../client/start-operation";
import type { StartCommand } from "./args";
import { type CommandContext, type CommandHandler, writeLine } from "./command";
import { WATCH_TIMEOUT_DEFAULT } from "./commands/watch";
import { EXIT, type ExitCode } from "./exit-codes";
import { exitOnInterrupt } from "./exit-on-interrupt";
import { writeResources } from "./resource-output";
import { startRequestFrom } from "./start-flags";
import { targetDatabase } from "./targets";
import { waitToEnd } from "./wait-to-end";

/** How the start path's messages speak to a user of firestore-ops. */
const CLI_WORDING: StartWording = {
  starter: "this command",
  rerun: "run the command again",
  moreTime: "raise --timeout",
  settle: (names) => `follow it with "firestore-ops watch ${names}"`,
};

/**
 * What a start command may do once the request is checked and before it is sent (bulk-delete's confirmation);
 * an exit code ends the command there.
 */
export type BeforeStart = (
  context: CommandContext,
  request: StartRequest,
  database: string,
) => Promise<ExitCode | undefined>;

/**
 * `export`, `import`, `bulk-delete` with gcloud's arguments: every flag checked first (exit 2, nothing sent),
 * then the provider's start path (client/start-operation.ts: a 429 waits in the quota gate, an ambiguous failure
 * is settled by listing, never by a second POST). With --async the operation's name (or, with --format, its
 * resource) is printed at once; otherwise the command waits as `watch` does. --timeout bounds the whole command.
 */
export function startCommand(command: StartCommand, beforeStart?: BeforeStart): CommandHandler {
  return async (context) => {
    const { invocation, session, stdout, stderr } = context;
    const request = startRequestFrom(command, invocation);
    const database = targetDatabase(invocation.flags, session.settings.project);
    const timeoutMs = parseDuration(invocation.timeout ?? WATCH_TIMEOUT_DEFAULT, "--timeout");
    const stopped = await beforeStart?.(context, request, database);
    if (stopped !== undefined) return stopped;

    const deadline = Deadline.after(timeoutMs, "--timeout", undefined, session.client.clock);
    let sent = false;
    const removeHandler = exitOnInterrupt(() =>
      stderr.write(
        sent
          ? `Interrupted while the ${request.method} request was in flight: an operation may have started. See what runs with "firestore-ops list --database ${database}".\n`
          : "Interrupted before the request was sent: nothing was started.\n",
      ),
    );
    let view: Awaited<ReturnType<typeof startOperation>>;
    try {
      view = await startOperation(session.client, database, request, {
        deadline,
        label: command,
        notices: {
          info: (message) => writeLine(stderr, message),
          warn: (message) => writeLine(stderr, `warning: ${message}`),
          status: (message) => writeLine(stderr, message),
        },
        wording: CLI_WORDING,
        // One start per command: the gates only make it wait out a refusal as the provider does.
        quotaGates: new QuotaGates(session.client.clock),
        hooks: {
          beforeSend: async () => {
            sent = true;
          },
          // A refusal for quota: the next Ctrl-C, while the gate waits, interrupts nothing that started.
          nothingStarted: async () => {
            sent = false;
          },
        },
      });
    } finally {
      removeHandler();
    }

    const { format } = invocation.flags;
    if (invocation.async) {
      if (format === "table") writeLine(stdout, view.name);
      else
        writeResources(
          stdout,
          format,
          [(await session.client.getWithJson(view.name, { signal: deadline.signal })).json],
          false,
        );
      return EXIT.OK;
    }
    writeLine(stderr, `Started ${view.name}; waiting for it to finish (Ctrl-C stops the wait, not the operation).`);
    return waitToEnd(session, view, {
      deadline,
      purpose: `the operation to finish (it goes on; "firestore-ops watch ${view.name}" follows it again)`,
      format,
      stdout,
      stderr,
      interrupted: `Stopped waiting; ${view.name} goes on. Cancel it with "firestore-ops cancel ${view.name} --wait" (work already done stays), or follow it again with "firestore-ops watch ${view.name}".`,
    });
  };
}
