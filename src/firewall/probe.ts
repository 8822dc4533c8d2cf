import { commandLine } from '../remote/become.js';
import { shellQuote } from '../remote/quote.js';
import { DISABLE_FIREWALLD, FIREWALL_CMD, STOP_FIREWALLD } from './commands.js';
import type { FirewallFacts } from './decide.js';

/**
 * Probe lines for firewalld: systemd, its unit's state, and sudo only when firewalld needs action;
 * with firewalld running, the zone of the interface that reaches `peer` (another server) and that
 * zone's ports. The questions to firewall-cmd are the very commands `check --become` names.
 */
export function firewallProbe(peer: string | undefined): string[] {
  // As root, or through `sudo -n`: the same argv either way (the zone and device are shell variables).
  const fwc = `fwc() { if [ "$(id -u)" = 0 ]; then ${FIREWALL_CMD} "$@"; else sudo -n ${FIREWALL_CMD} "$@"; fi; } </dev/null 2>/dev/null`;
  const route = peer
    ? `dev=$(a=$(getent ahostsv4 ${shellQuote(peer)} | awk '{print $1; exit}'); [ -n "$a" ] && ip -o route get "$a" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`
    : 'dev=';
  return [
    'echo @@systemd; [ -d /run/systemd/system ] && echo yes || echo no',
    'if [ -d /run/systemd/system ]; then',
    '  echo @@fwActive; systemctl is-active firewalld 2>&1',
    '  echo @@fwEnabled; systemctl is-enabled firewalld 2>&1',
    '  if systemctl is-active --quiet firewalld || systemctl is-enabled --quiet firewalld; then',
    // Under `requiretty` this question (asked without a terminal) is refused for want of one: sudo
    // itself then runs in a terminal, so that counts as yes.
    // sudo may also allow exactly the commands of the guide's step 8 and nothing else (the rule
    // `check --become` prints): `sudo -n -l` asks about those two, running nothing.
    `    echo @@sudo; if [ "$(id -u)" = 0 ] || o=$(sudo -n true 2>&1 </dev/null) || { sudo -n -l ${commandLine(STOP_FIREWALLD)} && sudo -n -l ${commandLine(DISABLE_FIREWALLD)}; } >/dev/null 2>&1 </dev/null; then echo yes; else case "$o" in *tty*) echo yes ;; *) echo no ;; esac; fi`,
    '    if systemctl is-active --quiet firewalld; then',
    `      ${fwc}`,
    `      ${route}`,
    '      echo @@fwDevice; printf "%s\\n" "$dev"',
    // The device goes to firewall-cmd only when it is a plain interface name; "no zone" means the default.
    '      zone=; case "$dev" in ""|*[!A-Za-z0-9_.@-]*) ;; *) zone=$(fwc --get-zone-of-interface="$dev") || zone= ;; esac',
    '      echo @@fwZone; printf "%s\\n" "$zone"',
    '      set --; [ -n "$zone" ] && set -- --zone="$zone"',
    '      echo @@fwRuntimePorts; fwc "$@" --list-ports && echo @@fwRuntimeListed',
    '      echo @@fwPermanentPorts; fwc --permanent "$@" --list-ports && echo @@fwPermanentListed',
    '    fi',
    '  fi',
    'fi',
  ];
}

/** A device or zone name as the probe printed it, when it is one plain word. */
function plainWord(value: string | undefined): string | undefined {
  const word = value?.trim();
  return word && /^[A-Za-z0-9_.@-]+$/.test(word) ? word : undefined;
}

/** The firewalld facts from firewallProbe's sections. */
export function parseFirewallFacts(s: Map<string, string>, uid: number): FirewallFacts {
  return {
    systemd: s.get('systemd') === 'yes',
    isActive: s.get('fwActive') ?? '',
    isEnabled: s.get('fwEnabled') ?? '',
    canSudo: s.get('sudo') === 'yes',
    isRoot: uid === 0,
    runtimePorts: s.has('fwRuntimeListed')
      ? (s.get('fwRuntimePorts') ?? '').split(/\s+/).filter(Boolean)
      : undefined,
    permanentPorts: s.has('fwPermanentListed')
      ? (s.get('fwPermanentPorts') ?? '').split(/\s+/).filter(Boolean)
      : undefined,
    peerDevice: plainWord(s.get('fwDevice')),
    zone: plainWord(s.get('fwZone')),
  };
}
