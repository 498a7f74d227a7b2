"use client";
import { ErrorFallback } from "@/components/system/error-fallback";

// Errors of any page or layout below the root layout (the board's layout reads the session from the
// database, the login page reads the demo hint): an unreachable database gets a page that retries.
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="px-4">
      <ErrorFallback error={error} retry={retry} />
    </main>
  );
}
