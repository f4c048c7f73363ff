/**
 * The load benchmark's baseline: a trivial node:http server answering every request with one fixed JSON body
 * of about 1 KiB, in a process of its own like the emulator. What the emulator adds on top of this is its cost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { IDLE_KEEP_ALIVE_MS } from "../emulator/http-io";

export const BASELINE_BODY = `${JSON.stringify(
  {
    name: "projects/demo-project/databases/(default)/operations/baseline",
    metadata: {
      "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
      operationState: "PROCESSING",
      padding: "x".repeat(760),
    },
  },
  null,
  2,
)}\n`;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
}

const READY = /^Baseline server listening on (http:\/\/\S+)$/m;

/** Starts this file as a separate Node process on a free loopback port. */
export async function spawnBaselineServer(): Promise<ServerProcess> {
  const child = spawn(process.execPath, [__filename, "--serve"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline server did not start: ${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`baseline server exited early (${code}): ${output}`));
    });
  });
  return {
    url,
    child,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

function serve(): void {
  const body = Buffer.from(BASELINE_BODY);
  const server = http.createServer((req, res) => {
    // Drain the request like a real handler would, then answer.
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS; // as the emulator
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Baseline server listening on http://127.0.0.1:${port}`);
  });
}

if (require.main === module && process.argv.includes("--serve")) serve();
