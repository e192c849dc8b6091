// Whether the tests run under CI, where a missing adapter, browser or data file is a failure, never a
// skip. Any non-empty CI other than 'false' or '0' counts (CI=true, CI=1, CI=yes, ...), as CI services set it.

/** Whether a value of the CI environment variable means "this is CI". */
export function isCiValue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** True under CI: see isCiValue. */
export const underCi = isCiValue(process.env.CI);
