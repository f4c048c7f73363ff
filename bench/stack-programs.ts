import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The Pulumi programs the stack benchmarks deploy, written out as plain JavaScript so that both pay the same
 * (no TypeScript compile): `exports` declares FirestoreExport resources, `noop` the same number of resources of
 * a trivial inline dynamic provider. The stack config `count` says how many.
 */
export type StackProgram = "exports" | "noop";

const SOURCES: Record<StackProgram, string> = {
  exports: `"use strict";
const pulumi = require("@pulumi/pulumi");
const firestore = require("pulumi-firestore-operations");

const count = new pulumi.Config().requireNumber("count");
for (let i = 0; i < count; i++) {
  new firestore.FirestoreExport(\`export-\${i}\`, {
    outputUriPrefix: \`gs://bench-stack/export-\${i}\`,
    collectionIds: ["users"],
  });
}
`,
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
};

/** Writes the program into `dir` (created). */
export function writeStackProgram(program: StackProgram, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: bench-${program}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: `bench-${program}`, private: true, main: "index.js" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.js"), SOURCES[program]);
}
