import { describe, expect, it } from 'vitest';
import { createRedactor, redact, redactDeep } from '../../domain/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM_BODY = 'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naIq8nuCi2R6OUZ8Jt3sG2mNi6Zd4eUpAK1Y7Yw==';

// [input, expected output]
const positives: Record<string, [string, string][]> = {
  email: [
    ['alice@example.com', '[REDACTED:email]'],
    ['contact: Bob.Smith+alerts@mail.example.co.uk.', 'contact: [REDACTED:email].'],
    ['email=carol_o-neil@sub.domain.io, next', 'email=[REDACTED:email], next'],
    ['<DAVE@EXAMPLE.ORG>', '<[REDACTED:email]>'],
  ],
  phone: [
    ['call +14155552671 now', 'call [REDACTED:phone] now'],
    ['(415) 555-2671', '[REDACTED:phone]'],
    ['tel 415-555-2671.', 'tel [REDACTED:phone].'],
    ['415.555.2671', '[REDACTED:phone]'],
    ['1-800-555-0199', '[REDACTED:phone]'],
    ['+44 20 7946 0958', '[REDACTED:phone]'],
    ['+1 (415) 555-2671', '[REDACTED:phone]'],
    ['+49-30-1234567', '[REDACTED:phone]'],
    ['020 7946 0958', '[REDACTED:phone]'],
    ['01 23 45 67 89', '[REDACTED:phone]'],
  ],
  card: [
    ['4111 1111 1111 1111', '[REDACTED:card]'],
    ['card=4111-1111-1111-1111;', 'card=[REDACTED:card];'],
    ['5555555555554444', '[REDACTED:card]'],
    ['amex 378282246310005 exp 12/28', 'amex [REDACTED:card] exp 12/28'],
    ['6011111111111117', '[REDACTED:card]'],
    ['4222222222222', '[REDACTED:card]'],
  ],
  ipv4: [
    ['10.0.0.1', '[REDACTED:ipv4]'],
    ['from 192.168.1.254.', 'from [REDACTED:ipv4].'],
    // Decided: every address goes, loopback included; the port is not sensitive and stays.
    ['10.0.0.12:5432', '[REDACTED:ipv4]:5432'],
    ['ip=8.8.8.8', 'ip=[REDACTED:ipv4]'],
  ],
  ipv6: [
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '[REDACTED:ipv6]'],
    ['peer 2001:db8::1 closed', 'peer [REDACTED:ipv6] closed'],
    ['::1', '[REDACTED:ipv6]'],
    ['fe80::1%eth0', '[REDACTED:ipv6]%eth0'],
    ['[2001:db8::42]:443', '[[REDACTED:ipv6]]:443'],
    ['::ffff:192.168.0.1', '[REDACTED:ipv6]'],
    ['addr:fe80::1: unreachable', 'addr:[REDACTED:ipv6]: unreachable'],
    ['1:2:3:4:5:6:7::', '[REDACTED:ipv6]'],
  ],
  jwt: [
    [JWT, '[REDACTED:jwt]'],
    [`token ${JWT}.`, 'token [REDACTED:jwt].'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '[REDACTED:jwt]'],
  ],
  'slack-token': [
    ['xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', '[REDACTED:slack-token]'],
    ['xoxp-1234567890-abcdefghij', '[REDACTED:slack-token]'],
    ['xoxa-2-abcdefghijkl xoxr-abcdefghijkl xoxs-abcdefghijkl', '[REDACTED:slack-token] [REDACTED:slack-token] [REDACTED:slack-token]'],
    ['SLACK_APP_TOKEN=xapp-1-A0123456789-1234567890123-abcdef0123', 'SLACK_APP_TOKEN=[REDACTED:slack-token]'],
    ['https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXX', 'https://hooks.slack.com/services/[REDACTED:slack-token]'],
  ],
  'github-token': [
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', '[REDACTED:github-token]'],
    ['gho_16C7e42F292c6912E7710c838347Ae178B4a ghu_16C7e42F292c6912E7710c838347Ae178B4a', '[REDACTED:github-token] [REDACTED:github-token]'],
    ['ghs_16C7e42F292c6912E7710c838347Ae178B4a,ghr_16C7e42F292c6912E7710c838347Ae178B4a', '[REDACTED:github-token],[REDACTED:github-token]'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '[REDACTED:github-token]'],
  ],
  'aws-access-key': [
    ['AKIAIOSFODNN7EXAMPLE', '[REDACTED:aws-access-key]'],
    ['key=ASIAY34FZKBOKMUTVV7A', 'key=[REDACTED:aws-access-key]'],
  ],
  'aws-secret-key': [
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED:aws-secret-key]'],
    ['AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'AWS_SECRET_ACCESS_KEY="[REDACTED:aws-secret-key]"'],
    ['{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', '{"SecretAccessKey": "[REDACTED:aws-secret-key]"}'],
  ],
  'private-key': [
    [`-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----\nnext`, '[REDACTED:private-key]\nnext'],
    [`a -----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}\n-----END OPENSSH PRIVATE KEY----- b`, 'a [REDACTED:private-key] b'],
    // JSON-escaped newlines, as a key stored in an environment variable shows up in logs.
    ['"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----"', '"[REDACTED:private-key]"'],
    // Cut off by truncation: the body still goes.
    [`-----BEGIN EC PRIVATE KEY-----\n${PEM_BODY}`, '[REDACTED:private-key]'],
  ],
  bearer: [
    ['Authorization: Bearer abc123.def456', 'Authorization: Bearer [REDACTED:bearer]'],
    ['authorization: Basic dXNlcjpwYXNzd29yZA==', 'authorization: Basic [REDACTED:bearer]'],
    ['-H "Authorization: token 0123456789abcdef"', '-H "Authorization: token [REDACTED:bearer]"'],
    ['sent bearer sk-live-12345678 upstream', 'sent bearer [REDACTED:bearer] upstream'],
    [`Authorization: Bearer ${JWT}`, 'Authorization: Bearer [REDACTED:jwt]'],
  ],
  'password-in-url': [
    ['postgres://admin:s3cret@db.internal:5432/app', 'postgres://[REDACTED:password-in-url]@db.internal:5432/app'],
    ['redis://:hunter2@cache:6379', 'redis://[REDACTED:password-in-url]@cache:6379'],
    ['https://user:p@ss@example.com/x', 'https://[REDACTED:password-in-url]@example.com/x'],
  ],
  secret: [
    ['password=hunter2 ok', 'password=[REDACTED:secret] ok'],
    ['{"api_key":"abc123"}', '{"api_key":"[REDACTED:secret]"}'],
    ['DB_PASSWORD: s3cr3t', 'DB_PASSWORD: [REDACTED:secret]'],
    ['accessToken=zzz', 'accessToken=[REDACTED:secret]'],
    ['Cookie: sid=abc; theme=dark', 'Cookie: [REDACTED:secret]'],
  ],
};

