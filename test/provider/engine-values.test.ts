/**
 * Nothing `undefined` reaches the engine (issue 23: a `waitFor: "done"` resource declared without `timeouts` made
 * every refresh fail with "Unexpected struct type."). Every step of every kind runs through the provider process
 * as the dynamic provider host calls it (provider/runtime.ts), against the emulator over HTTP, and each result is
 * encoded with the host's own encoder: google-protobuf's `Struct.fromJavaScript`, resolved from @pulumi/pulumi as
 * its dynamic provider host resolves it. Declarations: each kind with only its required inputs (every default),
 * then, as a property, any subset of its optional inputs.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { DEV_TOKEN } from "../../emulator/index";
import { boundaryError } from "../../provider/boundary-error";
import { createContext } from "../../provider/context";
import { forEngine, UnencodableValueError } from "../../provider/engine-values";
import { InitializationFailure } from "../../provider/initialization-failure";
import type { ResourceKind } from "../../provider/kinds";
import type { Reporter } from "../../provider/reporter";
import { ProviderProcess } from "../../provider/runtime";
import { DB, type TestEmulator, waitFor, withEmulator } from "../support/emulator-client";

const hostRequire = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"));
const { Struct } = hostRequire("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(value: unknown): unknown };
};

/** What the host does with a step's result: throws "Unexpected struct type" on anything it cannot encode. */
function encode(what: string, value: unknown): void {
  assert.ok(value !== null && typeof value === "object", `${what}: an object`);
  try {
    Struct.fromJavaScript({ ...(value as object), __provider: "the shim" });
  } catch (error) {
    assert.fail(`${what}: the host cannot encode it (${(error as Error).message}): ${JSON.stringify(value)}`);
  }
}

const TYPE: Record<ResourceKind, string> = {
  export: "FirestoreExport",
  import: "FirestoreImport",
  bulkDelete: "FirestoreBulkDelete",
  adopted: "FirestoreOperation",
};

/** A provider process as the host runs one, configured from a stack config, over the emulator. */
function providerProcess(emu: TestEmulator, messages: string[]): ProviderProcess {
  const reporter: Reporter = {
    info: (text) => messages.push(text),
    warn: (text) => messages.push(text),
    status: (text) => messages.push(text),
  };
  const runtime = new ProviderProcess((settings) => createContext(settings, reporter));
  const config: Record<string, string> = {
    "gcp:project": "demo-project",
    "gcp:accessToken": DEV_TOKEN,
    "gcp:firestoreCustomEndpoint": `${emu.url}/v1/`,
  };
  runtime.configure({ get: (key: string) => config[key] });
  return runtime;
}

/**
 * The life of one declaration, step by step as the engine drives it (up, refresh, up --refresh, destroy), each
 * result through the encoder. The wait step gets what the component hands it: `timeouts` only when declared.
 */
