/**
 * The checkInputs properties, run in a worker thread by check.property.test.ts: checkInputs is synchronous, so a
 * call that never returns would block the test's own timers. In a worker, the test can stop it and fail instead
 * of hanging.
 */
import { isDeepStrictEqual } from "node:util";
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { type CheckFailure, checkInputs, EMPTY_KEY } from "../../provider/check";
import { KIND_INPUTS, OPERATION_INPUTS, SETTING_INPUTS } from "../../provider/inputs";
import type { ResourceKind } from "../../provider/kinds";
import {
  collectionId,
  databaseId,
  duration,
  gsUri,
  hostileString,
  hostileValue,
  namespaceId,
  operationId,
  ownProperties,
  pastWholeMinute,
  projectId,
  UNKNOWN,
} from "../support/arbitraries";

export type CheckTask =
  | { task: "hostile" | "valid" | "nearValid"; kind: ResourceKind; numRuns: number; perCallMs: number; seed?: number }
  | { task: "slashes"; kind: ResourceKind; length: number; perCallMs: number };

export type CheckTaskResult =
  | { ok: true; runs: number; withoutFailures: number; slowestMs: number }
  | { ok: false; message: string };

const COMMON = ["project", "waitFor", "timeouts", "onCancelLost", "__provider"];
/** A fixed "now" (2026-05-26T10:20:30Z), so that a failing case replays exactly. */
const NOW = Date.UTC(2026, 4, 26, 10, 20, 30);

const DATABASE_RE = /^projects\/[a-z][a-z0-9.:-]{1,61}[a-z0-9]\/databases\/(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])$/;
const OPERATION_RE =
  /^projects\/[a-z][a-z0-9.:-]{1,61}[a-z0-9]\/databases\/(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])\/operations\/[A-Za-z0-9_-]{1,200}$/;

interface Outcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
  ms: number;
}

let slowestMs = 0;

/** One call, with everything that must hold for any input. */
function call(
  kind: ResourceKind,
  news: Record<string, unknown>,
  defaultProject: string | undefined,
  perCallMs: number,
): Outcome {
  const before = Object.keys(news).map((k) => [k, news[k]] as const);
  // CPU time, not wall time: the bound is about the validator's work (a quadratic regex costs CPU), and on a shared
  // machine a call's wall time also counts the time it waited for a core.
  const start = process.cpuUsage();
  let result: ReturnType<typeof checkInputs>;
  try {
    result = checkInputs(kind, news, defaultProject, NOW);
  } catch (error) {
    throw new Error(`checkInputs threw: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  slowestMs = Math.max(slowestMs, ms);
  if (ms > perCallMs) throw new Error(`checkInputs took ${ms.toFixed(0)} ms of CPU (limit ${perCallMs} ms)`);
  if (!Array.isArray(result.failures)) throw new Error("failures is not an array");
  for (const f of result.failures) {
    if (typeof f.property !== "string" || f.property === "") throw new Error(`failure without a property: ${dump(f)}`);
    if (typeof f.reason !== "string" || f.reason.trim() === "") throw new Error(`failure without a reason: ${dump(f)}`);
    if (f.property === "(input)") throw new Error(`an unexpected internal error became a failure: ${dump(f)}`);
    if (f.property === EMPTY_KEY && Object.hasOwn(news, "")) continue;
    const root = rootOf(f.property);
    const known = [...KIND_INPUTS[kind], ...COMMON] as string[];
    if (!known.includes(root) && !Object.hasOwn(news, root) && !Object.hasOwn(news, f.property)) {
      throw new Error(`failure names "${f.property}", neither an input nor a key of news: ${dump(f)}`);
    }
  }
  const after = Object.keys(news).map((k) => [k, news[k]] as const);
  if (
    before.length !== after.length ||
    before.some(([k, v], i) => after[i]?.[0] !== k || !Object.is(after[i]?.[1], v))
  ) {
    throw new Error("checkInputs modified its input");
  }
  if (result.failures.length === 0) assertSafe(kind, result.inputs);
  return { inputs: result.inputs, failures: result.failures, ms };
}

/** What no accepted input may contain: these values become request paths and bodies. */
function assertSafe(kind: ResourceKind, inputs: Record<string, unknown>): void {
  const allowed = new Set([...KIND_INPUTS[kind], ...COMMON]);
  for (const key of Object.keys(inputs)) {
    if (!allowed.has(key)) throw new Error(`accepted inputs carry an unexpected key "${key}"`);
  }
  const db = inputs.database;
  if (db !== UNKNOWN && (typeof db !== "string" || !DATABASE_RE.test(db))) {
    throw new Error(`accepted database is not projects/P/databases/D: ${dump(db)}`);
  }
  for (const key of ["outputUriPrefix", "inputUriPrefix"]) {
    const uri = inputs[key];
    if (uri === undefined || uri === UNKNOWN) continue;
    if (typeof uri !== "string") throw new Error(`accepted ${key} is not a string: ${dump(uri)}`);
    const m = /^gs:\/\/([a-z0-9._-]+)((?:\/[^/]+)*)$/.exec(uri);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not pass.
    if (!m || /[\u0000-\u001f\u007f?#]/.test(uri) || (m[2] ?? "").split("/").some((s) => s === "." || s === "..")) {
      throw new Error(`accepted ${key} is not a clean gs:// URI: ${dump(uri)}`);
    }
  }
  if (kind === "adopted") {
    const op = inputs.operationName;
    if (op !== UNKNOWN) {
      if (typeof op !== "string" || !OPERATION_RE.test(op)) throw new Error(`accepted operationName: ${dump(op)}`);
      if (db !== UNKNOWN && !op.startsWith(`${db}/operations/`)) {
        throw new Error(`operationName ${op} is not in database ${String(db)}`);
      }
    }
  }
  if (!["started", "done", UNKNOWN].includes(inputs.waitFor as string))
    throw new Error(`waitFor ${dump(inputs.waitFor)}`);
  if (!["warn", "fail", UNKNOWN].includes(inputs.onCancelLost as string)) {
    throw new Error(`onCancelLost ${dump(inputs.onCancelLost)}`);
  }
  const t = inputs.timeouts as { create?: unknown; delete?: unknown } | undefined;
  if (typeof t?.create !== "string" || typeof t?.delete !== "string") throw new Error(`timeouts ${dump(t)}`);
}

