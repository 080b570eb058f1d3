import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, used when the machine has it. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * The flags every test browser runs with. Deliberately not `@sparticuz/chromium`'s own `args`:
 * they include `--disable-web-security`, which would hide exactly the CORS mistakes the browser
 * tests are there to catch, and `--single-process`, which breaks separate contexts.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // No --user-data-dir here: Playwright refuses it in launch() and passes a fresh temporary
  // profile of its own (--user-data-dir=<new tmp dir>) to every launch, which is what it is for.
];

/** Which Chromium runs the tests, and why. */
export interface ChromiumChoice {
  executablePath: string;
  source: 'system' | 'bundled' | 'env';
}

/**
 * The one place that chooses the browser: `QDN_CHROMIUM=bundled` forces the npm-packaged one,
 * `QDN_CHROMIUM=system` insists on Debian's, `QDN_CHROMIUM=/path` names one; unset means
 * Debian's when present, else the one inside `@sparticuz/chromium` (no apt step needed).
 */
export async function chooseChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const wanted = env.QDN_CHROMIUM ?? '';
  if (wanted === 'system' || (wanted === '' && existsSync(SYSTEM_CHROMIUM))) {
    if (!existsSync(SYSTEM_CHROMIUM))
      throw new Error(`QDN_CHROMIUM=system expects Chromium at ${SYSTEM_CHROMIUM}; it is not there`);
    return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  }
  if (wanted === '' || wanted === 'bundled') {
    // Unpacks to /tmp/chromium on first use (about 8 s), then reuses it.
    const { default: bundled } = await import('@sparticuz/chromium');
    return { executablePath: await bundled.executablePath(), source: 'bundled' };
  }
  if (!existsSync(wanted))
    throw new Error(`QDN_CHROMIUM: expected "system", "bundled" or a path that exists; received "${wanted}"`);
  return { executablePath: wanted, source: 'env' };
}

/** Launches the chosen Chromium headless with the test flags. */
export async function launchChromium(): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await chooseChromium();
  const browser = await chromium.launch({ executablePath: choice.executablePath, args: ARGS });
  return { browser, choice };
}
