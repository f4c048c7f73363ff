/**
 * The endpoint policy (provider/settings.ts): https anywhere; http only to loopback unless the user opts in
 * (stack config firestore-operations:allowInsecureEndpoint or FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT); never
 * credentials, a query or a fragment in the endpoint. And TLS verification is never turned off in our sources.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { inTermsOf } from "../../client/setting-error";
import { checkEndpoint, settingsFrom } from "../../client/settings";
import { pulumiSettingName, settingsFromPulumiConfig } from "../../provider/config-keys";
import { repoRoot } from "../support/repo";

const ENDPOINT_KEY = "gcp:firestoreCustomEndpoint";
const OPT_IN_KEY = "firestore-operations:allowInsecureEndpoint";
const OPT_IN_ENV = "FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT";
/** A hang guard for a check run in a child process, not a speed target. */
const HANG_GUARD_MS = 30_000;

function settings(endpoint: string, config: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const all: Record<string, string> = { [ENDPOINT_KEY]: endpoint, ...config };
  return settingsFromPulumiConfig({ get: (key) => all[key] }, env);
}

/** Refused, in a Pulumi user's words (the client's own errors carry the setting, not its config key). */
function refused(call: () => unknown, pattern: RegExp): void {
  const worded = () => {
    try {
      call();
    } catch (error) {
      throw inTermsOf(error, pulumiSettingName);
    }
  };
  assert.throws(worded, (error: Error) => {
    assert.equal(error.name, "InvalidInputError", `${error.name}: ${error.message}`);
    assert.equal((error as unknown as { field: string }).field, ENDPOINT_KEY);
    assert.match(error.message, pattern);
    return true;
  });
}

const LOOPBACK = [
  "http://127.0.0.1:8085",
  "http://127.0.0.1:8085/v1/",
  "http://127.0.0.1",
  "http://127.1.2.3:9000",
  "http://127.255.255.254/v1",
  "http://localhost:8085",
  "http://LOCALHOST:8085/",
  "http://[::1]:8085",
  "http://[::1]/v1/",
  "http://[0:0:0:0:0:0:0:1]:8085",
  "HTTP://127.0.0.1:1024",
];

const REMOTE_HTTP = [
  "http://firestore.googleapis.com",
  "http://evil.example/v1/",
  "http://10.0.0.5:8085",
  "http://192.168.1.2",
  "http://169.254.169.254",
  "http://0.0.0.0:8085",
  "http://[::]:8085",
  "http://[::ffff:10.0.0.1]",
  "http://127.0.0.1.evil.example",
  "http://localhost.evil.example",
  "http://evil-localhost",
  "http://128.0.0.1",
  "http://evil.example\\@127.0.0.1/",
];

