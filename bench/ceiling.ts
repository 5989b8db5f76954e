// The machine's own ceiling, measured at the start of a bench so that figures from machines of
// the same kind (which differ 2× in CPU speed) can be compared: ed25519 verifications per second
// on one core, and what that allows when every node of a co-located devnet must verify every tx.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { availableParallelism } from "node:os";
import { ed25519 } from "@noble/curves/ed25519.js";
import { fastVerifier, verifySignature } from "../state/crypto/ed25519.ts";

/**
 * ed25519 verifications per second on this thread: OpenSSL (node:crypto), @noble and the node's
 * own verify (the one a ceiling must use: a faster library raises the ceiling too), per second
 * of wall clock, and (nodeCryptoPerCpuSecond) per second of CPU this process got: on a machine
 * that others load too, the wall-clock rate measures their load as much as the CPU, the CPU rate
 * is what a core of this machine does.
 */
export function ed25519Ceiling(ms = 600): {
  nodeCrypto: number;
  noble: number;
  nodeCryptoPerCpuSecond: number;
  /** the node's own verify (state/crypto/ed25519.ts: libsodium where it loads), per CPU-second */
  nodePerCpuSecond: number;
  nodeVerifier: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const msg = Buffer.alloc(200, 7);
  const sig = sign(null, msg, privateKey);
  /** per second of wall clock, and per second of the CPU this process got */
  const rate = (f: () => void) => {
    let n = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    while (performance.now() - t0 < ms) for (let i = 0; i < 50; i++, n++) f();
    const c = process.cpuUsage(c0);
    return {
      wall: Math.round(n / ((performance.now() - t0) / 1000)),
      perCpu: Math.round(n / ((c.user + c.system) / 1e6)),
    };
  };
  const seed = new Uint8Array(32).fill(1);
  const pk = ed25519.getPublicKey(seed);
  const nsig = ed25519.sign(msg, seed);
  // Three rounds of OpenSSL and the node's verify, interleaved, and the median of each: one round
  // of 1 s on this VM read anywhere from 13.4k to 19.6k libsodium verifies/s in one morning.
  const rounds = [0, 1, 2].map(() => ({
    openSsl: rate(() => verify(null, msg, publicKey, sig)),
    node: rate(() => verifySignature(pk, msg, nsig)),
  }));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
  const openSsl = {
    wall: median(rounds.map((r) => r.openSsl.wall)),
    perCpu: median(rounds.map((r) => r.openSsl.perCpu)),
  };
  const node = { perCpu: median(rounds.map((r) => r.node.perCpu)) };
  const noble = rate(() => ed25519.verify(nsig, msg, pk)).wall;
  return {
    nodeCrypto: openSsl.wall,
    noble,
    nodeCryptoPerCpuSecond: openSsl.perCpu,
    nodePerCpuSecond: node.perCpu,
    nodeVerifier: fastVerifier,
  };
}

/**
 * The co-located ceiling of a devnet of `validators` nodes on this machine: every node verifies
 * every tx once, so at most cores × verifies/s ÷ validators txs per second can be finalized.
 */
export function colocatedCeiling(verifiesPerSecOneCore: number, validators: number, cores = availableParallelism()) {
  return {
    cores,
    validators,
    ed25519VerifiesPerSecOneCore: verifiesPerSecOneCore,
    txPerSec: Math.round((cores * verifiesPerSecOneCore) / validators),
  };
}
