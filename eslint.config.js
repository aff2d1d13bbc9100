import tseslint from 'typescript-eslint';

// The core's layers, enforced (after VS Code's `code-layering` rule and Signal's file-suffix rule):
// for each folder of src/, the folders of src/ it must never import. Protocols sit at the bottom;
// the domain folders above them never reach the shells' adapters (app/, cli/, ipc/) at the top.
// test/unit/layering-lint.test.ts proves that each forbidden edge fails.
// support/ (the diagnostics export) sits just below the shells: both present it, nothing under it
// may reach it.
const SHELLS = ['support', 'app', 'cli', 'ipc'];
const ABOVE_PROTOCOLS = ['login-control', 'settings', 'secrets', 'watch', 'migration', 'discovery', 'oauth', 'i18n', 'runtime', ...SHELLS];
export const LAYER_MAP = {
  account: ['protocols', 'detection', ...ABOVE_PROTOCOLS],
  log: ['account', 'protocols', 'detection', ...ABOVE_PROTOCOLS],
  protocols: ABOVE_PROTOCOLS,
  detection: ABOVE_PROTOCOLS,
  'login-control': ['settings', 'secrets', 'watch', 'migration', 'discovery', 'oauth', ...SHELLS],
  secrets: ['protocols', 'detection', 'login-control', 'settings', 'watch', 'migration', 'discovery', 'oauth', ...SHELLS],
  settings: ['watch', 'secrets', 'discovery', 'oauth', ...SHELLS],
  watch: ['migration', 'settings', 'secrets', ...SHELLS],
  migration: ['watch', 'secrets', ...SHELLS],
  // From an address to servers: above protocols and account, below the shells; holds no state.
  discovery: ['login-control', 'settings', 'secrets', 'watch', 'migration', 'i18n', 'runtime', ...SHELLS],
  // OAuth2 sign-in and tokens: above protocols and secrets, below the account runtime's composers.
  oauth: ['login-control', 'settings', 'watch', 'migration', 'discovery', 'i18n', 'runtime', ...SHELLS],
  i18n: ['protocols', 'detection', 'login-control', 'settings', 'secrets', 'watch', 'migration', 'discovery', 'oauth', ...SHELLS],
  runtime: ['protocols', 'detection', 'login-control', 'settings', 'secrets', 'watch', 'migration', 'discovery', 'oauth', ...SHELLS],
  support: ['app', 'cli', 'ipc'],
  ipc: ['app', 'cli'],
  app: ['cli'],
  cli: ['app', 'ipc'],
};

const ELECTRON = {
  paths: [
    { name: 'electron', message: 'src/ is the plain-Node core: Electron belongs in main/.' },
    { name: 'electron-store', message: 'electron-store imports electron; use the conf-backed settings port.' },
  ],
  patterns: [{ group: ['electron/*'], message: 'src/ is the plain-Node core: Electron belongs in main/.' }],
};
/** Sockets and the IMAP library stay behind the protocol layer's interfaces. */
const WIRE = [
  { name: 'imapflow', message: 'only src/protocols/ talks to imapflow: use the session interfaces.' },
  { name: 'node:net', message: 'only src/protocols/ opens sockets.' },
  { name: 'node:tls', message: 'only src/protocols/ opens sockets.' },
  { name: 'net', message: 'only src/protocols/ opens sockets.' },
  { name: 'tls', message: 'only src/protocols/ opens sockets.' },
  { name: 'node:http', message: 'only src/protocols/ opens sockets (see src/protocols/net/bounded-fetch.ts).' },
  { name: 'node:https', message: 'only src/protocols/ opens sockets (see src/protocols/net/bounded-fetch.ts).' },
  { name: 'node:dns', message: 'only src/protocols/ asks DNS (see src/protocols/net/name-resolver.ts).' },
  { name: 'node:dns/promises', message: 'only src/protocols/ asks DNS (see src/protocols/net/name-resolver.ts).' },
];

function layerRules(folder, forbidden) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...ELECTRON.paths, ...(folder === 'protocols' ? [] : WIRE)],
        patterns: [
          ...ELECTRON.patterns,
          ...forbidden.map((above) => ({
            group: [`**/${above}/*`, `../${above}/*`, `../../${above}/*`],
            message: `src/${folder}/ must not import src/${above}/ (see LAYER_MAP in eslint.config.js).`,
          })),
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    // Files directly in src/ and any folder without a layer of its own: still plain Node, no sockets.
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [...ELECTRON.paths, ...WIRE], patterns: ELECTRON.patterns }] },
  },
  ...Object.entries(LAYER_MAP).map(([folder, forbidden]) => layerRules(folder, forbidden)),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
