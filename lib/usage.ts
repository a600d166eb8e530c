/** A bad command line: every CLI prints it as one `error:` line followed by its usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The integer a flag was given, checked against its range; `undefined` when the flag is absent.
 * @throws {UsageError} naming the flag, e.g. `--max-steps must be a positive integer, got "x"`.
 */
export function integerFlag(flag: string, value: string | undefined, range: { min?: number; max?: number } = { min: 1 }): number | undefined {
  if (value === undefined) return undefined;
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    const what = min === 1 && max === Number.MAX_SAFE_INTEGER ? "a positive integer" : max === 65535 ? `a port number (${min}-${max})` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be ${what}, got "${value}"`);
  }
  return parsed;
}
