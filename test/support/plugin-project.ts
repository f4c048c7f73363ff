/**
 * A project in plugin mode, the way a user makes one: a folder outside the repository, the packed package
 * installed from its tarball (packed-package.ts), stack config in the plugin's own namespace (`firestore-operations:*`)
 * pointing at an emulator, and the plugin shown to the engine in one of the three ways users install it
 * (docs/plugin-install.md). Pulumi runs with the repo's offline environment (pulumi-cli.ts). Used by the YAML,
 * TypeScript, Python and Go plugin-mode tests; Automation API programs take `dir`, `env` and `stackName` from it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { writeEmulatorCredentials } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";
import { PLUGIN_NAME } from "../../plugin/config-keys";
import { type EmulatorApi, emulatorApi } from "./emulator-client";
import { type EmulatorProcess, spawnEmulator } from "./emulator-process";
import { killProcessesIn } from "./orphans";
import { packedTarball } from "./packed-package";
import { type PulumiResult, pulumiBinDir, pulumiEnv, type RunningPulumi, startPulumi } from "./pulumi-cli";
import { repoRoot } from "./repo";
import { readStackState, setStackConfig } from "./stack-files";
import { type CommandResult, runCommand } from "./user-project";

export { PLUGIN_NAME };
/** The executable the engine runs for the plugin. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;
/** The npm package the plugin ships in, and its version: the plugin's. */
const { name: PACKAGE_NAME, version: PACKAGE_VERSION } = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"),
) as { name: string; version: string };

/**
 * How the engine finds the plugin:
 * - `npm-global`: `npm install -g` of the tarball (a prefix in the temporary folder), its bin folder on PATH;
 * - `project-path`: `plugins.providers[{name, path: node_modules/<package>}]` in Pulumi.yaml, the package installed
 *   in the project;
 * - `plugin-install`: `pulumi plugin install resource <name> <version> --file <folder>` into the project's own
 *   PULUMI_HOME, the folder being a global-style install of the package (its dependencies nested in it).
 */
export type PluginInstallMode = "npm-global" | "project-path" | "plugin-install";
export const PLUGIN_INSTALL_MODES: readonly PluginInstallMode[] = ["npm-global", "project-path", "plugin-install"];

export interface PluginProjectOptions {
  install: PluginInstallMode;
  /**
   * Pulumi.yaml as an object (name, runtime, and a YAML program's `resources`); the harness adds the
   * `plugins.providers` entry in `project-path` mode.
   */
  project: Record<string, unknown>;
  /** Other files of the program (relative path -> text). */
  files?: Record<string, string>;
  /**
   * npm dependencies of the project besides the package (a TypeScript program's @pulumi/pulumi). When given, or in
   * `project-path` mode, the project gets a package.json naming the tarball and is installed with `npm install`.
   */
  dependencies?: Record<string, string>;
  stackName?: string;
  /** An emulator shared with other projects; else one of the project's own is started with `emulatorArgs`. */
  emulator?: EmulatorProcess;
  /** Flags for the project's own emulator (always `--auth oauth`, as the credentials written need). */
  emulatorArgs?: string[];
  /** Extra environment for every pulumi run (on top of the offline one). */
  env?: NodeJS.ProcessEnv;
}

/** One entry of the emulator's request log. */
export type LoggedRequest = RequestLogEntry;

export interface PluginProject extends EmulatorApi {
  install: PluginInstallMode;
  /** The program folder (Pulumi.yaml, Pulumi.<stack>.yaml; node_modules when the package is installed in it). */
  dir: string;
  stackName: string;
  /** The offline Pulumi environment, with the plugin reachable as `install` says and nothing else named like it. */
  env: NodeJS.ProcessEnv;
  emulator: EmulatorProcess;
  /** The executable the engine must launch for the plugin in this mode (the path it resolves, before symlinks). */
  pluginExecutable: string;
  /** The package's version: the plugin's. */
  version: string;
  /** Rewrites Pulumi.yaml (as `project` in the options; the providers entry is kept in `project-path` mode). */
  writeProject(project: Record<string, unknown>): void;
  /** Sets plaintext stack config (`undefined` removes a key); a key without a namespace is the plugin's. */
  setConfig(values: Record<string, string | undefined>): void;
  /** Runs pulumi in the project; fails with its whole output unless the exit code is `expectCode` (default 0). */
  pulumi(args: string[], opts?: { expectCode?: number; timeoutMs?: number }): Promise<PulumiResult>;
  /** Starts pulumi and returns at once: for tests that signal the CLI mid-run (`child.kill("SIGINT")`). */
  startPulumi(args: string[]): RunningPulumi;
  /** The state as `pulumi stack export` prints it, read from the state file. */
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  readState(): any;
  /** Kills what still runs in the project, removes its folders, and stops its own emulator. */
  dispose(): Promise<void>;
}

