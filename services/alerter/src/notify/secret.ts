import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';

/**
 * A webhook URL, routing key or token from the routing config: given inline or as a file (a mounted Kubernetes
 * Secret). It prints as "[redacted]" everywhere (toString, JSON, util.inspect), so a logged config never leaks it;
 * `reveal()` is the one way to read it, at delivery time, so a rotated file is picked up without a restart.
 */
export class SecretRef {
  readonly #value: string | undefined;
  /** The file path is not secret: it is shown in errors. */
  readonly file: string | undefined;

  private constructor(value: string | undefined, file: string | undefined) {
    this.#value = value;
    this.file = file;
  }

  static inline(value: string): SecretRef {
    return new SecretRef(value, undefined);
  }

  static fromFile(path: string): SecretRef {
    return new SecretRef(undefined, path);
  }

  /** The secret; a file is read on every call and its trailing newline dropped. */
  async reveal(): Promise<string> {
    if (this.#value !== undefined) return this.#value;
    const text = await readFile(this.file!, 'utf8');
    return text.replace(/\r?\n$/, '');
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return this.file ? `SecretRef(file: ${this.file})` : 'SecretRef([redacted])';
  }
}
