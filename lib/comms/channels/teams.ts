import { z } from "zod";
import { maskUrl, postBody } from "./http";
import { zodCheck, type Channel } from "./types";
import { CHANNEL_FORMATS, teamsCard } from "./format";

export const ZTeamsConfig = z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) });
export type TeamsConfig = z.infer<typeof ZTeamsConfig>;

export const teams: Channel<TeamsConfig> = {
  kind: "teams",
  ...CHANNEL_FORMATS.teams,
  validateConfig: (raw) => zodCheck(ZTeamsConfig, raw),
  redact: (c) => ({ webhookUrl: maskUrl(c.webhookUrl) }),
  send: (m, c, signal) => postBody(c.webhookUrl, teamsCard(m), {}, signal),
};
