/**
 * The real Pulumi CLI for tests, benchmarks and scripts.
 *
 * Locates the tools built by scripts/install-pulumi.sh (it never builds them: that takes minutes, and a test
 * that needs the CLI must fail loudly rather than skip or stall), gives the same offline environment as
 * scripts/pulumi-env.sh, and runs `pulumi` without a shell.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { collectOutput } from "./child-output";
import { killProcessesIn } from "./orphans";
import { repoRoot } from "./repo";
import { readStackState, setStackConfig } from "./stack-files";

export const INSTALL_HINT = "run `bash scripts/install-pulumi.sh` (after `npm ci`)";

/** The passphrase of the local secrets provider when none is set; for throwaway dev and test stacks only. */
export const DEV_PASSPHRASE = "pulumi-firestore-operations-dev";

const TOOLS = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"] as const;

/** The pinned CLI version, read from scripts/install-pulumi.sh so that it is written down once. */
export function pinnedPulumiVersion(): string {
  const script = fs.readFileSync(path.join(repoRoot(), "scripts", "install-pulumi.sh"), "utf8");
  const version = /^PULUMI_VERSION=(\S+)$/m.exec(script)?.[1];
  if (version === undefined) throw new Error("PULUMI_VERSION not found in scripts/install-pulumi.sh");
  return version;
}

/**
 * The folder with `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`: $PULUMI_BIN_DIR, or
 * the install script's cache, `${PULUMI_TOOLS_HOME:-~/.cache/pulumi-firestore-operations}/pulumi-<version>/bin`.
 * Throws, with the install command, when a tool is missing.
 */
export function pulumiBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const toolsHome =
    env.PULUMI_TOOLS_HOME || path.join(env.HOME || os.homedir(), ".cache", "pulumi-firestore-operations");
  const dir = env.PULUMI_BIN_DIR || path.join(toolsHome, `pulumi-${pinnedPulumiVersion()}`, "bin");
  const missing = TOOLS.filter((tool) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK); // follows the dynamic provider's symlink too
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`The Pulumi CLI is not installed (${missing.join(", ")} missing in ${dir}): ${INSTALL_HINT}`);
  }
  return dir;
}

/**
 * The offline environment of scripts/pulumi-env.sh, on top of `base`: our tools first on PATH (the engine finds
 * the language host and the dynamic provider script there), a file backend and PULUMI_HOME inside `stateDir`
 * (created), and every switch that keeps the CLI off the network. Keep in sync with scripts/pulumi-env.sh.
 */
export function pulumiEnv(stateDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const binDir = pulumiBinDir(base);
  fs.mkdirSync(stateDir, { recursive: true });
  const state = fs.realpathSync(stateDir);
  const home = path.join(state, "home"); // not <state>/.pulumi: the file backend writes there
  fs.mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: base.PATH ? `${binDir}${path.delimiter}${base.PATH}` : binDir,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DISABLE_CI_DETECTION: "true",
  };
  if (!base.PULUMI_CONFIG_PASSPHRASE && !base.PULUMI_CONFIG_PASSPHRASE_FILE) {
    env.PULUMI_CONFIG_PASSPHRASE = DEV_PASSPHRASE;
  }
  delete env.PULUMI_IGNORE_AMBIENT_PLUGINS; // would hide our tools from the engine
  return env;
}

export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunPulumiOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Default 5 minutes; then pulumi gets SIGINT (it cancels cleanly), SIGKILL 10 s later, and the promise rejects. */
  timeoutMs?: number | undefined;
}

/** A pulumi run in flight: its process and its result. */
export interface RunningPulumi {
  /**
   * The CLI's process: a test can signal the CLI alone, as a terminal's Ctrl-C does (the engine starts its plugins in
   * process groups of their own).
   */
  child: ChildProcess;
  /** Its exit code and output; a non-zero exit code is returned, not thrown. */
  result: Promise<PulumiResult>;
}

/**
 * Starts the installed `pulumi` (no shell) in a process group of its own, so that stopping it also stops the
 * plugins it started, and collects its output.
 */
