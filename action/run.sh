#!/usr/bin/env bash
# The validate step of the ccconform GitHub Action (action.yml): runs
# `ccconform validate` on the action's inputs and records its exit status as
# the step output `status`, so that the SARIF upload can run before the job
# fails on it. The step itself succeeds whenever validate ran.
#
# Inputs, as the action passes them:
#   INPUT_PATHS       files, folders or URLs to check (default "."), separated
#                     by spaces or new lines; quote one that holds a space
#   INPUT_ARGS        more flags for validate, e.g. "--strict --profile rest";
#                     quotes group words as in a shell, nothing is expanded
#                     (ccconform itself reads $VAR in --header values)
#   INPUT_FORMAT      the report format: sarif (default) writes INPUT_SARIF_FILE;
#                     github writes annotations to the log; any other format
#                     validate knows goes to the log, or to -o in INPUT_ARGS
#   INPUT_SARIF_FILE  where the SARIF report goes (default ccconform.sarif)
#   GITHUB_OUTPUT     the file that receives status=N, and sarif-file=PATH
#                     when a SARIF report was written
set -euo pipefail

: "${GITHUB_OUTPUT:?GITHUB_OUTPUT must name the file that receives the step outputs}"
paths_in=${INPUT_PATHS:-.}
args_in=${INPUT_ARGS:-}
format=${INPUT_FORMAT:-sarif}
sarif_file=${INPUT_SARIF_FILE:-ccconform.sarif}
if ! command -v ccconform >/dev/null; then
  echo "ccconform action: no ccconform on PATH (the action's install step puts it in \$(go env GOPATH)/bin)" >&2
  exit 2
fi

# words STRING: write STRING's words to the file $words, NUL-terminated,
# split as a shell would (spaces, tabs, new lines; single and double quotes;
# backslashes) but with nothing expanded or run: xargs does exactly that. An
# unmatched quote stops the step.
words=$(mktemp)
trap 'rm -f "$words"' EXIT
words() {
  : > "$words"
  if [[ $1 =~ [^[:space:]] ]] && ! printf '%s' "$1" | xargs printf '%s\0' > "$words"; then
    echo "ccconform action: cannot split into words: $1" >&2
    exit 2
  fi
}

words "$paths_in"
paths=()
while IFS= read -r -d '' w; do paths+=("$w"); done < "$words"
words "$args_in"
args=()
while IFS= read -r -d '' w; do args+=("$w"); done < "$words"
if [ ${#paths[@]} -eq 0 ]; then
  paths=(.)
fi

cmd=(ccconform validate --format "$format")
if [ "$format" = sarif ]; then
  mkdir -p "$(dirname -- "$sarif_file")"
  rm -f -- "$sarif_file"
  cmd+=(-o "$sarif_file")
fi
# ${a[@]+"${a[@]}"}: an empty array is no word, even under set -u in bash 3.
cmd+=(${args[@]+"${args[@]}"} -- "${paths[@]}")

echo "running: ${cmd[*]}" >&2
set +e
"${cmd[@]}"
status=$?
set -e

case $status in
  0) what="every document conforms" ;;
  1) what="at least one document does not conform" ;;
  2) what="the run could not be done (see the messages above)" ;;
  130) what="interrupted" ;;
  *) what="unexpected exit status" ;;
esac
echo "ccconform validate exited $status: $what" >&2

echo "status=$status" >> "$GITHUB_OUTPUT"
if [ "$format" = sarif ] && [ -s "$sarif_file" ]; then
  echo "sarif-file=$sarif_file" >> "$GITHUB_OUTPUT"
  echo "SARIF report: $sarif_file" >&2
fi
