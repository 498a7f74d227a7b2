"use client";
import { ErrorFallback } from "@/components/system/error-fallback";

// A board page that fails (moving between pages while the database is down) keeps the navigation.
export default function BoardError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorFallback error={error} retry={retry} />;
}
