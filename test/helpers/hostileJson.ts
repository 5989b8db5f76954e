// fast-check arbitraries of hostile JSON-RPC input, as raw bytes: prototype keys (toString,
// valueOf, __proto__, constructor), deep nesting, huge strings and numbers, wrong types for every
// declared param of every method, invalid UTF-8, truncation, batches. JSON is built as text so
// that keys like "__proto__" and out-of-range numbers reach the wire exactly as an attacker
// would send them.
import fc from "fast-check";
import { METHOD_PARAMS } from "#rpc/methodParams.ts";

export const PROTO_KEYS = [
  "toString",
  "valueOf",
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "toJSON",
  "then",
  "prototype",
];
const METHOD_NAMES = Object.keys(METHOD_PARAMS);
const PARAM_NAMES = [...new Set(Object.values(METHOD_PARAMS).flatMap((s) => s.map((p) => p.name)))];

const str = (s: string) => JSON.stringify(s);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...PROTO_KEYS,
      "tm.event='NewBlock'",
      "tx.height=1",
      "tx.hash='" + "A".repeat(64) + "'",
      "message.sender='strata1qqqq'",
      "",
      " ",
      "0",
      "-1",
      "1e3",
      "true",
      "null",
      '"1"',
      "/store",
      "/bank/balances",
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n) => "a".repeat(n)) },
);

const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom(
    "1e400",
    "-1e400",
    "-0",
    "123456789012345678901234567890",
    "0.0000001",
    "9007199254740993",
    "1E2",
    "-9223372036854775809",
  ),
);

/** A nesting far deeper than any limit: arrays or objects, 30 to 100,000 levels. */
export const deepText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 30, max: 100_000 }), fc.boolean())
  .map(([n, arrays]) => (arrays ? "[".repeat(n) + "]".repeat(n) : '{"a":'.repeat(n) + "1" + "}".repeat(n)));

const leafText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("null", "true", "false"),
  numberText,
  hostileString.map(str),
);

const keyText = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...PARAM_NAMES), fc.string({ maxLength: 10 }));

/** Any JSON value as text, shallow enough to be a plausible attack, sometimes deep enough to be one. */
export const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: leafText },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }).map((xs) => `[${xs.join(",")}]`) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(keyText, tie("value")), { maxLength: 4 })
        .map((es) => `{${es.map(([k, v]) => `${str(k)}:${v}`).join(",")}}`),
    },
    { weight: 1, arbitrary: deepText },
  ),
})).value;

const idText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.oneof(fc.integer().map(String), fc.string({ maxLength: 8 }).map(str), fc.constant("null")),
  },
  { weight: 2, arbitrary: valueText },
);
const methodText = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...METHOD_NAMES).map(str) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS).map(str) },
  { weight: 1, arbitrary: valueText },
);

/** params for `method`: its declared names with hostile values, a positional array, or anything. */
function paramsText(method: string): fc.Arbitrary<string> {
  const names = (METHOD_PARAMS[method] ?? []).map((p) => p.name);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(fc.constantFrom(...(names.length ? names : ["x"])), fc.constantFrom(...PROTO_KEYS)),
            valueText,
          ),
          { maxLength: 5 },
        )
        .map((es) => `{${es.map(([k, v]) => `${str(k)}:${v}`).join(",")}}`),
    },
    { weight: 2, arbitrary: fc.array(valueText, { maxLength: 6 }).map((xs) => `[${xs.join(",")}]`) },
    { weight: 1, arbitrary: valueText },
  );
}

/** One JSON-RPC request object as text; members may be missing, duplicated or of any type. */
export const requestText: fc.Arbitrary<string> = fc.constantFrom(...METHOD_NAMES).chain((m) =>
  fc
    .record(
      {
        jsonrpc: fc.oneof({ weight: 9, arbitrary: fc.constant('"2.0"') }, { weight: 1, arbitrary: valueText }),
        id: idText,
        method: fc.oneof({ weight: 4, arbitrary: fc.constant(str(m)) }, { weight: 1, arbitrary: methodText }),
        params: paramsText(m),
        extra: fc.tuple(fc.constantFrom(...PROTO_KEYS), valueText),
      },
      { requiredKeys: ["method"] },
    )
    .map((r) => {
      const members = Object.entries(r).map(([k, v]) =>
        k === "extra" ? `${str((v as [string, string])[0])}:${(v as [string, string])[1]}` : `${str(k)}:${v}`,
      );
      return `{${members.join(",")}}`;
    }),
);

/** A POST body or WebSocket message: a request, a batch, broken JSON, or invalid UTF-8. */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: requestText.map((t) => Buffer.from(t)) },
  {
    weight: 2,
    arbitrary: fc.array(requestText, { minLength: 1, maxLength: 8 }).map((xs) => Buffer.from(`[${xs.join(",")}]`)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(requestText, fc.nat()).map(([t, n]) => Buffer.from(t.slice(0, n % Math.max(1, t.length)))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        requestText,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => b.map((x) => x | 0x80)),
      )
      .map(([t, n, bad]) => {
        const b = Buffer.from(t);
        const at = n % (b.length + 1);
        return Buffer.concat([b.subarray(0, at), Buffer.from(bad), b.subarray(at)]);
      }),
  },
  { weight: 1, arbitrary: valueText.map((t) => Buffer.from(t)) },
);

/** A URI-form call: a method name (or not) and query-string pairs with hostile values. */
export const hostileUri: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHOD_NAMES) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
    ),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.constantFrom(...PROTO_KEYS)),
        fc.oneof(
          hostileString.filter((s) => s.length < 2_000),
          hostileString.filter((s) => s.length < 2_000).map(str),
        ),
      ),
      { maxLength: 5 },
    ),
  )
  .map(
    ([m, qs]) =>
      `/${encodeURIComponent(m)}${qs.length ? "?" : ""}${qs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`,
  );
