/** A fault list that does not parse: says which entry and what is allowed. */
export class FaultSpecError extends Error {
  constructor(entry: string, allowed: string) {
    super(`Expected faults as "stage:mode,..." with ${allowed} but received "${entry}"`);
    this.name = 'FaultSpecError';
  }
}

/** The retryable error a stage throws while a `transient` fault is switched on for it. */
export class TransientFaultError extends Error {
  constructor(stage: string) {
    super(`injected transient fault in ${stage} (QDN_FAULTS / POST /dev/faults)`);
    this.name = 'TransientFaultError';
  }
}
