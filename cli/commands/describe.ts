import { type CommandContext, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { operationText } from "../operation-text";
import { writeResources } from "../resource-output";
import { targetOperation } from "../targets";

/** `describe NAME`: one operation, as text or as the API's Operation resource (`--format json|yaml`). */
export async function describeCommand({ invocation, session, stdout }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.names[0] as string, invocation.flags, session.settings.project);
  const { json, view } = await session.client.getWithJson(name);
  const { format } = invocation.flags;
  if (format === "table") writeLine(stdout, operationText(view));
  else writeResources(stdout, format, [json], false);
  return EXIT.OK;
}
