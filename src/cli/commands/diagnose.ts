// `mailbeacon diagnose [--out FILE]`: one JSON document for support (what it holds, and what it
// never holds, is said in src/support/diagnostics.ts, which the window's "Save diagnostics…" uses too).
import { diagnostics, saveDiagnostics } from '../../support/diagnostics.js';
import { openStore } from '../account-context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

export interface DiagnoseArgs { stateDir?: string | undefined; out?: string | undefined }

export function diagnoseCommand(args: DiagnoseArgs, write: (line: string) => void): number {
  const report = diagnostics(openStore(args.stateDir), { runtime: { shell: 'cli' } });
  // To stdout one line (for jq and scripts); to a file indented, for a person to read.
  if (!args.out) {
    write(JSON.stringify(report));
    return EXIT.ok;
  }
  try {
    saveDiagnostics(args.out, report);
  } catch (error) {
    throw new UsageError(`cannot write ${args.out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  write(`diagnostics written to ${args.out}`);
  return EXIT.ok;
}
