import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeEmulatorCredentials } from "../emulator/index";
import { spawnEmulator } from "../test/support/emulator-process";
import { EmulatorAdmin } from "./emulator-admin";

/** An emulator process of a benchmark's own, with OAuth credentials it issued: what its stacks and clients use. */
export interface BenchEmulator {
  url: string;
  /** The external-account credentials file the emulator's token endpoint honours. */
  credentialsFile: string;
  admin: EmulatorAdmin;
}

/**
 * Operations run for hours and cancels land at once: a destroy takes the real cancel path without waiting, so that
 * what is timed is the stack's own work.
 */
export const LONG_OPERATIONS_PROMPT_CANCELS = ["--duration-ms", String(6 * 3600_000), "--cancel-latency-ms", "0"];

/**
 * Runs `body` against an emulator of its own (`--auth oauth`, `emulatorArgs` added) and credentials it issued; the
 * emulator is stopped and the credentials removed after it, whatever it did.
 */
export async function withBenchEmulator<T>(
  emulatorArgs: string[],
  body: (emulator: BenchEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await spawnEmulator(["--auth", "oauth", ...emulatorArgs]);
  const credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-creds-"));
  try {
    const creds = await writeEmulatorCredentials(emulator.url, credentialsDir);
    return await body({
      url: emulator.url,
      credentialsFile: creds.externalAccountFile,
      admin: new EmulatorAdmin(emulator.url),
    });
  } finally {
    await emulator.kill();
    fs.rmSync(credentialsDir, { recursive: true, force: true });
  }
}
