// Faults after which a node must not go on: its storage can no longer be trusted (a database
// that does not match itself, an unreadable sign_state) or no longer be written (ENOSPC, a
// failed fsync). Each stops the node with one clear log line naming the file or directory and
// what to do, and with its own exit code so a supervisor can tell them from a crash (exit 1)
// and not restart into a loop. Nothing is signed after one is raised.

/** Exit codes (sysexits.h where one fits); listed in docs/operating.md. */
export const FatalExit = {
  /** the database is missing files or contradicts itself: restore it, or re-sync from peers */
  DatabaseCorrupt: 65,
  /** sign_state is unreadable, fails its checksum, or is ahead of what it can be */
  SignStateInvalid: 66,
  /** a write or fsync failed (disk full, I/O error): free space or fix the disk, then restart */
  StorageIo: 74,
  /** an internal error the node cannot run through (a decided block that would not commit) */
  Internal: 70,
} as const;
export type FatalExitCode = (typeof FatalExit)[keyof typeof FatalExit];

export class FatalError extends Error {
  readonly exitCode: FatalExitCode;
  /** the file or directory at fault */
  readonly path: string;
  /** what the operator should do */
  readonly advice: string;
  constructor(exitCode: FatalExitCode, path: string, message: string, advice: string, cause?: unknown) {
    super(`${message} (${path}): ${advice}`, cause === undefined ? undefined : { cause });
    this.exitCode = exitCode;
    this.path = path;
    this.advice = advice;
  }
}

const IO_CODES = new Set(["ENOSPC", "EIO", "EROFS", "EDQUOT", "EFBIG"]);

/** A write fault (errno such as ENOSPC, or LevelDB's IO error) as a FatalError; undefined if it is not one. */
export function asStorageFault(e: unknown, path: string): FatalError | undefined {
  if (e instanceof FatalError) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err?.code ?? err?.cause?.code;
  const msg = `${err?.message ?? ""} ${err?.cause?.message ?? ""}`;
  if ((code && IO_CODES.has(code)) || /No space left|IO error|Input\/output error/i.test(msg)) {
    return new FatalError(
      FatalExit.StorageIo,
      path,
      `storage write failed: ${msg.trim()}`,
      "free disk space or fix the disk, then restart the node (it resumes from its last durable block)",
      e,
    );
  }
  if (/Corruption|corrupt/i.test(msg)) {
    return new FatalError(
      FatalExit.DatabaseCorrupt,
      path,
      `database corruption: ${msg.trim()}`,
      "restore the data directory from a backup, or delete it and re-sync from peers",
      e,
    );
  }
  return undefined;
}
