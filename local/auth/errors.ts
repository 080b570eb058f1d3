/** An AWS JSON-protocol authentication failure: the `__type` the SDK maps to its exception, and a status. */
export class AwsAuthError extends Error {
  override readonly name = 'AwsAuthError';

  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The JSON body AWS answers with (`{"__type", "message"}`). */
  body(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}