describe("endpoint policy", () => {
  test("the default endpoint is Google's https endpoint", () => {
    const s = settingsFrom(() => undefined, {});
    assert.equal(s.endpoint, "https://firestore.googleapis.com/v1/");
    assert.equal(s.allowInsecureEndpoint, false);
  });

  test("https is accepted anywhere, and normalized to end in /v1/", () => {
    for (const endpoint of [
      "https://firestore.googleapis.com",
      "https://firestore.googleapis.com/v1",
      "https://firestore.googleapis.com/v1/",
      "https://private.example:8443/proxy/v1/",
      "https://10.0.0.5",
      "https://[2001:db8::1]:443",
    ]) {
      const s = settings(endpoint);
      assert.ok(s.endpoint.startsWith("https://") && s.endpoint.endsWith("/v1/"), s.endpoint);
      assert.equal(new URL(s.endpoint).host, new URL(endpoint).host);
      assert.doesNotThrow(() => checkEndpoint(s.endpoint, false));
    }
  });

  test("http to loopback (127.0.0.0/8, localhost, [::1]) is accepted without opting in", () => {
    for (const endpoint of LOOPBACK) {
      const s = settings(endpoint);
      assert.equal(s.allowInsecureEndpoint, false);
      assert.match(s.endpoint, /\/v1\/$/);
      assert.doesNotThrow(() => checkEndpoint(s.endpoint, false), endpoint);
    }
  });

  test("http to anything else is refused unless opted in, and the message says how", () => {
    for (const endpoint of REMOTE_HTTP) {
      refused(
        () => settings(endpoint),
        /plain http is only allowed to loopback addresses; set firestore-operations:allowInsecureEndpoint=true/,
      );
      refused(() => checkEndpoint(endpoint, false), /plain http/);
      // Opting in must be explicit: other values do not.
      for (const value of ["false", "0", "no", "", "on", "enabled", "tru"]) {
        refused(() => settings(endpoint, { [OPT_IN_KEY]: value }), /plain http/);
        refused(() => settings(endpoint, {}, { [OPT_IN_ENV]: value }), /plain http/);
      }
    }
  });

  test("opting in with the config key or the environment variable allows http to a remote host", () => {
    for (const endpoint of REMOTE_HTTP) {
      for (const value of ["true", "TRUE", "1", "yes"]) {
        const byConfig = settings(endpoint, { [OPT_IN_KEY]: value });
        assert.equal(byConfig.allowInsecureEndpoint, true);
        assert.ok(byConfig.endpoint.startsWith("http"), byConfig.endpoint);
        const byEnv = settings(endpoint, {}, { [OPT_IN_ENV]: value });
        assert.equal(byEnv.allowInsecureEndpoint, true);
      }
      assert.doesNotThrow(() => checkEndpoint(endpoint, true));
    }
    // The stack config wins over the environment, like every other gcp:* setting.
    refused(() => settings("http://evil.example", { [OPT_IN_KEY]: "false" }, { [OPT_IN_ENV]: "true" }), /plain http/);
    assert.equal(
      settings("http://evil.example", { [OPT_IN_KEY]: "true" }, { [OPT_IN_ENV]: "false" }).allowInsecureEndpoint,
      true,
    );
  });

  test("the endpoint can also come from FIRESTORE_CUSTOM_ENDPOINT, under the same policy", () => {
    assert.equal(
      settingsFrom(() => undefined, { FIRESTORE_CUSTOM_ENDPOINT: "http://127.0.0.1:9000" }).endpoint,
      "http://127.0.0.1:9000/v1/",
    );
    refused(() => settingsFrom(() => undefined, { FIRESTORE_CUSTOM_ENDPOINT: "http://evil.example" }), /plain http/);
  });

  test("credentials, a query or a fragment in the endpoint are refused, even with the opt-in", () => {
    const bad = [
      "https://user:pass@firestore.googleapis.com/v1/",
      "https://user@firestore.googleapis.com",
      "https://:pass@firestore.googleapis.com",
      "http://user:pass@127.0.0.1:8085",
      "https://firestore.googleapis.com/v1?key=abc",
      "https://firestore.googleapis.com/v1/?",
      "https://firestore.googleapis.com/v1#frag",
      "https://firestore.googleapis.com#",
      "http://127.0.0.1:8085/?x=1",
      "http://127.0.0.1:80@evil.example/",
    ];
    for (const endpoint of bad) {
      for (const optIn of [{}, { [OPT_IN_KEY]: "true" }]) {
        refused(() => settings(endpoint, optIn), /must not contain credentials, a query or a fragment/);
      }
      // checkEndpoint alone reads URL.search/hash, which are "" for a bare "?" or "#"; settingsFrom (its only
      // caller) appends "/v1/" first, which turns those into a non-empty query or fragment, refused above.
      if (!/[?#]$/.test(endpoint)) {
        refused(() => checkEndpoint(endpoint, true), /must not contain credentials, a query or a fragment/);
      }
    }
  });

  test("other schemes and non-URLs are refused, even with the opt-in", () => {
    for (const endpoint of [
      "ftp://firestore.googleapis.com",
      "file:///etc/passwd",
      "ws://127.0.0.1:1",
      "javascript:alert(1)",
      "data:,x",
    ]) {
      refused(() => settings(endpoint, { [OPT_IN_KEY]: "true" }), /must be https:\/\/ \(or http:\/\/ to loopback\)/);
    }
    for (const endpoint of ["not a url", "127.0.0.1:8085", "//evil.example", ""]) {
      assert.throws(
        () => checkEndpoint(endpoint, true),
        (error: Error) => error.name === "InvalidInputError",
      );
    }
  });

  // Regression (found by these tests, fixed): normalizeEndpoint trims with `.replace(/\/+$/, "")`, which backtracks
  // at every slash of a run that is not at the end: quadratic (32k slashes take about a second, 1 MB for hours).
  test("a long run of slashes in the endpoint is handled in linear time", () => {
    // 1 MB of slashes: linear trimming takes milliseconds, the quadratic one about a quarter of an hour. The child's
    // timeout is a hang guard, not a speed target: the gap is three orders of magnitude on any machine.
    const script = `
      const { settingsFromPulumiConfig } = require(${JSON.stringify(require.resolve("../../provider/config-keys"))});
      const endpoint = "https://firestore.googleapis.com" + "/".repeat(1_000_000) + "v1";
      try { settingsFromPulumiConfig({ get: (key) => (key === ${JSON.stringify(ENDPOINT_KEY)} ? endpoint : undefined) }, {}); }
      catch { /* refused or accepted: only that it ends matters here */ }
      process.stdout.write("checked");
    `;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: HANG_GUARD_MS });
    assert.equal(child.error, undefined, `the check of a 1 MB endpoint did not end within ${HANG_GUARD_MS} ms`);
    assert.equal(child.stdout, "checked", child.stderr);
  });

  test("whatever is accepted, the host requests go to is the one the policy checked", () => {
    const candidates = [
      ...LOOPBACK,
      ...REMOTE_HTTP,
      "https://a.example",
      "http://127.0.0.1\\@evil.example/",
      " http://127.0.0.1:1024 ",
    ];
    for (const endpoint of candidates) {
      let s: ReturnType<typeof settings>;
      try {
        s = settings(endpoint);
      } catch {
        continue;
      }
      const host = new URL(s.endpoint).hostname;
      if (new URL(s.endpoint).protocol === "http:") {
        assert.ok(
          host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host),
          `${endpoint} -> ${host}`,
        );
      }
      // A URL built the way FirestoreAdminClient builds it stays on that host.
      assert.equal(new URL(`${s.endpoint}projects/p/databases/d/operations/x`).hostname, host);
    }
  });
});

