import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The standalone dashboard (app/) → dist-app/, served by apps/byok-server at `/`. */
export default defineConfig(({ command }) => {
  // A NODE_ENV left in the environment (Vitest sets `test`) must not ship React's development build.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: 'app',
    base: './',
    plugins: [react()],
    build: {
      outDir: '../dist-app',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: true,
    },
  };
});
