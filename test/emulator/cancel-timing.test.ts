import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MESSY_PROFILE_PATCH } from "../../emulator/behaviour";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { type SteppedClock, steppedClock } from "../support/stepped-clock";

const DURATION = 1_000_000;
const LATENCY = 2_000;

/** Starts `count` exports, cancels each at once, steps the clock until all are done: how each cancel ended. */
async function cancelAll(emu: TestEmulator, clock: SteppedClock, count: number) {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: `gs://bkt/c${i}` });
    assert.equal(reply.status, 200, JSON.stringify(reply.json));
    names.push(reply.json.name);
  }
  const cancelledAt = clock.now();
  for (const name of names) assert.equal((await emu.call("POST", `/v1/${name}:cancel`, {})).status, 200);
  const out: { state: string; latencyMs: number }[] = [];
  for (const name of names) {
    let op = (await emu.call("GET", `/v1/${name}`)).json;
    for (let step = 0; !op.done && step < 2_000; step++) {
      clock.advance(step < 200 ? 250 : 10_000);
      op = (await emu.call("GET", `/v1/${name}`)).json;
    }
    assert.equal(op.done, true);
    out.push({ state: op.metadata.operationState, latencyMs: Date.parse(op.metadata.endTime) - cancelledAt });
  }
  return out;
}

const run = async (behaviour: Record<string, unknown>, seed: number, count = 12) => {
  const clock = steppedClock();
  let result: { state: string; latencyMs: number }[] = [];
  await withEmulator(
    {
      seed,
      now: clock.now,
      collections: { users: 100 },
      behaviour: { operationDurationMs: DURATION, cancelLatencyMs: LATENCY, ...behaviour },
    },
    async (emu) => {
      result = await cancelAll(emu, clock, count);
    },
  );
  return result;
};

// biome-ignore lint/suspicious/noExplicitAny: JSON from the control API.
const behaviourOf = async (url: string): Promise<any> => (await fetch(`${url}/emulator/v1/behaviour`)).json();

describe("CANCELLING durations", () => {
  test("tidy (the default): every cancel takes exactly cancelLatencyMs and ends CANCELLED", async () => {
    const result = await run({}, 5);
    assert.deepEqual(
      result.map((r) => r.state),
      Array(12).fill("CANCELLED"),
    );
    assert.deepEqual(
      result.map((r) => r.latencyMs),
      Array(12).fill(LATENCY),
    );
  });

  test("seeded: drawn per cancel around cancelLatencyMs, within [0.25x, 8x], the same for the same seed", async () => {
    const a = await run({ cancelLatencyDistribution: "seeded" }, 5);
    const b = await run({ cancelLatencyDistribution: "seeded" }, 5);
    const c = await run({ cancelLatencyDistribution: "seeded" }, 6);
    const latencies = a.map((r) => r.latencyMs);
    assert.deepEqual(
      b.map((r) => r.latencyMs),
      latencies,
      "reproducible with the seed",
    );
    assert.notDeepEqual(
      c.map((r) => r.latencyMs),
      latencies,
      "another seed, other durations",
    );
    assert.ok(new Set(latencies).size > 6, `spread out: ${latencies}`);
    for (const ms of latencies) assert.ok(ms >= LATENCY / 4 && ms <= LATENCY * 8, `${ms} within bounds`);
    assert.ok(
      latencies.some((ms) => ms < LATENCY) && latencies.some((ms) => ms > LATENCY),
      `on both sides of the median: ${latencies}`,
    );
  });

  test("the messy profile: seeded durations, and some cancels lose the race (completed despite the cancel)", async () => {
    const result = await run({ ...MESSY_PROFILE_PATCH, limits: { enabled: false } }, 11, 30);
    const states = result.map((r) => r.state);
    const lost = states.filter((s) => s === "SUCCESSFUL").length;
    assert.ok(lost >= 1 && lost <= 12, `some lose the race, most do not: ${states}`);
    assert.equal(states.filter((s) => s === "CANCELLED").length + lost, 30);
    const cancelled = result.filter((r) => r.state === "CANCELLED").map((r) => r.latencyMs);
    assert.ok(new Set(cancelled).size > 5, `drawn, not fixed: ${cancelled}`);
  });

  test("the CLI's --profile messy turns it all on, limits included; tidy keeps the fixed duration", async () => {
    const messy = await spawnEmulator(["--profile", "messy"]);
    try {
      const b = await behaviourOf(messy.url);
      assert.equal(b.profile, "messy");
      assert.equal(b.cancelLatencyDistribution, "seeded");
      assert.equal(b.cancelLoseRate, 0.15);
      assert.equal(b.limits.enabled, true);
    } finally {
      await messy.kill();
    }
    const overridden = await spawnEmulator(["--profile", "messy", "--cancel-lose-rate", "0"]);
    try {
      const b = await behaviourOf(overridden.url);
      assert.equal(b.cancelLoseRate, 0, "a flag given with the profile wins");
    } finally {
      await overridden.kill();
    }
    const tidy = await spawnEmulator([]);
    try {
      const b = await behaviourOf(tidy.url);
      assert.equal(b.cancelLatencyDistribution, "fixed");
      assert.equal(b.cancelLoseRate, 0);
      assert.equal(b.cancelLatencyMs, 2_000);
    } finally {
      await tidy.kill();
    }
  });
});

test("the Date header is on the emulator's clock, the one its operations' endTime is on", async () => {
  const clock = steppedClock();
  await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
    const started = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/date" });
    assert.equal(
      Date.parse(started.headers.get("date") ?? ""),
      clock.now(),
      "the clock's instant, not the wall clock's",
    );
    clock.advance(3_600_000);
    const cancel = await emu.call("POST", `/v1/${started.json.name}:cancel`);
    assert.equal(Date.parse(cancel.headers.get("date") ?? ""), clock.now());
  });
});