function rootOf(property: string): string {
  const cut = property.search(/[[.]/);
  return cut <= 0 ? property : property.slice(0, cut);
}

function dump(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Every key the provider reads, from its own lists, so that an input added there is generated here too. */
const ALL_KEYS = [...OPERATION_INPUTS, "project", ...SETTING_INPUTS, "__provider"];

const hostileNews = fc
  .array(
    fc.tuple(
      fc.oneof(
        { arbitrary: fc.constantFrom(...ALL_KEYS), weight: 4 },
        {
          arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "hasOwnProperty", "id", "urn"),
          weight: 1,
        },
        { arbitrary: hostileString(), weight: 1 },
      ),
      fc.oneof(
        { arbitrary: hostileValue(), weight: 3 },
        { arbitrary: fc.array(hostileValue(), { maxLength: 5 }), weight: 1 },
        {
          arbitrary: fc.record(
            { create: hostileValue(), delete: hostileValue() },
            { requiredKeys: [], noNullPrototype: true },
          ),
          weight: 1,
        },
      ),
    ),
    { maxLength: 10 },
  )
  .map(ownProperties);

const defaultProjectArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(""),
  projectId,
  hostileString() as fc.Arbitrary<string | undefined>,
);

/** A valid input of a kind, with what checkInputs should make of it. */
interface ValidCase {
  news: Record<string, unknown>;
  defaultProject: string | undefined;
  expected: Record<string, unknown>;
}

function databaseForms(): fc.Arbitrary<{
  fields: Record<string, unknown>;
  defaultProject: string | undefined;
  db: string;
}> {
  return fc
    .tuple(projectId, databaseId, fc.integer({ min: 0, max: 4 }), fc.oneof(fc.constant(undefined), projectId))
    .map(([project, database, form, other]) => {
      const db = `projects/${project}/databases/${database}`;
      switch (form) {
        case 0: // full name, default project elsewhere
          return { fields: { database: db }, defaultProject: other, db };
        case 1: // full name and the same explicit project
          return { fields: { database: db, project }, defaultProject: other, db };
        case 2: // bare id with the resource's project
          return { fields: { database, project }, defaultProject: other, db };
        case 3: // bare id with the provider's project
          return { fields: { database }, defaultProject: project, db };
        default: // no database: (default) of the provider's project
          return {
            fields: {},
            defaultProject: project,
            db: `projects/${project}/databases/(default)`,
          };
      }
    });
}

