import { createSign } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_ASSERTION_LIFETIME_SECONDS, type ServiceAccountKeyFile } from "./auth";

export interface EmulatorCredentials {
  /** A service-account key file whose `token_uri` is the emulator (JWT-bearer flow). */
  serviceAccountKeyFile: string;
  /**
   * An `external_account` (workload identity federation) file whose `token_url` is the emulator. This is the
   * file to give google-auth-library for Node (GOOGLE_APPLICATION_CREDENTIALS or `gcp:credentials`): its
   * service-account client always posts to oauth2.googleapis.com, its external-account client honours token_url.
   */
  externalAccountFile: string;
  clientEmail: string;
}

/**
 * Asks the emulator for a new key, then writes the credential files into `dir` (private to the user). The
 * external account's subject token lives `subjectTokenLifetimeSeconds` (default and most: 3600, the token
 * endpoint's cap, as Google's STS): write the files again for longer sessions (`firestore-ops-emulator
 * --emulator-url URL --write-credentials DIR` does, for a running emulator). The paths written are absolute.
 */
export async function writeEmulatorCredentials(
  emulatorUrl: string,
  dir: string,
  options: { projectId?: string; accountId?: string; subjectTokenLifetimeSeconds?: number } = {},
): Promise<EmulatorCredentials> {
  const lifetime = options.subjectTokenLifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new RangeError(
      `subjectTokenLifetimeSeconds must be a whole number of seconds from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS} (the token endpoint refuses longer-lived tokens), got ${lifetime}`,
    );
  }
  const response = await fetch(`${emulatorUrl}/emulator/v1/serviceAccountKeys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ projectId: options.projectId ?? "demo-project", accountId: options.accountId }),
  });
  if (!response.ok) throw new Error(`emulator refused to create a key: ${response.status} ${await response.text()}`);
  const key = (await response.json()) as ServiceAccountKeyFile;

  // Absolute: the external account names its subject token file, and is read from wherever the user's program runs.
  const folder = path.resolve(dir);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const serviceAccountKeyFile = path.join(folder, "service-account-key.json");
  const subjectTokenFile = path.join(folder, "subject-token.jwt");
  const externalAccountFile = path.join(folder, "external-account.json");
  const nowSeconds = Math.floor(Date.now() / 1000);
  const subjectToken = signJwt(key, {
    iss: key.client_email,
    sub: key.client_email,
    aud: key.token_uri,
    iat: nowSeconds,
    exp: nowSeconds + lifetime,
  });
  fs.writeFileSync(serviceAccountKeyFile, JSON.stringify(key, null, 2), { mode: 0o600 });
  fs.writeFileSync(subjectTokenFile, subjectToken, { mode: 0o600 });
  fs.writeFileSync(
    externalAccountFile,
    JSON.stringify(
      {
        type: "external_account",
        audience: `//iam.googleapis.com/projects/0/locations/global/workloadIdentityPools/emulator/providers/${key.project_id}`,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: key.token_uri,
        credential_source: { file: subjectTokenFile },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  return { serviceAccountKeyFile, externalAccountFile, clientEmail: key.client_email };
}

/** RS256 JWT signed with the key's private half, as gcloud and google-auth do for the JWT-bearer grant. */
export function signJwt(
  key: Pick<ServiceAccountKeyFile, "private_key" | "private_key_id">,
  claims: Record<string, unknown>,
): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode({ alg: "RS256", typ: "JWT", kid: key.private_key_id })}.${encode(claims)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(key.private_key).toString("base64url");
  return `${input}.${signature}`;
}
