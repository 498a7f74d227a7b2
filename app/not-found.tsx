import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-md flex-col gap-4 px-4 py-24">
      <h1 className="text-2xl font-bold">Not found</h1>
      <p className="text-slate-600 dark:text-slate-400">There is no such page or incident. Check the key (for example INC-2026-12) or go back to the board.</p>
      <Link href="/" className="font-semibold text-sky-700 underline dark:text-sky-400">
        Back to the board
      </Link>
    </main>
  );
}
