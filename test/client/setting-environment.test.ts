import assert from "node:assert/strict";
import { test } from "node:test";
import { type ClientSettings, SETTING_ENVIRONMENT, type Setting, settingsFrom } from "../../client/settings";

/** Where each setting lands in ClientSettings, for a value that passes its checks. */
const READ_AS: Partial<Record<Setting, { value: (n: number) => string; read: (s: ClientSettings) => unknown }>> = {
  project: { value: (n) => `project-${n}`, read: (s) => s.project },
  endpoint: { value: (n) => `http://127.0.0.1:${9000 + n}/v1/`, read: (s) => s.endpoint },
  credentials: { value: (n) => `/keys/key-${n}.json`, read: (s) => s.credentials },
  accessToken: { value: (n) => `token-${n}`, read: (s) => s.accessToken },
  impersonateServiceAccount: {
    value: (n) => `sa-${n}@p.iam.gserviceaccount.com`,
    read: (s) => s.impersonateServiceAccount,
  },
};

test("settingsFrom reads every variable of SETTING_ENVIRONMENT, the first one set winning, after the front end's value", () => {
  let checked = 0;
  for (const [setting, { value, read }] of Object.entries(READ_AS) as [
    Setting,
    NonNullable<(typeof READ_AS)[Setting]>,
  ][]) {
    const names = SETTING_ENVIRONMENT[setting];
    names.forEach((name, i) => {
      // Only this variable and those after it: this one wins.
      const env = Object.fromEntries(names.slice(i).map((later, j) => [later, value(i + j)]));
      assert.equal(read(settingsFrom(() => undefined, env)), value(i), `${setting} from ${name}`);
      checked++;
    });
    const all = Object.fromEntries(names.map((name, i) => [name, value(i)]));
    assert.equal(read(settingsFrom((s) => (s === setting ? value(99) : undefined), all)), value(99), setting);
  }
  assert.equal(checked, 10, "every variable of these five settings was tried");
});

test("billingProject and userProjectOverride: the billing project is sent only with the override on", () => {
  const [billing] = SETTING_ENVIRONMENT.billingProject;
  const [override] = SETTING_ENVIRONMENT.userProjectOverride;
  const [insecure] = SETTING_ENVIRONMENT.allowInsecureEndpoint;
  assert.equal(settingsFrom(() => undefined, { [billing as string]: "bill-project" }).userProject, undefined);
  const on = settingsFrom(() => undefined, { [billing as string]: "bill-project", [override as string]: "true" });
  assert.equal(on.userProject, "bill-project");
  assert.equal(settingsFrom(() => undefined, { [insecure as string]: "true" }).allowInsecureEndpoint, true);
});
