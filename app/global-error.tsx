"use client";
import "./globals.css";
import { ErrorFallback } from "@/components/system/error-fallback";

// The root layout itself failed: this replaces it, so it brings its own document and styles.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-dvh antialiased">
        <title>Rollcall</title>
        <main className="px-4">
          <ErrorFallback error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
