import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
const { registerOptions } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
const tsx = await import('tsx/esm/api');
tsx.register();
await import('./boot.ts');
