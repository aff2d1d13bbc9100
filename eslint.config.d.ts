// Types for what the tests read from eslint.config.js.
import type { Linter } from 'eslint';

/** For each folder of src/, the folders of src/ it must never import. */
export declare const LAYER_MAP: Record<string, string[]>;
declare const config: Linter.Config[];
export default config;
