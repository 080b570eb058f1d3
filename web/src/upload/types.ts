/** A device position sent with an upload URL request (API.md › Photos). */
export interface DeviceGps {
  lat: number;
  lon: number;
  accuracy_m: number;
}

/** A presigned POST from `POST /upload-url`. */
export interface Grant {
  photo_id: string;
  key: string;
  url: string;
  fields: Record<string, string>;
  expires_at: string;
  max_bytes: number;
}

/** Where one picked photo is on its way to S3. */
export type UploadState = 'queued' | 'uploading' | 'uploaded' | 'refused' | 'failed';

/** One picked photo in the queue, as kept in IndexedDB. */
export interface UploadItem {
  id: string;
  jobId: string;
  filename: string;
  contentType: string;
  size: number;
  /** The bytes; dropped once S3 has them. */
  file: Blob | null;
  addedAt: number;
  state: UploadState;
  /** Tries that failed so far (reset by a manual retry). */
  attempts: number;
  /** 0..1 while uploading. */
  progress: number;
  /** The photo id of the grant that worked; every id ever granted is in `grantIds`. */
  photoId: string | null;
  grantIds: string[];
  /** A plain sentence for a person, when refused, failed or waiting to retry. */
  reason: string | null;
  nextTryAt: number | null;
}

/** Why a try failed, as the queue needs to know it. */
export type FailureKind = 'network' | 'server' | 'expired' | 'refused' | 'signed-out';

/** Thrown by a transport; `message` is plain, for the card. */
export class UploadError extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;

  constructor(kind: FailureKind, message: string, status: number | null = null) {
    super(message);
    this.name = 'UploadError';
    this.kind = kind;
    this.status = status;
  }
}

/** Where the queue keeps its items (IndexedDB in the browser, a Map in tests). */
export interface QueueStore {
  all(): Promise<UploadItem[]>;
  put(item: UploadItem): Promise<void>;
  delete(id: string): Promise<void>;
}

/** How the queue reaches the API and S3. */
export interface Transport {
  /** Asks for a presigned POST for this item. */
  grant(item: UploadItem): Promise<Grant>;
  /** Posts the fields and then the file to the grant's URL. */
  post(grant: Grant, file: Blob, contentType: string, onProgress: (fraction: number) => void): Promise<void>;
}
