// Picks a visitor's destination: the first rule that matches, else the link's long_url.
import type { Rule } from "../links/store";
import type { Device } from "./visitor";

export interface Visitor {
  country(): string | null;
  device(): Device | null;
}

export function pickDestination(longUrl: string, rules: Rule[], visitor: Visitor): string {
  for (const rule of rules) {
    if (rule.type === "geo" && visitor.country() === rule.key) return rule.value;
    if (rule.type === "device" && visitor.device() === rule.key) return rule.value;
  }
  return longUrl;
}
