// Structured JSON logs (pino). Logs leave the system, so every line goes through the redactor
// (DESIGN.md §5): message, merged fields, child bindings and serialized errors alike. On a terminal
// (or FIREBREAK_LOG_FORMAT=pretty) the same redacted records are laid out as readable lines.

import pino from 'pino';
import { parseLogLevel, type LogFormat } from './config/index.js';
import { createRedactor, type Redactor } from '../domain/redact.js';
import { prettyDestination, resolveLogFormat, wantsColour } from './log-format.js';

export type Logger = pino.Logger;

export interface CreateLoggerOptions {
  /** One of LOG_LEVELS (any case); anything else is a ConfigError naming LOG_LEVEL, not a pino crash. */
  level?: string;
  redactor?: Redactor;
  destination?: pino.DestinationStream;
  name?: string;
  /**
   * pretty: one readable line per record; json: pino's lines. Unset: JSON into a given destination,
   * otherwise pretty when stdout is a terminal and JSON when it is not.
   */
  format?: LogFormat;
  /** Colour in pretty lines; unset, when stdout is a terminal and NO_COLOR is not set. */
  colour?: boolean;
}

const SECRET_CENSOR = '[REDACTED:secret]';

// pino's own path-based censor runs on top of the redactor. It is a backstop for the usual places
// in case a field escapes the key-name rule (`*.x` reaches one level down only, hence both forms).
const SECRET_FIELDS = ['password', 'passwd', 'secret', 'token', 'apiKey', 'api_key', 'privateKey', 'private_key', 'authorization', 'cookie', 'credentials'];
const SECRET_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const redactor = options.redactor ?? createRedactor();
  const redactError = (err: unknown): unknown =>
    redactor.redactDeep(err instanceof Error ? pino.stdSerializers.err(err) : err);
  const redactValue = (value: unknown): unknown => (typeof value === 'string' ? redactor.redact(value) : redactor.redactDeep(value));

  const config: pino.LoggerOptions = {
    name: options.name ?? 'firebreak',
    level: parseLogLevel(options.level),
    redact: { paths: SECRET_PATHS, censor: SECRET_CENSOR },
    serializers: {
      err: redactError,
      error: redactError,
      // pino runs the message-key serializer on the final message, after `%s` interpolation and
      // after it borrowed `err.message` for an error logged without a message.
      msg: redactValue,
    },
    formatters: {
      // Runs before the serializers, so errors under other keys and all nested strings are covered.
      log: (object) => redactor.redactDeep(object),
      bindings: (bindings) => redactor.redactDeep(bindings),
    },
    hooks: {
      // Belt and braces for the message: redact the raw arguments too, so interpolated values and
      // an Error's message are clean even if a pino upgrade stops serializing `msg`.
      logMethod(args, method) {
        const clean = args.map((arg: unknown) =>
          typeof arg === 'string' ? redactor.redact(arg) : arg instanceof Error ? redactor.redactDeep(arg) : arg,
        );
        method.apply(this, clean as Parameters<pino.LogFn>);
      },
    },
  };
  const format = options.format ?? (options.destination ? 'json' : resolveLogFormat(undefined));
  const destination =
    format === 'pretty' ? prettyDestination(options.destination ?? process.stdout, options.colour ?? (!options.destination && wantsColour())) : options.destination;
  const instance = destination ? pino(config, destination) : pino(config);
  guardBindings(instance, redactor);
  return instance;
}

/**
 * pino applies `formatters.bindings` to the root's bindings only; children get an identity
 * formatter. Children inherit from their parent by prototype, so overriding these two methods on
 * the root covers every descendant.
 */
function guardBindings(root: Logger, redactor: Redactor): void {
  type ChildFn = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const child = root.child as unknown as ChildFn;
  const setBindings = root.setBindings;
  const guardedChild: ChildFn = function (bindings, childOptions) {
    return child.call(this, redactor.redactDeep(bindings), childOptions);
  };
  root.child = guardedChild as unknown as Logger['child'];
  root.setBindings = function (this: Logger, bindings: pino.Bindings) {
    setBindings.call(this, redactor.redactDeep(bindings));
  };
}
