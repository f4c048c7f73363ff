import assert from "node:assert/strict";
import type { TestEmulator } from "./emulator-client";

/** The emulator's clock in the test's hands: operations move only when the test moves it. */
export interface SteppedClock {
  now: () => number;
  advance(ms: number): void;
}

/** Starts at a fixed instant, or at `startMs` (the wall clock, when a test signs tokens with Date.now()). */
export function steppedClock(startMs = Date.parse("2026-06-01T00:00:00Z")): SteppedClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Steps the clock by `ms` and reads the operation, which must be over by then. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire; tests assert on its shape.
export async function overAfter(emu: TestEmulator, clock: SteppedClock, name: string, ms: number): Promise<any> {
  clock.advance(ms);
  const op = (await emu.call("GET", `/v1/${name}`)).json;
  assert.equal(op.done, true, `${name} is over ${ms} ms later`);
  return op;
}
