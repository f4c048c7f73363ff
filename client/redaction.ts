/**
 * Redaction at the boundary: text from servers, token endpoints and credentials code passes through here before
 * it becomes part of a message. Known secrets (the configured token, the credentials value and its key fields,
 * the Authorization header just sent) are replaced wherever they appear, in their plain, JSON-escaped and
 * URL-encoded forms; anything that looks like a secret (a bearer token, a JWT, a private key block, a Google
 * access or refresh token, a `token=`/`"private_key":` pair) is replaced too. All patterns run in linear time.
 */

import type { ClientSettings } from "./settings";
import { printable } from "./text";

const REDACTED = "[redacted]";
/** Shorter values are not worth scrubbing for (and would garble ordinary words). */
const MIN_SECRET_LENGTH = 8;
/** Credentials JSON fields that are secret. */
const SECRET_FIELDS = ["private_key", "private_key_id", "client_secret", "refresh_token", "access_token", "token"];

const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]{0,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}-----|$)/g, REDACTED],
  [/eyJ[\w-]{2,}\.[\w-]{2,}(?:\.[\w-]*)?/g, REDACTED],
  [/\b(Bearer|Basic)(\s+)[^\s"',;}]+/gi, `$1$2${REDACTED}`],
  [/\bya29\.[\w.~+/-]+/g, REDACTED],
  [/\b1\/\/[\w.~+/-]{10,}/g, REDACTED],
  [
    /((?:access_token|refresh_token|id_token|client_secret|private_key(?:_id)?|subject_token|actor_token|assertion|authorization|x-goog-iam-authorization-token|password)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^"'&\s,;}]+/gi,
    `$1${REDACTED}`,
  ],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Adds values to scrub (undefined and short ones are ignored); returns this, for chaining. */
  add(...values: (string | undefined)[]): this {
    for (const value of values) {
      if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
      const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), formEncoded]) {
        this.secrets.add(form);
      }
      const bearer = /^Bearer\s+(.+)$/i.exec(value)?.[1];
      if (bearer !== undefined && bearer !== value) this.add(bearer);
    }
    return this;
  }

  /** Adds a credentials value (inline JSON or anything else) and, if it is JSON, its secret fields. */
  addCredentials(value: string | undefined): this {
    if (value === undefined) return this;
    this.add(value, value.trim());
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === "object" && parsed !== null) {
        for (const field of SECRET_FIELDS) {
          const secret = (parsed as Record<string, unknown>)[field];
          if (typeof secret === "string") this.add(secret);
        }
      }
    } catch {
      // Not JSON: the whole value is the secret, added above.
    }
    return this;
  }

  /** A copy that also scrubs `values`: per request (the header just sent) without growing this one. */
  with(...values: (string | undefined)[]): Redactor {
    const copy = new Redactor();
    for (const secret of this.secrets) copy.secrets.add(secret);
    return copy.add(...values);
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
    }
    return scrubPatterns(out);
  }
}

/** Replaces everything that looks like a secret. */
export function scrubPatterns(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Text from a server for a message: scrubbed first (so no secret is cut into an unrecognisable half), then cut. */
export function serverText(text: string, redactor: Redactor | undefined, max = 500): string {
  const scrubbed = redactor ? redactor.scrub(text) : scrubPatterns(text);
  // A server's text must not drive the terminal (escape sequences, carriage returns, bidi overrides).
  const clean = printable(scrubbed);
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** Everything secret in the settings: the access token, the credentials value and its key fields. */
export function redactorFor(settings: ClientSettings): Redactor {
  return new Redactor().add(settings.accessToken).addCredentials(settings.credentials);
}