async function everyStep(runtime: ProviderProcess, kind: ResourceKind, args: Record<string, unknown>): Promise<void> {
  const urn = `urn:pulumi:test::proj::firestore-operations:index:${TYPE[kind]}::r`;
  const news = { ...args, resourceUrn: urn };
  const start = runtime.providerFor(kind);
  const checked = await start.check({}, news);
  assert.deepEqual(checked.failures, [], `check of ${JSON.stringify(args)}`);
  encode("check", checked);
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await start.create(inputs);
  encode("create", created.outs);
  const read = await start.read(created.id, created.outs);
  encode("read props", read.props);
  encode("read inputs", read.inputs);
  const rechecked = await start.check(read.inputs as unknown as Record<string, unknown>, news);
  encode("check after refresh", rechecked);
  const diff = await start.diff(created.id, read.props as never, rechecked.inputs);
  assert.equal(diff.changes, false, `refresh invents no diff for ${JSON.stringify(args)}`);
  const updated = await start.update(created.id, read.props as never, rechecked.inputs);
  encode("update", updated.outs);
  let last = read.props as unknown as Record<string, unknown>;

  if (args.waitFor === "done") {
    const wait = runtime.providerFor("wait");
    const waitNews = {
      operationName: created.outs?.operationName,
      ...("timeouts" in args ? { timeouts: created.outs?.timeouts } : {}),
      resourceUrn: urn,
    };
    const waitChecked = await wait.check({}, waitNews);
    encode("wait check", waitChecked);
    const waited = await wait.create(waitChecked.inputs as Record<string, unknown>);
    encode("wait create", waited.outs);
    assert.equal(waited.outs?.done, true);
    const waitRead = await wait.read(waited.id, waited.outs);
    encode("wait read props", waitRead.props);
    encode("wait read inputs", waitRead.inputs);
    const waitDiff = await wait.diff(
      waited.id,
      waitRead.props as never,
      waitRead.inputs as unknown as Record<string, unknown>,
    );
    assert.equal(waitDiff.changes, false, "the wait step's refreshed inputs are no change");
    const waitUpdated = await wait.update(waited.id, waitRead.props as never, waitNews);
    encode("wait update", waitUpdated.outs);
    assert.equal(await wait.delete(waited.id, waitRead.props as never), undefined);
    last = { ...last, done: true, state: waited.outs?.state };
  }
  // Destroy of an operation that ended (a cancel of a running one may lose the race, which is not the point here).
  while (last.done !== true)
    last = (await start.read(created.id, last as never)).props as unknown as Record<string, unknown>;
  assert.equal(await start.delete(created.id, last as never), undefined);
}

const ADMIN = { authorization: `Bearer ${DEV_TOKEN}` };

/** An export started outside the stack: the operation a FirestoreOperation adopts, or the folder an import reads. */
async function startedExport(emu: TestEmulator, outputUriPrefix: string): Promise<string> {
  const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix }, ADMIN);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

/** The folder of a finished export: an import of it succeeds, so refresh has no failed import to replace. */
async function finishedExport(emu: TestEmulator): Promise<string> {
  const name = await startedExport(emu, "gs://bkt/for-import");
  const done = await waitFor(
    async () => (await emu.call("GET", `/v1/${name}`, undefined, ADMIN)).json,
    (operation) => operation.done === true,
  );
  assert.equal(done.metadata?.operationState, "SUCCESSFUL", JSON.stringify(done));
  return done.metadata.outputUriPrefix;
}

/** Only what each kind requires: every other input takes its default. */
async function requiredOnly(emu: TestEmulator): Promise<[ResourceKind, Record<string, unknown>][]> {
  return [
    ["export", { outputUriPrefix: "gs://bkt/defaults" }],
    ["import", { inputUriPrefix: await finishedExport(emu) }],
    ["bulkDelete", { collectionIds: ["users"] }],
    ["adopted", { operationName: await startedExport(emu, "gs://bkt/adopt") }],
  ];
}

