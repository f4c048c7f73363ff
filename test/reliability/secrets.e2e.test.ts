/**
 * No credential ever reaches what Pulumi prints or stores. Through the real CLI against the emulator with OAuth
 * on (createE2eStack: `--auth oauth`, credentials from the emulator's token endpoint): up, a verbose refresh, a
 * failing up (a snapshotTime the server refuses, and a waitFor: "done" that times out), stack export (with and
 * without --show-secrets) and destroy. Everything the CLI printed, the state files and the exports are scanned for
 * access tokens, the emulator's dev token, private keys, refresh tokens and pieces of the credential files.
 * Then a token in the stack config itself: set in plaintext, `up` refuses it before anything is registered and no
 * state holds it; set with --secret, it is used, and the state holds it only encrypted.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { createE2eStack, type DeclaredResource, type E2eStack, operationResources } from "../support/e2e-stack";

interface Captured {
  what: string;
  text: string;
}

/** Distinctive pieces of each file in the credentials folder: what must never show up anywhere. */
function credentialNeedles(dir: string): { needle: string; what: string }[] {
  const needles: { needle: string; what: string }[] = [];
  const jwt = fs.readFileSync(path.join(dir, "subject-token.jwt"), "utf8").trim();
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  assert.ok(header && payload && signature && signature.length > 40, "the subject token is a JWT");
  needles.push({ needle: signature.slice(0, 40), what: "subject-token.jwt signature" });
  needles.push({ needle: payload.slice(0, 40), what: "subject-token.jwt payload" });

  const key = JSON.parse(fs.readFileSync(path.join(dir, "service-account-key.json"), "utf8")) as {
    private_key: string;
    private_key_id: string;
  };
  const pemLines = key.private_key.split("\n").filter((line) => line && !line.startsWith("-----"));
  assert.ok(pemLines.length > 10, "the key file holds a PEM private key");
  for (const i of [1, Math.floor(pemLines.length / 2), pemLines.length - 2]) {
    needles.push({
      needle: (pemLines[i] as string).slice(0, 40),
      what: `service-account-key.json private_key line ${i}`,
    });
  }
  needles.push({ needle: key.private_key_id, what: "service-account-key.json private_key_id" });

  const external = JSON.parse(fs.readFileSync(path.join(dir, "external-account.json"), "utf8")) as { audience: string };
  needles.push({ needle: external.audience, what: "external-account.json audience" });
  return needles;
}

const PATTERNS: { re: RegExp; what: string }[] = [
  { re: /ya29\./, what: "an OAuth access token (ya29.)" },
  { re: new RegExp(DEV_TOKEN.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), what: "the emulator dev token" },
  { re: /-----BEGIN/, what: "a PEM block (-----BEGIN)" },
  { re: /private_key/, what: "private_key" },
  { re: /refresh_token/, what: "refresh_token" },
  { re: /Bearer\s+[A-Za-z0-9._-]{20,}/, what: "an Authorization header value" },
];

function filesUnder(dir: string, skip: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip(entry.name)) return [];
    if (entry.isDirectory()) return filesUnder(full, skip);
    return entry.isFile() ? [full] : [];
  });
}

