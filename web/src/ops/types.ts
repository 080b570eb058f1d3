/** `GET /ops/status` (API.md › Ops). */
export interface OpsStatus {
  queues: Array<{
    name: string;
    visible: number;
    in_flight: number;
    oldest_age_s: number | null;
    dlq: { name: string; visible: number; oldest_age_s: number | null };
  }>;
  photos: Record<string, number>;
  stale_pending: number;
  bookings: { awaiting_zelle: number; payment_mismatch: number };
}

/** `GET /ops/dlq/{queue}`. */
export interface DlqListing {
  queue: string;
  messages: Array<{
    message_id: string;
    photo_id: string | null;
    job_id: string | null;
    receive_count: number;
    reason: string | null;
    failed_at: string | null;
  }>;
}
