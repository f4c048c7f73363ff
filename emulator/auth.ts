import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual, verify } from "node:crypto";
import { ApiError } from "./api-error";

/**
 * OAuth as Google does it, in miniature: a token endpoint for the service-account JWT-bearer flow
 * (RFC 7523, what google-auth-library's JWT client does), and Bearer token checks with scopes.
 */

export const ACCEPTED_SCOPES = [
  "https://www.googleapis.com/auth/datastore",
  "https://www.googleapis.com/auth/cloud-platform",
] as const;

/** A documented static token for quick experiments (`--auth oauth`): it carries the cloud-platform scope. */
export const DEV_TOKEN = "firestore-emulator-dev-token";

const TOKEN_LIFETIME_SECONDS = 3600;
/** Google's token endpoint and STS refuse assertions meant to live longer than an hour. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

export interface ServiceAccountKeyRecord {
  clientEmail: string;
  keyId: string;
  publicKeyPem: string;
}

/** The persisted part: the token-signing secret and the public halves of issued keys. */
export interface AuthState {
  tokenSecret: string;
  keys: ServiceAccountKeyRecord[];
}

/** The key file format of `gcloud iam service-accounts keys create`. */
export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

export class OAuthError extends Error {
  override readonly name = "OAuthError";
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export function newAuthState(): AuthState {
  return { tokenSecret: randomBytes(32).toString("base64url"), keys: [] };
}

export interface AuthenticatorOptions {
  now: () => number;
  /** Static token accepted with the cloud-platform scope; "" accepts none. */
  devToken: string;
  /** The token endpoint's URL exactly as the emulator serves it: the only audience an assertion may name. */
  tokenUrl: () => string;
  /** A key was issued: its public half must survive a restart. */
  onKeyIssued: (key: ServiceAccountKeyRecord) => void;
}

export class Authenticator {
  private readonly now: () => number;

  constructor(
    readonly state: AuthState,
    private readonly options: AuthenticatorOptions,
  ) {
    this.now = options.now;
  }

