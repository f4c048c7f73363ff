import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import {
  installJudges,
  type JudgeAnswer,
  type JudgeError,
  type JudgeProcess,
  type JudgeTools,
  spawnJudge,
} from "../support/judge-process";
import { repoRoot } from "../support/repo";

/**
 * Issue 26: Google's Python and Go Firestore Admin clients, over their REST transports, judge the emulator. Each
 * judge program (test/conformance/python-judge, go-judge; installed by scripts/install-judges.sh) runs all its cases
 * in one process against a fresh emulator over real sockets and prints what the client returned; these tests say
 * what Google's API answers and check the client got that. Where the emulator and a client disagree, the client is
 * right: the case is written as the client says and marked `todo` with the disagreement until the emulator changes.
 */

const PROJECT = "projects/demo-project";
const DB = `${PROJECT}/databases/(default)`;

type CaseName = "export" | "get" | "list" | "cancel" | "delete" | "restore" | "refused" | "requestLog";

/** The error fields that identify a client's own exception for a canonical code. */
type ErrorIdentity = Partial<Pick<JudgeError, "type" | "grpcCode" | "status" | "httpCode">> & { module?: string };

interface Judge {
  language: string;
  start(tools: JudgeTools, emulatorUrl: string): JudgeProcess;
  /** The client's own exceptions: what a program written for this client catches. */
  invalidArgument: ErrorIdentity;
  cancelled: ErrorIdentity;
  notFound: ErrorIdentity;
  /** Cases that fail on a known disagreement (reported), with the disagreement. */
  todo: Partial<Record<CaseName, string>>;
}

const API_EXCEPTIONS = "google.api_core.exceptions";

const JUDGES: Judge[] = [
  {
    language: "python",
    start: (tools, url) =>
      // -I: isolated from PYTHON* variables and the user's site-packages; only the venv's packages count.
      spawnJudge(tools.python, [
        "-I",
        path.join(repoRoot(), "test/conformance/python-judge/judge.py"),
        "--endpoint",
        url,
        "--token",
        DEV_TOKEN,
      ]),
    // google-api-core maps a REST error by its HTTP status (400 -> BadRequest), an operation's error by its code.
    invalidArgument: { module: API_EXCEPTIONS, type: "BadRequest", httpCode: 400 },
    cancelled: { module: API_EXCEPTIONS, type: "Cancelled", grpcCode: 1, status: "CANCELLED" },
    notFound: { module: API_EXCEPTIONS, type: "NotFound", httpCode: 404, grpcCode: 5, status: "NOT_FOUND" },
    todo: {},
  },
  {
    language: "go",
    start: (tools, url) => spawnJudge(tools.goJudge, ["--endpoint", url, "--token", DEV_TOKEN]),
    invalidArgument: { type: "*apierror.APIError", grpcCode: 3, status: "InvalidArgument", httpCode: 400 },
    cancelled: { type: "*apierror.APIError", grpcCode: 1, status: "Canceled" },
    notFound: { type: "*apierror.APIError", grpcCode: 5, status: "NotFound", httpCode: 404 },
    todo: {},
  },
];

/** The answer's result; fails with what the client raised instead. */
// biome-ignore lint/suspicious/noExplicitAny: the client's answer as JSON.
function resultOf(answer: JudgeAnswer): any {
  assert.equal(answer.error, undefined, `the client raised: ${JSON.stringify(answer.error)}`);
  assert.ok(answer.result, `no result: ${JSON.stringify(answer)}`);
  return answer.result;
}

/** The answer's error, which must be the client's own exception of that identity. */
function errorOf(answer: JudgeAnswer, identity: ErrorIdentity): JudgeError {
  assert.ok(answer.error, `the client raised nothing: ${JSON.stringify(answer.result)}`);
  const error = answer.error as JudgeError & Record<string, unknown>;
  const seen = Object.fromEntries(Object.keys(identity).map((key) => [key, error[key]]));
  assert.deepEqual(seen, identity, error.message);
  return error;
}

