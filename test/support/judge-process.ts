import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { promisify } from "node:util";
import { repoRoot } from "./repo";

/** Where scripts/install-judges.sh put the judges (it builds them first when the cache lacks them). */
export interface JudgeTools {
  python: string;
  goJudge: string;
}

/** A cold install downloads from PyPI and the Go module proxy and compiles: minutes on a busy machine. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

let installed: Promise<JudgeTools> | undefined;

/** Runs scripts/install-judges.sh once per test process (it builds nothing when the cache holds both judges). */
export function installJudges(): Promise<JudgeTools> {
  installed ??= runInstallScript();
  return installed;
}

async function runInstallScript(): Promise<JudgeTools> {
  const { stdout } = await promisify(execFile)("bash", [path.join(repoRoot(), "scripts/install-judges.sh")], {
    timeout: INSTALL_TIMEOUT_MS,
  });
  const printed = new Map(
    stdout
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
  const python = printed.get("PYTHON_JUDGE_PYTHON");
  const goJudge = printed.get("GO_JUDGE_BIN");
  if (!python || !goJudge) throw new Error(`scripts/install-judges.sh printed no tool paths:\n${stdout}`);
  return { python, goJudge };
}

/** A case for the judge: its name and the request fields (the judges' own names, e.g. `outputUriPrefix`). */
export interface JudgeCase {
  case: string;
  [field: string]: unknown;
}

/** What the client raised, as the judge describes it (each judge adds its own language's fields). */
export interface JudgeError {
  type: string;
  message: string;
  grpcCode?: number | null;
  httpCode?: number;
  status?: string | null;
  reason?: string | null;
  classes?: string[];
  fieldViolations?: { field: string; description: string }[];
}

/** One answer line: what the client returned, or what it raised. */
export interface JudgeAnswer {
  case: string;
  // biome-ignore lint/suspicious/noExplicitAny: the client's answer as JSON; tests assert on its shape.
  result?: any;
  error?: JudgeError;
}

/** A judge program in a process of its own, answering one case per line. */
export interface JudgeProcess {
  ask(request: JudgeCase): Promise<JudgeAnswer>;
  /** What it printed on stderr, for failure messages. */
  stderr(): string;
  close(): Promise<void>;
}

/** How long the test waits for one answer; the judge's own deadline for a call is shorter (30 s). */
const ANSWER_TIMEOUT_MS = 90_000;

/** How long a judge may take to end once its input ended (a call still running is cut short by a kill). */
const CLOSE_TIMEOUT_MS = 10_000;

export function spawnJudge(command: string, args: string[]): JudgeProcess {
  const child: ChildProcessWithoutNullStreams = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  const early: string[] = [];
  let ended: Error | undefined;
  lines.on("line", (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else early.push(line);
  });
  child.once("exit", (code, signal) => {
    ended = new Error(`${path.basename(command)} exited (${code ?? signal}); stderr:\n${stderr}`);
    for (const next of waiting.splice(0)) next.reject(ended);
  });
  const nextLine = (): Promise<string> => {
    const line = early.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  return {
    ask: async (request) => {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer to ${request.case} in ${ANSWER_TIMEOUT_MS} ms; stderr:\n${stderr}`)),
          ANSWER_TIMEOUT_MS,
        );
      });
      try {
        const answer = JSON.parse(await Promise.race([nextLine(), timeout])) as JudgeAnswer;
        if (answer.case !== request.case) throw new Error(`asked ${request.case}, answered ${answer.case}`);
        return answer;
      } finally {
        clearTimeout(timer);
      }
    },
    stderr: () => stderr,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), CLOSE_TIMEOUT_MS);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin.end(); // the judge ends at the end of its input
      }),
  };
}
