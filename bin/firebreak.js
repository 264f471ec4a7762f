#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `firebreak` works straight from a clone (`npm link`).
import { register } from 'tsx/esm/api';

register();
await import('../bots/cli/main.ts');
