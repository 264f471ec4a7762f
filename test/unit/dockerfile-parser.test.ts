import { describe, expect, it } from 'vitest';
import { copiesOf, envOf, instructionsOf, parseDockerfile, shellCommandsOf } from '../helpers/dockerfile.js';

// The reader the Dockerfile tests rely on: what a comment or a reflowed line must not change.
const SAMPLE = `# syntax=docker/dockerfile:1
ARG BASE=node:20
FROM \${BASE} AS build
RUN npm ci \\
 # a comment inside a continued instruction is dropped
 && npm run build
FROM build as runtime
ENV A=1 \\
    B="two words"
# USER root
COPY --from=build /app/dist ./dist
COPY ["a b", "c"]
USER node
CMD ["node", "main.js"]
`;

describe('parseDockerfile', () => {
  const { globalArgs, stages } = parseDockerfile(SAMPLE);

  it('splits stages with their bases and names, and keeps ARGs before the first FROM', () => {
    expect(globalArgs).toEqual({ BASE: 'node:20' });
    expect(stages.map((s) => [s.base, s.name])).toEqual([
      ['${BASE}', 'build'],
      ['build', 'runtime'],
    ]);
  });

  it('joins continued lines, drops comments and splits shell commands', () => {
    expect(shellCommandsOf(stages[0]!)).toEqual(['npm ci', 'npm run build']);
    expect(instructionsOf(stages[1]!, 'USER').map((u) => u.args)).toEqual(['node']);
  });

  it('reads ENV pairs, COPY flags and exec forms', () => {
    const runtime = stages[1]!;
    expect(envOf(runtime)).toEqual({ A: '1', B: 'two words' });
    expect(copiesOf(runtime)).toEqual([
      { from: 'build', sources: ['/app/dist'], destination: './dist' },
      { sources: ['a b'], destination: 'c' },
    ]);
    expect(instructionsOf(runtime, 'CMD')[0]!.exec).toEqual(['node', 'main.js']);
  });
});
