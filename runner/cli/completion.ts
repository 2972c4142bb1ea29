// `npx run --shell-completion install=bash|zsh|fish` prints a completion script (Hydra's `-sc install=bash`);
// the script asks `run --shell-completion query=<shell> <word> <line>` for the candidates at the cursor:
// flags, config groups (`model=`), a group's options (`model=patch<TAB>`) and config keys
// (`trainer.<TAB>`, from the config composed with the line's group choices).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { composeTree, type ConfigValue } from '../compose/index.js';
import { configRepository } from '../config/repository.js';
import { FLAGS, UsageError } from './args.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What the flags that take a value accept, when it is a fixed list. */
const FLAG_VALUES: Record<string, string[]> = { '--cfg': ['job', 'all'], '-c': ['job', 'all'] };

/**
 * The script for `shell`. The queries go to the bin npx would run where the line is typed: the nearest
 * node_modules/.bin/run from the working directory up; else to `bin`, the absolute path of the bin/run.js that
 * printed the script, symlinks resolved (so neither a project's .bin link nor npx's own cache is baked in
 * where an installed bin can be found).
 */
export function completionScript(shell: Shell, bin: string): string {
  if (shell === 'fish') {
    return `# Ladder: completion for \`run\` and \`npx run\` (fish). Install: npx run --shell-completion install=fish | source
function __ladder_run_bin
    set -l d $PWD
    while test -n "$d"
        if test -e "$d/node_modules/.bin/run"
            echo "$d/node_modules/.bin/run"
            return
        end
        set d (string replace -r '/[^/]*$' '' -- $d)
    end
    echo ${JSON.stringify(bin)}
end
function __ladder_run_complete
    node (__ladder_run_bin) --shell-completion query=fish (commandline -ct | string collect -a) (commandline -cp | string collect -a) 2>/dev/null
end
complete -c run -f -a '(__ladder_run_complete)'
complete -c npx -n '__fish_seen_subcommand_from run' -f -a '(__ladder_run_complete)'
`;
  }
  // bash and zsh: the installed bin (node_modules/.bin/run) nearest the working directory, else the one that printed this
  const binFn = `_ladder_run_bin() {
    local d=$PWD
    while [[ -n $d ]]; do
        if [[ -e $d/node_modules/.bin/run ]]; then printf '%s' "$d/node_modules/.bin/run"; return; fi
        d=\${d%/*}
    done
    printf '%s' ${JSON.stringify(bin)}
}
`;
  const query = 'node "$(_ladder_run_bin)" --shell-completion';
  const bash = `${binFn}_ladder_run_complete() {
    # \`npx <other>\` keeps the default (file) completion
    if [[ \${COMP_WORDS[0]} == npx && \${COMP_WORDS[1]} != run ]]; then
        COMPREPLY=( $(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}") )
        return 0
    fi
    local IFS=$'\\n'
    COMPREPLY=( $(${query} query=bash "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_LINE:0:$COMP_POINT}" 2>/dev/null) )
    # a group (model=) or a config node (trainer.) goes on without a space
    if [[ \${#COMPREPLY[@]} -gt 0 && \${COMPREPLY[*]} == *[=.] ]]; then compopt -o nospace 2>/dev/null; fi
    return 0
}
complete -F _ladder_run_complete run
complete -F _ladder_run_complete npx
`;
  if (shell === 'zsh') {
    return `# Ladder: completion for \`run\` and \`npx run\` (zsh). Install: eval "$(npx run --shell-completion install=zsh)"
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
${binFn}_ladder_run_complete() {
    if [[ $words[1] == npx && $words[2] != run ]]; then _files; return; fi
    local -a c
    c=( \${(f)"$(${query} query=zsh "$PREFIX" "\${(j: :)words[1,CURRENT-1]} $PREFIX" 2>/dev/null)"} )
    # a group (model=) or a config node (trainer.) goes on without a space
    compadd -S '' -- \${(M)c:#*[=.]}
    compadd -- \${c:#*[=.]}
}
compdef _ladder_run_complete run npx
`;
  }
  return `# Ladder: completion for \`run\` and \`npx run\` (bash). Install: eval "$(npx run --shell-completion install=bash)"\n${bash}`;
}

