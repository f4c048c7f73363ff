import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { METADATA_TYPE } from "../../client/operation-types";
import { parseOperation } from "../../client/operation-view";
import { DEFAULT_ENDPOINT, SETTING_ENVIRONMENT, SETTINGS } from "../../client/settings";
import { PLUGIN_CONFIG_KEYS, PLUGIN_NAME } from "../../plugin/config-keys";
import { importedInputs } from "../../plugin/import-inputs";
import { FirestoreOperationsPlugin, PLUGIN_RESOURCES } from "../../plugin/plugin-provider";
import * as pluginClasses from "../../plugin/resources";
import { SECRET_BEARING_SETTINGS } from "../../provider/config-keys";
import { KIND_INPUTS, SETTING_DEFAULTS, SETTING_INPUTS } from "../../provider/inputs";
import { RESOURCE_KINDS, type ResourceKind } from "../../provider/kinds";
import { liveOutputs, OUTPUT_NAMES } from "../../provider/outputs";
import type { StartJournal } from "../../provider/start-journal";
import { repoRoot } from "../support/repo";

// schema.json is what the plugin serves (GetSchema) and what the Python and Go SDKs are generated from: these
// tests tie it to the code that defines the same facts (the plugin's check, the lifecycle's outputs, the client's
// settings), so that a change on either side fails here.

interface PropertySpec {
  type?: string;
  items?: PropertySpec;
  $ref?: string;
  secret?: boolean;
  description?: string;
}
interface ResourceSpec {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties: Record<string, PropertySpec>;
  required?: string[];
}
interface PackageSchema {
  name: string;
  version: string;
  license: string;
  config: { variables: Record<string, PropertySpec> };
  provider: { inputProperties: Record<string, PropertySpec> };
  types: Record<string, { type: string; properties: Record<string, PropertySpec> }>;
  resources: Record<string, ResourceSpec>;
  language: { python: { packageName: string }; go: { importBasePath: string } };
}

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8")) as PackageSchema;
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

/** The type name of each kind, as the plugin serves it (and as its TypeScript class is named). */
const TYPE_NAMES = Object.fromEntries(Object.entries(PLUGIN_RESOURCES).map(([name, kind]) => [kind, name])) as Record<
  ResourceKind,
  string
>;
const typeToken = (kind: ResourceKind) => `${PLUGIN_NAME}:index:${TYPE_NAMES[kind]}`;
const urnOf = (kind: ResourceKind) => `urn:pulumi:dev::proj::${typeToken(kind)}::name`;
/** Fields the plugin stores for itself (the start journal's keys), not the program's. */
const PLUGIN_OWN_FIELDS = ["resourceUrn", "stackInstance"];
const PROJECT = "my-project";

/** The plugin as the engine configures it, with the project set (the start journal is never reached by check). */
function configuredPlugin(): FirestoreOperationsPlugin {
  const plugin = new FirestoreOperationsPlugin("0.0.0-test", "{}", undefined, undefined as unknown as StartJournal);
  plugin.configure({ id: "provider-id", args: { project: PROJECT } });
  return plugin;
}
const check = (kind: ResourceKind, news: Record<string, unknown>) =>
  configuredPlugin().check(urnOf(kind), {}, news) as Promise<{
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
  }>;
const TIMEOUTS_TYPE = `${PLUGIN_NAME}:index:Timeouts`;
const sorted = (names: Iterable<string>) => [...names].sort();
const resourceOf = (kind: ResourceKind): ResourceSpec => {
  const resource = schema.resources[typeToken(kind)];
  assert.ok(resource, `schema.json has no resource ${typeToken(kind)}`);
  return resource;
};
/** The values a description writes as `"value"`, in order. */
const quotedValues = (text: string) => [...text.matchAll(/`"([^"`]*)"`/g)].map((m) => m[1] ?? "");
/** A description's `Default: ...` clause, without its final period. */
const defaultOf = (text: string | undefined) => /Default: (.+?)\.(?: |$)/.exec(text ?? "")?.[1];

