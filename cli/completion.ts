import { defineCommand } from "./support/command.js";
import { UsageError } from "./support/errors.js";

const shells = ["bash", "zsh", "fish"] as const;
type Shell = (typeof shells)[number];

/** Commands whose first argument is a word from a fixed list. */
const subcommands: Record<string, string[]> = { hooks: ["install", "uninstall"], completion: [...shells] };

interface Spec {
  name: string;
  summary: string;
  flags: string[];
}

export const command = defineCommand({
  summary: "a shell completion script: bash, zsh or fish",
  help: `Usage: nexaas completion bash|zsh|fish

Prints a completion script for the shell, generated from nexaas's own command
list (the command files' summaries and flags), so it cannot drift from them.

  bash   echo 'source <(nexaas completion bash)' >> ~/.bashrc
  zsh    nexaas completion zsh > "\${fpath[1]}/_nexaas"   (then restart zsh)
  fish   nexaas completion fish > ~/.config/fish/completions/nexaas.fish

Exit codes: 0 success, 2 usage error (no shell, or one not listed).`,
  maxPositionals: 1,
  options: {},
  async run(ctx) {
    const [shell] = ctx.positionals;
    if (shell === undefined || !(shells as readonly string[]).includes(shell)) throw new UsageError(`which shell? nexaas completion ${shells.join("|")}`);
    const { commandSpecs } = await import("./main.js");
    ctx.stdout(render[shell as Shell](await commandSpecs()));
    return 0;
  },
});

const single = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

const render: Record<Shell, (specs: Spec[]) => string> = {
  bash: (specs) => `# nexaas completion for bash: source <(nexaas completion bash)
_nexaas() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${single(specs.map((s) => s.name).join(" "))} -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    case "\${COMP_WORDS[1]}" in
${specs.map((s) => `      ${s.name}) COMPREPLY=($(compgen -W ${single(s.flags.join(" "))} -- "$cur")) ;;`).join("\n")}
    esac
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
${Object.entries(subcommands)
  .map(([name, words]) => `      ${name}) COMPREPLY=($(compgen -W ${single(words.join(" "))} -- "$cur")) ;;`)
  .join("\n")}
    esac
  fi
}
complete -o default -F _nexaas nexaas
`,
  zsh: (specs) => `#compdef nexaas
# nexaas completion for zsh: nexaas completion zsh > "\${fpath[1]}/_nexaas"
_nexaas() {
  local -a commands
  commands=(
${specs.map((s) => `    ${single(`${s.name}:${s.summary.replace(/:/g, "\\:")}`)}`).join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe command commands
    return
  fi
  if [[ $PREFIX == -* ]]; then
    case $words[2] in
${specs.map((s) => `      (${s.name}) compadd -- ${s.flags.join(" ")} ;;`).join("\n")}
    esac
    return
  fi
  case $words[2] in
${Object.entries(subcommands)
  .map(([name, words]) => `    (${name}) (( CURRENT == 3 )) && compadd -- ${words.join(" ")} ;;`)
  .join("\n")}
    (*) _files ;;
  esac
}
compdef _nexaas nexaas
`,
  fish: (specs) =>
    [
      "# nexaas completion for fish: nexaas completion fish > ~/.config/fish/completions/nexaas.fish",
      ...specs.map((s) => `complete -c nexaas -f -n __fish_use_subcommand -a ${s.name} -d ${single(s.summary)}`),
      ...specs.flatMap((s) => s.flags.map((f) => `complete -c nexaas -n ${single(`__fish_seen_subcommand_from ${s.name}`)} -l ${f.slice(2)}`)),
      ...Object.entries(subcommands).map(([name, words]) => `complete -c nexaas -f -n ${single(`__fish_seen_subcommand_from ${name}`)} -a ${single(words.join(" "))}`),
      "",
    ].join("\n"),
};
