#!/usr/bin/env node
// The `ztv` command: TypeScript runs from source through tsx (no build step), on Node 20 and 24.
import { register } from 'tsx/esm/api';

register();
await import('../services/cli/src/main.ts');
