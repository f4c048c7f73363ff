import assert from "node:assert/strict";
import type { Clock } from "../../client/clock";
import type { TestEmulator } from "./emulator-client";

/**
 * Time in the test's hands, for the emulator (its `now`) and the client (a Clock): operations move, and sleeps,
 * retries, quota waits and deadlines end, only when the test moves it.
 */
export interface SteppedClock extends Clock {
  /** Moves time on by `ms`, firing every timer due by then, in order of due time. */
  advance(ms: number): void;
  /** How long until each pending timer is due, soonest first (background timers, deadlines, included). */
  pending(): number[];
  /** Resolves with the time until the soonest pending timer once one of the client's sleeps or waits is set. */
  sleeping(): Promise<number>;
  /** Every sleep and wait the client set (not background timers), in ms, in order. */
  readonly slept: number[];
  /** Whether the client's waits end at once (see SteppedClockOptions); a test may turn it off to act mid-wait. */
  fastForward: boolean;
}

interface Timer {
  dueMs: number;
  fire: () => void;
  background: boolean;
}

export interface SteppedClockOptions {
  /** The first instant (default a fixed one; the wall clock when a test signs tokens with Date.now()). */
  startMs?: number;
  /**
   * Whenever the client sleeps, move time on to the soonest timer at once: waits take no wall time, and what a
   * wait saw is in `slept`. Off, only `advance` moves time.
   */
  fastForward?: boolean;
}

export function steppedClock(options: SteppedClockOptions | number = {}): SteppedClock {
  const { startMs = Date.parse("2026-06-01T00:00:00Z"), fastForward = false } =
    typeof options === "number" ? { startMs: options } : options;
  let t = startMs;
  let timers: Timer[] = [];
  const slept: number[] = [];
  const onSleep: (() => void)[] = [];
  const soonest = (): number[] => timers.map((timer) => timer.dueMs - t).sort((a, b) => a - b);
  const advance = (ms: number): void => {
    const until = t + ms;
    for (;;) {
      const due = timers.filter((timer) => timer.dueMs <= until).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (!due) break;
      timers = timers.filter((timer) => timer !== due);
      t = Math.max(t, due.dueMs);
      due.fire();
    }
    t = until;
  };
  const clock: SteppedClock = {
    fastForward,
    now: () => t,
    monotonicNow: () => t,
    setTimer(ms, fire, timerOptions = {}) {
      const timer: Timer = { dueMs: t + Math.max(0, ms), fire, background: timerOptions.background === true };
      timers.push(timer);
      if (!timer.background) {
        slept.push(ms);
        for (const wake of onSleep.splice(0)) wake();
        // After whatever is already under way has had its turn: the sleep is then the only thing left to wait for.
        setImmediate(() => clock.fastForward && timers.includes(timer) && advance(timer.dueMs - t));
      }
      return () => {
        timers = timers.filter((other) => other !== timer);
      };
    },
    advance,
    pending: soonest,
    async sleeping() {
      if (!timers.some((timer) => !timer.background)) await new Promise<void>((wake) => onSleep.push(wake));
      return soonest()[0] ?? 0;
    },
    slept,
  };
  return clock;
}

/** Steps the clock by `ms` and reads the operation, which must be over by then. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire; tests assert on its shape.
export async function overAfter(emu: TestEmulator, clock: SteppedClock, name: string, ms: number): Promise<any> {
  clock.advance(ms);
  const op = (await emu.call("GET", `/v1/${name}`)).json;
  assert.equal(op.done, true, `${name} is over ${ms} ms later`);
  return op;
}
