/** `mntr` as key → value (`zk_server_state` → `leader`, …); empty when the word is not whitelisted. */
export function parseMntr(reply: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of reply.split('\n')) {
    const [key, value] = line.split('\t');
    if (key?.startsWith('zk_') && value !== undefined) values.set(key, value.trim());
  }
  return values;
}

/** How many followers the leader counts as synced, when its `mntr` says (3.4 and 3.5+ alike). */
export function syncedFollowers(reply: string): number | undefined {
  const value = parseMntr(reply).get('zk_synced_followers');
  return value === undefined ? undefined : Number(value);
}