function settingsArb(): fc.Arbitrary<{ fields: Record<string, unknown>; expected: Record<string, unknown> }> {
  return fc
    .tuple(
      fc.constantFrom(undefined, "started", "done"),
      fc.constantFrom(undefined, "warn", "fail"),
      fc.option(fc.record({ create: duration, delete: duration }, { requiredKeys: [], noNullPrototype: true }), {
        nil: undefined,
      }),
    )
    .map(([waitFor, onCancelLost, timeouts]) => {
      const fields: Record<string, unknown> = {};
      if (waitFor !== undefined) fields.waitFor = waitFor;
      if (onCancelLost !== undefined) fields.onCancelLost = onCancelLost;
      if (timeouts !== undefined) fields.timeouts = timeouts;
      return {
        fields,
        expected: {
          waitFor: waitFor ?? "started",
          onCancelLost: onCancelLost ?? "warn",
          timeouts: { create: "2h", delete: "30m", ...timeouts },
        },
      };
    });
}

const ids = (arb: fc.Arbitrary<string>) => fc.uniqueArray(arb, { maxLength: 6 });

function validCase(kind: ResourceKind): fc.Arbitrary<ValidCase> {
  const lists = fc.tuple(
    fc.option(ids(collectionId), { nil: undefined }),
    fc.option(ids(namespaceId), { nil: undefined }),
  );
  const base = fc.tuple(databaseForms(), settingsArb());
  switch (kind) {
    case "export":
      return fc
        .tuple(base, gsUri(false), lists, fc.option(pastWholeMinute(NOW), { nil: undefined }))
        .map(([[db, settings], uri, [collections, namespaces], snapshot]) =>
          assemble(db, settings, {
            outputUriPrefix: [uri.raw, uri.normalized],
            collectionIds: [collections, sortedIds(collections)],
            namespaceIds: [namespaces, sortedIds(namespaces)],
            snapshotTime: [snapshot?.raw, snapshot?.normalized],
          }),
        );
    case "import":
      return fc.tuple(base, gsUri(true), lists).map(([[db, settings], uri, [collections, namespaces]]) =>
        assemble(db, settings, {
          inputUriPrefix: [uri.raw, uri.normalized],
          collectionIds: [collections, sortedIds(collections)],
          namespaceIds: [namespaces, sortedIds(namespaces)],
        }),
      );
    case "bulkDelete":
      return fc
        .tuple(base, lists)
        .filter(([, [c, n]]) => (c?.length ?? 0) + (n?.length ?? 0) > 0)
        .map(([[db, settings], [collections, namespaces]]) =>
          assemble(db, settings, {
            collectionIds: [collections, sortedIds(collections)],
            namespaceIds: [namespaces, sortedIds(namespaces)],
          }),
        );
    case "adopted":
      return fc
        .tuple(base, operationId, fc.boolean(), projectId, databaseId)
        .map(([[db, settings], id, full, project, database]) => {
          if (full) {
            // A full name wins over the database it would otherwise default to.
            const own = `projects/${project}/databases/${database}`;
            const c = assemble(db, settings, { operationName: [`${own}/operations/${id}`, `${own}/operations/${id}`] });
            // An explicit database or project that disagrees is the user's business only through the name.
            c.expected.database = own;
            return c;
          }
          return assemble(db, settings, { operationName: [id, `${db.db}/operations/${id}`] });
        });
  }
}

function assemble(
  db: { fields: Record<string, unknown>; defaultProject: string | undefined; db: string },
  settings: { fields: Record<string, unknown>; expected: Record<string, unknown> },
  fields: Record<string, [unknown, unknown]>,
): ValidCase {
  const news: Record<string, unknown> = { ...db.fields, ...settings.fields };
  const expected: Record<string, unknown> = { database: db.db, ...settings.expected };
  for (const [key, [raw, normalized]] of Object.entries(fields)) {
    if (raw === undefined) continue;
    news[key] = raw;
    expected[key] = normalized;
  }
  return { news, defaultProject: db.defaultProject, expected };
}

