// Probe output: a read-only script prints `@@key` lines, each followed by its value.

/** Splits `@@key` probe output into key → value. */
export function parseSections(output: string): Map<string, string> {
  const map = new Map<string, string>();
  let key: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (key !== undefined) map.set(key, value.join('\n').trim());
  };
  for (const line of output.split('\n')) {
    if (line.startsWith('@@')) {
      flush();
      key = line.slice(2);
      value = [];
    } else {
      value.push(line);
    }
  }
  flush();
  return map;
}

/** A shell fragment that prints a file as `present` + base64, or nothing when it is absent. */
export function fileSection(path: string): string {
  return `if [ -f ${path} ]; then echo present; base64 -w0 < ${path}; echo; fi`;
}

/** The content of a fileSection, or undefined when the file was absent. */
export function decodeFileSection(raw: string | undefined): string | undefined {
  if (!raw?.startsWith('present')) return undefined;
  return Buffer.from(raw.slice('present'.length).trim(), 'base64').toString('utf8');
}
