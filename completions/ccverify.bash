# bash completion for ccverify and ccverify-agent.
#
# The commands and flags are read from the programs' own --help text (the
# one source of the usage), once per shell and command, so this file never
# falls behind the binary. Install as
#   /usr/share/bash-completion/completions/ccverify (and a link ccverify-agent),
# or `source` it from ~/.bashrc.

# Prints the commands of `ccverify --help`: one per line, "quote verify" as one.
_ccverify_commands() {
  "$1" --help 2>/dev/null | awk '
    /^commands:/ { in_cmds = 1; next }
    in_cmds && /^  [a-z]/ {
      # A command is one or two words before the two-space gap of its summary.
      line = substr($0, 3); split(line, parts, /  +/); print parts[1]
    }
    in_cmds && /^$/ { in_cmds = 0 }'
}

# Prints the long flags that `PROG ARGS... --help` documents.
_ccverify_flags() {
  "$@" --help 2>/dev/null | grep -oE '(^|[[ ,])--[a-z][a-z0-9-]*' | sed 's/^[[ ,]*//' | sort -u
}

# Values of the flags that take a fixed set of words.
_ccverify_values() {
  case "$1" in
    --format) echo "text json junit sarif markdown jws ear" ;;
    --alg) echo "sha1 sha256 sha384 sha512" ;;
    --ima-register) echo "rtmr0 rtmr1 rtmr2 rtmr3 pcr10" ;;
    --require) echo "tdx" ;;
    --boot) echo "direct grub uki" ;;
    --report) echo "text= json= junit= sarif= markdown= jsonl= jws= ear=" ;;
    *) return 1 ;;
  esac
}

_ccverify() {
  local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # The command words typed so far (before the current word), e.g. "quote verify".
  local -a typed=()
  local w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    [[ $w == -* ]] && break
    typed+=("$w")
  done

  local commands
  if [[ $(basename -- "$prog") == ccverify-agent ]]; then
    commands="collect"
  else
    commands=$(_ccverify_commands "$prog")
  fi

  # Which command (one or two words) has been typed?
  local cmd="" line
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    local -a words=($line)
    if [[ ${typed[*]:0:${#words[@]}} == "${words[*]}" ]]; then
      # Prefer the longest match ("policy generate" over "policy").
      ((${#words[@]} > $(wc -w <<<"$cmd"))) && cmd=$line
    fi
  done <<<"$commands"

  if [[ -z $cmd ]]; then
    # Complete the command itself: its first word, or its second after the first.
    local -a candidates=()
    while IFS= read -r line; do
      [[ -z $line ]] && continue
      local -a words=($line)
      if ((${#typed[@]} == 0)); then
        candidates+=("${words[0]}")
      elif [[ ${typed[0]} == "${words[0]}" && ${#words[@]} -gt 1 ]]; then
        candidates+=("${words[1]}")
      fi
    done <<<"$commands"
    ((${#typed[@]} == 0)) && candidates+=(--help --version)
    COMPREPLY=($(compgen -W "$(printf '%s\n' "${candidates[@]}" | sort -u)" -- "$cur"))
    return 0
  fi

  local values
  if values=$(_ccverify_values "$prev"); then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
    [[ $prev == --report ]] && compopt -o nospace 2>/dev/null
    return 0
  fi
  if [[ $cur == -* ]]; then
    local -a cmd_words=($cmd)
    COMPREPLY=($(compgen -W "$(_ccverify_flags "$prog" "${cmd_words[@]}")" -- "$cur"))
    return 0
  fi
  # Everything else is a file or a bundle directory.
  COMPREPLY=($(compgen -f -- "$cur"))
  compopt -o filenames 2>/dev/null
  return 0
}

complete -F _ccverify ccverify ccverify-agent
