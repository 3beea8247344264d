import { defineConfig } from 'vitest/config';

/**
 * Four layers, one command: `unit` (pure, no Java, seconds), `int` (real handlers against DynamoDB
 * Local and the SES emulator, started once for the run), `infra` (CDK templates, synthesized once
 * for the run), `browser` (the local console in Debian's chromium, on the same emulators).
 * `npm test` runs all four; `npm run test:unit` etc. one.
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    // Generous for a loaded 2-core CI machine; speed targets live in `npm run bench`, not here.
    testTimeout: 30_000,
    // CI reads the pass/fail counts from a JSON report; people read the default reporter.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/vitest-report.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/int/**/*.spec.ts'],
          // Emulators start once per run; each integration file gets its own table.
          globalSetup: ['test/int/global-setup.ts'],
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.spec.ts'], globalSetup: ['test/infra/global-setup.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        // A real browser (puppeteer-core driving /usr/bin/chromium) against the console on the emulators.
        test: { name: 'browser', include: ['test/browser/**/*.browser.spec.ts'], globalSetup: ['test/int/global-setup.ts'], testTimeout: 60_000, hookTimeout: 180_000 },
      },
    ],
  },
});
