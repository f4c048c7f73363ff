import * as fs from "node:fs";
import * as path from "node:path";
import { PLUGIN_NAME } from "../plugin/config-keys";

/**
 * The Pulumi programs the stack benchmarks deploy, written out as plain JavaScript so that both pay the same
 * (no TypeScript compile): `exports` declares FirestoreExport resources, `noop` the same number of resources of
 * a trivial inline dynamic provider, `shaped` the same no-op carrying a real FirestoreExport's inputs and outputs
 * (from `template.json`, written next to it), so that what the data costs Pulumi shows apart from what our
 * provider does, `graph` that shaped no-op in a FirestoreExport's resource graph (a component holding a no-op
 * stack instance and the shaped step that takes its id), and `plugin` the same FirestoreExports as `exports`
 * served by the provider plugin (plugin mode). The stack config `count` says how many.
 */
export type StackProgram = "exports" | "noop" | "shaped" | "graph" | "plugin";

/** N FirestoreExports from `module`: the dynamic classes or the plugin's, one program text for both modes. */
const exportsProgram = (module: string) => `"use strict";
const pulumi = require("@pulumi/pulumi");
const firestore = require("${module}");

const count = new pulumi.Config().requireNumber("count");
for (let i = 0; i < count; i++) {
  new firestore.FirestoreExport(\`export-\${i}\`, {
    outputUriPrefix: \`gs://bench-stack/export-\${i}\`,
    collectionIds: ["users"],
  });
}
`;

/**
 * A no-op that checks, creates and registers exactly what a FirestoreExport's start step does, registered the way
 * it is: a CustomResource with a provider module written out (provider/shim.ts), so that __provider is as small as
 * ours. "flat": one such resource per export. "graph": as the package registers it (provider/operation-resource.ts):
 * a component holding a no-op StackInstance and the step, which takes the instance's id as an input and carries
 * the alias of release 0.1.0.
 */
const shapedProgram = (shape: "flat" | "graph") => `"use strict";
const pulumi = require("@pulumi/pulumi");

// The template (a real FirestoreExport's state entry: { inputs, outputs } without __provider) is read at run time.
const template = require("./template.json");
const providerModule = \`exports.handler = () => {
  const template = () => require(require("node:path").join(process.cwd(), "template.json"));
  return {
    check: async (olds, news) => ({ inputs: { ...template().inputs, ...news } }),
    create: async (inputs) => {
      const { outputs } = template();
      const id = outputs.operationName + "-" + Date.now() + "-" + Math.random().toString(36).slice(2);
      return { id, outs: { ...outputs, ...inputs, operationName: id } };
    },
    delete: async () => {},
  };
};
\`;
const instanceModule = \`exports.handler = () => ({
  check: async (olds, news) => ({ inputs: news }),
  diff: async () => ({ changes: false }),
  create: async () => ({ id: require("node:crypto").randomUUID(), outs: {} }),
  delete: async () => {},
});
\`;
const outputNames = Object.keys(template.outputs).filter((key) => !(key in template.inputs));
const SHAPE = "${shape}";

const count = new pulumi.Config().requireNumber("count");
for (let i = 0; i < count; i++) {
  const props = { outputUriPrefix: \`gs://bench-stack/shaped-\${i}\`, collectionIds: ["users"], __provider: providerModule };
  for (const name of outputNames) props[name] = undefined;
  if (SHAPE === "flat") {
    new pulumi.CustomResource("pulumi-nodejs:dynamic/bench:Shaped", \`shaped-\${i}\`, props, { deleteBeforeReplace: true });
    continue;
  }
  const component = new pulumi.ComponentResource("bench:index:Graph", \`shaped-\${i}\`, {}, {});
  const instance = new pulumi.CustomResource(
    "pulumi-nodejs:dynamic/bench:StackInstance",
    \`shaped-\${i}\`,
    { __provider: instanceModule },
    { parent: component },
  );
  new pulumi.CustomResource(
    "pulumi-nodejs:dynamic/bench:Shaped",
    \`shaped-\${i}\`,
    { ...props, stackInstance: instance.id },
    { parent: component, deleteBeforeReplace: true, aliases: [{ parent: pulumi.rootStackResource }] },
  );
  component.registerOutputs({});
}
`;

const SOURCES: Record<StackProgram, string> = {
  exports: exportsProgram("pulumi-firestore-operations"),
  plugin: exportsProgram("pulumi-firestore-operations/plugin"),
  noop: `"use strict";
const pulumi = require("@pulumi/pulumi");

// Does nothing: what any dynamic resource costs the engine and the dynamic provider host.
const noopProvider = {
  async create(inputs) {
    return { id: \`noop-\${Date.now()}-\${Math.random().toString(36).slice(2)}\`, outs: inputs };
  },
  async delete() {},
};

const count = new pulumi.Config().requireNumber("count");
for (let i = 0; i < count; i++) {
  new pulumi.dynamic.Resource(
    noopProvider,
    \`noop-\${i}\`,
    { outputUriPrefix: \`gs://bench-stack/noop-\${i}\`, collectionIds: ["users"] },
    undefined,
    "bench",
    "Noop",
  );
}
`,
  shaped: shapedProgram("flat"),
  graph: shapedProgram("graph"),
};

/**
 * Where the engine finds the provider plugin: in the installed package, as a user of plugin mode points
 * `plugins.providers` at it (the package's root holds `pulumi-resource-firestore-operations`).
 */
const PLUGIN_PROVIDERS = `plugins:
  providers:
    - name: ${PLUGIN_NAME}
      path: node_modules/pulumi-firestore-operations
`;

/** Writes the program, and any `files` (name → content) beside it, into `dir` (created). */
export function writeStackProgram(program: StackProgram, dir: string, files: Record<string, string> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: bench-${program}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n` +
      (program === "plugin" ? PLUGIN_PROVIDERS : ""),
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: `bench-${program}`, private: true, main: "index.js" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.js"), SOURCES[program]);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
}
