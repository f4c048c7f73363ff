import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_ENDPOINT, SETTING_ENVIRONMENT, SETTINGS } from "../../client/settings";
import { checkInputs } from "../../provider/check";
import { SECRET_BEARING_SETTINGS } from "../../provider/config-keys";
import * as packageExports from "../../provider/index";
import { KIND_INPUTS, SETTING_DEFAULTS, SETTING_INPUTS } from "../../provider/inputs";
import type { ResourceKind } from "../../provider/kinds";
import { RESOURCE_KINDS } from "../../provider/kinds";
import { liveOutputs, OUTPUT_NAMES } from "../../provider/outputs";
import { TYPE_MODULE } from "../../provider/resource-args";
import { repoRoot } from "../support/repo";

// schema.json is what the plugin serves (GetSchema) and what the Python and Go SDKs are generated from: these
// tests tie it to the code that defines the same facts, so that a change on either side fails here.

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

/** The resource each kind is, by the name of its class in the package (and of its type token). */
const TYPE_NAMES: Record<ResourceKind, string> = {
  export: "FirestoreExport",
  import: "FirestoreImport",
  bulkDelete: "FirestoreBulkDelete",
  adopted: "FirestoreOperation",
};
const typeToken = (kind: ResourceKind) => `${TYPE_MODULE}:index:${TYPE_NAMES[kind]}`;
const TIMEOUTS_TYPE = `${TYPE_MODULE}:index:Timeouts`;
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
  it("is the package's: its name is the type tokens' module, its version package.json's", () => {
    assert.equal(schema.name, TYPE_MODULE);
    assert.equal(schema.version, packageJson.version);
    assert.equal(schema.license, "Apache-2.0");
    assert.equal(schema.language.python.packageName, "pulumi_firestore_operations");
  });

  it("declares one custom resource per kind, named as the package's class, and nothing else", () => {
    assert.deepEqual(sorted(Object.keys(schema.resources)), sorted(RESOURCE_KINDS.map(typeToken)));
    for (const kind of RESOURCE_KINDS) {
      assert.equal(typeof (packageExports as Record<string, unknown>)[TYPE_NAMES[kind]], "function", TYPE_NAMES[kind]);
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

      it("requires exactly the inputs check rejects as missing", () => {
        const missing = checkInputs(kind, {}, "a-project")
          .failures.filter((failure) => failure.reason.startsWith("is required"))
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

  it("types each input as check stores it, and guarantees what check always stores", () => {
    const inputs: Record<ResourceKind, Record<string, unknown>> = {
      export: {
        outputUriPrefix: "gs://my-bucket/folder",
        collectionIds: ["users"],
        namespaceIds: [""],
        snapshotTime: "2026-01-01T10:20:00Z",
      },
      import: { inputUriPrefix: "gs://my-bucket/folder", collectionIds: ["users"], namespaceIds: [""] },
      bulkDelete: { collectionIds: ["users"], namespaceIds: [""] },
      adopted: { operationName: "projects/my-project/databases/(default)/operations/ABC" },
    };
    for (const kind of RESOURCE_KINDS) {
      const given = {
        ...inputs[kind],
        database: "(default)",
        project: "my-project",
        waitFor: "done",
        timeouts: { create: "1h", delete: "5m" },
        onCancelLost: "fail",
      };
      assert.deepEqual(sorted(Object.keys(given)), sorted(Object.keys(resourceOf(kind).inputProperties)));
      const { inputs: stored, failures } = checkInputs(kind, given, undefined, Date.parse("2026-01-01T10:30:00Z"));
      assert.deepEqual(failures, [], kind);
      for (const [name, value] of Object.entries(stored)) {
        const spec = resourceOf(kind).properties[name];
        assert.ok(spec, `${kind}: check stores ${name}, which schema.json does not declare`);
        assert.ok(
          fits(value, spec),
          `${kind}: ${name} = ${JSON.stringify(value)} does not fit ${JSON.stringify(spec)}`,
        );
      }
      // What check stores for the fewest inputs it accepts, it always stores: those outputs are required.
      const minimal = checkInputs(kind, inputs[kind], "my-project").inputs;
      const required = resourceOf(kind).required ?? [];
      for (const name of Object.keys(minimal)) {
        if (!(name in inputs[kind])) assert.ok(required.includes(name), `${kind}: ${name} should be required`);
      }
    }
  });

  it("types each live output as the provider reports it, and guarantees those it always reports", () => {
    const full = liveOutputs({
      name: "projects/p/databases/(default)/operations/ABC",
      metadataType: "ExportDocumentsMetadata",
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
    assert.deepEqual(sorted(Object.keys(full)), sorted(OUTPUT_NAMES), "the sample sets every output");
    const bare = liveOutputs({
      name: "projects/p/databases/(default)/operations/ABC",
      metadataType: "IndexOperationMetadata",
      done: false,
      state: "PROCESSING",
      request: { collectionIds: [], namespaceIds: [] },
    });
    for (const kind of RESOURCE_KINDS) {
      const resource = resourceOf(kind);
      for (const [name, value] of Object.entries(full)) {
        const spec = resource.properties[name];
        assert.ok(spec && fits(value, spec), `${kind}: ${name} = ${JSON.stringify(value)} does not fit its type`);
      }
      const alwaysReported = Object.keys(bare);
      const requiredOutputs = (resource.required ?? []).filter((name) => (OUTPUT_NAMES as string[]).includes(name));
      assert.deepEqual(sorted(requiredOutputs), sorted(alwaysReported), kind);
    }
  });

  it("describes waitFor and onCancelLost by the values check accepts, and their defaults", () => {
    for (const setting of ["waitFor", "onCancelLost"] as const) {
      // check's error for a wrong value lists the accepted ones: `must be "a" or "b", got ...`.
      const [failure] = checkInputs(
        "bulkDelete",
        { collectionIds: ["users"], [setting]: "wrong" },
        "my-project",
      ).failures;
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
