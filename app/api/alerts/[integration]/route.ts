import { handleAlertPost } from "@/lib/alerts/http";

export const dynamic = "force-dynamic";

// Alert sources post here with the integration's token (README "Alerts"); no session, no cookies.
export async function POST(request: Request, { params }: { params: Promise<{ integration: string }> }) {
  const { integration } = await params;
  return handleAlertPost(request, integration);
}
