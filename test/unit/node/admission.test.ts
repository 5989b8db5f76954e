// Admission control refuses new work once the pending txs fill the next few blocks, with a stable
// code and a retry hint that grows with the backlog.
import { describe, expect, it } from "vitest";
import { AdmissionRefused, checkAdmission } from "../../../node/admission.ts";
import { ErrorCode } from "../../../state/errors.ts";

describe("admission control", () => {
  it("admits up to maxPendingBlocks blocks of gas, then refuses with MempoolFull and when to retry", () => {
    expect(() => checkAdmission(399n, 1n, 100n, 4, 1000)).not.toThrow();
    let e: unknown;
    try {
      checkAdmission(400n, 1n, 100n, 4, 1000);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(AdmissionRefused);
    expect((e as AdmissionRefused).code).toBe(ErrorCode.MempoolFull);
    expect((e as AdmissionRefused).retryAfterMs).toBe(1000);
    expect((e as AdmissionRefused).message).toMatch(/4 blocks' worth of pending txs \(limit 4\).*retry in ~1000 ms/);
    // a deeper backlog, a longer wait; never below a quarter second
    try {
      checkAdmission(1000n, 50n, 100n, 4, 800);
    } catch (x) {
      expect((x as AdmissionRefused).retryAfterMs).toBe(7 * 800);
    }
    try {
      checkAdmission(400n, 1n, 100n, 4, 10);
    } catch (x) {
      expect((x as AdmissionRefused).retryAfterMs).toBe(250);
    }
    expect(() => checkAdmission(10n ** 30n, 1n, 100n, 0, 1000)).not.toThrow(); // 0: off
  });
});
