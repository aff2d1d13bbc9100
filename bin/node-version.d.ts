export declare const REQUIRED_NODE: string;
/** Our words for a Node too old to run the CLI, or undefined when `version` will do. */
export declare function nodeTooOld(version: string): string | undefined;
