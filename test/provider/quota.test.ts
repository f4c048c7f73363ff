import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { settingsFrom } from "../../client/settings";
import { DEV_TOKEN } from "../../emulator/index";
import { createContext } from "../../provider/context";
import { SILENT } from "../../provider/reporter";
import { DB, waitFor } from "../support/emulator-client";
import { type Harness, withSteppedProvider } from "../support/provider-harness";
import { quotaRefusal } from "../support/quota-refusal";
import { settledNow } from "../support/settled";
import { type SteppedClock, steppedClock } from "../support/stepped-clock";

const URN = (name: string) => `urn:pulumi:dev::proj::firestore-operations:index:FirestoreExport::${name}`;

/**
 * A provider whose emulator enforces `limits` (on exports running 10 minutes), with one clock for the emulator and
 * the provider's client (the wall clock's instant at first, for the tokens): moved 58 s on, the starts the test
 * made fill the per-minute window for 2 more seconds, so a refusal's hint is 2 s instead of a minute. With
 * `fastForward`, every wait of the client moves it to its end at once.
 */
async function withQuota(
  limits: { perMinute?: number; concurrent?: number; hints?: "both" | "retry-info" | "retry-after" | "none" },
  { fastForward }: { fastForward: boolean },
  body: (h: Harness, clock: SteppedClock) => Promise<void>,
): Promise<void> {
  const behaviour = { operationDurationMs: 600_000, limits: { enabled: true, ...limits } };
  await withSteppedProvider({ behaviour }, { fastForward }, body);
}

async function fillTheMinute(h: Harness, clock: SteppedClock, starts = 2): Promise<void> {
  for (let i = 0; i < starts; i++) {
    const started = await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: `gs://bkt/fill${i}` });
    assert.equal(started.status, 200);
  }
  clock.advance(58_000);
}

const posts = async (h: Harness) => (await h.log()).filter((r) => r.endpoint === "exportDocuments");

/** Checks the statuses of the start POSTs sent after the first `before`, and that the last one started `id`. */
async function assertPostsSince(h: Harness, before: number, statuses: number[], id: string, why: string) {
  const mine = (await posts(h)).slice(before);
  assert.deepEqual(
    mine.map((r) => r.status),
    statuses,
    why,
  );
  assert.equal(mine.at(-1)?.operation, id);
}

