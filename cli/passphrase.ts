// Passphrases for the encrypted keyring: from STRATA_PASSPHRASE (scripts), else asked on the
// terminal without echo. Never taken from a command-line flag (it would land in shell history).
import { createInterface } from "node:readline";

export async function readPassphrase(prompt: string, confirm = false): Promise<string> {
  const env = process.env.STRATA_PASSPHRASE;
  if (env) return env;
  if (!process.stdin.isTTY)
    throw new Error("this key is encrypted: set STRATA_PASSPHRASE, or run in a terminal to be asked");
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      out._writeToOutput = (s: string) => {
        if (s.includes(q)) process.stderr.write(s);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stderr.write("\n");
        resolve(a);
      });
    });
  const p = await ask(prompt);
  if (confirm && (await ask("repeat passphrase: ")) !== p) throw new Error("passphrases do not match");
  return p;
}