export function startPulumi(args: string[], opts: RunPulumiOptions): RunningPulumi {
  const bin = path.join(pulumiBinDir(opts.env), "pulumi");
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onParentExit = () => signalGroup("SIGKILL"); // don't leave pulumi behind if the test process dies
  process.once("exit", onParentExit);
  const output = collectOutput(child);
  const result = new Promise<PulumiResult>((resolve, reject) => {
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup("SIGINT");
      killTimer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      process.removeListener("exit", onParentExit);
    };
    child.on("error", (err) => {
      done();
      reject(err);
    });
    child.on("close", (code, signal) => {
      done();
      const { stdout, stderr } = output;
      if (timedOut) reject(new Error(`pulumi ${args.join(" ")} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
      else resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
    });
  });
  return { child, result };
}

/** Runs the installed `pulumi` (no shell) and collects its output; a non-zero exit code is returned, not thrown. */
export function runPulumi(args: string[], opts: RunPulumiOptions): Promise<PulumiResult> {
  return startPulumi(args, opts).result;
}

export interface TempStackOptions {
  /** Folder copied as the Pulumi program (Pulumi.yaml, index.ts, ...). */
  fixtureDir: string;
  stackName?: string;
  /** Extra node_modules entries: package name -> folder (absolute, or relative to the copied program). */
  links?: Record<string, string>;
  /** Extra environment for every pulumi run of the stack (on top of pulumiEnv). */
  env?: NodeJS.ProcessEnv;
  /**
   * Runs a TypeScript program as JavaScript: its .ts files are transpiled (not type-checked) once, as they are
   * copied, so that no run of the program loads ts-node and the TypeScript compiler. For tests whose subject is
   * not the program's language; users' TypeScript path stays tested by the examples, user projects and CLI smoke
   * test.
   */
  compileTypeScript?: boolean;
}

export interface TempStack {
  /** The program folder: the copy of the fixture, with node_modules. */
  programDir: string;
  stateDir: string;
  stackName: string;
  env: NodeJS.ProcessEnv;
  /** Runs pulumi in the program folder with the stack's environment. */
  pulumi(args: string[], timeoutMs?: number): Promise<PulumiResult>;
  /** Sets plaintext stack config (`undefined` removes a key) in the stack's config file: no CLI run (stack-files.ts). */
  setConfig(values: Record<string, string | undefined>): void;
  /** The state as `pulumi stack export` prints it, read from the state file (no CLI run; see stack-files.ts). */
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  readState(): any;
  /** Deletes the temporary folder (program and state), after killing what still runs in it (see killProcessesIn). */
  remove(): void;
}

/**
 * Copies a fixture program to a temporary folder, gives it a state folder of its own and runs `pulumi stack init`.
 *
 * The program's node_modules holds symlinks to the repo's installed packages rather than relying on NODE_PATH:
 * TypeScript (ts-node) ignores NODE_PATH when type-checking `import "@pulumi/pulumi"`, and the language host and
 * the dynamic provider script resolve @pulumi/pulumi from the program folder. Node follows the links to their real
 * paths, so the program, its libraries and the dynamic provider share the repo's single copy of @pulumi/pulumi
 * (the SDK keeps process-wide state, so two copies would not work together).
 */
export async function createTempStack(opts: TempStackOptions): Promise<TempStack> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-stack-"));
  try {
    const programDir = path.join(root, "program");
    fs.cpSync(opts.fixtureDir, programDir, { recursive: true });
    if (opts.compileTypeScript) await compileProgram(programDir);
    const repoModules = path.join(repoRoot(), "node_modules");
    const links: Record<string, string> = {
      "@pulumi/pulumi": path.join(repoModules, "@pulumi", "pulumi"),
      "@types/node": path.join(repoModules, "@types", "node"),
      ...opts.links,
    };
    for (const [name, target] of Object.entries(links)) {
      const link = path.join(programDir, "node_modules", name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.resolve(programDir, target), link, "dir");
    }
    const stateDir = path.join(root, "state");
    // The provider's start journal lives with the stack under test, not in the user's home.
    const env = {
      ...pulumiEnv(stateDir),
      FIRESTORE_OPS_STATE_DIR: path.join(root, "firestore-ops-state"),
      ...opts.env,
    };
    const stackName = opts.stackName ?? "test";
    const pulumi = (args: string[], timeoutMs?: number) =>
      runPulumi(args, timeoutMs === undefined ? { cwd: programDir, env } : { cwd: programDir, env, timeoutMs });
    const init = await pulumi(["stack", "init", stackName, "--non-interactive"]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
    return {
      programDir,
      stateDir,
      stackName,
      env,
      pulumi,
      setConfig: (values) => setStackConfig(programDir, stackName, values),
      readState: () => readStackState(stateDir, programDir, stackName),
      remove: () => {
        killProcessesIn(programDir);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Turns the TypeScript program in `dir` into JavaScript in place: each top-level .ts file (not .d.ts) becomes
 * .js, transpiled with the program's tsconfig.json compiler options; package.json's main and Pulumi.yaml's
 * `typescript` option follow.
 */
async function compileProgram(dir: string): Promise<void> {
  const ts = await import("typescript"); // loaded only by the processes that compile
  const tsconfigFile = path.join(dir, "tsconfig.json");
  const tsconfig = fs.existsSync(tsconfigFile) ? ts.readConfigFile(tsconfigFile, ts.sys.readFile) : undefined;
  if (tsconfig?.error)
    throw new Error(`${tsconfigFile}: ${ts.flattenDiagnosticMessageText(tsconfig.error.messageText, "\n")}`);
  const { options, errors } = ts.convertCompilerOptionsFromJson(tsconfig?.config?.compilerOptions ?? {}, dir);
  if (errors.length > 0) throw new Error(`${tsconfigFile}: ${errors.map((e) => e.messageText).join("; ")}`);
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
    const source = path.join(dir, file);
    const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
      compilerOptions: options,
      fileName: file,
    });
    fs.writeFileSync(`${source.slice(0, -".ts".length)}.js`, outputText);
    fs.rmSync(source);
  }
  const manifestFile = path.join(dir, "package.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { main?: string };
  if (manifest.main?.endsWith(".ts")) manifest.main = `${manifest.main.slice(0, -".ts".length)}.js`;
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const projectFile = path.join(dir, "Pulumi.yaml");
  const project = parseDocument(fs.readFileSync(projectFile, "utf8"));
  const runtime = project.get("runtime");
  if (typeof runtime === "string") project.set("runtime", { name: runtime, options: { typescript: false } });
  else project.setIn(["runtime", "options", "typescript"], false);
  fs.writeFileSync(projectFile, project.toString());
}

/** The summary's counts of planned or made changes in a command's output: none but "unchanged" when none is due. */
export function plannedChanges(result: PulumiResult): string[] {
  return [
    ...result.stdout.matchAll(/(\d+) (to create|created|to update|updated|to replace|replaced|to delete|deleted)/g),
  ].map((m) => m[0]);
}