describe("no step hands the engine a value it cannot encode", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-values-"));
  const previousStateDir = process.env.FIRESTORE_OPS_STATE_DIR;
  before(() => {
    process.env.FIRESTORE_OPS_STATE_DIR = stateDir;
  });
  after(() => {
    if (previousStateDir === undefined) delete process.env.FIRESTORE_OPS_STATE_DIR;
    else process.env.FIRESTORE_OPS_STATE_DIR = previousStateDir;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test("each kind with only its required inputs, waitFor started and done: every step's result encodes", () =>
    withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 150 } }, async (emu) => {
      const runtime = providerProcess(emu, []);
      for (const [kind, args] of await requiredOnly(emu)) {
        await everyStep(runtime, kind, args);
        await everyStep(runtime, kind, { ...args, waitFor: "done" });
      }
      // The scenario of issue 23 itself: the wait step's refresh of a resource declared without timeouts.
      const log = (await emu.control("GET", "requests")).json.requests as { endpoint?: string }[];
      assert.ok(log.filter((r) => r.endpoint === "exportDocuments").length >= 3, "real exports were started");
    }));

  test("a check that fails (a required input missing) still hands back encodable inputs with its failures", () =>
    withEmulator({ auth: "oauth" }, async (emu) => {
      const runtime = providerProcess(emu, []);
      for (const kind of Object.keys(TYPE) as ResourceKind[]) {
        const checked = await runtime.providerFor(kind).check({}, { resourceUrn: "urn:x::r" });
        assert.ok((checked.failures?.length ?? 0) > 0, `${kind}: a required input is missing`);
        encode(`${kind} check with failures`, checked);
      }
    }));

  test("property: any subset of the optional inputs, every step's result encodes", () =>
    withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const runtime = providerProcess(emu, []);
      const adopted = await startedExport(emu, "gs://bkt/adopt");
      const exported = await finishedExport(emu);
      const ids = fc.uniqueArray(fc.constantFrom("users", "orders", "logs"), { minLength: 1, maxLength: 3 });
      const common = {
        project: fc.constant("demo-project"),
        database: fc.constantFrom("(default)", DB),
        waitFor: fc.constantFrom("started", "done"),
        onCancelLost: fc.constantFrom("warn", "fail"),
        timeouts: fc.record(
          { create: fc.constantFrom("5m", "1h"), delete: fc.constantFrom("2m", "30m") },
          { requiredKeys: [] },
        ),
      };
      const declaration = fc.oneof(
        fc.tuple(
          fc.constant<ResourceKind>("export"),
          fc.record(
            { outputUriPrefix: fc.constant("gs://bkt/prop"), collectionIds: ids, namespaceIds: ids, ...common },
            { requiredKeys: ["outputUriPrefix", "waitFor"] },
          ),
        ),
        fc.tuple(
          fc.constant<ResourceKind>("import"),
          fc.record(
            { inputUriPrefix: fc.constant(exported), collectionIds: ids, namespaceIds: ids, ...common },
            { requiredKeys: ["inputUriPrefix", "waitFor"] },
          ),
        ),
        fc.tuple(
          fc.constant<ResourceKind>("bulkDelete"),
          fc.record(
            { collectionIds: ids, namespaceIds: ids, ...common },
            { requiredKeys: ["collectionIds", "waitFor"] },
          ),
        ),
        fc.tuple(
          fc.constant<ResourceKind>("adopted"),
          fc.record({ operationName: fc.constant(adopted), ...common }, { requiredKeys: ["operationName", "waitFor"] }),
        ),
      );
      // waitFor always given (either value; its default is the first test's): a wait step in half the runs, half
      // of those without timeouts, the declaration of issue 23.
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(declaration, async ([kind, args]) => {
          runs++;
          await everyStep(runtime, kind, args as Record<string, unknown>);
        }),
        { numRuns: 24, seed: 23 },
      );
      assert.equal(runs, 24, "the property ran");
    }));

  test("an initialization failure's properties are made encodable too", () => {
    const failure = new InitializationFailure("op", { operationName: "op", timeouts: undefined } as never, ["why"]);
    const leaving = boundaryError(failure, undefined) as InitializationFailure;
    assert.equal(leaving.id, "op");
    encode("failure properties", leaving.properties);
    assert.deepEqual(leaving.properties, { operationName: "op" });
  });
});

describe("forEngine", () => {
  test("leaves out undefined properties at any depth, keeps list positions (null), copies", () => {
    const value = { a: undefined, b: { c: undefined, d: [1, undefined, { e: undefined }] }, f: null };
    const copied = forEngine(value);
    assert.deepEqual(copied, { b: { d: [1, null, {}] }, f: null });
    assert.notEqual(copied, value);
    assert.ok("a" in value, "the input is left alone");
  });

  test("refuses what JSON cannot hold either, naming where", () => {
    for (const [bad, found] of [
      [() => 1, "a function"],
      [Symbol("s"), "a symbol"],
      [1n, "a bigint"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
    ] as const) {
      assert.throws(
        () => forEngine({ outs: { list: [0, bad] } }, "the export create result"),
        (error: unknown) =>
          error instanceof UnencodableValueError &&
          error.path === "the export create result.outs.list[1]" &&
          error.found === found,
      );
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => forEngine(cycle), /result\.self is a reference to itself/);
  });
});