/** Whether a value from the code fits a schema property's declared type. */
function fits(value: unknown, spec: PropertySpec): boolean {
  if (spec.$ref === `#/types/${TIMEOUTS_TYPE}`) {
    const timeouts = schema.types[TIMEOUTS_TYPE];
    return (
      typeof value === "object" &&
      value !== null &&
      Object.entries(value).every(([key, v]) => timeouts?.properties[key] !== undefined && typeof v === "string")
    );
  }
  switch (spec.type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "array":
      return Array.isArray(value) && value.every((item) => spec.items !== undefined && fits(item, spec.items));
    default:
      return false;
  }
}

describe("schema.json", () => {
  it("is the plugin's: its name, its version package.json's", () => {
    assert.equal(schema.name, PLUGIN_NAME);
    assert.equal(schema.version, packageJson.version);
    assert.equal(schema.license, "Apache-2.0");
    assert.equal(schema.language.python.packageName, "pulumi_firestore_operations");
  });

  it("declares the resources the plugin serves, one per kind, each a TypeScript class too, and nothing else", () => {
    assert.deepEqual(sorted(Object.values(PLUGIN_RESOURCES)), sorted(RESOURCE_KINDS));
    assert.deepEqual(sorted(Object.keys(schema.resources)), sorted(RESOURCE_KINDS.map(typeToken)));
    for (const kind of RESOURCE_KINDS) {
      assert.equal(typeof (pluginClasses as Record<string, unknown>)[TYPE_NAMES[kind]], "function", TYPE_NAMES[kind]);
      assert.notEqual(resourceOf(kind).description, "", `${typeToken(kind)} needs a description`);
    }
    assert.deepEqual(Object.keys(schema.types), [TIMEOUTS_TYPE]);
  });

  for (const kind of RESOURCE_KINDS) {
    describe(typeToken(kind), () => {
      const resource = resourceOf(kind);

      it("takes the inputs of its kind, project and the settings, each described", () => {
        assert.deepEqual(
          sorted(Object.keys(resource.inputProperties)),
          sorted([...KIND_INPUTS[kind], "project", ...SETTING_INPUTS]),
        );
        for (const [name, spec] of Object.entries(resource.inputProperties)) {
          assert.ok(spec.description, `${name} needs a description`);
        }
      });

      it("requires exactly the inputs the plugin's check rejects as missing", async () => {
        const missing = (await check(kind, {})).failures
          .filter((failure) => failure.reason.startsWith("is required"))
          .map((failure) => failure.property);
        assert.deepEqual(sorted(resource.requiredInputs ?? []), sorted(missing));
      });

      it("outputs every input and every live output, and nothing else", () => {
        assert.deepEqual(
          sorted(Object.keys(resource.properties)),
          sorted(new Set([...Object.keys(resource.inputProperties), ...OUTPUT_NAMES])),
        );
        for (const [name, spec] of Object.entries(resource.inputProperties)) {
          const output = resource.properties[name];
          assert.equal(output?.type, spec.type, `${name}: output type`);
          assert.equal(output?.$ref, spec.$ref, `${name}: output type`);
        }
      });
    });
  }

  /** Inputs of each kind a check accepts: the fewest, and every one. */
  const fewest: Record<ResourceKind, Record<string, unknown>> = {
    export: { outputUriPrefix: "gs://my-bucket/folder" },
    import: { inputUriPrefix: "gs://my-bucket/folder" },
    bulkDelete: { collectionIds: ["users"] },
    adopted: { operationName: `projects/${PROJECT}/databases/(default)/operations/ABC` },
  };
  const minuteAgo = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
  const every: Record<ResourceKind, Record<string, unknown>> = {
    export: { ...fewest.export, collectionIds: ["users"], namespaceIds: [""], snapshotTime: minuteAgo },
    import: { ...fewest.import, collectionIds: ["users"], namespaceIds: [""] },
    bulkDelete: { collectionIds: ["users"], namespaceIds: [""] },
    adopted: fewest.adopted,
  };
  const fullOutputs = liveOutputs({
    name: `projects/${PROJECT}/databases/(default)/operations/ABC`,
    metadataType: METADATA_TYPE.exportDocuments,
    done: true,
    state: "CANCELLED",
    documents: { completed: 3, estimated: 10 },
    bytes: { completed: 30, estimated: 100 },
    startTime: "2026-01-01T10:00:00Z",
    endTime: "2026-01-01T10:05:00Z",
    outputUriPrefix: "gs://my-bucket/2026-01-01T10:00:00_1",
    error: { code: 1, message: "cancelled" },
    request: { collectionIds: [], namespaceIds: [] },
  });
  const bareOutputs = liveOutputs({
    name: `projects/${PROJECT}/databases/(default)/operations/ABC`,
    metadataType: "IndexOperationMetadata",
    done: false,
    state: "PROCESSING",
    request: { collectionIds: [], namespaceIds: [] },
  });

  it("types each input as the plugin's check stores it", async () => {
    for (const kind of RESOURCE_KINDS) {
      const given = {
        ...every[kind],
        database: "(default)",
        project: PROJECT,
        waitFor: "done",
        timeouts: { create: "1h", delete: "5m" },
        onCancelLost: "fail",
      };
      assert.deepEqual(sorted(Object.keys(given)), sorted(Object.keys(resourceOf(kind).inputProperties)), kind);
      const { inputs: stored, failures } = await check(kind, given);
      assert.deepEqual(failures, [], kind);
      for (const [name, value] of Object.entries(stored)) {
        if (PLUGIN_OWN_FIELDS.includes(name)) continue;
        const spec = resourceOf(kind).properties[name];
        assert.ok(spec, `${kind}: check stores ${name}, which schema.json does not declare`);
        assert.ok(
          fits(value, spec),
          `${kind}: ${name} = ${JSON.stringify(value)} does not fit ${JSON.stringify(spec)}`,
        );
      }
    }
  });

  it("types each live output as the lifecycle reports it", () => {
    assert.deepEqual(sorted(Object.keys(fullOutputs)), sorted(OUTPUT_NAMES), "the sample sets every output");
    for (const kind of RESOURCE_KINDS) {
      for (const [name, value] of Object.entries(fullOutputs)) {
        const spec = resourceOf(kind).properties[name];
        assert.ok(spec && fits(value, spec), `${kind}: ${name} = ${JSON.stringify(value)} does not fit its type`);
      }
    }
  });

  it("guarantees (requires) exactly what every resource has: what check always stores, the outputs always reported", async () => {
    for (const kind of RESOURCE_KINDS) {
      const { inputs: stored, failures } = await check(kind, fewest[kind]);
      assert.deepEqual(failures, [], kind);
      // Stored from the fewest inputs, less those given that a resource may leave out (bulk delete's id lists).
      const optionalGiven = Object.keys(fewest[kind]).filter(
        (name) => !resourceOf(kind).requiredInputs?.includes(name),
      );
      const always = [...Object.keys(stored), ...Object.keys(bareOutputs)].filter(
        (name) => !PLUGIN_OWN_FIELDS.includes(name) && !optionalGiven.includes(name),
      );
      assert.deepEqual(sorted(resourceOf(kind).required ?? []), sorted(new Set(always)), kind);
    }
  });

  it("declares as inputs what `pulumi import` records for an existing operation", () => {
    const operations: Record<ResourceKind, string> = {
      export: METADATA_TYPE.exportDocuments,
      import: METADATA_TYPE.importDocuments,
      bulkDelete: METADATA_TYPE.bulkDeleteDocuments,
      adopted: METADATA_TYPE.exportDocuments,
    };
    for (const kind of RESOURCE_KINDS) {
      const view = parseOperation({
        name: `projects/${PROJECT}/databases/(default)/operations/ABC`,
        metadata: {
          "@type": `type.googleapis.com/google.firestore.admin.v1.${operations[kind]}`,
          operationState: "PROCESSING",
          outputUriPrefix: "gs://my-bucket/folder",
          inputUriPrefix: "gs://my-bucket/folder",
          collectionIds: ["users"],
          namespaceIds: [""],
          snapshotTime: minuteAgo,
        },
      });
      for (const [name, value] of Object.entries(importedInputs(kind, view))) {
        const spec = resourceOf(kind).inputProperties[name];
        assert.ok(spec && fits(value, spec), `${kind}: import records ${name} = ${JSON.stringify(value)}`);
      }
    }
  });

  it("describes waitFor and onCancelLost by the values check accepts, and their defaults", async () => {
    for (const setting of ["waitFor", "onCancelLost"] as const) {
      // check's error for a wrong value lists the accepted ones: `must be "a" or "b", got ...`.
      const [failure] = (await check("bulkDelete", { ...fewest.bulkDelete, [setting]: "wrong" })).failures;
      assert.equal(failure?.property, setting);
      const accepted = [...failure.reason.replace(/, got .*/, "").matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "");
      assert.ok(accepted.length >= 2, failure.reason);
      for (const kind of RESOURCE_KINDS) {
        const description = resourceOf(kind).inputProperties[setting]?.description ?? "";
        const described = quotedValues(description.slice(0, description.indexOf("Default:")));
        assert.deepEqual(sorted(new Set(described)), sorted(accepted), `${kind}.${setting}: the values it describes`);
        assert.equal(defaultOf(description), `\`"${SETTING_DEFAULTS[setting]}"\``, `${kind}.${setting}: its default`);
      }
    }
  });

  it("states the default timeouts", () => {
    const timeouts = schema.types[TIMEOUTS_TYPE];
    assert.deepEqual(sorted(Object.keys(timeouts?.properties ?? {})), sorted(Object.keys(SETTING_DEFAULTS.timeouts)));
    for (const [name, value] of Object.entries(SETTING_DEFAULTS.timeouts)) {
      assert.equal(defaultOf(timeouts?.properties[name]?.description), `\`${value}\``, `Timeouts.${name}`);
    }
  });

  describe("configuration", () => {
    const variables = schema.config.variables;

    it("has one key per client setting, the same in the stack config and as the provider's inputs", () => {
      assert.deepEqual(sorted(Object.keys(variables)), sorted(SETTINGS));
      assert.deepEqual(
        sorted(Object.keys(variables).map((name) => `${schema.name}:${name}`)),
        sorted(Object.values(PLUGIN_CONFIG_KEYS)),
        "the keys the plugin reads",
      );
      assert.deepEqual(schema.provider.inputProperties, variables);
    });

    it("marks the credential-bearing settings secret, and only them", () => {
      const secret = Object.keys(variables).filter((name) => variables[name]?.secret === true);
      assert.deepEqual(sorted(secret), sorted(SECRET_BEARING_SETTINGS));
    });

    it("names each setting's environment variables, in the order they are read", () => {
      for (const setting of SETTINGS) {
        const description = variables[setting]?.description ?? "";
        const named = /Environment, when unset: (.*?) \(the first one set\)\./.exec(description)?.[1];
        assert.deepEqual(
          named?.split(", ").map((name) => name.replaceAll("`", "")),
          [...SETTING_ENVIRONMENT[setting]],
          setting,
        );
      }
    });

    it("states the default endpoint", () => {
      assert.equal(defaultOf(variables.endpoint?.description), `\`${DEFAULT_ENDPOINT}\``);
    });
  });

  it("puts the Go SDK's root package in the module sdk/go declares", () => {
    const importBasePath = schema.language.go.importBasePath;
    const goMod = fs.readFileSync(path.join(root, "sdk/go/go.mod"), "utf8");
    assert.equal(/^module (\S+)$/m.exec(goMod)?.[1], path.posix.dirname(importBasePath));
    assert.ok(fs.existsSync(path.join(root, "sdk/go", path.posix.basename(importBasePath))), "the root package folder");
  });
});
