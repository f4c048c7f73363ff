import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeEmulatorCredentials } from "../../emulator/index";
import { STACK_INSTANCE_TYPE } from "../../provider/stack-instance";
import { type EmulatorApi, emulatorApi } from "./emulator-client";
import { type EmulatorProcess, spawnEmulator } from "./emulator-process";
import { createTempStack, type PulumiResult, type TempStack } from "./pulumi-cli";
import { repoRoot } from "./repo";

export interface DeclaredResource {
  kind: "FirestoreExport" | "FirestoreImport" | "FirestoreBulkDelete" | "FirestoreOperation";
  name: string;
  args: Record<string, unknown>;
  /** `dependsOn` names resources declared before this one. */
  options?: { retainOnDelete?: boolean; protect?: boolean; dependsOn?: string[] };
}

export interface E2eStack extends EmulatorApi {
  emulator: EmulatorProcess;
  stack: TempStack;
  /** Sets the stack config `resources` the fixture program declares (in the stack's config file). */
  declare(resources: DeclaredResource[]): Promise<void>;
  /** Runs pulumi; fails the test with the whole output unless the exit code is as expected. */
  pulumi(args: string[], expectCode?: number): Promise<PulumiResult>;
  /** The state as `pulumi stack export` prints it, read from the state file. */
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  exportState(): Promise<any>;
  /** The credentials folder (holds key material: the secret scan looks for it in state). */
  credentialsDir: string;
  dispose(): Promise<void>;
}

/** The fixture program every end-to-end stack runs (type-checked by test/examples/compile.test.ts). */
export const FIXTURE = path.join(repoRoot(), "test/e2e/fixtures/operations-stack");

/**
 * The emulator profile the end-to-end stacks run against: `FIRESTORE_OPS_E2E_PROFILE=messy` (scripts/test.sh runs a
 * part of the suite so) starts each emulator with `--profile messy --seed FIRESTORE_OPS_E2E_SEED` (default 1);
 * tests whose assertions depend on the timeline ask `MESSY` which one they face.
 */
export const E2E_PROFILE: "tidy" | "messy" = process.env.FIRESTORE_OPS_E2E_PROFILE === "messy" ? "messy" : "tidy";
export const MESSY = E2E_PROFILE === "messy";
const PROFILE_ARGS = MESSY ? ["--profile", "messy", "--seed", process.env.FIRESTORE_OPS_E2E_SEED ?? "1"] : [];

export interface E2eStackOptions {
  /** An emulator to share with other stacks (started with `--auth oauth`); the stack's dispose leaves it running. */
  emulator?: EmulatorProcess;
  /** Extra environment for every pulumi run of the stack, e.g. a FIRESTORE_OPS_STATE_DIR shared with another. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A temporary stack of the fixture program against an emulator in its own process (OAuth on, credentials
 * from its token endpoint), through the installed Pulumi CLI. Fails loudly when the CLI is missing.
 */
export async function createE2eStack(emulatorArgs: string[] = [], options: E2eStackOptions = {}): Promise<E2eStack> {
  // The test's own flags come after the profile's: a flag given wins over the profile (emulator/cli.ts).
  const shared = options.emulator;
  const emulator = shared ?? (await spawnEmulator(["--auth", "oauth", ...PROFILE_ARGS, ...emulatorArgs]));
  const credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-creds-"));
  let stack: TempStack | undefined;
  try {
    const creds = await writeEmulatorCredentials(emulator.url, credentialsDir);
    // The fixture is TypeScript, run as the JavaScript it transpiles to (no ts-node in any run):
    // test/examples/compile.test.ts type-checks it once with tsc, and the user-project, example and CLI smoke
    // tests keep the TypeScript path users get.
    stack = await createTempStack({
      fixtureDir: FIXTURE,
      links: { "pulumi-firestore-operations": repoRoot() },
      compileTypeScript: true,
      ...(options.env ? { env: options.env } : {}),
    });
    const run = stack.pulumi;
    const pulumi = async (args: string[], expectCode = 0) => {
      const result = await run(args);
      if (result.code !== expectCode) {
        throw new Error(
          `pulumi ${args.join(" ")} exited ${result.code}, expected ${expectCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
        );
      }
      return result;
    };
    stack.setConfig({
      "gcp:project": "demo-project",
      "gcp:credentials": creds.externalAccountFile,
      "gcp:firestoreCustomEndpoint": `${emulator.url}/v1/`,
    });
    const created = stack;
    return {
      emulator,
      stack: created,
      credentialsDir,
      declare: async (resources) => created.setConfig({ resources: JSON.stringify(resources) }),
      pulumi,
      exportState: async () => created.readState(),
      ...emulatorApi(emulator),
      dispose: async () => {
        created.remove();
        if (!shared) await emulator.kill();
        fs.rmSync(credentialsDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stack?.remove();
    if (!shared) await emulator.kill();
    fs.rmSync(credentialsDir, { recursive: true, force: true });
    throw error;
  }
}

/** The start steps in an exported state: one per declared resource, each holding its operation. */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
export function operationResources(state: any): any[] {
  return (state.deployment?.resources ?? []).filter(
    (r: { type: string }) =>
      r.type.startsWith("pulumi-nodejs:dynamic/firestore-operations:") &&
      !r.type.endsWith(":OperationWait") &&
      r.type !== STACK_INSTANCE_TYPE,
  );
}

/** The StackInstance resources (one per declared resource: provider/stack-instance.ts) in an exported state. */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
export function stackInstances(state: any): any[] {
  return (state.deployment?.resources ?? []).filter((r: { type: string }) => r.type === STACK_INSTANCE_TYPE);
}

/** The wait steps (`waitFor: "done"`) in an exported state. */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
export function waitSteps(state: any): any[] {
  return (state.deployment?.resources ?? []).filter((r: { type: string }) =>
    r.type.endsWith("firestore-operations:OperationWait"),
  );
}
