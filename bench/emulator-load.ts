import autocannon from "autocannon";
import { DEV_TOKEN } from "../emulator/index";
import { spawnEmulator } from "../test/support/emulator-process";
import { BASELINE_BODY, spawnBaselineServer } from "./baseline-server";
import type { Benchmark } from "./benchmark";
import { EmulatorAdmin } from "./emulator-admin";
import { table } from "./markdown";
import { peakRssKib, statusKib } from "./process-memory";
import { formatMiB, formatMs, formatRatio, percentile, verdict } from "./stats";

/** Seconds of load, and of warm-up before it, per run; --quick keeps the shape, short. */
const FULL = { durationS: 20, warmupS: 2 };
const QUICK = { durationS: 5, warmupS: 1 };

const CONNECTIONS = 10;
const TARGET_RATE = 500;
const IN_FLIGHT = 200;
/** Long enough that no operation finishes during the run. */
const OPERATION_DURATION_MS = 4 * 3600_000;
/** Achieved rate counted as "sustained": autocannon's per-second quotas lose a little at the edges. */
const SUSTAINED_FRACTION = 0.95;

interface LoadFigures {
  requests: number;
  durationS: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon at a fixed overall rate, each request to the next path in turn; latencies from every response. */
async function applyLoad(
  url: string,
  paths: string[],
  durationS: number,
  warmupS: number,
  headers: Record<string, string>,
): Promise<LoadFigures> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    overallRate: TARGET_RATE,
    duration: durationS,
    timeout: 10,
    headers,
    warmup: { connections: CONNECTIONS, duration: warmupS },
    requests: [
      { method: "GET", setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }) },
    ],
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    if (latencies.length < 5_000_000) latencies.push(ms);
  });
  const result = await instance;
  return {
    requests: latencies.length,
    durationS: result.duration,
    perSecond: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.reduce((most, ms) => Math.max(most, ms), 0),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function startExports(admin: EmulatorAdmin, count: number): Promise<string[]> {
  const names: string[] = [];
  const workers = Array.from({ length: 10 }, async () => {
    while (names.length < count) {
      const index = names.length;
      names.push(""); // reserve the slot before awaiting, so workers never overshoot
      names[index] = (await admin.startExport(`gs://bench-load/export-${index}`)).name;
    }
  });
  await Promise.all(workers);
  return names;
}

export const emulatorLoad: Benchmark = {
  name: "emulator-load",
  title: "Emulator under load: 200 operations in flight, 500 GET/s",
  async run(options, progress) {
    const { durationS, warmupS } = options.quick ? QUICK : FULL;
    const auth = { authorization: `Bearer ${DEV_TOKEN}` };

    progress(`baseline server: ${durationS} s at ${TARGET_RATE} req/s`);
    const baselineServer = await spawnBaselineServer();
    let baseline: LoadFigures;
    let baselinePeakKib: number | undefined;
    try {
      baseline = await applyLoad(baselineServer.url, ["/"], durationS, warmupS, auth);
      baselinePeakKib = peakRssKib(baselineServer.child.pid as number);
    } finally {
      await baselineServer.kill();
    }

    const emulator = await spawnEmulator(["--auth", "oauth", "--duration-ms", String(OPERATION_DURATION_MS)]);
    let measured: LoadFigures;
    let inFlightBefore: number;
    let inFlightAfter: number;
    let idleRssKib: number | undefined;
    let emulatorPeakKib: number | undefined;
    let sampleBytes: number;
    try {
      const admin = new EmulatorAdmin(emulator.url);
      progress(`emulator: starting ${IN_FLIGHT} exports`);
      const names = await startExports(admin, IN_FLIGHT);
      sampleBytes = Buffer.byteLength(JSON.stringify(await admin.getOperation(names[0] as string), null, 2));
      inFlightBefore = (await admin.operations()).filter((op) => !op.done).length;
      idleRssKib = statusKib(emulator.child.pid as number, "VmRSS");
      progress(`emulator: ${durationS} s at ${TARGET_RATE} req/s over ${names.length} operations`);
      measured = await applyLoad(
        emulator.url,
        names.map((name) => `/v1/${name}`),
        durationS,
        warmupS,
        auth,
      );
      inFlightAfter = (await admin.operations()).filter((op) => !op.done).length;
      emulatorPeakKib = peakRssKib(emulator.child.pid as number);
    } finally {
      await emulator.kill();
    }

    const row = (what: string, f: LoadFigures, peakKib: number | undefined) => [
      what,
      f.requests,
      f.perSecond.toFixed(0),
      formatMs(f.p50),
      formatMs(f.p95),
      formatMs(f.p99),
      formatMs(f.max),
      f.non2xx,
      `${f.errors} / ${f.timeouts}`,
      formatMiB(peakKib),
    ];
    const sustained =
      measured.perSecond >= SUSTAINED_FRACTION * TARGET_RATE && measured.non2xx === 0 && measured.errors === 0;
    const heldInFlight = inFlightBefore >= IN_FLIGHT && inFlightAfter >= IN_FLIGHT;
    return [
      `autocannon, ${CONNECTIONS} connections, \`overallRate\` ${TARGET_RATE}/s for ${durationS} s after a ${warmupS} s warm-up, ` +
        `each request a \`GET /v1/<operation>\` for the next of the ${IN_FLIGHT} operation names in turn. ` +
        `Both servers run in their own process; the baseline is a bare \`node:http\` server answering a fixed ` +
        `${Buffer.byteLength(BASELINE_BODY)}-byte JSON (an emulator operation is ${sampleBytes} bytes). Latencies are ` +
        "per response, as autocannon measured them (no coordinated-omission correction).",
      "",
      table(
        ["server", "responses", "req/s", "p50", "p95", "p99", "max", "non-2xx", "errors / timeouts", "peak RSS"],
        [
          row("baseline node:http", baseline, baselinePeakKib),
          row(`emulator, ${IN_FLIGHT} in flight`, measured, emulatorPeakKib),
          [
            "**ratio emulator / baseline**",
            "",
            formatRatio(measured.perSecond / baseline.perSecond),
            formatRatio(measured.p50 / baseline.p50),
            formatRatio(measured.p95 / baseline.p95),
            formatRatio(measured.p99 / baseline.p99),
            formatRatio(measured.max / baseline.max),
            "",
            "",
            formatRatio((emulatorPeakKib ?? Number.NaN) / (baselinePeakKib ?? Number.NaN)),
          ],
        ],
      ),
      "",
      `Operations in flight before / after the load: ${inFlightBefore} / ${inFlightAfter}. ` +
        `Emulator RSS with ${IN_FLIGHT} operations before the load: ${formatMiB(idleRssKib)}.`,
      "",
      `**Goal**: ${IN_FLIGHT} operations in flight and ${TARGET_RATE} req/s sustained (≥ ${SUSTAINED_FRACTION * 100}% ` +
        `achieved) with zero non-2xx and zero errors: ${verdict(sustained && heldInFlight)}.`,
    ].join("\n");
  },
};