/** Cloud Storage names a field `output_uri_prefix` or `outputUriPrefix`; either names the same field. */
function isOutputUriPrefix(field: string): boolean {
  return field.replace(/_/g, "").toLowerCase() === "outputuriprefix";
}

for (const judge of JUDGES) {
  describe(`conformance: Google's ${judge.language} Firestore Admin client (REST) judges the emulator`, () => {
    let emulator: EmulatorProcess;
    let client: JudgeProcess;
    /** Each judge lists by its own collection, so its filters match its operations only. */
    const collection = `judge-${judge.language}`;
    let exported: string | undefined;

    const control = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${emulator.url}/emulator/v1/${route}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    };
    /** The client's exportDocuments of this judge's collection to `outputUriPrefix`. */
    const askExport = (outputUriPrefix: string) =>
      client.ask({ case: "export", name: DB, outputUriPrefix, collectionIds: [collection] });
    const exportedName = (): string => {
      assert.ok(exported, "the export case started no operation");
      return exported;
    };

    before(async () => {
      const tools = await installJudges();
      // OAuth on: every call the client makes must carry the token, so a refusal would show in the answers. The
      // export outlives every case (they cancel it); a cancel lands in 200 ms.
      emulator = await spawnEmulator(["--auth", "oauth", "--duration-ms", "600000", "--cancel-latency-ms", "200"]);
      client = judge.start(tools, emulator.url);
    });
    after(async () => {
      await client?.close();
      await emulator?.kill();
    });

    test("export: the client returns the operation with its ExportDocumentsMetadata decoded", {
      todo: judge.todo.export,
    }, async () => {
      const started = resultOf(await askExport(`gs://judge-bucket/${judge.language}`));
      assert.match(started.name, /^projects\/demo-project\/databases\/\(default\)\/operations\/[^/]+$/);
      exported = started.name;
      assert.ok(!started.done, "a new export is not done");
      assert.equal(started.metadata.outputUriPrefix, `gs://judge-bucket/${judge.language}`);
      assert.deepEqual(started.metadata.collectionIds, [collection]);
      // The wire carries the state as a number ($alt=json;enum-encoding=int); the client decoded it to its name.
      assert.ok(
        ["INITIALIZING", "PROCESSING"].includes(started.metadata.operationState),
        started.metadata.operationState,
      );
    });

    test("get: the running operation, its metadata typed ExportDocumentsMetadata", {
      todo: judge.todo.get,
    }, async () => {
      const { operation } = resultOf(await client.ask({ case: "get", name: exportedName() }));
      assert.equal(operation.name, exported);
      assert.equal(
        operation.metadata["@type"],
        "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
      );
      assert.ok(!operation.done);
      assert.equal(operation.error, undefined);
    });

    test("list with a filter: the client pages through the running operations the filter matches", {
      todo: judge.todo.list,
    }, async () => {
      const { operations } = resultOf(
        await client.ask({ case: "list", name: DB, filter: `metadata.collectionIds=${collection}` }),
      );
      assert.deepEqual(
        operations.map((operation: { name: string }) => operation.name),
        [exportedName()],
      );
    });

    test("cancel: the operation ends CANCELLED, and waiting on it raises the client's own CANCELLED (code 1) exception", {
      todo: judge.todo.cancel,
    }, async () => {
      const name = exportedName();
      resultOf(await client.ask({ case: "cancel", name }));
      errorOf(await client.ask({ case: "wait", name }), judge.cancelled);

      const { operation } = resultOf(await client.ask({ case: "get", name }));
      assert.equal(operation.done, true);
      assert.equal(operation.error?.code, 1);
      assert.equal(operation.metadata.operationState, "CANCELLED");
      assert.ok(operation.metadata.endTime, "a cancelled operation has its endTime");

      const { operations } = resultOf(
        await client.ask({ case: "list", name: DB, filter: `done=true AND metadata.collectionIds=${collection}` }),
      );
      assert.deepEqual(
        operations.map((listed: { name: string; error?: { code: number } }) => [listed.name, listed.error?.code]),
        [[name, 1]],
      );
    });

    test("delete the operation: the client's get then raises its own NOT_FOUND exception", {
      todo: judge.todo.delete,
    }, async () => {
      const name = exportedName();
      resultOf(await client.ask({ case: "delete", name }));
      errorOf(await client.ask({ case: "get", name }), judge.notFound);
    });

    test("restore from a listed backup: the client lists it, restores it and gets the Database", {
      todo: judge.todo.restore,
    }, async () => {
      const backup = `${PROJECT}/locations/nam5/backups/${collection}`;
      const seeded = await control("POST", "backups", { name: backup, database: DB });
      assert.equal(seeded.status, 200, `seeding the backup: ${JSON.stringify(seeded.json)}`);

      const { response } = resultOf(await client.ask({ case: "listBackups", parent: `${PROJECT}/locations/-` }));
      const listed = (response.backups ?? []).map((item: { name: string }) => item.name);
      assert.ok(listed.includes(backup), `listed: ${JSON.stringify(listed)}`);

      const databaseId = `${collection}-restored`;
      const started = resultOf(await client.ask({ case: "restore", parent: PROJECT, databaseId, backup }));
      // A restore's operation lives under the database it creates.
      assert.match(started.name, new RegExp(`^${PROJECT}/databases/${databaseId}/operations/[^/]+$`));
      assert.equal(started.metadata.backup, backup);
      assert.equal(started.metadata.database, `${PROJECT}/databases/${databaseId}`);

      // Ended through the control API, so that the test does not wait the emulator's operation duration out.
      const finished = await control("POST", `${started.name}:finish`, { state: "SUCCESSFUL" });
      assert.equal(finished.status, 200, JSON.stringify(finished.json));
      const { response: database } = resultOf(await client.ask({ case: "wait", name: started.name }));
      assert.equal(database.name, `${PROJECT}/databases/${databaseId}`);
    });

    test("a refused request (outputUriPrefix not gs://): the client's own INVALID_ARGUMENT exception, naming the field", {
      todo: judge.todo.refused,
    }, async () => {
      const error = errorOf(await askExport("judge-bucket/no-scheme"), judge.invalidArgument);
      assert.ok(
        error.fieldViolations?.some((violation) => isOutputUriPrefix(violation.field)),
        `the BadRequest detail names outputUriPrefix: ${JSON.stringify(error.fieldViolations)}`,
      );
    });

    test("the client talked to this emulator: its request log holds each call, none refused for credentials", {
      todo: judge.todo.requestLog,
    }, async () => {
      const name = exportedName();
      const { json } = await control("GET", "requests");
      const requests = json.requests as RequestLogEntry[];
      const seen = (endpoint: string, status: number, operation?: string) =>
        requests.some(
          (request) =>
            request.endpoint === endpoint &&
            request.status === status &&
            (operation === undefined ||
              request.operation === operation ||
              // A 404 addresses an operation the emulator no longer holds: the log names it by its path only.
              decodeURIComponent(request.path).startsWith(`/v1/${operation}`)),
        );
      const expected: [string, number, string?][] = [
        ["exportDocuments", 200, name],
        ["operations.get", 200, name],
        ["operations.list", 200],
        ["operations.cancel", 200, name],
        ["operations.delete", 200, name],
        ["operations.get", 404, name],
        ["exportDocuments", 400],
      ];
      assert.deepEqual(
        expected.filter((call) => !seen(...call)),
        [],
        `calls missing from the log: ${JSON.stringify(requests)}`,
      );
      assert.deepEqual(
        requests.filter((request) => request.status === 401 || request.status === 403),
        [],
      );
    });
  });
}
