/**
 * The quick start (`npm run quickstart`): the embedded emulator with a seeded database and a generated
 * service-account key, then the real Pulumi CLI on the root Pulumi.yaml: up (an export starts), refresh
 * (its progress), destroy (cancelled and awaited), all offline with a local backend in a temp folder.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeProgress } from "../client/progress-text";
import { DEV_TOKEN, startEmulator, writeEmulatorCredentials } from "../emulator/index";
import { pulumiBinDir, pulumiEnv } from "../test/support/pulumi-cli";
import { repoRoot } from "../test/support/repo";

const BUCKET = "quickstart-backups";

function pulumi(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  console.log(`\n$ pulumi ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(pulumiBinDir(env), "pulumi"), args, { cwd, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi ${args[0]} exited with ${code}`))));
  });
}

function capture(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(pulumiBinDir(env), "pulumi"), args, {
      cwd,
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pulumi ${args[0]} exited with ${code}`)),
    );
  });
}

/** Waits (a minute at most) until the operation's metadata carries an estimate of its documents, or it is done. */
async function untilEstimated(url: string, operationName: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const response = await fetch(`${url}/v1/${operationName}`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    const operation = (await response.json()) as {
      done?: boolean;
      metadata?: { progressDocuments?: { estimatedWork?: string } };
    };
    if (operation.done || operation.metadata?.progressDocuments?.estimatedWork) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "firestore-ops-quickstart-"));
  const emulator = await startEmulator({
    dataDir: path.join(work, "emulator"),
    auth: "oauth",
    collections: { users: 12_000, orders: 50_000, events: 200_000 },
    behaviour: { operationDurationMs: 120_000, cancelLatencyMs: 2_000 },
  });
  console.log(`Firestore Admin emulator listening on ${emulator.url} (OAuth on, data in ${work})`);
  try {
    const creds = await writeEmulatorCredentials(emulator.url, path.join(work, "credentials"));
    console.log(`Service-account key issued by the emulator: ${creds.clientEmail}`);
    const env = pulumiEnv(path.join(work, "state"));
    await pulumi(["stack", "init", "quickstart", "--non-interactive"], env, root);
    await pulumi(["config", "set", "gcp:project", "demo-project"], env, root);
    await pulumi(["config", "set", "gcp:firestoreCustomEndpoint", `${emulator.url}/v1/`], env, root);
    await pulumi(["config", "set", "gcp:credentials", creds.externalAccountFile], env, root);
    await pulumi(["up", "--yes", "--non-interactive"], env, root);
    // Firestore gives no estimate of an export's work in its first replies: refresh once it has one, so that the
    // refreshed state shows a percentage rather than "no estimate yet".
    await untilEstimated(emulator.url, (await capture(["stack", "output", "operationName"], env, root)).trim());
    await pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"], env, root);
    // Stack outputs change only on `up`; the refreshed state is in the resource itself.
    const exported = JSON.parse(await capture(["stack", "export"], env, root)) as {
      deployment: { resources?: { type: string; urn: string; outputs?: Record<string, unknown> }[] };
    };
    for (const resource of exported.deployment.resources ?? []) {
      const o = resource.outputs ?? {};
      // Only the resources that hold an operation's outputs; the progress in the client's words, which print no
      // number the server did not send (early reads have no estimate).
      if (!resource.type.includes("firestore-operations") || typeof o.state !== "string") continue;
      const progress = (completed: unknown, estimated: unknown) =>
        typeof completed === "number" && typeof estimated === "number" ? { completed, estimated } : undefined;
      const documents = progress(o.documentsCompleted, o.documentsEstimated);
      const bytes = progress(o.bytesCompleted, o.bytesEstimated);
      const line = describeProgress({
        state: o.state,
        ...(documents ? { documents } : {}),
        ...(bytes ? { bytes } : {}),
      });
      const target = typeof o.resolvedOutputUriPrefix === "string" ? `, writing to ${o.resolvedOutputUriPrefix}` : "";
      console.log(`Refreshed ${resource.urn.split("::").pop()}: ${line}${target}`);
    }
    await pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"], env, root);

    const objects = emulator.emulator.objects.list(BUCKET, "");
    const finished = objects.some((o) => o.name.endsWith(".overall_export_metadata"));
    console.log(
      `\nLeft in gs://${BUCKET} after the cancel: ${objects.length} objects, ${objects.reduce((s, o) => s + o.size, 0)} bytes.`,
    );
    for (const object of objects.slice(0, 8)) console.log(`  gs://${BUCKET}/${object.name}`);
    if (objects.length > 8) console.log(`  ... and ${objects.length - 8} more`);
    console.log(
      finished
        ? "The export finished before the cancel landed: it is complete and importable."
        : "No .overall_export_metadata: a partial export, not importable. Cancel is not rollback: these files stay until you delete them.",
    );
    await pulumi(["stack", "rm", "quickstart", "--yes", "--non-interactive"], env, root);
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`quickstart failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
