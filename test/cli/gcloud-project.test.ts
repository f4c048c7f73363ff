import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { runCli, startExport } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

/** A gcloud configuration folder as `gcloud config configurations create/activate` leaves it. */
function gcloudConfig(active: string | undefined, configurations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gcloud-config-"));
  if (active !== undefined) fs.writeFileSync(path.join(dir, "active_config"), `${active}\n`);
  fs.mkdirSync(path.join(dir, "configurations"));
  for (const [name, text] of Object.entries(configurations)) {
    fs.writeFileSync(path.join(dir, "configurations", `config_${name}`), text);
  }
  return dir;
}

describe("firestore-ops takes the project from gcloud's active configuration", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("CLOUDSDK_CONFIG, active_config, configurations/config_NAME, [core] project; flags and variables win", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/x");
      const config = gcloudConfig("work", {
        default: "[core]\nproject = other-project\n",
        work: "[core]\naccount = me@example.com\nproject = demo-project\n\n[compute]\nregion = europe-west1\n",
      });
      dirs.push(config);
      const env = { CLOUDSDK_CONFIG: config, GOOGLE_OAUTH_ACCESS_TOKEN: DEV_TOKEN };
      const id = path.basename(name);
      const describe = async (args: string[], extra: Record<string, string> = {}) =>
        runCli(["describe", id, "--endpoint", emu.url, "--format", "json", ...args], { env: { ...env, ...extra } });

      const fromConfig = await describe([]);
      assert.equal(fromConfig.code, 0, fromConfig.stderr);
      assert.equal(JSON.parse(fromConfig.stdout).name, name, "the bare id resolved in demo-project");

      const active = await describe([], { CLOUDSDK_ACTIVE_CONFIG_NAME: "default" });
      assert.equal(active.code, 1, "CLOUDSDK_ACTIVE_CONFIG_NAME picks the configuration: other-project");
      assert.match(active.stderr, /other-project/);

      const flag = await describe(["--project", "other-project"]);
      assert.match(flag.stderr, /other-project/, "--project wins over the configuration");
      const variable = await describe([], { CLOUDSDK_CORE_PROJECT: "other-project" });
      assert.match(variable.stderr, /other-project/, "the environment wins over the configuration");
    });
  });

  test("no configuration, or one without a project: the usual request for --project", async () => {
    const config = gcloudConfig(undefined, { default: "[core]\naccount = me@example.com\n" });
    dirs.push(config);
    const result = await runCli(["describe", "abc", "--endpoint", "http://127.0.0.1:9000"], {
      env: { CLOUDSDK_CONFIG: config },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--project: is required with the bare database id/);
    assert.match(result.stderr, /gcloud config set project P/);
  });
});
