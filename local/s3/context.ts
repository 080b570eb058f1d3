import type { ObjectStore } from './object-store.ts';
import type { SigV4Verifier } from './sigv4.ts';
import type { S3BucketOptions, S3LogEntry } from './types.ts';

/** What every request handler shares for the life of the server. */
export interface ServerContext {
  region: string;
  store: ObjectStore;
  verifiers: ReadonlyMap<string, SigV4Verifier>;
  buckets: ReadonlyMap<string, S3BucketOptions>;
  now: () => number;
  log: (entry: S3LogEntry) => void;
}

/** One request's identity and the bucket it addresses. */
export interface RequestContext {
  server: ServerContext;
  bucket: S3BucketOptions;
  requestId: string;
  hostId: string;
  sourceIp: string;
  /** `http://<Host>`, for the URLs S3 answers with (`Location`). */
  baseUrl: string;
  /**
   * Sends `100 Continue` to a client that asked for it (`Expect: 100-continue`), once: called
   * after authentication, or where the authority is in the body itself (a POST form).
   */
  acceptBody: () => void;
}
