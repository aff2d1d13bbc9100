// Where a source folder goes in the target: INBOX to INBOX, special-use folders (RFC 6154) to the
// target's folder of the same use, everything else by its path with the hierarchy separator
// translated ("Work/2024" from a "/" server becomes "Work.2024" on a "." server).
export interface FolderInfo { path: string; delimiter: string | null; specialUse?: string | undefined }

export const SPECIAL_USES = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive'] as const;

export function mapFolder(source: FolderInfo, targetFolders: FolderInfo[], targetDelimiter: string): string {
  if (source.path.toUpperCase() === 'INBOX') return 'INBOX';
  if (source.specialUse && source.specialUse !== '\\All' && source.specialUse !== '\\Flagged') {
    const match = targetFolders.find((folder) => folder.specialUse === source.specialUse);
    if (match) return match.path;
  }
  const parts = source.delimiter ? source.path.split(source.delimiter) : [source.path];
  // A part that contains the target's separator would create an unintended level: replace it.
  return parts.map((part) => part.split(targetDelimiter).join('_')).join(targetDelimiter);
}
