import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { isLoopbackAddress, isUnspecifiedAddress } from "./loopback";

/**
 * Which requests the emulator serves, judged by where they say they come from, so that no web page the user
 * opens can drive it:
 * - `Host` must name this emulator: a loopback name or address, an address it listens on, or a name given with
 *   `allowedHosts`, always with the port it listens on. A DNS-rebinding page sends its own name there.
 * - A browser's cross-site request is refused: an `Origin` other than the emulator's own (`http://` + the Host),
 *   or a `Sec-Fetch-Site` other than `same-origin` or `none`. Programs (Google's clients, Node's fetch, curl,
 *   Python requests, Go net/http) send neither.
 */
export interface OriginPolicy {
  /** The port the emulator listens on. */
  port: number;
  /** The address it is bound to, as `server.address()` gives it. */
  boundAddress: string;
  /** More names (or addresses) clients may use in `Host`, lowercase, without port. */
  allowedHosts: readonly string[];
}

/** Why a request is refused (one sentence, naming the header and the rule), or undefined when it is served. */
export function originRefusal(headers: IncomingHttpHeaders, policy: OriginPolicy): string | undefined {
  const host = headers.host;
  if (typeof host !== "string" || host === "") {
    return "the Host header is missing: it must name this emulator (e.g. 127.0.0.1 or localhost) and its port";
  }
  const parsed = splitHost(host);
  if (!parsed || parsed.port !== policy.port || !hostNamesThisEmulator(parsed.name, policy)) {
    return (
      `the Host header ${JSON.stringify(host.slice(0, 100))} does not name this emulator: it must be a loopback name ` +
      `or address (localhost, 127.0.0.1, [::1])${policy.allowedHosts.length ? `, ${policy.allowedHosts.join(", ")}` : ""}` +
      ` or an address it listens on, with port ${policy.port}`
    );
  }
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host.toLowerCase()}`) {
    return `cross-origin requests are refused: the Origin header ${JSON.stringify(origin.slice(0, 100))} is not this emulator's own (http://${host})`;
  }
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `cross-site browser requests are refused (Sec-Fetch-Site: ${JSON.stringify(site.slice(0, 40))}; only same-origin and none are served)`;
  }
  return undefined;
}

/** `name[:port]` or `[v6][:port]`, lowercased, without a trailing dot; undefined when malformed. */
function splitHost(host: string): { name: string; port: number } | undefined {
  const lower = host.toLowerCase();
  let name: string;
  let portText: string | undefined;
  if (lower.startsWith("[")) {
    const close = lower.indexOf("]");
    if (close < 0) return undefined;
    name = lower.slice(1, close);
    const rest = lower.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return undefined;
    portText = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = lower.indexOf(":");
    name = colon < 0 ? lower : lower.slice(0, colon);
    portText = colon < 0 ? undefined : lower.slice(colon + 1);
  }
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return undefined;
  const port = portText === undefined ? 80 : Number(portText);
  return { name: name.endsWith(".") ? name.slice(0, -1) : name, port };
}

function hostNamesThisEmulator(name: string, policy: OriginPolicy): boolean {
  // Browsers resolve localhost and *.localhost to loopback themselves (RFC 6761), so no page can rebind them.
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) && isLoopbackAddress(name)) return true;
  if (policy.allowedHosts.includes(name)) return true;
  return listenedAddresses(policy.boundAddress).includes(name);
}

/**
 * The addresses a client can reach the emulator at: the bound one (0.0.0.0 too, as the URL it prints names it),
 * and for 0.0.0.0 and :: every interface's.
 */
function listenedAddresses(bound: string): string[] {
  const addresses = [bound.toLowerCase()];
  if (!isUnspecifiedAddress(bound)) return addresses;
  for (const info of Object.values(networkInterfaces()).flat()) {
    if (info) addresses.push(info.address.toLowerCase());
  }
  return addresses;
}
