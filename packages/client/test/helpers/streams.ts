/** A stand-in for stdout/stderr that keeps what was written; `isTTY` makes the CLI draw its progress line. */
export function capture(isTTY = false): { write(chunk: string): boolean; isTTY: boolean; text(): string } {
  let text = '';
  return {
    isTTY,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}