describe("secrets scan through the real Pulumi CLI", () => {
  let e: E2eStack;
  const captured: Captured[] = [];

  before(async () => {
    e = await createE2eStack(["--duration-ms", "120000", "--cancel-latency-ms", "300"]);
  });
  after(async () => {
    await e?.dispose();
  });

  async function run(args: string[], expectFailure = false) {
    const result = await e.stack.pulumi(args);
    captured.push({
      what: `pulumi ${args.join(" ")} (exit ${result.code})`,
      text: `${result.stdout}\n${result.stderr}`,
    });
    if (expectFailure) assert.notEqual(result.code, 0, `pulumi ${args.join(" ")} should fail:\n${result.stdout}`);
    else assert.equal(result.code, 0, `pulumi ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  test("up, verbose refresh, failing up, export, destroy: zero secrets in output and state; __provider < 4 KB", async (t) => {
    const backup: DeclaredResource = {
      kind: "FirestoreExport",
      name: "backup",
      args: { outputUriPrefix: "gs://bkt/secrets", collectionIds: ["users"] },
    };
    await e.declare([backup]);
    await run(["up", "--yes", "--non-interactive", "--skip-preview", "--diff"]);
    // The engine's own logs (and the plugins', --logflow) on the refresh, the failing up and the destroy.
    await run(["refresh", "--yes", "--non-interactive", "--skip-preview", "--logtostderr", "-v=9", "--logflow"]);

    // Two failures: a snapshotTime older than the database keeps (no PITR: 1 hour), and waitFor: "done" with a
    // 2-second create timeout on an export that runs for two minutes.
    const old = new Date(Date.now() - 3 * 3600_000);
    old.setUTCSeconds(0, 0);
    await e.declare([
      backup,
      {
        kind: "FirestoreExport",
        name: "too-old",
        args: { outputUriPrefix: "gs://bkt/old", snapshotTime: old.toISOString().replace(".000Z", "Z") },
      },
      {
        kind: "FirestoreExport",
        name: "impatient",
        args: { outputUriPrefix: "gs://bkt/slow", waitFor: "done", timeouts: { create: "2s" } },
      },
    ]);
    const failed = await run(
      // --continue-on-error: the wait step of "impatient" starts after "too-old" already failed.
      [
        "up",
        "--yes",
        "--non-interactive",
        "--skip-preview",
        "--continue-on-error",
        "--logtostderr",
        "-v=9",
        "--logflow",
      ],
      true,
    );
    const failedText = `${failed.stdout}\n${failed.stderr}`;
    assert.match(failedText, /earliest_version_time|older than/, "the server's refusal is shown");
    assert.match(failedText, /Timed out after 2s/, "the create timeout is shown");

    const exported = await run(["stack", "export"]);
    await run(["stack", "export", "--show-secrets"]);
    await run(["config", "--show-secrets", "--json"]);
    await run(["stack", "history", "--show-secrets", "--json"]);

    const state = JSON.parse(exported.stdout);
    const resources = operationResources(state);
    assert.ok(resources.length >= 2, `operation resources in state: ${resources.map((r) => r.urn).join(", ")}`);
    for (const resource of resources) {
      for (const where of ["inputs", "outputs"] as const) {
        const provider = resource[where]?.__provider;
        if (provider === undefined) continue;
        const size = Buffer.byteLength(typeof provider === "string" ? provider : JSON.stringify(provider));
        t.diagnostic(`${resource.urn} ${where}.__provider: ${size} bytes`);
        assert.ok(size < 4096, `${resource.urn} ${where}.__provider is ${size} bytes`);
      }
    }

    await run(["destroy", "--yes", "--non-interactive", "--skip-preview", "--logtostderr", "-v=9", "--logflow"]);
    await run(["stack", "export", "--show-secrets"]);

    // OAuth was really in play: with --auth oauth the emulator answers 200 only to a valid bearer token, so the
    // provider held real access tokens while all of the above was printed and stored.
    const log = await e.requests();
    assert.ok(
      log.some((r) => r.endpoint === "exportDocuments" && r.status === 200),
      "an authorized export",
    );
    assert.ok(
      log.some((r) => r.endpoint === "operations.cancel" && r.status === 200),
      "an authorized cancel",
    );

    // State on disk (checkpoints, backups, history) and the stack's config file.
    const stateFiles = filesUnder(path.join(e.stack.stateDir, ".pulumi"), () => false);
    assert.ok(stateFiles.length > 0, "the file backend wrote state");
    for (const file of [
      ...stateFiles,
      ...filesUnder(e.stack.programDir, (name) => name === "node_modules").filter((f) => /Pulumi\..*\.yaml$/.test(f)),
    ]) {
      captured.push({ what: path.relative(e.stack.stateDir, file), text: fs.readFileSync(file, "utf8") });
    }

    const needles = credentialNeedles(e.credentialsDir);
    // The scanner itself: it must find what it looks for.
    for (const sample of [
      "ya29.emu.abc",
      DEV_TOKEN,
      "-----BEGIN PRIVATE KEY-----",
      '"private_key":',
      "refresh_token",
    ]) {
      assert.ok(
        PATTERNS.some((p) => p.re.test(sample)),
        `the scan would miss ${sample}`,
      );
    }
    const credentialText = fs
      .readdirSync(e.credentialsDir)
      .map((f) => fs.readFileSync(path.join(e.credentialsDir, f), "utf8"));
    for (const n of needles)
      assert.ok(
        credentialText.some((text) => text.includes(n.needle)),
        n.what,
      );
    const hits: string[] = [];
    let bytes = 0;
    for (const { what, text } of captured) {
      bytes += Buffer.byteLength(text);
      for (const p of PATTERNS) {
        const m = p.re.exec(text);
        if (m)
          hits.push(`${what}: ${p.what} at ${m.index}: ...${text.slice(Math.max(0, m.index - 40), m.index + 60)}...`);
      }
      for (const n of needles) {
        const at = text.indexOf(n.needle);
        if (at >= 0) hits.push(`${what}: ${n.what} at ${at}`);
      }
    }
    const summary = `secrets scan: ${bytes} bytes in ${captured.length} outputs and files, ${PATTERNS.length} patterns + ${needles.length} credential pieces, ${hits.length} hits`;
    console.log(summary);
    t.diagnostic(summary);
    assert.ok(bytes > 100_000, `only ${bytes} bytes scanned: the verbose refresh should give much more`);
    assert.deepEqual(hits, []);
  });
});

/**
 * The checkpoints and their backups the file backend wrote, as text. Not the update history: it records each
 * update's stack config as given, like the stack's config file (where a plaintext value is the user's choice).
 */
function stateText(e: E2eStack): { file: string; text: string }[] {
  const files = filesUnder(path.join(e.stack.stateDir, ".pulumi"), (name) => name === "history");
  assert.ok(
    files.some((file) => file.includes(`${path.sep}stacks${path.sep}`)),
    "the file backend wrote a checkpoint",
  );
  assert.ok(files.length > 0, "the file backend wrote state");
  return files.map((file) => ({ file: path.relative(e.stack.stateDir, file), text: fs.readFileSync(file, "utf8") }));
}

describe("a token in the stack config never reaches the state in plaintext", () => {
  let e: E2eStack;
  before(async () => {
    e = await createE2eStack(["--duration-ms", "1000"]);
  });
  after(async () => {
    await e?.dispose();
  });

  test("gcp:accessToken set in plaintext: up refuses it first; set with --secret: used, stored encrypted", async () => {
    // The emulator's dev token is a bearer token it accepts (OAuth on): the credential under test.
    const token = DEV_TOKEN;
    const backup: DeclaredResource = {
      kind: "FirestoreExport",
      name: "backup",
      args: { outputUriPrefix: "gs://bkt/s" },
    };
    await e.declare([backup]);
    await e.pulumi(["config", "set", "--plaintext", "gcp:accessToken", token]);
    const config = JSON.parse((await e.pulumi(["config", "--json"])).stdout);
    assert.equal(config["gcp:accessToken"]?.secret, false, "the setup took effect: the token is plaintext config");

    const refused = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"], 1);
    const said = `${refused.stdout}\n${refused.stderr}`;
    assert.match(said, /The stack config key gcp:accessToken holds an access token in plaintext/);
    assert.match(said, /pulumi config set --secret gcp:accessToken/);
    assert.ok(!said.includes(token), "the message does not echo the token");
    const exportedRefused = (await e.pulumi(["stack", "export"])).stdout;
    assert.ok(!exportedRefused.includes(token), "stack export after the refused up");
    for (const { file, text } of stateText(e)) assert.ok(!text.includes(token), `${file} holds the token`);
    assert.equal((await e.requests()).filter((r) => r.endpoint === "exportDocuments").length, 0, "nothing started");

    await e.pulumi(["config", "set", "--secret", "gcp:accessToken", token]);
    await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
    const exported = (await e.pulumi(["stack", "export"])).stdout;
    const provider = (JSON.parse(exported).deployment.resources as { type: string; inputs?: object }[]).find(
      (r) => r.type === "pulumi:providers:pulumi-nodejs",
    );
    assert.ok(provider, "the dynamic provider's resource is in state");
    assert.match(
      JSON.stringify(provider.inputs),
      /gcp:accessToken.*4dabf18193072939515e22adb298388d/,
      "stored as a secret",
    );
    assert.ok(!exported.includes(token), "stack export holds the token only encrypted");
    for (const { file, text } of stateText(e)) assert.ok(!text.includes(token), `${file} holds the token`);
    // The token was really used: the emulator answers 200 only to a valid bearer token.
    assert.ok(
      (await e.requests()).some((r) => r.endpoint === "exportDocuments" && r.status === 200),
      "an export authorized with the configured token",
    );
    await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    for (const { file, text } of stateText(e)) assert.ok(!text.includes(token), `${file} holds the token`);
  });
});
