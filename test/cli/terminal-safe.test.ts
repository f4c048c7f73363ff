/**
 * Nothing a server sends can drive the user's terminal: operation fields and error messages carrying ESC, CSI and
 * OSC sequences, CR, BEL, DEL, C1 controls (U+009B is a one-character CSI), bidi overrides and isolates, and line
 * separators are shown as escapes by `firestore-ops list` and `describe` (table, text, JSON and YAML), in
 * request errors, and in the errors of a `waitFor: "done"` wait step. One function does it (client/text.ts),
 * applied where server text enters: every Operation field (client/operation-view.ts) and every error envelope.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { settingsFrom } from "../../client/settings";
import { printable, printableLines } from "../../client/text";
import { createContext } from "../../provider/context";
import { SILENT } from "../../provider/reporter";
import { WaitProvider } from "../../provider/wait-provider";
import { runCli } from "../support/cli-harness";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AShostile`;

/** Each hostile sequence, named, and what it does to a terminal. */
const HOSTILE = {
  csi: "\x1b[2J\x1b[31m", // clears the screen, turns text red
  osc: "\x1b]0;pwned\x07", // retitles the window (BEL ends it)
  hyperlink: "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", // OSC 8 link, ST-terminated
  cr: "safe\rFAKE", // rewrites the line
  bel: "\x07",
  del: "\x7f",
  c1csi: "\x9b31m", // a one-character CSI
  nel: "\x85", // C1 next line
  rlo: "\u202egnp.exe", // right-to-left override
  isolate: "\u2066x\u2069",
  lineSeparator: "a\u2028b",
};
const ALL = Object.values(HOSTILE).join("|");
/** Any character printable() must have escaped; none may reach the output. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const hostileOperation = (done: boolean) => ({
  name: NAME,
  metadata: {
    "@type": `type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata${HOSTILE.csi}`,
    operationState: done ? "FAILED" : `PROCESSING${HOSTILE.osc}`,
    startTime: `2026-12-01T00:00:00Z${HOSTILE.cr}`,
    outputUriPrefix: `gs://bkt/${HOSTILE.hyperlink}`,
    collectionIds: [HOSTILE.rlo, HOSTILE.c1csi],
    namespaceIds: [HOSTILE.isolate],
  },
  done,
  ...(done ? { error: { code: 13, message: `boom${ALL}` } } : {}),
});

let done = false;
const server = http.createServer((req, res) => {
  req.resume();
  const url = req.url ?? "";
  res.setHeader("content-type", "application/json");
  if (url.includes("/operations/ASrefused")) {
    res.statusCode = 400;
    res.end(JSON.stringify({ error: { code: 400, status: `INVALID${HOSTILE.c1csi}`, message: `no${ALL}` } }));
    return;
  }
  if (url.includes("/operations?")) {
    res.end(JSON.stringify({ operations: [hostileOperation(done)] }));
    return;
  }
  res.end(JSON.stringify(hostileOperation(done)));
});
let endpoint = "";
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function assertTerminalSafe(text: string, where: string): void {
  const found = RAW_CONTROL.exec(text.replaceAll("\n", " "));
  assert.equal(found, null, `${where}: a raw U+${found?.[0].codePointAt(0)?.toString(16)} at ${found?.index}`);
}

describe("printable (client/text.ts)", () => {
  test("every hostile sequence is shown as escapes; ordinary text, accents and emoji pass as they are", () => {
    for (const [what, sequence] of Object.entries(HOSTILE)) {
      const shown = printable(`before ${sequence} after`);
      assertTerminalSafe(shown, what);
      assert.match(shown, /\\u[0-9a-f]{4}/, what);
    }
    assert.equal(printable("\x1b[31m"), "\\u001b[31m");
    assert.equal(printable("a\nb\tc"), "a\\u000ab\\u0009c", "one line stays one line");
    assert.equal(printableLines("a\nb\rc"), "a\nb\\u000dc", "printableLines keeps line feeds only");
    const ordinary = "gs://bkt/exports/2026-12-01 — Zürich, 東京, 🔥 (code 13: done)";
    assert.equal(printable(ordinary), ordinary);
    assert.equal(JSON.parse(`"${printable("\u202e\x9b")}"`), "\u202e\x9b", "the escapes are JSON's own");
  });
});

describe("what firestore-ops prints", () => {
  const base = () => ["--database", DB, "--endpoint", endpoint];

  for (const format of ["table", "json", "yaml"] as const) {
    test(`list --format ${format} and describe --format ${format}`, async () => {
      done = true;
      for (const args of [["list"], ["describe", NAME]]) {
        const result = await runCli([...args, ...base(), "--format", format]);
        assert.equal(result.code, 0, result.stderr);
        assert.ok(result.stdout.includes("AShostile"), `the hostile operation was printed: ${result.stdout}`);
        assertTerminalSafe(result.stdout, `${args[0]} --format ${format}`);
        assertTerminalSafe(result.stderr, `${args[0]} --format ${format} (stderr)`);
        if (format === "json") {
          const parsed = JSON.parse(result.stdout);
          const op = Array.isArray(parsed) ? parsed[0] : parsed;
          assert.equal(op.error.message, `boom${ALL}`, "JSON keeps the value: only its spelling is escaped");
        }
        if (format === "yaml") assert.ok(parseYaml(result.stdout.split("---\n")[0] ?? ""));
      }
    });
  }

  test("a request error quoting hostile server text", async () => {
    const result = await runCli(["describe", `${DB}/operations/ASrefused`, "--endpoint", endpoint]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /400 INVALID\\u009b31m: no/);
    assertTerminalSafe(result.stderr, "stderr");
  });
});

test('the wait step of a waitFor: "done" resource: its error quotes the operation\'s error safely', async () => {
  done = true;
  const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
  const context = createContext(settings, SILENT, {}, undefined);
  const step = new WaitProvider(() => context);
  let failure: Error & { reasons?: string[] } = new Error("none");
  await step
    .create({ operationName: NAME, timeouts: { create: "10s" } } as never)
    .then(() => assert.fail("an operation that FAILED fails the step"))
    .catch((error: Error) => {
      failure = error;
    });
  assert.ok(failure.message.includes("boom"), failure.message);
  assertTerminalSafe(failure.message, "the step's error");
  for (const reason of failure.reasons ?? []) assertTerminalSafe(reason, "a reason");
});
