import { requireUser } from "@/lib/auth/session";
import { openApiDocument } from "@/lib/api/openapi";
import { Card } from "@/components/ui/card";

export const metadata = { title: "API reference" };

type Param = { name: string; in: string; required?: boolean; schema?: { type?: string | string[]; enum?: unknown[] } };
type Operation = { summary?: string; description?: string; parameters?: Param[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, { type?: string | string[]; enum?: unknown[] }>; required?: string[] } }> }; responses: Record<string, { description: string }> };

const typeOf = (s?: { type?: string | string[]; enum?: unknown[] }) => (s?.enum ? s.enum.map(String).join(" | ") : Array.isArray(s?.type) ? s.type.join(" | ") : (s?.type ?? "any"));

/** The operations of /api/v1/openapi.json, rendered here (no third-party viewer: the CSP forbids outside scripts). */
export default async function ApiDocsPage() {
  await requireUser();
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">API reference</h1>
      <p className="text-sm">
        Machine-readable: <a className="underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Create a token at <a className="underline" href="/account">your account</a>; send it as <code>Authorization: Bearer rc_…</code>.
      </p>
      {Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => {
          const body = op.requestBody?.content["application/json"]?.schema;
          const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, "-");
          return (
            <Card key={id} aria-labelledby={id}>
              <h2 id={id} className="font-mono text-sm font-semibold">
                {method.toUpperCase()} {path}
              </h2>
              <p className="text-sm">{op.summary}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">{op.description}</p>
              {op.parameters?.length ? (
                <ul className="mt-2 text-sm">
                  {op.parameters.map((p) => (
                    <li key={`${p.in}-${p.name}`}>
                      <code>{p.name}</code> ({p.in}{p.required ? ", required" : ""}): {typeOf(p.schema)}
                    </li>
                  ))}
                </ul>
              ) : null}
              {body?.properties ? (
                <ul className="mt-2 text-sm">
                  {Object.entries(body.properties).map(([name, s]) => (
                    <li key={name}>
                      <code>{name}</code>{body.required?.includes(name) ? " (required)" : ""}: {typeOf(s)}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
                {Object.entries(op.responses).map(([code, r]) => `${code} ${r.description}`).join(" · ")}
              </p>
            </Card>
          );
        }),
      )}
    </div>
  );
}
