import { Card } from "@/components/ui/card";

/** What a page shows a signed-in person whose role may not use it (the server refuses anyway). */
export function NotAllowed({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card role="alert">
      <h1 className="text-xl font-bold">{title}</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">{children}</p>
    </Card>
  );
}
