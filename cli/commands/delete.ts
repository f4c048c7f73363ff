import { ApiRequestError } from "../../client/errors";
import { shortOperationId } from "../../client/names";
import type { CommandContext } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { targetOperation } from "../targets";

/**
 * `delete NAME`: forgets a finished operation (the API's operations.delete; gcloud's `operations delete`). A
 * running one is refused before any DELETE is sent: deleting does not cancel, and a deleted running operation
 * would go on out of sight. Exit 1 when refused.
 */
export async function deleteCommand({ invocation, session, stderr }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.names[0] as string, invocation.flags, session.settings.project);
  const view = await session.client.get(name);
  if (!view.done) return refuse(name, view.state, stderr);
  try {
    await session.client.delete(name);
  } catch (error) {
    // The server says it is running after all (our read was stale): the same refusal.
    if (error instanceof ApiRequestError && error.status === "FAILED_PRECONDITION")
      return refuse(name, "running", stderr);
    throw error;
  }
  // Like gcloud, the confirmation is a status message, so stdout stays empty for scripts.
  stderr.write(`Deleted ${name}.\n`);
  return EXIT.OK;
}

function refuse(name: string, state: string, stderr: CommandContext["stderr"]): ExitCode {
  const id = shortOperationId(name);
  stderr.write(
    `firestore-ops: ${id} is ${state}: only finished operations can be deleted (deleting does not cancel). "firestore-ops cancel ${id} --wait" ends it first.\n`,
  );
  return EXIT.REQUEST_FAILED;
}
