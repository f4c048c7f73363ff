/** Public entry of the emulator: start it in-process, or run `firestore-ops-emulator`. */
import { Emulator, type EmulatorOptions } from "./emulator";

export { DEV_TOKEN } from "./auth";
export type { Behaviour, BehaviourPatch, Endpoint, FaultKind } from "./behaviour";
export { DEFAULT_BEHAVIOUR } from "./behaviour";
export { type EmulatorCredentials, signJwt, writeEmulatorCredentials } from "./credentials";
export { DEFAULT_DATABASE, Emulator, type EmulatorOptions } from "./emulator";
export { StateLoadError } from "./persisted-state";
export type { RequestLogEntry } from "./request-log";

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  const url = await emulator.listen();
  return { url, emulator, close: () => emulator.close() };
}
