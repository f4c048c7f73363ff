import * as pulumi from "@pulumi/pulumi";
import { formatDatabaseName } from "../client/names";
import { SETTING_INPUTS } from "./inputs";
import { withOutputNames } from "./outputs";

/** Anything with a database id and a project, such as `gcp.firestore.Database`. */
export interface DatabaseReference {
  /** The database id, e.g. `(default)` (what `gcp.firestore.Database` calls `name`). */
  name: pulumi.Input<string>;
  /** The database's project. */
  project: pulumi.Input<string>;
}

/** Inputs every Firestore operation resource takes. Defaults of the settings: `SETTING_DEFAULTS` in provider/inputs.ts. */
export interface OperationSettingsArgs {
  /**
   * The database: a full name (`projects/P/databases/D`), a database id with `project`, or a
   * `gcp.firestore.Database`.
   * @default "(default)" in the project given by `project`, else the `gcp:project` stack config
   * @example "projects/my-project/databases/(default)"
   */
  database?: pulumi.Input<string> | DatabaseReference;
  /**
   * Project of a bare database id.
   * @default the `gcp:project` stack config (or GOOGLE_CLOUD_PROJECT)
   * @example "my-project"
   */
  project?: pulumi.Input<string>;
  /**
   * `"started"`: the resource is the in-flight operation; `up` returns once it started. `"done"`: `up` waits
   * until it finished (as a step of its own, after the operation is recorded in the stack), and fails (keeping
   * the resource) if it did not succeed; the next `up` starts it again. A plain value, not an Output: it decides
   * whether the resource has a wait step.
   * @default SETTING_DEFAULTS.waitFor
   * @example "done"
   */
  waitFor?: "started" | "done";
  /**
   * Our own timeouts (the dynamic provider host ignores Pulumi's customTimeouts): `create` bounds the wait of
   * `waitFor: "done"`, `delete` the wait for a cancelled operation to end. Durations like "90s", "20m", "1h30m".
   * @default DEFAULT_TIMEOUTS
   * @example { create: "3h", delete: "10m" }
   */
  timeouts?: pulumi.Input<{
    /** Bound of the `waitFor: "done"` wait. @default DEFAULT_TIMEOUTS.create */
    create?: pulumi.Input<string>;
    /** Bound of the wait for a cancelled operation to end. @default DEFAULT_TIMEOUTS.delete */
    delete?: pulumi.Input<string>;
  }>;
  /**
   * What destroy/replace does when the operation finishes despite the cancel: `"warn"` logs it and goes on;
   * `"fail"` stops with an error (the resource stays; running the command again removes it).
   * @default SETTING_DEFAULTS.onCancelLost
   * @example "fail"
   */
  onCancelLost?: pulumi.Input<"warn" | "fail">;
}

/** The props registered for a resource: its inputs and every output name. */
export function resourceProps(args: OperationSettingsArgs, specific: Record<string, unknown>): pulumi.Inputs {
  const props: Record<string, unknown> = { ...specific };
  const database = args.database;
  if (database !== undefined) {
    props.database = isDatabaseReference(database)
      ? pulumi
          .all([database.project, database.name])
          .apply(([project, name]) => formatDatabaseName({ project, database: name }))
      : database;
  }
  for (const key of ["project", ...SETTING_INPUTS] as const) {
    if (args[key] !== undefined) props[key] = args[key];
  }
  return withOutputNames(props) as pulumi.Inputs;
}

function isDatabaseReference(value: unknown): value is DatabaseReference {
  return (
    typeof value === "object" &&
    value !== null &&
    "name" in value &&
    "project" in value &&
    !pulumi.Output.isInstance(value)
  );
}

/** Module part of the type token: `pulumi-nodejs:dynamic/firestore-operations:<Type>`. Never change it. */
export const TYPE_MODULE = "firestore-operations";
