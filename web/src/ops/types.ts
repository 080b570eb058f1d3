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

/** One quote of `GET /ops/zelle`. */
export interface AwaitingZelle {
  quote_id: string;
  memo: string;
  amount_cents: number;
  currency: string;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  since: string | null;
  lapses_at: string;
}

/** One photo of `GET /ops/photos`. */
export interface ProblemPhoto {
  photo_id: string;
  job_id: string;
  status: string;
  reason: string | null;
  reason_code: string | null;
  filename: string | null;
  uploaded_at: string | null;
  decided_at: string | null;
  uploader: string | null;
}
