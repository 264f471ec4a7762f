// The workflow bundler's logger for tests: webpack's statistics and progress stay out of the test
// output, its warnings and errors still reach stderr.
export const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
