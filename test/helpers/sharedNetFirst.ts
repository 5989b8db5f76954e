// Orders test files so the integration files that use the shared devnet (useSharedNet) run
// first and back to back: the net then starts once and is gone before the files that load the
// machine with nets of their own. Every other file keeps vitest's own order.
import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const usesSharedNet = (file: string): boolean => {
  try {
    return readFileSync(file, "utf8").includes("useSharedNet()");
  } catch {
    return false;
  }
};

export default class SharedNetFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const shared = sorted.filter((f) => usesSharedNet(f.moduleId)).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...shared, ...sorted.filter((f) => !shared.includes(f))];
  }
}