/** The stack config every plugin project starts with: the emulator's project, endpoint and credentials file. */
export function emulatorConfig(emulatorUrl: string, credentialsFile: string): Record<string, string> {
  return {
    [`${PLUGIN_NAME}:project`]: "demo-project",
    [`${PLUGIN_NAME}:endpoint`]: `${emulatorUrl}/v1/`,
    [`${PLUGIN_NAME}:credentials`]: credentialsFile,
  };
}

/** The resources of one type in a state (`firestore-operations:index:<typeName>`). */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
export function pluginResources(state: any, typeName: string): any[] {
  return (state.deployment?.resources ?? []).filter(
    (r: { type: string }) => r.type === `${PLUGIN_NAME}:index:${typeName}`,
  );
}

/**
 * Where the engine launched the plugin from, read from its own log (`pulumi ... --logtostderr -v=9` prints
 * "Launching plugin '<name> (resource)' from '<path>'" for each plugin it starts): every path, in order.
 */
export function pluginLaunches(stderr: string): string[] {
  const pattern = new RegExp(`Launching plugin '${PLUGIN_NAME}(?: \\(resource\\))?' from '([^']+)'`, "g");
  return [...stderr.matchAll(pattern)].map((match) => match[1] as string);
}

/** The flags that make the engine log the plugins it launches (read with pluginLaunches). */
export const LOG_PLUGIN_LAUNCHES = ["--logtostderr", "-v=9"];

let globalInstall: Promise<string> | undefined;

/**
 * `npm install -g --prefix <dir> <tarball>`, once per test process (projects only read it): the prefix. A global
 * install nests the package's dependencies inside its folder, which is what makes that folder a plugin on its own.
 */
