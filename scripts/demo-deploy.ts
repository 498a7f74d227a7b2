// The demo's deploy tool, run by the demo runbook's shell step: `demo-deploy <service-url> <version>`.
const [url, version] = process.argv.slice(2);
if (!url || !version) {
  console.error("usage: demo-deploy <service-url> <version>");
  process.exit(2);
}
const before = (await (await fetch(`${url}/version`)).json()) as { version: string };
console.log(`current version: ${before.version}`);
console.log(`deploying ${version} ...`);
const res = await fetch(`${url}/admin/deploy`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version }) });
const body = await res.text();
if (!res.ok) {
  console.error(`deploy failed: HTTP ${res.status} ${body}`);
  process.exit(1);
}
const after = (await (await fetch(`${url}/version`)).json()) as { version: string };
console.log(`now running: ${after.version}`);
process.exit(after.version === version ? 0 : 1);
export {};