const negatives = [
  'cannot reach 127.0.0.1:7233',
  'listening on 0.0.0.0:3000',
  '2026-11-25T08:11:34Z',
  '2026-11-25T08:11:34.123+05:30',
  'deadline 2026-11-25 18:00',
  'INC-42 escalated to GR-7',
  'upgraded to v1.24.0 (1.24.0)',
  'ttl 30m, window 1h30m',
  'upstream returned 502 after 3 retries',
  'listening on :8080, port 5432',
  'at 10:30 and 10:30:45',
  // 16 digits that fail Luhn, and epoch milliseconds (13 digits, pass Luhn but start with 1).
  '4111111111111112 1234567812345678 1764058294000',
  'slack ts 1764058294.123456',
  'commit 3f2c1e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e (3f2c1e9)',
  'run 123e4567-e89b-12d3-a456-426614174000',
  'mac 00:1a:2b:3c:4d:5e',
  'std::vector and name :: Type',
  'Bearer authentication is required',
  'tokenCount=5 maxTokens: 300',
  'password: null',
  '+1 for this, 99.9% done, 1,234,567 rows',
  'pid 12345 user U0123ABCD channel C0456EFGH',
  '',
];

describe('redact: positives', () => {
  for (const [kind, cases] of Object.entries(positives)) {
    it.each(cases)(`${kind}: %j`, (input, expected) => {
      expect(redact(input)).toBe(expected);
    });
  }
});

describe('redact: negatives survive untouched', () => {
  it.each(negatives)('%j', (input) => {
    expect(redact(input)).toBe(input);
  });
});

