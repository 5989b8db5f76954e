// CometBFT's event query language, the subset clients use: conditions joined by AND, each
// `key op value` with op one of = < <= > >= CONTAINS EXISTS; values are 'strings' or numbers.
// Keys are composite `type.attribute` (tm.event, tx.hash, tx.height, message.sender, …).
import { RpcParamsError } from "./jsonrpc.ts";

export type Condition = {
  key: string;
  op: "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";
  value?: string | number;
};
export type Query = { text: string; conditions: Condition[] };

const COND = /^\s*([A-Za-z0-9_.\-]+)\s*(?:(EXISTS)|(<=|>=|=|<|>|CONTAINS)\s*(?:'([^']*)'|(-?\d+(?:\.\d+)?)))\s*$/;

export function parseQuery(text: string): Query {
  if (typeof text !== "string" || text.trim() === "")
    throw new RpcParamsError("query must be a non-empty string, e.g. tm.event='NewBlock'");
  if (text.length > 512) throw new RpcParamsError("query is longer than 512 characters");
  const conditions = text.split(/\s+AND\s+/).map((part) => {
    const m = COND.exec(part);
    if (!m) throw new RpcParamsError(`cannot parse query condition "${part.trim()}"`);
    if (m[2]) return { key: m[1], op: "EXISTS" as const };
    return { key: m[1], op: m[3] as Condition["op"], value: m[4] !== undefined ? m[4] : Number(m[5]) };
  });
  return { text, conditions };
}

/** Events as a map from composite key to all its values. */
export type EventMap = Map<string, string[]>;

function test(c: Condition, v: string): boolean {
  switch (c.op) {
    case "EXISTS":
      return true;
    case "CONTAINS":
      return v.includes(String(c.value));
    case "=":
      return typeof c.value === "number" ? Number(v) === c.value : v === c.value;
    default: {
      const a = Number(v);
      const b = Number(c.value);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return c.op === "<" ? a < b : c.op === "<=" ? a <= b : c.op === ">" ? a > b : a >= b;
    }
  }
}

export function matches(q: Query, events: EventMap): boolean {
  return q.conditions.every((c) => (events.get(c.key) ?? []).some((v) => test(c, v)));
}

export function eventMap(
  entries: { type: string; attributes: { key: string; value: string }[] }[],
  extra: Record<string, string>,
): EventMap {
  const m: EventMap = new Map();
  const add = (k: string, v: string) => {
    const a = m.get(k);
    if (a) a.push(v);
    else m.set(k, [v]);
  };
  for (const [k, v] of Object.entries(extra)) add(k, v);
  for (const e of entries) for (const a of e.attributes) add(`${e.type}.${a.key}`, a.value);
  return m;
}

/** The `events` object CometBFT sends with each WebSocket event. */
export function eventsObject(m: EventMap): Record<string, string[]> {
  return Object.fromEntries(m);
}
