#!/usr/bin/env bash
# completion_test.sh COMPLETION_SCRIPT CCVERIFY [CCVERIFY_AGENT]
# Drives the bash completion function as bash would (COMP_WORDS, COMP_CWORD) and
# checks what it offers against the binaries' own --help text.
set -uo pipefail
script=$1 ccverify=$2 agent=${3:-}
PATH=$(dirname "$ccverify"):${agent:+$(dirname "$agent"):}$PATH
# shellcheck source=/dev/null
source "$script"

failures=0
complete_words() {  # prints what _ccverify offers for the words given (last = current)
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _ccverify
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() {  # expect "WORDS..." -- EXPECTED...
  local -a words=() want=()
  while [[ $1 != -- ]]; do words+=("$1"); shift; done
  shift
  want=("$@")
  local got
  got=$(complete_words "${words[@]}" | tr '\n' ' ' | sed 's/ $//')
  local exp
  exp=$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
  if [[ $got != "$exp" ]]; then
    echo "FAIL: [${words[*]}] offered '$got', expected '$exp'" >&2
    failures=$((failures + 1))
  fi
}
contains() {  # contains "WORDS..." -- WORD: WORD must be among the offers
  local -a words=()
  while [[ $1 != -- ]]; do words+=("$1"); shift; done
  shift
  if ! complete_words "${words[@]}" | grep -qxF -- "$1"; then
    echo "FAIL: [${words[*]}] does not offer '$1'" >&2
    failures=$((failures + 1))
  fi
}

expect ccverify po -- policy
expect ccverify policy "" -- generate lint
expect ccverify quote v -- verify
expect ccverify verify --format j -- json junit jws
expect ccverify verify --format e -- ear
expect ccverify verify --report j -- json= jsonl= junit= jws=
expect ccverify result "" -- verify
contains ccverify result verify --k -- --key
contains ccverify verify --sign -- --sign-key
expect ccverify verify --ima-register pc -- pcr10
expect ccverify verify --report js -- json= jsonl=
expect ccverify batch "" -- merge
contains ccverify verify --ba -- --batch
contains ccverify verify --sh -- --shard
contains ccverify batch merge --f -- --format

# Every top-level command word of `ccverify --help` is offered at the first position.
while read -r first; do
  contains ccverify "" -- "$first"
done < <("$ccverify" --help | awk '/^commands:/{c=1;next} c&&/^  [a-z]/{print $1}' | sort -u)

# Every long flag of `verify --help` is offered after `verify --`, and nothing else.
want_flags=$("$ccverify" verify --help | grep -oE '(^|[[ ,])--[a-z][a-z0-9-]*' | sed 's/^[[ ,]*//' | sort -u)
[[ -n $want_flags ]] || { echo "FAIL: verify --help lists no flags" >&2; failures=$((failures + 1)); }
got_flags=$(complete_words ccverify verify --)
if [[ $got_flags != "$want_flags" ]]; then
  echo "FAIL: verify -- offered:"$'\n'"$got_flags"$'\n'"expected:"$'\n'"$want_flags" >&2
  failures=$((failures + 1))
fi
contains ccverify verify --rep -- --report
contains ccverify quote verify --a -- --at

# A file name after a flag that takes a path.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/policy-one.yaml"
expect ccverify verify --policy "$tmp/policy-o" -- "$tmp/policy-one.yaml"

if [[ -n $agent ]]; then
  expect ccverify-agent co -- collect
  contains ccverify-agent collect --re -- --require
fi

if ((failures)); then
  echo "$failures completion check(s) failed" >&2
  exit 1
fi
echo "completion: all checks passed"
