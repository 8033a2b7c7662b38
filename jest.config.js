// Four tiers (see test/README.md). Each is a jest project so a run reports per tier.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, sourceMaps: 'inline' }] };
const tier = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 180000,
  ...extra,
});
module.exports = {
  projects: [tier('unit'), tier('models'), tier('integration'), tier('e2e')],
  testTimeout: 120000,
};
