import { describe, expect, it } from "vitest";
import { ContainerType } from "@chainsafe/ssz";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";
import { requestBook } from "#state/store/requestBook.ts";
import { Bytes20, Uint128, Uint64Num } from "#state/encoding/types.ts";

const Req = new ContainerType({ id: Uint64Num, owner: Bytes20, amount: Uint128 });
const book = requestBook(Uint8Array.of(0xee, 1), Uint8Array.of(0xee, 2), Req);
const [a, b] = [new Uint8Array(20).fill(1), new Uint8Array(20).fill(2)];

describe("requestBook", () => {
  it("stores requests by id and lists each owner's ids once, in order", () => {
    const s = new Overlay(new MemoryStore());
    book.set(s, { id: 1, owner: a, amount: 5n });
    book.set(s, { id: 2, owner: b, amount: 6n });
    book.set(s, { id: 3, owner: a, amount: 7n });
    book.set(s, { id: 1, owner: a, amount: 0n }); // an update is not a second entry
    expect(book.ownerIds(s, a)).toEqual([1, 3]);
    expect(book.ownerIds(s, b)).toEqual([2]);
    expect(book.get(s, 1)?.amount).toBe(0n);
    expect(book.get(s, 9)).toBeUndefined();
    expect(book.ownerIds(s, new Uint8Array(20))).toEqual([]);
  });
});
