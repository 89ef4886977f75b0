#!/usr/bin/env node
// The installed command: registers tsx (TypeScript) and starts the shell.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