describe('redact: robustness', () => {
  it('is idempotent on the positive table', () => {
    for (const [input] of Object.values(positives).flat()) expect(redact(redact(input))).toBe(redact(input));
  });

  it('never throws, even when handed something that is not a string', () => {
    expect(() => redact(undefined as unknown as string)).not.toThrow();
    const hostile = { toString: () => { throw new Error('boom'); } };
    expect(redact(hostile as unknown as string)).toBe('[REDACTED:unredactable]');
  });

  it('finishes on megabyte inputs built to make regexes backtrack', () => {
    const inputs = [
      '1'.repeat(1_000_000),
      'a'.repeat(1_000_000),
      '1 '.repeat(500_000),
      'a.'.repeat(500_000),
      '1:'.repeat(500_000),
      'a@'.repeat(500_000),
      '+1 '.repeat(300_000),
      'eyJ'.repeat(300_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(40_000),
      'password='.repeat(100_000),
    ];
    for (const input of inputs) expect(typeof redact(input)).toBe('string');
    const mixed = 'host 10.0.0.1 mail a@b.co call +1 415 555 2671 '.repeat(5_000);
    expect(redact(mixed)).not.toContain('10.0.0.1');
  });
});

describe('createRedactor: policy patterns', () => {
  it('redacts each extra pattern under its own name', () => {
    const r = createRedactor({
      extraPatterns: [
        { name: 'employee-id', pattern: 'EMP-\\d{6}' },
        { name: 'project', pattern: 'project (falcon|osprey)', flags: 'i' },
      ],
    });
    expect(r.redact('EMP-123456 on Project Falcon')).toBe('[REDACTED:employee-id] on [REDACTED:project]');
    // Built-ins still apply.
    expect(r.redact('EMP-123456 alice@example.com')).toBe('[REDACTED:employee-id] [REDACTED:email]');
  });

  it('accepts what the policy schema accepts: any name, flags g and y', () => {
    const r = createRedactor({ extraPatterns: [{ name: 'Customer ID', pattern: 'cust-[0-9]{8}', flags: 'giy' }] });
    expect(r.redact('CUST-12345678 and cust-87654321')).toBe('[REDACTED:Customer-ID] and [REDACTED:Customer-ID]');
  });

  it('never lets a pattern rewrite a placeholder', () => {
    const r = createRedactor({ extraPatterns: [{ name: 'word', pattern: 'REDACTED|email' }] });
    const once = r.redact('alice@example.com');
    expect(once).toBe('[REDACTED:email]');
    expect(r.redact(once)).toBe(once);
  });

  it.each([
    [{ name: 'broken', pattern: '(unclosed' }, /broken.*invalid regular expression/],
    [{ name: 'extended', pattern: 'x', flags: 'x' }, /extended.*unsupported flags/],
    [{ name: 'empty', pattern: 'a*' }, /empty.*empty string/],
    [{ name: '!!!', pattern: 'x' }, /!!!.*letter or digit/],
    [{ name: 'blank', pattern: '' }, /blank.*non-empty/],
  ])('throws at creation, naming the pattern: %j', (extra, message) => {
    expect(() => createRedactor({ extraPatterns: [extra] })).toThrow(message);
  });
});

describe('forIncident: tokens consistent within one incident', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const r = createRedactor({ extraPatterns: [{ name: 'customer', pattern: 'cust-[0-9]{6}' }], tokenKey: key });
  const TOKEN = /\[REDACTED:([a-z-]+)#([0-9a-f]{8})\]/g;
  const tokens = (text: string) => [...text.matchAll(TOKEN)].map((m) => m[0]);

  it('gives one value one token in every text of the incident, and different values different tokens', () => {
    const inc = r.forIncident('INC-7');
    const first = inc.redact('mail alice@example.com about cust-123456 from 10.1.2.3');
    const second = inc.redact('alice@example.com again, not bob@example.com; cust-123456 on 10.1.2.3');
    const [alice, customer, ip] = tokens(first);
    const [alice2, bob, customer2, ip2] = tokens(second);
    expect([alice2, customer2, ip2]).toEqual([alice, customer, ip]);
    expect(bob).toMatch(/^\[REDACTED:email#/);
    expect(bob).not.toBe(alice);
    expect(first).toMatch(/^mail \[REDACTED:email#[0-9a-f]{8}\] about \[REDACTED:customer#[0-9a-f]{8}\] from \[REDACTED:ipv4#[0-9a-f]{8}\]$/);
  });

  it('treats spellings of one value as the same value', () => {
    const inc = r.forIncident('INC-7');
    expect(inc.redact('Alice@Example.COM')).toBe(inc.redact('alice@example.com'));
    expect(inc.redact('+1 415 555 2671')).toBe(inc.redact('+14155552671'));
    expect(inc.redact('4111 1111 1111 1111')).toBe(inc.redact('4111-1111-1111-1111'));
  });

  it('gives the same value another token in another incident, and none without an incident', () => {
    const text = 'alice@example.com';
    expect(r.forIncident('INC-7').redact(text)).not.toBe(r.forIncident('INC-8').redact(text));
    expect(r.redact(text)).toBe('[REDACTED:email]');
  });

  it('depends on the key: another key, other tokens; the same key in another redactor, the same tokens', () => {
    const text = 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 for alice@example.com';
    const again = createRedactor({ extraPatterns: [{ name: 'customer', pattern: 'cust-[0-9]{6}' }], tokenKey: key });
    const other = createRedactor({ tokenKey: Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1) });
    expect(again.forIncident('INC-7').redact(text)).toBe(r.forIncident('INC-7').redact(text));
    expect(other.forIncident('INC-7').redact(text)).not.toBe(r.forIncident('INC-7').redact(text));
  });

  it('is idempotent and leaves tokens alone, scoped or not, and never shows the value', () => {
    const once = r.forIncident('INC-7').redact('password=hunter2hunter2 alice@example.com');
    expect(once).not.toContain('hunter2');
    expect(once).not.toContain('alice');
    expect(r.forIncident('INC-7').redact(once)).toBe(once);
    expect(r.forIncident('INC-9').redact(once)).toBe(once);
    expect(redact(once)).toBe(once);
    expect(r.forIncident('INC-7').redactDeep({ note: 'alice@example.com', apiKey: 'x' })).toEqual({ note: tokens(once)[1], apiKey: '[REDACTED:secret]' });
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => createRedactor({ tokenKey: new Uint8Array(8) })).toThrow(/at least 16 bytes/);
  });
});

describe('redactDeep', () => {
  const input = {
    incident: 'INC-42',
    reporter: { email: 'alice@example.com', phone: '+14155552671' },
    password: 'hunter2',
    headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', cookie: 'sid=1' },
    apiKey: 12345,
    private_key: { pem: 'whatever' },
    tokenPresent: true,
    credentials: null,
    notes: ['call 415-555-2671', { nested: { deeper: 'ip 10.1.2.3' } }],
    'bob@example.com': 'key is personal too',
    count: 3,
  };

  it('redacts strings at any depth and whole values of secret-named keys', () => {
    expect(redactDeep(input)).toEqual({
      incident: 'INC-42',
      reporter: { email: '[REDACTED:email]', phone: '[REDACTED:phone]' },
      password: '[REDACTED:secret]',
      headers: { Authorization: '[REDACTED:secret]', 'X-Api-Key': '[REDACTED:secret]', cookie: '[REDACTED:secret]' },
      apiKey: '[REDACTED:secret]',
      private_key: '[REDACTED:secret]',
      tokenPresent: true,
      credentials: null,
      notes: ['call [REDACTED:phone]', { nested: { deeper: 'ip [REDACTED:ipv4]' } }],
      '[REDACTED:email]': 'key is personal too',
      count: 3,
    });
  });

  it('does not mutate its input', () => {
    const snapshot = structuredClone(input);
    redactDeep(input);
    expect(input).toEqual(snapshot);
  });

  it('survives cycles and very deep nesting', () => {
    const cyclic: Record<string, unknown> = { email: 'a@b.co' };
    cyclic.self = cyclic;
    expect(redactDeep(cyclic)).toEqual({ email: '[REDACTED:email]', self: '[Circular]' });

    let deep: unknown = 'a@b.co';
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(JSON.stringify(redactDeep(deep))).toContain('[Truncated]');
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { email: 'a@b.co' };
    expect(redactDeep({ a: shared, b: shared })).toEqual({ a: { email: '[REDACTED:email]' }, b: { email: '[REDACTED:email]' } });
  });

  it('copies errors with their prototype and redacted message and stack', () => {
    const err = new TypeError(`bad token ${JWT}`, { cause: new Error('from 10.0.0.1') });
    const out = redactDeep(err);
    expect(out).toBeInstanceOf(TypeError);
    expect(out.message).toBe('bad token [REDACTED:jwt]');
    expect(out.stack).not.toContain(JWT);
    expect((out.cause as Error).message).toBe('from [REDACTED:ipv4]');
    expect(err.message).toContain(JWT);
  });

  it('handles Maps, Sets, URLs, dates and primitives', () => {
    const when = new Date('2026-11-25T08:11:34Z');
    const out = redactDeep({
      map: new Map<string, string>([['to', 'a@b.co'], ['token', 'x']]),
      set: new Set(['a@b.co']),
      url: new URL('https://user:pw@example.com/x'),
      when,
      n: 1,
      big: 2n,
    });
    expect([...out.map]).toEqual([['to', '[REDACTED:email]'], ['token', '[REDACTED:secret]']]);
    expect([...out.set]).toEqual(['[REDACTED:email]']);
    expect(out.url).toBe('https://[REDACTED:password-in-url]@example.com/x');
    expect(out.when).toBe(when);
    expect(out.n).toBe(1);
    expect(out.big).toBe(2n);
  });

  it('never throws on hostile objects', () => {
    const getter = { get email(): string { throw new Error('boom'); }, ok: 'fine' };
    expect(redactDeep(getter)).toEqual({ email: '[REDACTED:unredactable]', ok: 'fine' });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    expect(redactDeep(proxy)).toBe('[REDACTED:unredactable]');
  });
});
