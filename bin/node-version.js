// Which Node runs the CLI: 22.12 or newer (package.json's engines). Plain JavaScript that any Node
// parses, so an older one is told in our words instead of failing on syntax or a missing API.
export const REQUIRED_NODE = '22.12';

/** Our words for a Node too old to run the CLI, or undefined when `version` will do. */
export function nodeTooOld(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return undefined;
  return `mailbeacon: needs Node ${REQUIRED_NODE} or newer; this is Node ${version} (README, "Two commands", says how to get it)`;
}
