import { parseArgs } from "node:util";
import { InvalidInputError } from "../provider/errors";

export const COMMANDS = ["list", "describe", "cancel", "watch"] as const;
export type Command = (typeof COMMANDS)[number];

/** Flags every command takes: where the API is, who we are, which database. */
export interface GlobalFlags {
  project?: string;
  database?: string;
  endpoint?: string;
  accessToken?: string;
  json: boolean;
}

export interface Invocation {
  command: Command;
  /** The operation NAME of describe, cancel and watch. */
  name?: string;
  flags: GlobalFlags;
  all: boolean;
  filter?: string;
  wait: boolean;
  /** As typed; parsed by the command that waits, so the default differs per command. */
  timeout?: string;
}

export type ParsedArgs = { kind: "help" } | { kind: "version" } | { kind: "run"; invocation: Invocation };

const OPTIONS = {
  project: { type: "string" },
  database: { type: "string" },
  endpoint: { type: "string" },
  "access-token": { type: "string" },
  json: { type: "boolean" },
  all: { type: "boolean" },
  filter: { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Flags that only make sense for some commands; elsewhere they are a mistake worth pointing out. */
const COMMAND_FLAGS: Record<string, readonly Command[]> = {
  all: ["list"],
  filter: ["list"],
  wait: ["cancel"],
  timeout: ["cancel", "watch"],
};

/** Parses the command line; every problem is an InvalidInputError naming the flag (exit code 2). */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' own messages already name the flag ("Unknown option '--foo'").
    throw new InvalidInputError("command line", (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") return { kind: "help" };
  if (values.version) return { kind: "version" };

  const [commandText, ...rest] = positionals;
  if (commandText === undefined) throw new InvalidInputError("COMMAND", `is required: one of ${COMMANDS.join(", ")}`);
  if (!(COMMANDS as readonly string[]).includes(commandText)) {
    throw new InvalidInputError("COMMAND", `"${commandText}" is not one of ${COMMANDS.join(", ")}`);
  }
  const command = commandText as Command;
  for (const [flag, commands] of Object.entries(COMMAND_FLAGS)) {
    if (values[flag as keyof typeof values] !== undefined && !commands.includes(command)) {
      throw new InvalidInputError(`--${flag}`, `applies only to ${commands.join(" and ")}, not to ${command}`);
    }
  }
  if (command === "list") {
    if (rest.length > 0) throw new InvalidInputError("list", `takes no NAME, got ${rest.length} extra argument(s)`);
  } else {
    if (rest.length === 0) throw new InvalidInputError("NAME", `is required: firestore-ops ${command} NAME`);
    if (rest.length > 1) throw new InvalidInputError("NAME", `${command} takes one operation, got ${rest.length}`);
  }
  for (const key of ["project", "database", "endpoint", "access-token", "filter", "timeout"] as const) {
    if (values[key] === "") throw new InvalidInputError(`--${key}`, "must not be empty");
  }

  const flags: GlobalFlags = { json: values.json === true };
  if (values.project !== undefined) flags.project = values.project;
  if (values.database !== undefined) flags.database = values.database;
  if (values.endpoint !== undefined) flags.endpoint = values.endpoint;
  if (values["access-token"] !== undefined) flags.accessToken = values["access-token"];
  const invocation: Invocation = { command, flags, all: values.all === true, wait: values.wait === true };
  if (rest[0] !== undefined) invocation.name = rest[0];
  if (values.filter !== undefined) invocation.filter = values.filter;
  if (values.timeout !== undefined) invocation.timeout = values.timeout;
  return { kind: "run", invocation };
}
