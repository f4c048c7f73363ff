/**
 * A project the way a user makes one: a folder outside the repository whose package.json names the packed
 * tarball and its own @pulumi/pulumi, installed by `npm install` from the registry. Nothing is linked to the
 * repo, so what runs is what `npm install pulumi-firestore-operations` gives.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectOutput } from "./child-output";
import { packedTarball } from "./packed-package";
import { type PulumiResult, pulumiEnv, runPulumi } from "./pulumi-cli";
import { repoRoot } from "./repo";

/** The oldest @pulumi/pulumi the package is tested with (the lower bound of its dependency range). */
export const OLDEST_TESTED_SDK = "3.200.0";

/**
 * The @pulumi/pulumi that user projects get in this run: FIRESTORE_OPS_TEST_PULUMI_SDK when set (the Node 22
 * leg of scripts/test.sh sets the newest), else `fallback`.
 */
export function sdkUnderTest(fallback: string): string {
  return process.env.FIRESTORE_OPS_TEST_PULUMI_SDK || fallback;
}

/** The version the repo itself develops with (from the lock file, as installed by `npm ci`). */
export function devSdkVersion(): string {
  return installedVersion(repoRoot(), "@pulumi/pulumi");
}

export function installedVersion(dir: string, name: string): string {
  const file = path.join(dir, "node_modules", name, "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

export interface UserProjectOptions {
  /** Files to write (relative path -> text); package.json is written from `dependencies`. */
  files?: Record<string, string>;
  /** A folder to copy first (an example); its package.json is kept, with `dependencies` put over it. */
  copyFrom?: string;
  /** Dependencies besides the tarball: name -> version range. */
  dependencies?: Record<string, string>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface UserProject {
  dir: string;
  /** A second folder outside the project, for commands that must work from elsewhere. */
  elsewhere: string;
  /** The offline Pulumi environment with its state inside the project's temporary root, and this Node first. */
  env: NodeJS.ProcessEnv;
  npm(args: string[]): CommandResult;
  /** Runs the real Pulumi CLI in the project folder; fails with its whole output unless it exits 0. */
  pulumi(args: string[]): Promise<PulumiResult>;
  /** Every folder holding a copy of `name` under the project's node_modules, found on disk. */
  copiesOf(name: string): string[];
  remove(): void;
}

/** Runs a command without blocking this process (installs take seconds; other tests run meanwhile). */
export function runCommand(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const output = collectOutput(child);
    const timer = setTimeout(() => child.kill("SIGTERM"), 10 * 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: output.stdout, stderr: `${output.stderr}${String(error)}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: output.stdout, stderr: output.stderr });
    });
  });
}

/**
 * Writes and installs a user project. Fails with npm's output when the install fails. npm's cache is the
 * user's own (~/.npm), shared by every run, and `--prefer-offline` skips revalidating what it holds.
 */
export async function createUserProject(opts: UserProjectOptions): Promise<UserProject> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "user-project-"));
  const dir = path.join(root, "project");
  const elsewhere = path.join(root, "elsewhere");
  if (fs.realpathSync(root).startsWith(`${fs.realpathSync(repoRoot())}${path.sep}`)) {
    throw new Error(`the temporary folder ${root} is inside the repository`);
  }
  try {
    if (opts.copyFrom) fs.cpSync(opts.copyFrom, dir, { recursive: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(elsewhere);
    for (const [file, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const manifestFile = path.join(dir, "package.json");
    const manifest: { dependencies?: Record<string, string> } = fs.existsSync(manifestFile)
      ? JSON.parse(fs.readFileSync(manifestFile, "utf8"))
      : { name: "user-project", private: true };
    manifest.dependencies = {
      ...manifest.dependencies,
      ...opts.dependencies,
      "pulumi-firestore-operations": `file:${packedTarball()}`,
    };
    fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

    // npm and the programs run on the Node of this test process (the Node 22 leg puts its own first).
    const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` };
    // Settings `npm test` exports to its children describe the repo, not this project.
    for (const key of Object.keys(base)) if (key.startsWith("npm_")) delete base[key];
    const env = pulumiEnv(path.join(root, "state"), base);

    const npm = (args: string[]): CommandResult => {
      const result = spawnSync("npm", args, { cwd: dir, env: base, encoding: "utf8", timeout: 10 * 60_000 });
      return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? String(result.error) };
    };
    const install = await runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], dir, base);
    if (install.code !== 0) {
      throw new Error(`npm install failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
    }

    return {
      dir,
      elsewhere,
      env,
      npm,
      pulumi: async (args) => {
        const result = await runPulumi(args, { cwd: dir, env });
        if (result.code !== 0) {
          throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
        }
        return result;
      },
      copiesOf: (name) => findPackage(path.join(dir, "node_modules"), name),
      remove: () => fs.rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** Folders `<...>/node_modules/<name>` at any depth (nested copies are what `npm ls` would call duplicates). */
function findPackage(modules: string, name: string): string[] {
  const found: string[] = [];
  const visit = (nodeModules: string) => {
    if (fs.existsSync(path.join(nodeModules, name, "package.json"))) found.push(path.join(nodeModules, name));
    let entries: string[];
    try {
      entries = fs.readdirSync(nodeModules);
    } catch {
      return;
    }
    for (const entry of entries) {
      const packages = entry.startsWith("@")
        ? fs.readdirSync(path.join(nodeModules, entry)).map((sub) => path.join(nodeModules, entry, sub))
        : [path.join(nodeModules, entry)];
      for (const pkg of packages) {
        const nested = path.join(pkg, "node_modules");
        if (fs.existsSync(nested)) visit(nested);
      }
    }
  };
  visit(modules);
  return found;
}
