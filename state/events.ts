/** ABCI-style event: what a tx or block did, for indexing and WebSocket subscriptions. */
export type Attribute = { key: string; value: string };
export type StrataEvent = { type: string; attributes: Attribute[] };

export function event(type: string, attrs: Record<string, string>): StrataEvent {
  return { type, attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })) };
}
