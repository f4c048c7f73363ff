import { parseArgs } from "node:util";
import { InvalidInputError } from "../client/errors";
import { gsUriShape } from "../client/start-inputs";

export const COMMANDS = ["list", "describe", "cancel", "watch", "delete", "export", "import", "bulk-delete"] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that start an operation, and the URI argument each takes (gcloud's name for it), if any. */
export const START_COMMANDS = {
  export: "OUTPUT_URI_PREFIX",
  import: "INPUT_URI_PREFIX",
  "bulk-delete": undefined,
} as const satisfies Partial<Record<Command, string | undefined>>;
export type StartCommand = keyof typeof START_COMMANDS;

export function isStartCommand(command: Command): command is StartCommand {
  return command in START_COMMANDS;
}

/** gcloud's `--format` values we print: the API's Operation resources (json, yaml), or our text (table). */
export const FORMATS = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Flags every command takes: where the API is, who we are, which database. */
export interface GlobalFlags {
  project?: string;
  database?: string;
  endpoint?: string;
  accessToken?: string;
  format: OutputFormat;
}

export interface Invocation {
  command: Command;
  /**
   * The positional arguments: operation NAMEs (one for describe, watch and delete, one or more for cancel, none
   * for list), or the URI of export and import.
   */
  names: string[];
  flags: GlobalFlags;
  all: boolean;
  filter?: string;
  /** list: at most this many operations in all (gcloud's --limit). */
  limit?: number;
  /** list: operations per API page (gcloud's --page-size). */
  pageSize?: number;
  wait: boolean;
  /** As typed; parsed by the command that waits, so the default differs per command. */
  timeout?: string;
  /** export, import, bulk-delete: as typed (comma-separated lists, a timestamp); checked by the command. */
  collectionIds?: string;
  namespaceIds?: string;
  snapshotTime?: string;
  /** export, import, bulk-delete: return once the operation is started. */
  async: boolean;
  /** bulk-delete: no confirmation prompt (gcloud's --quiet). */
  quiet: boolean;
}

export type ParsedArgs = { kind: "help" } | { kind: "version" } | { kind: "run"; invocation: Invocation };

const OPTIONS = {
  project: { type: "string" },
  database: { type: "string" },
  endpoint: { type: "string" },
  "access-token": { type: "string" },
  format: { type: "string" },
  json: { type: "boolean" },
  all: { type: "boolean" },
  filter: { type: "string" },
  limit: { type: "string" },
  "page-size": { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
  "collection-ids": { type: "string" },
  "namespace-ids": { type: "string" },
  "snapshot-time": { type: "string" },
  async: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Flags that only make sense for some commands; elsewhere they are a mistake worth pointing out. */
const COMMAND_FLAGS: Record<string, readonly Command[]> = {
  all: ["list"],
  filter: ["list"],
  limit: ["list"],
  "page-size": ["list"],
  wait: ["cancel"],
  timeout: ["cancel", "watch", "export", "import", "bulk-delete"],
  "collection-ids": ["export", "import", "bulk-delete"],
  "namespace-ids": ["export", "import", "bulk-delete"],
  "snapshot-time": ["export"],
  async: ["export", "import", "bulk-delete"],
  quiet: ["bulk-delete"],
};

/** Parses the command line; every problem is an InvalidInputError naming the flag (exit code 2). */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw parserError(error as Error & { code?: string });
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
  if (isStartCommand(command)) {
    const uri = START_COMMANDS[command];
    if (uri === undefined && rest.length > 0) {
      throw new InvalidInputError(
        command,
        `takes no argument, got ${rest.length}: name what to delete with --collection-ids or --namespace-ids`,
      );
    }
    if (uri !== undefined && rest.length !== 1) {
      throw new InvalidInputError(
        uri,
        rest.length === 0
          ? `is required: firestore-ops ${command} ${gsUriShape(command === "import")}`
          : `${command} takes one URI, got ${rest.length}`,
      );
    }
  } else if (command === "list") {
    if (rest.length > 0) throw new InvalidInputError("list", `takes no NAME, got ${rest.length} extra argument(s)`);
  } else if (rest.length === 0) {
    const names = command === "cancel" ? "NAME [NAME...]" : "NAME";
    throw new InvalidInputError("NAME", `is required: firestore-ops ${command} ${names}`);
  } else if (rest.length > 1 && command !== "cancel") {
    throw new InvalidInputError("NAME", `${command} takes one operation, got ${rest.length}`);
  }
  for (const key of [
    "project",
    "database",
    "endpoint",
    "access-token",
    "filter",
    "timeout",
    "collection-ids",
    "snapshot-time",
  ] as const) {
    if (values[key] === "") throw new InvalidInputError(`--${key}`, "must not be empty");
  }

  const flags: GlobalFlags = { format: outputFormat(values.format, values.json === true) };
  if (values.project !== undefined) flags.project = values.project;
  if (values.database !== undefined) flags.database = values.database;
  if (values.endpoint !== undefined) flags.endpoint = values.endpoint;
  if (values["access-token"] !== undefined) flags.accessToken = values["access-token"];
  const invocation: Invocation = {
    command,
    names: rest,
    flags,
    all: values.all === true,
    wait: values.wait === true,
    async: values.async === true,
    quiet: values.quiet === true,
  };
  if (values.filter !== undefined) invocation.filter = values.filter;
  if (values.timeout !== undefined) invocation.timeout = values.timeout;
  if (values["collection-ids"] !== undefined) invocation.collectionIds = values["collection-ids"];
  if (values["namespace-ids"] !== undefined) invocation.namespaceIds = values["namespace-ids"];
  if (values["snapshot-time"] !== undefined) invocation.snapshotTime = values["snapshot-time"];
  if (values.limit !== undefined) invocation.limit = positiveInteger("--limit", values.limit);
  if (values["page-size"] !== undefined) invocation.pageSize = positiveInteger("--page-size", values["page-size"]);
  return { kind: "run", invocation };
}

/** `--format`, with `--json` kept as the shorthand for `--format json` it was before --format existed. */
function outputFormat(format: string | undefined, json: boolean): OutputFormat {
  if (format === undefined) return json ? "json" : "table";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError("--format", `"${format}" is not one of ${FORMATS.join(", ")}`);
  }
  if (json && format !== "json") throw new InvalidInputError("--json", `contradicts --format ${format}`);
  return format as OutputFormat;
}

function positiveInteger(flag: string, text: string): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1)) throw new InvalidInputError(flag, `must be a whole number of at least 1, got "${text}"`);
  return value;
}

/** node:util's parser errors, in our words: the flag first, and no advice about `--` that does not apply. */
function parserError(error: Error & { code?: string }): InvalidInputError {
  const flag = /'(-[^'\s]*)/.exec(error.message)?.[1] ?? "command line";
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return new InvalidInputError(flag, "is not a flag of firestore-ops");
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/.test(error.message)
        ? new InvalidInputError(flag, "needs a value")
        : new InvalidInputError(flag, "takes no value");
    default:
      return new InvalidInputError("command line", error.message);
  }
}
