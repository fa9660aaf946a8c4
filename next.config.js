// @ts-check

/**
 * Security headers on every page and API answer. The Content-Security-Policy keeps everything the
 * labs need working: the model workers and Tone.js's clock worker (`worker-src 'self' blob:`),
 * TF.js's WebAssembly (`'wasm-unsafe-eval'`), audio (`media-src`), the gallery's PNG data URLs and
 * the app's own fetches and live events, and checkpoints loaded by URL (`connect-src 'self' https: http:`). Next's inline bootstrap scripts need
 * `'unsafe-inline'` for scripts on statically rendered pages (no per-request nonce there); `next
 * dev` also needs `'unsafe-eval'`. Framing is refused (`frame-ancestors 'none'`, X-Frame-Options).
 */
const dev = process.env.NODE_ENV === 'development';
const CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  // https: and http: so a Magenta checkpoint can be loaded by its URL (the official hosted ones, or a
  // teacher's own server), as the music labs and Compare offer; the page sends nothing else out.
  `connect-src 'self' data: blob: https: http:${dev ? ' ws:' : ''}`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CSP },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
  reactStrictMode: true,
  poweredByHeader: false,
  // No cross-origin isolation headers on purpose: with COOP/COEP TF.js picks its threaded WASM build,
  // whose blob workers break in minified production bundles and hang the page. Re-checked on
  // 2026-12-06 for in-browser fine-tuning (docs/fine-tuning.md#every-core): each pthread worker fails
  // with "Failed to execute 'importScripts' … The script at 'blob:…' failed to load", with or without
  // blob: in script-src, and the model never loads; fine-tuning runs on one WASM thread.
  experimental: {
    // CI always builds cold; writing the Turbopack cache there costs ~30 s and is never read back.
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
};

module.exports = nextConfig;
