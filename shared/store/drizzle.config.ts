import { defineConfig } from 'drizzle-kit';

// Paths are relative to the repository root: run through `npm run db:generate` there.
export default defineConfig({
  dialect: 'postgresql',
  schema: './shared/store/src/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
