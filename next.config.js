// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // No cross-origin isolation headers on purpose: with COOP/COEP TF.js picks its threaded WASM build,
  // whose blob workers break in minified production bundles and hang the page.
  experimental: {
    // CI always builds cold; writing the Turbopack cache there costs ~30 s and is never read back.
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
};

module.exports = nextConfig;
