/**
 * A credential in plaintext stack config is refused before anything is registered (issue 23: the engine stores the
 * whole stack config in the dynamic provider's state, in plaintext for keys not set with --secret). Which keys are
 * secret is the Pulumi SDK's own answer, from the config the SDK holds (`runtime.setAllConfig`, as the language
 * host and the Automation API fill it). The end-to-end proof that nothing reaches the state file is in
 * test/reliability/secrets.e2e.test.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { FirestoreExport } from "../../provider/index";
import { refusePlaintextSecrets } from "../../provider/plaintext-secrets";

const TOKEN = "ya29.a-plaintext-token";
const INLINE = '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----..."}';

function stackConfig(values: Record<string, string>, secretKeys: string[] = []): void {
  pulumi.runtime.setAllConfig(values, secretKeys);
}

function refusal(key: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(pulumi.RunError.isInstance(error), `a RunError (no stack trace), got ${String(error)}`);
    const message = (error as Error).message;
    assert.match(message, new RegExp(`^The stack config key ${key} .*plaintext.*: Pulumi would store it unencrypted`));
    assert.ok(message.includes(`pulumi config set --secret ${key}`), message);
    assert.ok(!message.includes(TOKEN) && !message.includes("PRIVATE KEY"), "the value is not echoed");
    return true;
  };
}

describe("credentials in plaintext stack config are refused", () => {
  afterEach(() => stackConfig({}));

  test("gcp:accessToken in plaintext: refused, naming the key and the command; as a secret: accepted", () => {
    stackConfig({ "gcp:accessToken": TOKEN });
    assert.throws(() => refusePlaintextSecrets(), refusal("gcp:accessToken"));
    stackConfig({ "gcp:accessToken": TOKEN }, ["gcp:accessToken"]);
    refusePlaintextSecrets();
  });

  test("gcp:credentials: inline JSON in plaintext is refused; a key file's path, or a secret, is accepted", () => {
    stackConfig({ "gcp:credentials": INLINE });
    assert.throws(() => refusePlaintextSecrets(), refusal("gcp:credentials"));
    stackConfig({ "gcp:credentials": INLINE }, ["gcp:credentials"]);
    refusePlaintextSecrets();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plaintext-secrets-"));
    try {
      const file = path.join(dir, "key.json");
      fs.writeFileSync(file, INLINE);
      stackConfig({ "gcp:credentials": file });
      refusePlaintextSecrets();
      // Not a file: whatever it holds (base64, a PEM block) is the credential itself.
      stackConfig({ "gcp:credentials": path.join(dir, "missing.json") });
      assert.throws(() => refusePlaintextSecrets(), refusal("gcp:credentials"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("settings that are no credentials stay plaintext: nothing is refused", () => {
    stackConfig({
      "gcp:project": "p",
      "gcp:firestoreCustomEndpoint": "http://127.0.0.1:1/v1/",
      "gcp:impersonateServiceAccount": "sa@p.iam.gserviceaccount.com",
    });
    refusePlaintextSecrets();
  });

  test("a resource declared with a plaintext token registers nothing: the program stops first", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args.type);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      true,
    );
    stackConfig({ "gcp:accessToken": TOKEN });
    assert.throws(() => new FirestoreExport("nightly", { outputUriPrefix: "gs://bkt" }), refusal("gcp:accessToken"));
    // The control: with the token a secret, the same declaration registers its component and start step.
    stackConfig({ "gcp:accessToken": TOKEN }, ["gcp:accessToken"]);
    const declared = new FirestoreExport("nightly", { outputUriPrefix: "gs://bkt" });
    await new Promise<void>((resolve) => declared.urn.apply(() => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(
      registered.some((type) => type.endsWith(":FirestoreExport")),
      `registered: ${registered.join(", ")}`,
    );
    assert.equal(registered.filter((type) => type === "firestore-operations:index:FirestoreExport").length, 1);
  });
});
