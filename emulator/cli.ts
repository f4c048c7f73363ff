#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type BehaviourPatch, type Endpoint, type FaultKind, MESSY_PROFILE_PATCH } from "./behaviour";
import { parseBucketProblemFlag } from "./bucket-problems";
import { writeEmulatorCredentials } from "./credentials";
import { parseCollectionsSpec } from "./dataset";
import { DEFAULT_COMPACT_AFTER_BYTES } from "./durable-state";
import { DEFAULT_DATABASE, DEV_TOKEN, startEmulator } from "./index";
import { StateLoadError } from "./persisted-state";

/** Where the emulator listens unless told otherwise: gcloud's Firestore emulator's port, on loopback only. */
const DEFAULT_PORT = 8085;
const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_SEED = 1;

const USAGE = `Usage: firestore-ops-emulator [options]

  --port N                 port to listen on (0 picks a free one)        [${DEFAULT_PORT}]
  --host ADDR              address to bind                               [${DEFAULT_HOST}]
                           (not loopback: needs --allowed-host; requests must name it in Host)
  --allowed-host NAME      a name or address clients reach the emulator by, besides loopback (repeatable);
                           requests whose Host is none of them, or that come from a web page, get 403
  --json-404               unrouted URLs get a JSON NOT_FOUND envelope, not Google's HTML 404 page
  --data-dir DIR           keep operations, keys and storage in DIR across restarts (private: 0700)
  --compact-after-bytes N  fold the --data-dir journal into a snapshot beyond N bytes [${DEFAULT_COMPACT_AFTER_BYTES}]
  --auth none|oauth        require OAuth bearer tokens                   [none]
  --dev-token TOKEN        static token accepted with --auth oauth ("" for none) [${DEV_TOKEN}]
  --seed N                 seed for datasets, outcomes and faults        [${DEFAULT_SEED}]
  --database NAME          a database that exists (repeatable)           [${DEFAULT_DATABASE}]
  --backup NAME=DATABASE   a READY backup of a seeded database, e.g.
                           projects/demo-project/locations/nam5/backups/daily=projects/demo-project/databases/(default)
                           (repeatable; restore from it, list, get and delete it)
  --collections SPEC       synthetic documents, e.g. users=1200,orders=5000
  --pitr                   databases have point-in-time recovery (7-day snapshotTime window)
  --duration-ms N          how long operations run                       [60000]
  --cancel-latency-ms N    cancel request to CANCELLED                   [2000]
  --cancel-lose-rate P     probability a cancel loses the race           [0]
  --cancel-unimplemented   cancel answers 501 UNIMPLEMENTED
  --cancel-stuck           cancelled operations stay CANCELLING
  --cancel-done MODE       cancel on a finished operation: ok | failed-precondition   [ok]
  --delete-running MODE    delete on a running operation: refuse | hide  [refuse]
  --list-all               list also shows successful operations without a done filter
  --retention-ms N         garbage-collect finished operations after N ms [30 days]
  --failure-rate P         probability an operation ends FAILED          [0]
  --limits                 enforce 50 concurrent / 20 per minute export+import limits, per project
  --documents-per-second N  exports, imports and bulk deletes take their documents at this rate on top of
                           --duration-ms (0: no time)                    [0; messy: 20000]
  --bytes-per-second N     ... and their bytes at this rate              [0; messy: 20000000]
  --profile tidy|messy     messy (the realistic one): INITIALIZING/FINALIZING, late, low and revised estimates,
                           durations that grow with the data, seeded CANCELLING durations, cancels that sometimes
                           lose the race (15%), and --limits. Both give no progress in the start reply   [tidy]
  --cancel-latency-distribution fixed|seeded  CANCELLING lasts exactly --cancel-latency-ms, or a seeded draw
                           around it (messy: seeded)                     [fixed]
  --database-cancel LIST   what cancel does to database operations, e.g. restoreDatabase=ignore,
                           cloneDatabase=refuse (refuse | ignore | cancel)
                           [createDatabase=cancel,restoreDatabase=refuse,cloneDatabase=cancel,deleteDatabase=cancel,
                            updateDatabase=cancel]
  --fault-rate P           probability of a transient fault per request  [0]
  --fault-kinds LIST       429,500,503,reset,slow,commit-then-500,commit-then-reset,commit-then-slow
  --fault-endpoints LIST   e.g. operations.get,operations.cancel (default: all)
  --bucket-problem B=P[@run]  bucket B cannot be used: no-access | missing | wrong-location | requester-pays;
                           refused at the start POST, or (@run) the operation ends FAILED (repeatable)
  --write-credentials DIR  write a service-account key and an external-account file for this emulator
  --emulator-url URL       with --write-credentials: write them for the emulator running at URL (renewal),
                           start none
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: String(DEFAULT_PORT) },
      host: { type: "string", default: DEFAULT_HOST },
      "allowed-host": { type: "string", multiple: true },
      "json-404": { type: "boolean" },
      "emulator-url": { type: "string" },
      "data-dir": { type: "string" },
      "compact-after-bytes": { type: "string" },
      auth: { type: "string", default: "none" },
      "dev-token": { type: "string" },
      seed: { type: "string", default: String(DEFAULT_SEED) },
      database: { type: "string", multiple: true },
      collections: { type: "string" },
      backup: { type: "string", multiple: true },
      "documents-per-second": { type: "string" },
      "bytes-per-second": { type: "string" },
      pitr: { type: "boolean" },
      "duration-ms": { type: "string" },
      "cancel-latency-ms": { type: "string" },
      "cancel-lose-rate": { type: "string" },
      "cancel-unimplemented": { type: "boolean" },
      "cancel-stuck": { type: "boolean" },
      "cancel-done": { type: "string" },
      "delete-running": { type: "string" },
      "list-all": { type: "boolean" },
      "retention-ms": { type: "string" },
      "failure-rate": { type: "string" },
      limits: { type: "boolean" },
      profile: { type: "string" },
      "cancel-latency-distribution": { type: "string" },
      "database-cancel": { type: "string" },
      "fault-rate": { type: "string" },
      "fault-kinds": { type: "string" },
      "fault-endpoints": { type: "string" },
      "bucket-problem": { type: "string", multiple: true },
      "write-credentials": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values["emulator-url"] !== undefined) {
    if (!values["write-credentials"]) throw new TypeError("--emulator-url goes with --write-credentials DIR");
    const creds = await writeEmulatorCredentials(
      values["emulator-url"].replace(/\/$/, ""),
      values["write-credentials"],
    );
    console.log(`Wrote ${creds.serviceAccountKeyFile} and ${creds.externalAccountFile}`);
    return;
  }
  if (values.auth !== "none" && values.auth !== "oauth") throw new TypeError("--auth must be none or oauth");
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new TypeError(`--${flag} must be a number, got "${text}"`);
    return value;
  };
  const behaviour: Record<string, unknown> = {
    operationDurationMs: number("duration-ms", values["duration-ms"]),
    cancelLatencyMs: number("cancel-latency-ms", values["cancel-latency-ms"]),
    cancelLoseRate: number("cancel-lose-rate", values["cancel-lose-rate"]),
    cancelUnimplemented: values["cancel-unimplemented"],
    cancelStuck: values["cancel-stuck"],
    cancelDoneBehaviour: values["cancel-done"],
    deleteRunningBehaviour: values["delete-running"],
    listHidesSuccessful: values["list-all"] ? false : undefined,
    retentionMs: number("retention-ms", values["retention-ms"]),
    failureRate: number("failure-rate", values["failure-rate"]),
    limits: values.limits ? { enabled: true } : undefined,
    workRate:
      values["documents-per-second"] !== undefined || values["bytes-per-second"] !== undefined
        ? Object.fromEntries(
            Object.entries({
              documentsPerSecond: number("documents-per-second", values["documents-per-second"]),
              bytesPerSecond: number("bytes-per-second", values["bytes-per-second"]),
            }).filter(([, v]) => v !== undefined),
          )
        : undefined,
    profile: values.profile,
    buckets: values["bucket-problem"]
      ? Object.fromEntries(values["bucket-problem"].map(parseBucketProblemFlag))
      : undefined,
    cancelLatencyDistribution: values["cancel-latency-distribution"],
    databaseCancel: values["database-cancel"]
      ? Object.fromEntries(values["database-cancel"].split(",").map((pair) => pair.split("=", 2)))
      : undefined,
    faults: {
      rate: number("fault-rate", values["fault-rate"]),
      kinds: values["fault-kinds"]?.split(",") as FaultKind[] | undefined,
      endpoints: values["fault-endpoints"]?.split(",") as Endpoint[] | undefined,
    },
  };
  const faults = Object.fromEntries(Object.entries(behaviour.faults as object).filter(([, v]) => v !== undefined));
  behaviour.faults = Object.keys(faults).length ? faults : undefined;
  const given = Object.fromEntries(Object.entries(behaviour).filter(([, v]) => v !== undefined)) as BehaviourPatch;
  // The messy profile is everything that makes the emulator harder to pass at once, limits included; a flag given
  // as well still wins.
  const patch: BehaviourPatch = values.profile === "messy" ? { ...MESSY_PROFILE_PATCH, ...given } : given;

  const running = await startEmulator({
    port: number("port", values.port) ?? DEFAULT_PORT,
    host: values.host ?? DEFAULT_HOST,
    auth: values.auth,
    seed: number("seed", values.seed) ?? DEFAULT_SEED,
    behaviour: patch,
    ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
    ...(values["compact-after-bytes"]
      ? { compactAfterBytes: number("compact-after-bytes", values["compact-after-bytes"]) as number }
      : {}),
    ...(values["dev-token"] !== undefined ? { devToken: values["dev-token"] } : {}),
    ...(values["allowed-host"] ? { allowedHosts: values["allowed-host"] } : {}),
    ...(values["json-404"] ? { json404: true } : {}),
    ...(values.database ? { databases: values.database } : {}),
    ...(values.collections ? { collections: parseCollectionsSpec(values.collections) } : {}),
    ...(values.backup ? { backups: values.backup.map(parseBackupFlag) } : {}),
    ...(values.pitr ? { pointInTimeRecovery: true } : {}),
  });
  if (values["write-credentials"]) {
    const creds = await writeEmulatorCredentials(running.url, values["write-credentials"]);
    console.error(`Wrote ${creds.serviceAccountKeyFile} and ${creds.externalAccountFile}`);
  }
  console.log(`Firestore Admin emulator listening on ${running.url}`);
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** `--backup NAME=DATABASE` */
function parseBackupFlag(text: string): { name: string; database: string } {
  const at = text.indexOf("=");
  if (at < 0) throw new TypeError(`--backup must be NAME=DATABASE, got "${text}"`);
  return { name: text.slice(0, at), database: text.slice(at + 1) };
}

main().catch((error: unknown) => {
  // One line, no stack: a data dir that cannot be loaded is reported, and the exit code says the start failed.
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof StateLoadError ? "cannot load the --data-dir state: " : "";
  const oneLine = message
    .split("\n")
    .map((line) => line.trim())
    .join(" ");
  console.error(`firestore-ops-emulator: ${prefix}${oneLine}`);
  process.exit(2);
});
