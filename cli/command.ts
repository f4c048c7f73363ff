import type { Invocation } from "./args";
import type { PromptInput } from "./confirm";
import type { ExitCode } from "./exit-codes";
import type { ProgressStream } from "./progress-printer";
import type { Session } from "./session";

/** What a command gets to work with; it returns the exit code and throws only for errors. */
export interface CommandContext {
  invocation: Invocation;
  session: Session;
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** Where a confirmation is read from (bulk-delete), when a command asks one. */
  stdin?: PromptInput;
}

export type CommandHandler = (context: CommandContext) => Promise<ExitCode>;

export function writeLine(stream: ProgressStream, text: string): void {
  stream.write(`${text}\n`);
}
