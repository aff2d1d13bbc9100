// The flags a catch-up carries from the old mailbox to the copies: the system flags every IMAP
// server keeps. (Keywords are left alone: not every server keeps them, and \Deleted would hide the
// copy.) Also their compact form, four bits, which is all the journal's index keeps of them.

export const CARRIED_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Draft'] as const;

/** The carried flags among `flags` (any case), in CARRIED_FLAGS' order. */
export function carried(flags: readonly string[]): string[] {
  return CARRIED_FLAGS.filter((flag) => flags.some((other) => other.toLowerCase() === flag.toLowerCase()));
}

/** Bit n set: CARRIED_FLAGS[n] is among `flags`. */
export function carriedBits(flags: readonly string[]): number {
  let bits = 0;
  CARRIED_FLAGS.forEach((flag, bit) => {
    if (flags.some((other) => other.toLowerCase() === flag.toLowerCase())) bits |= 1 << bit;
  });
  return bits;
}
