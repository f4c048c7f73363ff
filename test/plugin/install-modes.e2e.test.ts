import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import {
  createPluginProject,
  LOG_PLUGIN_LAUNCHES,
  PLUGIN_EXECUTABLE,
  PLUGIN_INSTALL_MODES,
  PLUGIN_NAME,
  pluginLaunches,
  pluginResources,
} from "../support/plugin-project";

/**
 * The three ways users install the plugin (docs/plugin-install.md), each with one `up` and one `destroy` of the
 * smallest YAML program. What proves the way: the engine's own log of the executable it launched for the plugin,
 * and no other copy being reachable (the harness drops PATH folders holding one; only the project-path project has
 * a node_modules, only the plugin-install project has a plugin cache entry).
 */
describe("installing the plugin: npm install -g, plugins.providers, pulumi plugin install", {
  concurrency: true,
}, () => {
  let emulator: EmulatorProcess;
  before(async () => {
    // Long enough that destroy finds the export running; a short cancel so destroy does not wait long.
    emulator = await spawnEmulator(["--auth", "oauth", "--duration-ms", "120000", "--cancel-latency-ms", "300"]);
  });
  after(async () => {
    await emulator?.kill();
  });

  for (const install of PLUGIN_INSTALL_MODES) {
    test(install, async () => {
      const prefix = `gs://bkt/install-${install}`;
      const project = await createPluginProject({
        install,
        emulator,
        project: {
          name: `install-${install}`,
          runtime: "yaml",
          resources: {
            backup: {
              type: `${PLUGIN_NAME}:index:FirestoreExport`,
              properties: { outputUriPrefix: prefix },
            },
          },
        },
      });
      try {
        assert.ok(fs.existsSync(project.pluginExecutable), `${project.pluginExecutable} exists`);
        const up = await project.pulumi(["up", "--yes", "--skip-preview", "--non-interactive", ...LOG_PLUGIN_LAUNCHES]);
        const launched = pluginLaunches(up.stderr);
        assert.ok(launched.length > 0, "the engine logged launching the plugin");
        assert.deepEqual(
          [...new Set(launched)],
          [project.pluginExecutable],
          "the engine ran the plugin this way installs, and no other",
        );
        if (install === "npm-global") {
          // What users see: the engine says it took the plugin from PATH.
          assert.match(up.stdout, new RegExp(`using ${PLUGIN_EXECUTABLE} from \\$PATH at ${project.pluginExecutable}`));
        }
        const [resource] = pluginResources(project.readState(), "FirestoreExport");
        assert.ok(resource, "the export is in state");
        const exportsStarted = (await project.requests()).filter(
          (r) => r.endpoint === "exportDocuments" && r.status === 200 && r.operation === resource.id,
        );
        assert.equal(exportsStarted.length, 1, "one export started, the one in state");

        const destroy = await project.pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
        assert.match(destroy.stdout, /CANCELLED/);
        assert.equal(pluginResources(project.readState(), "FirestoreExport").length, 0);
        const op = await project.admin("GET", `/v1/${resource.id}`);
        assert.equal(op.metadata.operationState, "CANCELLED", "destroy cancelled the export and waited for it");
      } finally {
        await project.dispose();
      }
    });
  }
});
