#!/usr/bin/env node
import * as fs from "node:fs";
import * as path from "node:path";
import { inTermsOf } from "../client/setting-error";
import { type Command, parseCommandLine } from "./args";
import type { CommandHandler } from "./command";
import { bulkDeleteCommand } from "./commands/bulk-delete";
import { cancelCommand } from "./commands/cancel";
import { deleteCommand } from "./commands/delete";
import { describeCommand } from "./commands/describe";
import { exportCommand } from "./commands/export";
import { importCommand } from "./commands/import";
import { listCommand } from "./commands/list";
import { watchCommand } from "./commands/watch";
import type { PromptInput } from "./confirm";
import { EXIT, type ExitCode } from "./exit-codes";
import type { ProgressStream } from "./progress-printer";
import { commandRedactor, redactedStream } from "./redacted-output";
import { reportError } from "./report-error";
import { openSession, type Session } from "./session";
import { cliSettingName } from "./setting-names";
import { USAGE } from "./usage";

const HANDLERS: Record<Command, CommandHandler> = {
  list: listCommand,
  describe: describeCommand,
  cancel: cancelCommand,
  watch: watchCommand,
  delete: deleteCommand,
  export: exportCommand,
  import: importCommand,
  "bulk-delete": bulkDeleteCommand,
};

/** The whole command: parse, check every input (exit 2 before any request), run, and map errors to codes. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  rawStdout: ProgressStream,
  rawStderr: ProgressStream,
  stdin?: PromptInput,
): Promise<ExitCode> {
  let settingName = cliSettingName({ format: "table" }, env);
  let redactor = commandRedactor(env);
  const stdout = redactedStream(rawStdout, () => redactor);
  const stderr = redactedStream(rawStderr, () => redactor);
  let session: Session | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === "help") {
      stdout.write(USAGE);
      return EXIT.OK;
    }
    if (parsed.kind === "version") {
      stdout.write(`${packageVersion()}\n`);
      return EXIT.OK;
    }
    const { invocation } = parsed;
    settingName = cliSettingName(invocation.flags, env);
    redactor = commandRedactor(env, invocation.flags);
    session = openSession(invocation.flags, env, stderr);
    return await HANDLERS[invocation.command]({
      invocation,
      session,
      stdout,
      stderr,
      ...(stdin ? { stdin } : {}),
    });
  } catch (error) {
    return reportError(inTermsOf(error, settingName), stderr, session);
  }
}

function packageVersion(): string {
  // dist/cli/main.js → the package root; read at run time so the compiled output stays inside dist/.
  const file = path.join(__dirname, "..", "..", "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

if (require.main === module) {
  // `firestore-ops list | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT.OK);
    throw error;
  });
  main(process.argv.slice(2), process.env, process.stdout, process.stderr, process.stdin).then((code) => {
    process.exitCode = code;
  });
}
