import type { DeviceGps } from './types.ts';

const ASKED = 'qdn.location';

/**
 * The device position for uploads, asked for once per browser session and never in the way: an
 * upload waits at most `waitMs` for a fix and goes on without one when it is denied or slow.
 */
export function deviceLocator(waitMs = 4000): () => Promise<DeviceGps | null> {
  let last: { gps: DeviceGps; at: number } | null = null;
  let pending: Promise<DeviceGps | null> | null = null;
  return () => {
    if (!('geolocation' in navigator) || sessionStorage.getItem(ASKED) === 'denied')
      return Promise.resolve(null);
    if (last && Date.now() - last.at < 120_000) return Promise.resolve(last.gps);
    pending ??= new Promise<DeviceGps | null>((resolve) => {
      const timer = setTimeout(() => resolve(last?.gps ?? null), waitMs);
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          last = {
            gps: {
              lat: pos.coords.latitude,
              lon: pos.coords.longitude,
              accuracy_m: Math.round(pos.coords.accuracy),
            },
            at: Date.now(),
          };
          sessionStorage.setItem(ASKED, 'granted');
          clearTimeout(timer);
          resolve(last.gps);
        },
        (error) => {
          // Denied: never ask again this session. Unavailable or slow: try again next time.
          if (error.code === error.PERMISSION_DENIED) sessionStorage.setItem(ASKED, 'denied');
          clearTimeout(timer);
          resolve(null);
        },
        { timeout: waitMs, maximumAge: 60_000 },
      );
    }).finally(() => {
      pending = null;
    });
    return pending;
  };
}
