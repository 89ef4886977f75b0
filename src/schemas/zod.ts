// The one door to zod in this project: `zod/mini` (a fraction of classic zod's start-up cost, and
// tree-shaken), with English issue messages. zod/mini loads no locale by itself, so without this
// every message would be the generic "Invalid input"; users and the emulator's 400 replies read
// them. Import as `import * as z from '…/schemas/zod.ts'` (a namespace import keeps it tree-shaken).
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
