/** A price as `POST /book-quote` answers it (API.md › Booking). */
export interface Price {
  currency: 'usd';
  lines: Array<{ code: string; label: string; amount_cents: number }>;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
}

/** The answer of `POST /book-quote`. */
export interface Quote {
  quote_id: string;
  status: string;
  price: Price;
  expires_at: string;
  customer_id: string;
  customer_token: string;
  tracking_url: string;
}

/** The Zelle answer of `POST /quotes/{id}/checkout`. */
export interface ZelleInstructions {
  recipient: string;
  amount_cents: number;
  memo: string;
}
