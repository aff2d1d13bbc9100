/** Bad input from the user (arguments, URLs, files): shown as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
