import type { StandInSession } from './sessions.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The stand-in's checkout page: what would be charged, and a Pay button that charges nothing. */
export function checkoutPage(session: StandInSession): string {
  const amount = `$${((session.amount_total ?? 0) / 100).toFixed(2)} ${String(session.currency).toUpperCase()}`;
  const open = session.status === 'open';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test checkout — QuickDumpNow</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem .8rem;border-radius:6px}
button{font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
.amount{font-size:2rem;margin:1rem 0}</style></head>
<body><main>
<p class="banner" role="note"><strong>Test payment, no card is charged.</strong> This is the local Stripe stand-in.</p>
<h1>${escapeHtml(session.line_description)}</h1>
<p class="amount">${escapeHtml(amount)}</p>
<p>Quote <code>${escapeHtml(String(session.client_reference_id))}</code> · session <code>${escapeHtml(session.id)}</code></p>
${
  open
    ? `<form method="post" action="/checkout/${encodeURIComponent(session.id)}/pay"><button type="submit">Pay ${escapeHtml(amount)}</button></form>`
    : `<p>This session is <strong>${escapeHtml(String(session.status))}</strong>.</p>`
}
</main></body></html>`;
}
