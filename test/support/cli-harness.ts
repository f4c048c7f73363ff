import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEV_TOKEN } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";
import { DB, type TestEmulator, waitFor } from "./emulator-client";
import { repoRoot } from "./repo";

const CLI = path.join(repoRoot(), "dist/cli/main.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to a clean environment (no GOOGLE_* or FIRESTORE_* from the machine running the tests). */
  env?: Record<string, string>;
  /** Called once the process is running, e.g. to send it a signal. */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/** A home without gcloud config, so Application Default Credentials of the machine never leak in. */
const EMPTY_HOME = fs.mkdtempSync(path.join(os.tmpdir(), "firestore-ops-cli-home-"));
process.on("exit", () => fs.rmSync(EMPTY_HOME, { recursive: true, force: true }));

/**
 * Runs the real bin, `node dist/cli/main.js`, as a user would. Every run also checks that no access token
 * it was given shows up in its output.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME, CLOUDSDK_CONFIG: EMPTY_HOME, ...options.env };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  options.onSpawn?.(child);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const result = await new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`firestore-ops ${args.join(" ")} still running after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  const tokens: string[] = [];
  const flag = args.indexOf("--access-token");
  if (flag >= 0 && args[flag + 1]) tokens.push(args[flag + 1] as string);
  if (options.env?.GOOGLE_OAUTH_ACCESS_TOKEN) tokens.push(options.env.GOOGLE_OAUTH_ACCESS_TOKEN);
  for (const token of tokens) {
    assert.ok(!`${result.stdout}${result.stderr}`.includes(token), `the access token was printed:\n${result.stderr}`);
  }
  return result;
}

/**
 * Runs the CLI and, once `ready` holds (the emulator has seen what the test waits for, however long the CLI
 * took to get there on a busy machine), calls `then`; fails if the CLI ends first. Resolves with the CLI's run.
 */
export async function runCliUntil(
  args: string[],
  ready: () => Promise<boolean>,
  then: () => unknown,
  options: CliOptions = {},
): Promise<CliResult> {
  const cli = runCli(args, options);
  const endedFirst = cli.then((r) =>
    assert.fail(`firestore-ops ended (${r.code}) before the test's moment came:\n${r.stderr}`),
  );
  await Promise.race([waitFor(ready, (yes) => yes, 60_000), endedFirst]);
  await then();
  return cli;
}

/** Flags that point the CLI at the emulator with the dev token (for emulators started with auth "oauth"). */
export function target(emu: TestEmulator): string[] {
  return ["--endpoint", emu.url, "--access-token", DEV_TOKEN, "--project", "demo-project"];
}

const AUTH = { authorization: `Bearer ${DEV_TOKEN}` };

/** Starts an export through the admin API; returns its full name. */
export async function startExport(emu: TestEmulator, prefix: string, database = DB): Promise<string> {
  const reply = await emu.call("POST", `/v1/${database}:exportDocuments`, { outputUriPrefix: prefix }, AUTH);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name as string;
}

/** The operation's JSON as the API returns it. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire; tests assert on its shape.
export async function operation(emu: TestEmulator, name: string): Promise<any> {
  return (await emu.call("GET", `/v1/${name}`, undefined, AUTH)).json;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
export async function untilDone(emu: TestEmulator, name: string): Promise<any> {
  return waitFor(
    () => operation(emu, name),
    (op) => op.done === true,
  );
}

export async function setBehaviour(emu: TestEmulator, patch: Record<string, unknown>): Promise<void> {
  const reply = await emu.control("PATCH", "behaviour", patch);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
}

/** Admin API requests the emulator saw (control calls are not logged). */
export async function adminRequests(emu: TestEmulator): Promise<RequestLogEntry[]> {
  return (await emu.control("GET", "requests")).json.requests;
}

export { shortOperationId } from "../../client/names";
