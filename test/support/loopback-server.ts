import type * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A server listening on a free port of 127.0.0.1 (tests and benchmarks never listen beyond loopback). */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/v1/`: where a client of the Admin API is pointed. */
  endpoint: string;
  /** Drops the open connections (a stalled answer would keep the server open) and stops listening. */
  close(): Promise<void>;
}

/** Starts `server` listening on loopback. */
export async function listenOnLoopback(server: http.Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    endpoint: `${origin}/v1/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
