/** Where in a model a problem was found. Every field is optional: a truncated header has no op index. */
export interface ModelErrorLocation {
  file?: string;
  opIndex?: number;
  tensorIndex?: number;
}

/**
 * Thrown for a malformed or unsupported model, or one exceeding the memory budget.
 * `message` is self-contained; the location fields let callers react programmatically.
 */
export class ModelError extends Error {
  readonly file?: string;
  readonly opIndex?: number;
  readonly tensorIndex?: number;
  /** The bare problem description, without the location prefix. */
  readonly detail: string;

  constructor(detail: string, location: ModelErrorLocation = {}) {
    super(formatLocation(location) + detail);
    this.name = 'ModelError';
    this.detail = detail;
    this.file = location.file;
    this.opIndex = location.opIndex;
    this.tensorIndex = location.tensorIndex;
  }
}

function formatLocation({ file, opIndex, tensorIndex }: ModelErrorLocation): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(file);
  if (opIndex !== undefined) parts.push(`op ${opIndex}`);
  if (tensorIndex !== undefined) parts.push(`tensor ${tensorIndex}`);
  return parts.length ? parts.join(', ') + ': ' : '';
}
