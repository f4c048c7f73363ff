import { type CommandContext, writeJson, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { operationText } from "../operation-text";
import { targetOperation } from "../targets";

/** `describe NAME`: one operation, as text or as the provider's normalized view (`--json`). */
export async function describeCommand({ invocation, session, stdout }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.name as string, invocation.flags, session.settings.project);
  const view = await session.client.get(name);
  if (invocation.flags.json) writeJson(stdout, view);
  else writeLine(stdout, operationText(view));
  return EXIT.OK;
}
