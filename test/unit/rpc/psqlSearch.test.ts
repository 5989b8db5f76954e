import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { searchSql } from "#rpc/psqlSearch.ts";
import { parseQuery } from "#rpc/query.ts";

describe("psql search SQL", () => {
  it("sends keys and values only as parameters: no query text reaches the SQL", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_.\-]{1,20}$/),
        fc
          .string({ maxLength: 30 })
          .filter((v) => !v.includes("'"))
          .map((v) => `§${v}`),
        (key, value) => {
          const q = parseQuery(`${key}='${value}' AND ${key} CONTAINS '${value}' AND ${key} EXISTS AND ${key}>5`);
          for (const target of ["tx", "block"] as const) {
            const sql = searchSql(target, "chain'; DROP TABLE blocks; --", q.conditions, 2, 30, true);
            expect(sql.text).not.toContain("DROP");
            expect(sql.text).not.toContain("§");
            expect(sql.values).toContain(key);
            expect(sql.values).toContain(value.replaceAll("\u0000", "\uFFFD"));
          }
        },
      ),
    );
  });

  it("numbers compare on value_num, text on value; a comparison with a non-number matches nothing", () => {
    const sql = searchSql("tx", "c", parseQuery("a.b=5 AND a.b='5' AND a.b>'x' AND a.b<='7'").conditions, 1, 10, false);
    expect(sql.text).toContain("a.value_num = $3::float8");
    expect(sql.text).toContain("a.value = $5");
    expect(sql.text).toContain("FALSE");
    expect(sql.text).toContain("a.value_num <= $8::float8");
    expect(sql.values.slice(0, 3)).toEqual(["c", "a.b", 5]);
    expect(sql.values.at(-3)).toBe(7);
    expect(sql.values.slice(-2)).toEqual([10, 0]);
  });
});