function installGlobally(env: NodeJS.ProcessEnv): Promise<string> {
  globalInstall ??= (async () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "npm-global-"));
    process.once("exit", () => fs.rmSync(prefix, { recursive: true, force: true }));
    const args = ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline"];
    const result = await runCommand("npm", [...args, packedTarball()], prefix, env);
    if (result.code !== 0)
      throw new Error(`npm install -g failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return prefix;
  })();
  return globalInstall;
}

/** The folder of the globally installed package under a prefix (npm's layout on POSIX systems). */
export function globalPackageDir(prefix: string): string {
  return path.join(prefix, "lib", "node_modules", PACKAGE_NAME);
}

/** The arguments of `pulumi` that install the plugin from a folder into the plugin cache. */
export function pluginInstallArgs(version: string, folder: string): string[] {
  return ["plugin", "install", "resource", PLUGIN_NAME, version, "--file", folder];
}

/** The `plugins.providers` entry of a project with the package in its node_modules (a path relative to Pulumi.yaml). */
export function projectPluginEntry(): { name: string; path: string } {
  return { name: PLUGIN_NAME, path: `node_modules/${PACKAGE_NAME}` };
}

/**
 * PATH without any folder that holds the plugin's executable: a plugin on PATH wins over the plugin cache, so a
 * stray one (a developer's own `npm install -g`) would decide what a test runs.
 */
function pathWithoutPlugin(pathValue: string | undefined): string {
  return (pathValue ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, PLUGIN_EXECUTABLE)))
    .join(path.delimiter);
}

function check(result: CommandResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

export async function createPluginProject(opts: PluginProjectOptions): Promise<PluginProject> {
  const pulumiBin = path.join(pulumiBinDir(), "pulumi");
  const yamlHost = path.join(path.dirname(pulumiBin), "pulumi-language-yaml");
  if (opts.project.runtime === "yaml" && !fs.existsSync(yamlHost)) {
    throw new Error(`${yamlHost} is missing: run \`bash scripts/setup.sh\` (it runs scripts/install-yaml-host.sh)`);
  }
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "plugin-project-")));
  if (root.startsWith(`${fs.realpathSync(repoRoot())}${path.sep}`)) {
    throw new Error(`the temporary folder ${root} is inside the repository`);
  }
  const dir = path.join(root, "project");
  const stackName = opts.stackName ?? "test";
  const ownEmulator = opts.emulator === undefined;
  let emulator: EmulatorProcess | undefined = opts.emulator;
  try {
    emulator ??= await spawnEmulator(["--auth", "oauth", ...(opts.emulatorArgs ?? [])]);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }

    // npm and the plugin (`#!/usr/bin/env node`) run on the Node of this test process; `npm test`'s own npm_*
    // settings describe the repo, not this project.
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(base)) if (key.startsWith("npm_")) delete base[key];
    base.PATH = [path.dirname(process.execPath), pathWithoutPlugin(base.PATH)].join(path.delimiter);

    const version = PACKAGE_VERSION;
    const installInProject = opts.install === "project-path" || opts.dependencies !== undefined;
    if (installInProject) {
      const manifest = {
        name: "plugin-project",
        private: true,
        dependencies: { ...opts.dependencies, [PACKAGE_NAME]: `file:${packedTarball()}` },
      };
      fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      check(
        await runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], dir, base),
        "npm install",
      );
    }

    let pluginExecutable: string;
    const prefix = opts.install === "project-path" ? undefined : await installGlobally(base);
    if (opts.install === "npm-global") {
      const bin = path.join(prefix as string, "bin");
      base.PATH = `${bin}${path.delimiter}${base.PATH}`;
      pluginExecutable = path.join(bin, PLUGIN_EXECUTABLE);
    } else if (opts.install === "project-path") {
      pluginExecutable = path.join(dir, "node_modules", PACKAGE_NAME, PLUGIN_EXECUTABLE);
    } else {
      pluginExecutable = ""; // set below, inside the project's PULUMI_HOME
    }

    const env: NodeJS.ProcessEnv = {
      ...pulumiEnv(path.join(root, "state"), base),
      // The plugin's start journal lives with the project, not in the user's home.
      FIRESTORE_OPS_STATE_DIR: path.join(root, "firestore-ops-state"),
      ...opts.env,
    };
    const run = (args: string[], timeoutMs?: number) => startPulumi(args, { cwd: dir, env, timeoutMs });
    const pulumi = async (args: string[], runOpts: { expectCode?: number; timeoutMs?: number } = {}) => {
      const result = await run(args, runOpts.timeoutMs).result;
      const expectCode = runOpts.expectCode ?? 0;
      if (result.code !== expectCode) {
        throw new Error(
          `pulumi ${args.join(" ")} exited ${result.code}, expected ${expectCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
        );
      }
      return result;
    };

    if (opts.install === "plugin-install") {
      await pulumi(pluginInstallArgs(version, globalPackageDir(prefix as string)));
      pluginExecutable = path.join(
        env.PULUMI_HOME as string,
        "plugins",
        `resource-${PLUGIN_NAME}-v${version}`,
        PLUGIN_EXECUTABLE,
      );
      if (!fs.existsSync(pluginExecutable)) throw new Error(`pulumi plugin install left no ${pluginExecutable}`);
    }

    const writeProject = (project: Record<string, unknown>) => {
      const withPlugin =
        opts.install === "project-path"
          ? {
              ...project,
              plugins: { providers: [projectPluginEntry()] },
            }
          : project;
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(withPlugin));
    };
    writeProject(opts.project);

    const credentials = await writeEmulatorCredentials(emulator.url, path.join(root, "credentials"));
    const setConfig = (values: Record<string, string | undefined>) =>
      setStackConfig(
        dir,
        stackName,
        Object.fromEntries(
          Object.entries(values).map(([key, value]) => [key.includes(":") ? key : `${PLUGIN_NAME}:${key}`, value]),
        ),
      );
    setConfig(emulatorConfig(emulator.url, credentials.externalAccountFile));
    await pulumi(["stack", "init", stackName, "--non-interactive"]);

    const running = emulator;
    return {
      install: opts.install,
      dir,
      stackName,
      env,
      emulator: running,
      pluginExecutable,
      version,
      writeProject,
      setConfig,
      pulumi,
      startPulumi: (args) => run(args),
      readState: () => readStackState(path.join(root, "state"), dir, stackName),
      ...emulatorApi(running),
      dispose: async () => {
        killProcessesIn(dir);
        fs.rmSync(root, { recursive: true, force: true });
        if (ownEmulator) await running.kill();
      },
    };
  } catch (error) {
    killProcessesIn(dir);
    fs.rmSync(root, { recursive: true, force: true });
    if (ownEmulator) await emulator?.kill();
    throw error;
  }
}
