/**
 * Parses the form body the Stripe SDK sends (`line_items[0][price_data][unit_amount]=100`) back
 * into nested objects and arrays. Keys that would reach the prototype are refused.
 */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const path = name.split(/\[|\]\[|\]/).filter((p) => p !== '');
    if (path.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype'))
      throw new Error(`Expected form keys without prototype names but received "${name}"`);
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1] as string);
      node[part] ??= nextIsIndex ? [] : {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return root;
}