describe("quota-aware starts", () => {
  // Each harness has its own lifecycle context, whose quota gates are the only ones its starts know.
  for (const hints of ["both", "retry-info", "retry-after"] as const) {
    test(`a start refused with 429 waits as the server says (${hints}) and sends again: one operation`, async () => {
      await withQuota({ perMinute: 2, hints }, { fastForward: true }, async (h, clock) => {
        await fillTheMinute(h, clock);
        const before = (await posts(h)).length;
        const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/q", resourceUrn: URN("q") });
        await assertPostsSince(h, before, [429, 200], id, "refused once (the setup took effect), then accepted");
        const line = h.messages.find((m) => m.text.includes("waiting for Firestore's export quota"));
        // The server names what is left of its minute (in whole seconds), on a clock that stood still meanwhile.
        assert.match(
          line?.text ?? "(no waiting line)",
          /q: waiting for Firestore's export quota: 2 requests a minute per project; 0 ahead; next try in 2s$/,
        );
        assert.deepEqual(clock.slept, [2_000], "the start waited, on the client's clock, exactly the time named");
        const ops = (await h.admin("GET", `/v1/${DB}/operations?filter=done%3Dfalse`)).json.operations;
        assert.equal(ops.filter((op: { name: string }) => op.name === id).length, 1);
        assert.equal(
          h.journal.read(h.owner(URN("q")))?.operationName,
          id,
          "the journal names the one operation started",
        );
      });
    });
  }

  test("without Retry-After or RetryInfo (Google's usual quota error shape) it backs off and sends again", async () => {
    await withQuota({ perMinute: 2, hints: "none" }, { fastForward: true }, async (h, clock) => {
      await fillTheMinute(h, clock);
      const before = (await posts(h)).length;
      const refused = await h.emu.call(
        "POST",
        `/v1/${DB}:exportDocuments`,
        { outputUriPrefix: "gs://bkt/x" },
        { authorization: `Bearer ${DEV_TOKEN}` },
      );
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), null, "no Retry-After header");
      assert.equal(
        refused.json.error.details.some((d: { "@type": string }) => d["@type"].endsWith("RetryInfo")),
        false,
        "no RetryInfo",
      );
      const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/n", resourceUrn: URN("n") });
      const mine = (await posts(h)).slice(before + 1);
      assert.equal(mine.at(-1)?.status, 200);
      assert.equal(mine.at(-1)?.operation, id);
      const refusals = mine.filter((r) => r.status === 429).length;
      assert.ok(refusals >= 1);
      // Backed off once per refusal, each wait at least the unhinted backoff's first delay less its jitter.
      assert.equal(clock.slept.length, refusals, `waits ${clock.slept}`);
      for (const ms of clock.slept) assert.ok(ms >= 1_600, `a wait of ${ms} ms`);
    });
  });

  test("resources of one process share what a refusal taught: the others queue instead of each sending", async () => {
    // Only the test moves this clock: the others join while the first waits, however slow the machine.
    await withQuota({ perMinute: 4, hints: "both" }, { fastForward: false }, async (h, clock) => {
      await fillTheMinute(h, clock, 4);
      const before = (await posts(h)).length;
      const first = h.up("export", { outputUriPrefix: "gs://bkt/s1", resourceUrn: URN("s1") });
      // The others come once the first learned of the quota: they must not send into the refusal.
      assert.equal(await clock.sleeping(), 2_000, "s1 waits out the 2 s the server named");
      const others = ["s2", "s3"].map((name) =>
        h.up("export", { outputUriPrefix: `gs://bkt/${name}`, resourceUrn: URN(name) }),
      );
      await waitFor(
        async () => h.messages.filter((m) => /^s[23]: waiting for Firestore's export quota/.test(m.text)).length,
        (queued) => queued === 2,
      );
      assert.equal((await posts(h)).length - before, 1, "nothing sent while they wait: s1's refused POST only");
      clock.advance(2_000);
      const ids = await Promise.all([first, ...others].map(async (p) => (await p).id));
      assert.equal(new Set(ids).size, 3, "three operations, one per resource");
      const mine = (await posts(h)).slice(before);
      assert.equal(mine.filter((r) => r.status === 429).length, 1, "one refusal: the others waited for it");
      assert.equal(mine.filter((r) => r.status === 200).length, 3);
      assert.ok(
        h.messages.some((m) =>
          /^s[23]: waiting for Firestore's export quota: 4 requests a minute per project; [01] ahead/.test(m.text),
        ),
        h.messages.map((m) => m.text).join("\n"),
      );
    });
  });

  test("a queued start still goes after the one ahead of it failed ambiguously (the gate is released)", async () => {
    await withQuota({ perMinute: 2, hints: "both" }, { fastForward: true }, async (h, clock) => {
      await fillTheMinute(h, clock);
      await h.up("export", { outputUriPrefix: "gs://bkt/a", resourceUrn: URN("a") });
      const before = (await posts(h)).length;
      assert.equal((await posts(h)).filter((r) => r.status === 429).length, 1, "refused once: starts now queue");
      // The next start's POST fails in a way that may have started something, and nothing is found after it.
      await h.emu.control("PATCH", "behaviour", {
        faults: { rate: 1, kinds: ["500"], endpoints: ["exportDocuments"] },
      });
      await assert.rejects(h.up("export", { outputUriPrefix: "gs://bkt/b", resourceUrn: URN("b") }), {
        name: "AmbiguousStartError",
      });
      await h.emu.control("PATCH", "behaviour", { faults: { rate: 0 } });
      const { id } = await h.up("export", {
        outputUriPrefix: "gs://bkt/c",
        resourceUrn: URN("c"),
        timeouts: { create: "20s" },
      });
      await assertPostsSince(h, before, [500, 200], id, "b's POST failed (the setup took effect), then c's was sent");
    });
  });

  test("a quota wait beyond timeouts.create fails at once, says nothing started, and leaves no journal entry", async () => {
    await withQuota({ concurrent: 1 }, { fastForward: false }, async (h) => {
      await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/running" });
      const before = (await posts(h)).length;
      await assert.rejects(
        h.up("export", { outputUriPrefix: "gs://bkt/t", resourceUrn: URN("t"), timeouts: { create: "10s" } }),
        /429 RESOURCE_EXHAUSTED: Too many concurrent .*Nothing was started: Firestore's export quota \(1 exports and imports at once per project\) refused it, and the server asked to wait 30s \([^)]*\), more than the \d+s the timeouts\.create deadline \(10s\) leaves for a start/,
      );
      // No pointless wait: one refused POST, no waiting line, no second try.
      assert.deepEqual(
        (await posts(h)).slice(before).map((r) => r.status),
        [429],
      );
      assert.deepEqual(
        h.messages.filter((m) => m.text.includes("waiting for Firestore's export quota")),
        [],
        "no waiting line",
      );
      assert.equal(h.journal.read(h.owner(URN("t"))), undefined, "a refusal is no evidence of a start");
    });
  });
});

describe("quota gates per lifecycle context", () => {
  test("each lifecycle context has its own gates, on its client's clock: what one learned does not hold another", async () => {
    const settings = settingsFrom((key) => (key === "endpoint" ? "http://127.0.0.1:8085/v1/" : undefined), {});
    const clock = steppedClock();
    const first = createContext(settings, SILENT, { clock }, undefined);
    const second = createContext(settings, SILENT, { clock }, undefined);
    assert.equal(first.client.clock, clock);
    const refused = first.quotaGates.gateFor(DB, "exportDocuments");
    await refused.acquire(new AbortController().signal);
    refused.refused(quotaRefusal(30_000));
    assert.equal(await settledNow(refused.acquire(new AbortController().signal)), false, "the first context waits");
    const fresh = second.quotaGates.gateFor(DB, "exportDocuments");
    assert.equal(await settledNow(fresh.acquire(new AbortController().signal)), true, "the second does not");
  });
});
