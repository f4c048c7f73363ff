import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { PLUGIN_CONFIG_KEYS } from "../../plugin/config-keys";
import { repoRoot } from "../support/repo";

/**
 * The README's plugin-mode section shows programs a user copies: the YAML one must name the schema's types,
 * inputs and outputs; the Python one is the tested one of docs/plugin-python-go.md (test/docs/plugin-python-go.test.ts
 * ties that to the program the Python test runs); its config keys are the plugin's.
 */
const read = (file: string) => fs.readFileSync(path.join(repoRoot(), file), "utf8");
const section = (() => {
  const readme = read("README.md");
  const start = readme.indexOf("## Other languages (plugin mode)");
  assert.notEqual(start, -1, "the README has the section");
  return readme.slice(start, readme.indexOf("\n## ", start + 1));
})();
const block = (text: string, language: string): string => {
  const found = [...text.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))];
  assert.equal(found.length, 1, `one ${language} block`);
  return found[0]?.[1] as string;
};
const schema = JSON.parse(read("schema.json")) as {
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
};

describe("the README's plugin-mode section", () => {
  test("the YAML program names the schema's types, inputs and outputs", () => {
    const program = parse(block(section, "yaml")) as {
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    const declared = Object.entries(program.resources);
    assert.ok(declared.length > 0);
    for (const [name, { type, properties }] of declared) {
      const resource = schema.resources[type];
      assert.ok(resource, `${name}: ${type} is a type of schema.json`);
      for (const key of Object.keys(properties)) assert.ok(key in resource.inputProperties, `${type} takes ${key}`);
    }
    for (const reference of Object.values(program.outputs)) {
      const [, name, output] = /^\$\{(\w+)\.(\w+)\}$/.exec(reference) ?? [];
      const type = program.resources[name as string]?.type as string;
      assert.ok(schema.resources[type]?.properties[output as string] !== undefined, `${reference} is an output`);
    }
  });

  test("the Python program is docs/plugin-python-go.md's, which the Python test runs", () => {
    assert.equal(block(section, "python"), block(read("docs/plugin-python-go.md"), "python"));
  });

  test("every config key it names is one of the plugin's", () => {
    const named = [...section.matchAll(/firestore-operations:(\w+)(?![\w:])/g)].map(
      (m) => `firestore-operations:${m[1]}`,
    );
    assert.ok(named.length >= 3, "the section names the keys");
    const keys = new Set<string>(Object.values(PLUGIN_CONFIG_KEYS));
    for (const key of named) assert.ok(keys.has(key), `${key} is a plugin config key`);
  });
});
