import type { Command, Option } from 'commander';

/** Options whose value is a local file: completed with file names. */
const FILE_VALUES = new Set(['--inventory', '--tarball', '--identity', '--ssh-config', '--output']);

interface CommandShape {
  name: string;
  description: string;
  options: Option[];
}

function shapes(program: Command): CommandShape[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: c.options.filter((o) => o.long !== undefined),
  }));
}

function quoteSingle(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A bash completion script for the program, generated from its own commands and options. */
export function bashCompletion(program: Command): string {
  const commands = shapes(program);
  const names = commands.map((c) => c.name).join(' ');
  const cases = commands
    .map((c) => {
      const flags = c.options.flatMap((o) => [o.long, o.short].filter(Boolean)).join(' ');
      const choices = c.options
        .filter((o) => o.argChoices)
        .map(
          (o) =>
            `      ${o.long}) COMPREPLY=($(compgen -W ${quoteSingle((o.argChoices ?? []).join(' '))} -- "$cur")); return ;;`,
        )
        .join('\n');
      return `    ${c.name})\n      opts=${quoteSingle(`${flags} --help`)}\n      case "$prev" in\n${choices ? `${choices}\n` : ''}      esac ;;`;
    })
    .join('\n');
  const fileFlags = [...FILE_VALUES].join('|');
  return `# bash completion for zkdeploy: source <(zkdeploy completion bash)
_zkdeploy() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} opts=''
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quoteSingle(`${names} --help --version`)} -- "$cur"))
    return
  fi
  case "$prev" in
    ${fileFlags}|-i|-t) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _zkdeploy zkdeploy
`;
}

function zshEscape(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, `'\\''`)
    .replace(/\[/g, '\\[')
    .replace(/\]/g, '\\]')
    .replace(/:/g, '\\:');
}

/** A zsh completion function (#compdef), generated like the bash one. */
export function zshCompletion(program: Command): string {
  const commands = shapes(program);
  const described = commands.map((c) => `    '${c.name}:${zshEscape(c.description)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const specs = c.options.map((o) => {
        const takesValue = o.required || o.optional;
        const name = o.long as string;
        let action = '';
        if (takesValue)
          action = FILE_VALUES.has(name)
            ? ':file:_files'
            : o.argChoices
              ? `:value:(${o.argChoices.join(' ')})`
              : ':value:';
        const forms = o.short ? `{${o.short},${name}}` : name;
        return `        '${forms}[${zshEscape(o.description)}]${action}'`.replace(
          `'{${o.short},${name}}`,
          `{${o.short},${name}}'`,
        );
      });
      return `    ${c.name})\n      _arguments \\\n${specs.join(' \\\n')} ;;`;
    })
    .join('\n');
  return `#compdef zkdeploy
# zsh completion for zkdeploy: zkdeploy completion zsh > ~/.zfunc/_zkdeploy (with fpath+=(~/.zfunc))
_zkdeploy() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases}
  esac
}
_zkdeploy "$@"
`;
}
