/**
 * The one error type users see. Its message is a single line that names the file or value and
 * the problem; the CLI and the IPC layer print `message` only, never a stack trace.
 */
export class BeatlensError extends Error {
  /** Machine-readable category, e.g. 'wfdb-missing-file', 'fs-mismatch', 'model-architecture'. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*\n\s*/g, ' '), options);
    this.name = 'BeatlensError';
    this.code = code;
  }
}

/** True for errors that carry a user-facing one-line message. */
export function isBeatlensError(e: unknown): e is BeatlensError {
  return e instanceof BeatlensError;
}
