await import('./start');
await import('./main2');
