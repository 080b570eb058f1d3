import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from './seed-data.ts';

/** The algorithm the dev issuer signs with (the functions pin their accepted list). */
export const DEV_ALGORITHM = 'ES256';

/** The issuer name of local tokens. */
export const DEV_ISSUER = 'https://dev-issuer.qdn.local';

/** Local stand-in for the OIDC issuer: a signing key kept in the data folder, and its JWKS. */
export interface DevIdentity {
  issuer: string;
  jwks: { keys: JWK[] };
  /** Signs a token for `sub` with `role` in the configured role claim. */
  issue(claims: { sub: string; role: Role }, ttlSeconds?: number): Promise<string>;
}

/** Loads the key pair from `${dataDir}/identity/` or creates it on first start. */
export async function loadDevIdentity(options: {
  dataDir: string;
  audience: string;
  roleClaim: string;
}): Promise<DevIdentity> {
  const dir = join(options.dataDir, 'identity');
  const file = join(dir, 'signing-key.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
    privateJwk = {
      ...(await exportJWK(privateKey)),
      kid: `dev-${Date.now().toString(36)}`,
      alg: DEV_ALGORITHM,
    };
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, DEV_ALGORITHM);
  return {
    issuer: DEV_ISSUER,
    jwks: { keys: [{ ...publicJwk, use: 'sig' }] },
    issue: ({ sub, role }, ttlSeconds = 3600) =>
      new SignJWT({ [options.roleClaim]: role })
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid: privateJwk.kid as string, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(options.audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(signingKey),
  };
}