/** The words typed before the cursor, the command (`run`, `npx run`) left out. */
function wordsOf(line: string): { before: string[]; current: string } {
  const words = line.split(/\s+/);
  const current = words.pop() ?? '';
  const start = words[0] === 'npx' ? 2 : 1;
  return { before: words.slice(start).filter(Boolean), current };
}

/** Keys of the composed config under the dotted `prefix` ('' = top level), dict nodes ending in '.', leaves in '='. */
function configKeys(configDir: string, configName: string, overrides: string[], prefix: string): string[] {
  let config: ConfigValue | undefined;
  for (const attempt of [overrides, []]) {
    try {
      config = composeTree({ configDir, configName, overrides: attempt }).config as ConfigValue;
      break;
    } catch {
      // an unfinished or wrong override on the line: complete against the config without it
    }
  }
  let node = config;
  for (const part of prefix ? prefix.split('.') : []) {
    node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, ConfigValue>)[part] : undefined;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node).map(([k, v]) => `${prefix ? `${prefix}.` : ''}${k}${v !== null && typeof v === 'object' && !Array.isArray(v) ? '.' : '='}`);
}

/**
 * Candidates for the word at the cursor of `line` (the command line up to the cursor). Each is the whole
 * word, less what the shell does not replace: bash splits `model=patch` at '=' and replaces only its own
 * current word `shellWord`, so the part of the word before it is cut off each candidate.
 */
export function completions(line: string, shellWord: string, configDir: string, configName: string): string[] {
  const { before, current } = wordsOf(line);
  const previous = before.at(-1);
  let candidates: string[];
  if (previous && FLAG_VALUES[previous]) candidates = FLAG_VALUES[previous]!;
  else if (current.startsWith('-')) candidates = FLAGS;
  else {
    const repo = configRepository(configDir);
    const eq = current.indexOf('=');
    const choices = before.filter((w) => !w.startsWith('-') && /^[\w/@.+~-]+=[^,]*$/.test(w) && !/[(*]/.test(w));
    if (eq >= 0) {
      const key = current.slice(0, eq).replace(/^\+{1,2}|^~/, '').replace(/@.*$/, '');
      candidates = repo.isGroup(key) ? repo.groupOptions(key).map((o) => `${current.slice(0, eq)}=${o}`) : [];
    } else {
      const sign = /^(\+{1,2}|~)/.exec(current)?.[0] ?? '';
      const bare = current.slice(sign.length);
      const dot = bare.lastIndexOf('.');
      const keys = configKeys(configDir, configName, choices, dot >= 0 ? bare.slice(0, dot) : '');
      const groups = dot >= 0 ? [] : repo.groups().map((g) => `${g}=`);
      candidates = [...new Set([...groups, ...keys])].map((c) => `${sign}${c}`);
    }
  }
  const matching = candidates.filter((c) => c.startsWith(current)).sort();
  const cut = current.endsWith(shellWord) ? current.length - shellWord.length : 0;
  return matching.map((c) => c.slice(cut));
}

/** `bin` as an absolute path with its symlinks resolved (a .bin link → the package's bin/run.js); as given if it does not exist. */
function installedBin(bin: string): string {
  try {
    return realpathSync(bin);
  } catch {
    return path.resolve(bin);
  }
}

/**
 * `--shell-completion install=<shell>` or `query=<shell> <word> <line>`; the text to print.
 * Throws UsageError for anything else.
 */
export function shellCompletion(argv: string[], configDir: string, configName: string, bin: string): string {
  const at = argv.findIndex((a) => a === '--shell-completion' || a === '-sc' || a.startsWith('--shell-completion='));
  const inline = argv[at]!.includes('=') ? argv[at]!.slice(argv[at]!.indexOf('=') + 1) : null;
  const spec = inline ?? argv[at + 1] ?? '';
  const rest = argv.slice(at + (inline === null ? 2 : 1));
  const m = /^(install|query)=(bash|zsh|fish)$/.exec(spec);
  if (!m) throw new UsageError(`--shell-completion takes install=bash, install=zsh or install=fish (got '${spec}'), e.g. eval "$(npx run --shell-completion install=bash)"`);
  if (m[1] === 'install') return completionScript(m[2] as Shell, installedBin(bin));
  const [word = '', line = ''] = rest;
  // bash replaces its own current word (split at '='); zsh and fish replace the whole word
  const out = completions(line, m[2] === 'bash' ? word : wordsOf(line).current, configDir, configName);
  return out.length ? `${out.join('\n')}\n` : '';
}
