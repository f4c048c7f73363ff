/**
 * Smoke test of the real Pulumi CLI installed by scripts/install-pulumi.sh: a TypeScript program with two dynamic
 * resources goes through stack init, preview, up, refresh and destroy, offline, against a file backend. When the
 * CLI is not installed the tests fail with the install command (they never skip).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  createTempStack,
  type PulumiResult,
  pinnedPulumiVersion,
  pulumiBinDir,
  pulumiEnv,
  runPulumi,
} from "../support/pulumi-cli";
import { repoRoot } from "../support/repo";

const FIXTURE = path.join(repoRoot(), "test", "e2e", "fixtures", "pulumi-cli-smoke");
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

function ok(result: PulumiResult, what: string): PulumiResult {
  assert.equal(
    result.code,
    0,
    `${what} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
  );
  return result;
}

function byName(resources: StateResource[], name: string): StateResource {
  const found = resources.find((r) => r.type === DYNAMIC && r.urn.endsWith(`::${name}`));
  assert.ok(found, `no ${DYNAMIC} named ${name} in the state: ${resources.map((r) => r.urn).join(", ")}`);
  return found;
}

test("the installed pulumi is the pinned version", () => {
  const pulumi = path.join(pulumiBinDir(), "pulumi");
  assert.equal(execFileSync(pulumi, ["version"], { encoding: "utf8" }).trim(), `v${pinnedPulumiVersion()}`);
});

test("scripts/pulumi-env.sh and pulumiEnv() set the same environment", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-env-"));
  try {
    const script = path.join(repoRoot(), "scripts", "pulumi-env.sh");
    const dump = execFileSync("bash", ["-c", 'source "$0" "$1" && env -0', script, stateDir], { encoding: "utf8" });
    const fromShell = Object.fromEntries(
      dump
        .split("\0")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const fromTs = pulumiEnv(stateDir);
    const pulumiVars = (env: NodeJS.ProcessEnv) =>
      Object.fromEntries(
        Object.entries(env)
          .filter(([key]) => key.startsWith("PULUMI_"))
          .sort(),
      );
    assert.deepEqual(pulumiVars(fromShell), pulumiVars(fromTs));
    assert.equal(fromShell.PATH?.split(":")[0], fromTs.PATH?.split(":")[0]);
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});

test("stack init, preview, up, refresh and destroy a two-resource dynamic provider program", {
  timeout: 10 * 60_000,
}, async () => {
  const stack = await createTempStack({
    fixtureDir: FIXTURE,
    stackName: "smoke",
    links: { "smoke-counter-lib": "counter-lib" },
  });
  try {
    const exportState = async (): Promise<StateResource[]> => {
      const exported = JSON.parse(ok(await stack.pulumi(["stack", "export"]), "pulumi stack export").stdout);
      // What the e2e stacks read instead of running the CLI: the state file holds the same (stack-files.ts).
      assert.deepEqual(stack.readState(), exported, "readState() is what `pulumi stack export` prints");
      return (exported.deployment?.resources ?? []) as StateResource[];
    };
    const outputs = async (): Promise<Record<string, unknown>> =>
      JSON.parse(ok(await stack.pulumi(["stack", "output", "--json"]), "pulumi stack output").stdout);

    // preview: plans both resources, changes nothing.
    const preview = JSON.parse(
      ok(await stack.pulumi(["preview", "--json", "--non-interactive"]), "pulumi preview").stdout,
    );
    const planned = (preview.steps as { op: string; urn: string }[]).filter((s) => s.urn.includes(`::${DYNAMIC}::`));
    assert.deepEqual(planned.map((s) => [s.op, s.urn.split("::").pop()]).sort(), [
      ["create", "counter"],
      ["create", "echo"],
    ]);
    assert.deepEqual(await exportState(), []);

    // up: creates them; the outputs flow echo -> counter -> stack outputs.
    ok(await stack.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]), "pulumi up");
    assert.deepEqual(await outputs(), {
      echoUpper: "HELLO",
      echoLength: 5,
      counterValue: 6,
      // The dynamic provider process runs in the program (project) folder.
      providerCwd: fs.realpathSync(stack.programDir),
    });
    let state = await exportState();
    assert.deepEqual(state.map((r) => r.type).sort(), [
      DYNAMIC,
      DYNAMIC,
      "pulumi:providers:pulumi-nodejs",
      "pulumi:pulumi:Stack",
    ]);
    const echo = byName(state, "echo");
    assert.equal(echo.id, "echo-hello");
    assert.equal(echo.outputs?.upper, "HELLO");
    assert.match(String(echo.outputs?.__provider), /toUpperCase/); // the inline provider's code is in the state
    let counter = byName(state, "counter");
    assert.equal(counter.id, "counter-5");
    assert.equal(counter.outputs?.value, 6);
    // The shim's `require` stayed a run-time call, resolved from the program's node_modules.
    assert.match(String(counter.outputs?.__provider), /require\("smoke-counter-lib"\)\.create\(inputs\)/);
    assert.doesNotMatch(String(counter.outputs?.__provider), /refreshed/);
    assert.equal(counter.outputs?.libFile, path.join(fs.realpathSync(stack.programDir), "counter-lib", "index.js"));

    // refresh: calls the provider's read (through the shim) and saves what it returns.
    ok(await stack.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]), "pulumi refresh");
    state = await exportState();
    counter = byName(state, "counter");
    assert.equal(counter.outputs?.refreshed, 1);
    assert.equal(counter.outputs?.value, 6);
    assert.equal(byName(state, "echo").outputs?.upper, "HELLO");

    // destroy: nothing left in the state, no outputs.
    ok(await stack.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]), "pulumi destroy");
    assert.deepEqual(await exportState(), []);
    assert.deepEqual(await outputs(), {});
    ok(await stack.pulumi(["stack", "rm", "--yes", "--non-interactive"]), "pulumi stack rm");
  } finally {
    stack.remove();
  }
});

test("setConfig writes the stack config the CLI reads, and removes a key", async () => {
  const stack = await createTempStack({ fixtureDir: FIXTURE, stackName: "config" });
  try {
    stack.setConfig({ greeting: "hello: [world]", "gcp:project": "demo-project", gone: "soon" });
    stack.setConfig({ gone: undefined });
    const config = JSON.parse(ok(await stack.pulumi(["config", "--json"]), "pulumi config").stdout);
    assert.deepEqual(
      Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, (entry as { value: unknown }).value])),
      { "pulumi-cli-smoke:greeting": "hello: [world]", "gcp:project": "demo-project" },
    );
    assert.match(fs.readFileSync(path.join(stack.programDir, "Pulumi.config.yaml"), "utf8"), /encryptionsalt:/);
  } finally {
    stack.remove();
  }
});

test("compileTypeScript: the program is JavaScript (no ts-node: Pulumi.yaml says typescript: false) and runs", async () => {
  const stack = await createTempStack({
    fixtureDir: FIXTURE,
    stackName: "compiled",
    links: { "smoke-counter-lib": "counter-lib" },
    compileTypeScript: true,
  });
  try {
    assert.ok(fs.existsSync(path.join(stack.programDir, "index.js")), "index.js written");
    assert.ok(!fs.existsSync(path.join(stack.programDir, "index.ts")), "index.ts gone");
    const project = parse(fs.readFileSync(path.join(stack.programDir, "Pulumi.yaml"), "utf8"));
    assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false } });
    assert.equal(JSON.parse(fs.readFileSync(path.join(stack.programDir, "package.json"), "utf8")).main, "index.js");
    const preview = ok(await stack.pulumi(["preview", "--non-interactive"]), "pulumi preview");
    assert.match(preview.stdout, /\+ 3 to create/);
  } finally {
    stack.remove();
  }
});

test("runPulumi reports a failing command by its exit code", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-env-"));
  try {
    const env = pulumiEnv(stateDir);
    const result = await runPulumi(["stack", "select", "no-such-stack", "--non-interactive"], { cwd: FIXTURE, env });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /no-such-stack/);
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
