import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ClientSettings } from "../../client/settings";
import type { LifecycleContext } from "../../provider/context";
import { SILENT } from "../../provider/reporter";
import { ProviderProcess } from "../../provider/runtime";

/** A stack config as the host passes it to configure. */
const stackConfig = (values: Record<string, string>) => ({ config: { get: (key: string) => values[key] } }) as never;

const GOOD = { "gcp:firestoreCustomEndpoint": "http://127.0.0.1:8080", "gcp:project": "good-project" };
// Refused whatever the environment allows: not http(s).
const BAD = { ...GOOD, "gcp:firestoreCustomEndpoint": "ftp://firestore.example.com" };

/** A provider process whose context holds only the settings (no client): check needs no more. */
function processWithBuilds() {
  const built: ClientSettings[] = [];
  const runtime = new ProviderProcess((settings) => {
    built.push(settings);
    return { settings, reporter: SILENT } as unknown as LifecycleContext;
  });
  return { runtime, built };
}

const check = (runtime: ProviderProcess) => runtime.providerFor("export").check({}, { outputUriPrefix: "gs://bkt" });

describe("the provider process's configuration", () => {
  test("a bad endpoint: configure does not throw, the first step reports the field; a good one clears it", async () => {
    const { runtime, built } = processWithBuilds();
    await runtime.providerFor("export").configure?.(stackConfig(BAD));
    const failed = await check(runtime);
    assert.equal(failed.failures?.length, 1);
    assert.equal(failed.failures?.[0]?.property, "gcp:firestoreCustomEndpoint");
    assert.match(failed.failures?.[0]?.reason ?? "", /https/);
    assert.throws(() => runtime.context(), /ftp:/, "every later step sees it too");
    assert.equal(built.length, 0, "no context is built from a failed configuration");

    await runtime.providerFor("export").configure?.(stackConfig(GOOD));
    const passed = await check(runtime);
    assert.deepEqual(passed.failures, []);
    assert.equal(passed.inputs.database, "projects/good-project/databases/(default)");
    assert.equal(built[0]?.endpoint, "http://127.0.0.1:8080/v1/");
  });

  test("one configuration for every kind: configuring the wait step reconfigures the start steps", async () => {
    const { runtime } = processWithBuilds();
    await runtime.providerFor("export").configure?.(stackConfig(BAD));
    await runtime.providerFor("wait").configure?.(stackConfig(GOOD));
    assert.deepEqual((await check(runtime)).failures, []);
  });

  test("the context is built once per configure, on first use", async () => {
    const { runtime, built } = processWithBuilds();
    runtime.configure({ get: (key: string) => (GOOD as Record<string, string>)[key] });
    assert.equal(built.length, 0);
    assert.equal(runtime.context(), runtime.context());
    assert.equal(built.length, 1);
    runtime.configure({ get: (key: string) => ({ ...GOOD, "gcp:project": "other-project" })[key] });
    assert.equal(runtime.context().settings.project, "other-project");
    assert.equal(built.length, 2);
  });

  test("errors leaving a step are scrubbed with the configured secrets", async () => {
    const { runtime } = processWithBuilds();
    assert.equal(runtime.redactor(), undefined, "before configure: only the generic patterns");
    // No token shape a generic pattern knows: only the configured value can hide it.
    const token = "plain-configured-secret-value";
    runtime.configure({ get: (key: string) => ({ ...GOOD, "gcp:accessToken": token })[key] });
    const redactor = runtime.redactor();
    assert.ok(redactor);
    assert.equal(redactor.scrub(`token ${token} refused`).includes(token), false);
  });

  test("the same provider object per kind, and an unknown kind is refused", () => {
    const { runtime } = processWithBuilds();
    assert.equal(runtime.providerFor("import"), runtime.providerFor("import"));
    assert.throws(() => runtime.providerFor("restore" as never), /unknown Firestore operation resource kind "restore"/);
  });
});
