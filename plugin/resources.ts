/**
 * `pulumi-firestore-operations/plugin`: the four resources for TypeScript programs in plugin mode, served by the
 * provider plugin (`pulumi-resource-firestore-operations`) instead of the dynamic provider. Same arguments and
 * outputs as the dynamic classes; each is one custom resource of type `firestore-operations:index:<Name>`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { FirestoreBulkDeleteArgs } from "../provider/firestore-bulk-delete";
import type { FirestoreExportArgs } from "../provider/firestore-export";
import type { FirestoreImportArgs } from "../provider/firestore-import";
import type { FirestoreOperationArgs } from "../provider/firestore-operation";
import { KIND_INPUTS } from "../provider/inputs";
import type { ResourceKind } from "../provider/kinds";
import type { ExportOutputs, OperationOutputs } from "../provider/outputs";
import { type OperationSettingsArgs, resourceProps } from "../provider/resource-args";
import { PLUGIN_NAME } from "./config-keys";

export type { FirestoreBulkDeleteArgs, FirestoreExportArgs, FirestoreImportArgs, FirestoreOperationArgs };

/** The plugin version the engine is asked for: this package's, so that program and plugin agree. */
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }
).version;

/** One resource of the plugin: the args a kind takes (KIND_INPUTS), and every output, registered. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs as fields; registration assigns them.
abstract class PluginResource extends pulumi.CustomResource {
  protected constructor(
    kind: ResourceKind,
    typeName: string,
    name: string,
    args: OperationSettingsArgs,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const specific: Record<string, unknown> = {};
    for (const key of KIND_INPUTS[kind]) {
      const value = (args as Record<string, unknown>)[key];
      if (key !== "database" && value !== undefined) specific[key] = value;
    }
    super(`${PLUGIN_NAME}:index:${typeName}`, name, resourceProps(args, specific), { version: VERSION, ...opts });
  }
}
// biome-ignore lint/correctness/noUnusedVariables: merges the outputs into the class above.
interface PluginResource extends OperationOutputs {}

/** A Firestore export (`exportDocuments`); see the dynamic FirestoreExport for the semantics. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: adds the export's output as a field.
export class FirestoreExport extends PluginResource {
  constructor(name: string, args: FirestoreExportArgs, opts?: pulumi.CustomResourceOptions) {
    super("export", "FirestoreExport", name, args, opts);
  }
}
export interface FirestoreExport extends ExportOutputs {}

/** A Firestore import (`importDocuments`). Cannot be undone: a cancelled import leaves partial writes. */
export class FirestoreImport extends PluginResource {
  constructor(name: string, args: FirestoreImportArgs, opts?: pulumi.CustomResourceOptions) {
    super("import", "FirestoreImport", name, args, opts);
  }
}

/** A Firestore bulk delete (`bulkDeleteDocuments`). Cannot be undone. */
export class FirestoreBulkDelete extends PluginResource {
  constructor(name: string, args: FirestoreBulkDeleteArgs, opts?: pulumi.CustomResourceOptions) {
    super("bulkDelete", "FirestoreBulkDelete", name, args, opts);
  }
}

/** An existing operation adopted by name; `pulumi import` adopts one too. */
export class FirestoreOperation extends PluginResource {
  constructor(name: string, args: FirestoreOperationArgs, opts?: pulumi.CustomResourceOptions) {
    super("adopted", "FirestoreOperation", name, args, opts);
  }
}
