// The product's version, one place (package.json's; a test keeps them equal).
export const VERSION = '0.1.0';