/** Keys whose bad values may show up as a failure on another key. */
function related(kind: ResourceKind, key: string): string[] {
  if (key === "project" || key === "database")
    return ["project", "database", ...(kind === "adopted" ? ["operationName"] : [])];
  if (key === "operationName") return ["operationName", "database"];
  if (kind === "bulkDelete" && (key === "collectionIds" || key === "namespaceIds"))
    return ["collectionIds", "namespaceIds"];
  return [key];
}

function run(task: CheckTask): CheckTaskResult {
  slowestMs = 0;
  let runs = 0;
  let withoutFailures = 0;
  const params = (numRuns: number, seed?: number) => ({ numRuns, ...(seed === undefined ? {} : { seed }) });
  try {
    if (task.task === "slashes") {
      // A long run of slashes in a gs:// path: a regex that backtracks makes this quadratic.
      const uri = `gs://bkt/${"/".repeat(task.length)}x`;
      const field = task.kind === "import" ? "inputUriPrefix" : "outputUriPrefix";
      const outcome = call(task.kind, { [field]: uri }, "demo-project", task.perCallMs);
      if (!outcome.failures.some((f) => f.property === field)) throw new Error(`${field} with empty segments accepted`);
      return { ok: true, runs: 1, withoutFailures: 0, slowestMs };
    }
    const { kind, perCallMs } = task;
    if (task.task === "hostile") {
      fc.assert(
        fc.property(hostileNews, defaultProjectArb, (news, defaultProject) => {
          runs++;
          const first = call(kind, news, defaultProject, perCallMs);
          const second = call(kind, news, defaultProject, perCallMs);
          if (!isDeepStrictEqual(first.failures, second.failures) || !isDeepStrictEqual(first.inputs, second.inputs)) {
            throw new Error(`not deterministic: ${dump(first.failures)} then ${dump(second.failures)}`);
          }
          if (first.failures.length === 0) withoutFailures++;
        }),
        params(task.numRuns, task.seed),
      );
    } else if (task.task === "valid") {
      fc.assert(
        fc.property(validCase(kind), ({ news, defaultProject, expected }) => {
          runs++;
          const { inputs, failures } = call(kind, news, defaultProject, perCallMs);
          if (failures.length > 0) throw new Error(`valid input refused: ${dump(failures)}`);
          withoutFailures++;
          if (!isDeepStrictEqual(inputs, expected)) {
            throw new Error(`normalized to ${dump(inputs)}, expected ${dump(expected)}`);
          }
          const db = inputs.database as string;
          const [, p, d] = /^projects\/([^/]+)\/databases\/([^/]+)$/.exec(db) ?? [];
          if (!p || !d) throw new Error(`database ${db} is not projects/P/databases/D`);
        }),
        params(task.numRuns, task.seed),
      );
    } else {
      const keys = [...KIND_INPUTS[kind], ...COMMON];
      fc.assert(
        fc.property(validCase(kind), fc.constantFrom(...keys), hostileValue(), (valid, key, value) => {
          runs++;
          const news = { ...valid.news };
          Object.defineProperty(news, key, { value, enumerable: true, configurable: true, writable: true });
          const { failures } = call(kind, news, valid.defaultProject, perCallMs);
          if (failures.length === 0) withoutFailures++;
          const blamed = related(kind, key);
          const stray = failures.filter((f) => !blamed.includes(rootOf(f.property)));
          if (stray.length > 0) throw new Error(`a bad ${key} was blamed on other fields: ${dump(stray)}`);
        }),
        params(task.numRuns, task.seed),
      );
    }
    return { ok: true, runs, withoutFailures, slowestMs };
  } catch (error) {
    return { ok: false, message: describeError(error) };
  }
}

/** fast-check v4 keeps the property's own error as `cause`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}\nCause: ${cause.message}` : error.message;
}

if (parentPort) parentPort.postMessage(run(workerData as CheckTask));

/** Check normalizes id lists to sorted sets (a reorder is no change). */
function sortedIds(ids: string[] | undefined): string[] | undefined {
  return ids === undefined ? undefined : [...ids].sort();
}