describe("TLS verification is never turned off", () => {
  const FORBIDDEN: [RegExp, string][] = [
    [/rejectUnauthorized\s*:\s*false/, "rejectUnauthorized: false"],
    [/rejectUnauthorized\s*=\s*false/, "rejectUnauthorized = false"],
    [/NODE_TLS_REJECT_UNAUTHORIZED/, "NODE_TLS_REJECT_UNAUTHORIZED"],
    [/checkServerIdentity\s*:\s*\(\s*\)\s*=>/, "checkServerIdentity: () =>"],
  ];

  function sourceFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") out.push(...sourceFiles(full));
      } else if (/\.(ts|js|mjs|cjs|json|sh)$/.test(entry.name)) out.push(full);
    }
    return out;
  }

  function scan(text: string): string[] {
    return FORBIDDEN.filter(([re]) => re.test(text)).map(([, what]) => what);
  }

  test("the scanner finds what it looks for", () => {
    assert.deepEqual(scan("const agent = new Agent({ rejectUnauthorized:false });"), ["rejectUnauthorized: false"]);
    assert.deepEqual(scan('process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";'), ["NODE_TLS_REJECT_UNAUTHORIZED"]);
    assert.deepEqual(scan("tls.connect({ checkServerIdentity: () => undefined })"), ["checkServerIdentity: () =>"]);
    assert.deepEqual(scan("rejectUnauthorized: true"), []);
  });

  test("no source file under client/, provider/, emulator/ or cli/ disables TLS verification", (t) => {
    const root = repoRoot();
    const files = ["client", "provider", "emulator", "cli"].flatMap((dir) => sourceFiles(path.join(root, dir)));
    assert.ok(
      files.some((f) => f.includes(`${path.sep}provider${path.sep}`)),
      "provider sources were found",
    );
    assert.ok(
      files.some((f) => f.includes(`${path.sep}emulator${path.sep}`)),
      "emulator sources were found",
    );
    const hits: string[] = [];
    let bytes = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      bytes += text.length;
      for (const what of scan(text)) hits.push(`${path.relative(root, file)}: ${what}`);
    }
    t.diagnostic(`${files.length} files, ${bytes} bytes scanned`);
    assert.deepEqual(hits, []);
  });

  test("the compiled package does not either (what npm publishes)", (t) => {
    const root = repoRoot();
    const files = ["client", "provider", "emulator", "cli"].flatMap((dir) => sourceFiles(path.join(root, "dist", dir)));
    const hits = files.flatMap((file) =>
      scan(fs.readFileSync(file, "utf8")).map((what) => `${path.relative(root, file)}: ${what}`),
    );
    t.diagnostic(`${files.length} compiled files scanned`);
    assert.ok(files.length > 0);
    assert.deepEqual(hits, []);
  });
});