  /** Issues a key pair, keeps the public half, returns the key file; like IAM's keys.create. */
  createServiceAccountKey(
    projectId: string,
    tokenUri: string,
    accountId = "pulumi-firestore-ops",
  ): ServiceAccountKeyFile {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyId = randomBytes(20).toString("hex");
    const clientEmail = `${accountId}@${projectId}.iam.gserviceaccount.com`;
    const record = { clientEmail, keyId, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
    this.state.keys.push(record);
    this.options.onKeyIssued(record);
    return {
      type: "service_account",
      project_id: projectId,
      private_key_id: keyId,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: clientEmail,
      client_id: String(BigInt(`0x${randomBytes(8).toString("hex")}`)),
      auth_uri: tokenUri.replace(/\/token$/, "/auth"),
      token_uri: tokenUri,
    };
  }

  /**
   * Handles the token endpoint's form body. Two grants, both proving possession of an issued key:
   * - RFC 7523 JWT bearer (`assertion`): what a service-account key's `token_uri` receives from gcloud,
   *   Python google-auth and Go oauth2.
   * - RFC 8693 token exchange (`subject_token`): what an `external_account` file's `token_url` receives from
   *   google-auth-library for Node, whose service-account client ignores `token_uri` (it always posts to
   *   oauth2.googleapis.com).
   */
  exchange(form: URLSearchParams): Record<string, string | number> {
    const grantType = form.get("grant_type");
    if (grantType === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      const assertion = form.get("assertion");
      if (!assertion) throw new OAuthError("invalid_request", "Missing required parameter: assertion");
      const claims = this.verifySignedJwt(assertion, "assertion");
      const scope = typeof claims.scope === "string" ? claims.scope : "";
      if (scope.trim() === "") throw new OAuthError("invalid_scope", "Empty or missing scope not allowed.");
      return {
        access_token: this.issueToken(String(claims.iss), scope),
        expires_in: TOKEN_LIFETIME_SECONDS,
        token_type: "Bearer",
      };
    }
    if (grantType === "urn:ietf:params:oauth:grant-type:token-exchange") {
      const subjectToken = form.get("subject_token");
      if (!subjectToken) throw new OAuthError("invalid_request", "Missing required parameter: subject_token");
      const claims = this.verifySignedJwt(subjectToken, "subject token");
      const scope = form.get("scope") ?? "";
      if (scope.trim() === "") throw new OAuthError("invalid_scope", "Empty or missing scope not allowed.");
      return {
        access_token: this.issueToken(String(claims.iss), scope),
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECONDS,
      };
    }
    throw new OAuthError("unsupported_grant_type", `Unsupported grant_type "${grantType ?? ""}".`);
  }

  /** Checks a request's credentials; throws 401 or 403 in the AIP-193 envelope. */
  authorize(authorization: string | undefined, accessTokenParam: string | null): void {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? accessTokenParam ?? undefined;
    if (!token) {
      throw new ApiError(
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        {
          reason: "CREDENTIALS_MISSING",
          headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' },
        },
      );
    }
    const scopes = this.scopesOf(token);
    if (!scopes) {
      throw new ApiError(
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        {
          reason: "ACCESS_TOKEN_EXPIRED",
          headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
        },
      );
    }
    if (!scopes.some((s) => (ACCEPTED_SCOPES as readonly string[]).includes(s))) {
      throw new ApiError("PERMISSION_DENIED", "Request had insufficient authentication scopes.", {
        reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
      });
    }
  }

  /**
   * Verifies an RS256 JWT against the public half of a key this emulator issued: its audience must be exactly
   * this token endpoint, and it may live an hour at most (measured from `iat`, or from now without one).
   */
  private verifySignedJwt(jwt: string, what: "assertion" | "subject token"): Record<string, unknown> {
    const parts = jwt.split(".");
    if (parts.length !== 3) throw new OAuthError("invalid_grant", "Invalid JWT: expected three segments.");
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart);
    const claims = decodeJson(payloadPart);
    if (!header || !claims) throw new OAuthError("invalid_grant", "Invalid JWT: undecodable segment.");
    if (header.alg !== "RS256") throw new OAuthError("invalid_grant", "Invalid JWT: only RS256 is accepted.");
    const key = this.state.keys.find(
      (k) => k.clientEmail === claims.iss && (header.kid === undefined || header.kid === k.keyId),
    );
    if (!key) throw new OAuthError("invalid_grant", "Invalid JWT Signature: no such key for this account.");
    const valid = verify(
      "RSA-SHA256",
      Buffer.from(`${headerPart}.${payloadPart}`),
      createPublicKey(key.publicKeyPem),
      Buffer.from(signaturePart, "base64url"),
    );
    if (!valid) throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    const audience = this.options.tokenUrl();
    if (claims.aud !== audience) {
      throw new OAuthError("invalid_grant", `Invalid JWT: Failed audience check. The right audience is ${audience}`);
    }
    const nowSeconds = this.now() / 1000;
    const exp = claims.exp;
    const iat = typeof claims.iat === "number" ? claims.iat : nowSeconds;
    if (what === "subject token" && typeof exp === "number" && exp < nowSeconds - CLOCK_SKEW_SECONDS) {
      // The subject token is a file written once (writeEmulatorCredentials): say how to write a new one.
      const emulatorUrl = audience.endsWith("/token") ? audience.slice(0, -"/token".length) : audience;
      throw new OAuthError(
        "invalid_grant",
        `Invalid JWT: the subject token expired at ${new Date(exp * 1000).toISOString()} (emulator credentials ` +
          `last an hour). Renew them: ${renewCredentialsCommand(emulatorUrl)}`,
      );
    }
    if (
      typeof exp !== "number" ||
      exp < nowSeconds - CLOCK_SKEW_SECONDS ||
      iat > nowSeconds + CLOCK_SKEW_SECONDS ||
      exp - iat > MAX_ASSERTION_LIFETIME_SECONDS ||
      exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS
    ) {
      throw new OAuthError(
        "invalid_grant",
        `Invalid JWT: Token must be a short-lived token (${MAX_ASSERTION_LIFETIME_SECONDS / 60} minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.`,
      );
    }
    return claims;
  }

  /** Tokens are signed, not stored, so they stay valid across an emulator restart with --data-dir. */
  private issueToken(subject: string, scope: string): string {
    const payload = Buffer.from(
      JSON.stringify({ sub: subject, scope, exp: Math.floor(this.now() / 1000) + TOKEN_LIFETIME_SECONDS }),
    ).toString("base64url");
    return `ya29.emu.${payload}.${this.sign(payload)}`;
  }

  private scopesOf(token: string): string[] | undefined {
    if (this.options.devToken !== "" && token === this.options.devToken) {
      return ["https://www.googleapis.com/auth/cloud-platform"];
    }
    const match = /^ya29\.emu\.([\w-]+)\.([\w-]+)$/.exec(token);
    if (!match) return undefined;
    const [, payload, signature] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = decodeJson(payload);
    if (!claims || typeof claims.exp !== "number" || claims.exp * 1000 < this.now()) return undefined;
    return typeof claims.scope === "string" ? claims.scope.split(/\s+/).filter(Boolean) : [];
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.state.tokenSecret).update(payload).digest("base64url");
  }
}

/** The command that writes fresh credential files for a running emulator (`firestore-ops-emulator` flags). */
export function renewCredentialsCommand(emulatorUrl: string): string {
  return `firestore-ops-emulator --emulator-url ${emulatorUrl} --write-credentials DIR (DIR: the folder they were written to)`;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
