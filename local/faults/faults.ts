import { FaultSpecError, TransientFaultError } from './errors.ts';

/** Stages that can fail transiently, and the notification paths that can drop events. */
export const FAULT_MODES = {
  'on-upload': 'transient',
  thumbnail: 'transient',
  booking: 'transient',
  's3-notify': 'drop',
  bus: 'drop',
} as const;

/** A stage or path that can be faulted. */
export type FaultPoint = keyof typeof FAULT_MODES;

const ALLOWED = Object.entries(FAULT_MODES)
  .map(([point, mode]) => `${point}:${mode}`)
  .join(', ');

/** Parses `"thumbnail:transient,s3-notify:drop"` (empty: none); throws {@link FaultSpecError}. */
export function parseFaults(spec: string): FaultPoint[] {
  const points = new Set<FaultPoint>();
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [point, mode, extra] = entry.split(':');
    if (
      extra !== undefined ||
      !point ||
      !(point in FAULT_MODES) ||
      FAULT_MODES[point as FaultPoint] !== mode
    ) {
      throw new FaultSpecError(entry, ALLOWED);
    }
    points.add(point as FaultPoint);
  }
  return [...points];
}

/**
 * The local runtime's fault switches (`QDN_FAULTS` at start, `POST /dev/faults` later), so the
 * failure paths can be shown on purpose. Stages ask {@link check} before each record; the
 * notification and bus paths ask {@link drops} before handing an event over.
 */
export class FaultSwitch {
  #active = new Set<FaultPoint>();
  readonly #listeners = new Set<(faults: string[]) => void>();

  constructor(spec = '') {
    this.set(spec);
  }

  /** Replaces the active faults; returns them as `stage:mode` strings. */
  set(spec: string): string[] {
    this.#active = new Set(parseFaults(spec));
    const faults = this.list();
    for (const listener of this.#listeners) listener(faults);
    return faults;
  }

  /** Calls `listener` with the active faults after every `set`; returns how to stop. */
  onChange(listener: (faults: string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The active faults as `stage:mode` strings. */
  list(): string[] {
    return [...this.#active].map((point) => `${point}:${FAULT_MODES[point]}`);
  }

  /** True while events of this path are being dropped. */
  drops(point: 's3-notify' | 'bus'): boolean {
    return this.#active.has(point);
  }

  /** Throws the stage's retryable error while its transient fault is on. */
  check(stage: 'on-upload' | 'thumbnail' | 'booking'): void {
    if (this.#active.has(stage)) throw new TransientFaultError(stage);
  }

  /** True when `name` is a stage that can fail transiently. */
  static isStage(name: string): name is 'on-upload' | 'thumbnail' | 'booking' {
    return FAULT_MODES[name as FaultPoint] === 'transient';
  }
}
