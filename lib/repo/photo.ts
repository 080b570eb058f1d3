/** Where a photo is in the pipeline (DESIGN.md, "Photo status"). */
export type PhotoStatus = 'pending' | 'received' | 'ready' | 'rejected' | 'failed' | 'missing' | 'abandoned';

/** Statuses no later event may change. */
export const FINAL_STATUSES: PhotoStatus[] = ['ready', 'rejected', 'missing'];

/** A location and where it came from. */
export interface PhotoGps {
  lat: number;
  lon: number;
  source: 'exif' | 'device';
  altitude?: number | null;
  accuracyM?: number | null;
}

/** A photo as stored: one item per photo under its job. */
export interface Photo {
  jobId: string;
  photoId: string;
  key: string;
  status: PhotoStatus;
  createdAt: string;
  uploader: { sub: string; role: string };
  declaredType: string;
  declaredSize: number | null;
  originalName: string;
  deviceGps: { lat: number; lon: number; accuracyM: number | null } | null;
  urlExpiresAt: string;
  /** Set once the object arrived. */
  receivedAt?: string;
  size?: number;
  etag?: string;
  /** The S3 sequencer of the event the current state came from, zero-padded for comparison. */
  sequencer?: string;
  sniffedType?: string;
  takenAt?: string | null;
  gps?: PhotoGps | null;
  exif?: { make: string | null; model: string | null; orientation: number | null } | null;
  distanceM?: number | null;
  farFromSite?: boolean;
  width?: number;
  height?: number;
  thumbnails?: Record<string, string>;
  sha256?: string;
  readyAt?: string;
  reason?: string;
  reasonCode?: string;
}
