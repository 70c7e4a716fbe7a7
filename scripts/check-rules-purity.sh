#!/usr/bin/env bash
# The pure crates (the rules, the words both the emails and the pages say,
# and the invitation letter) must stay pure: no I/O crate in their dependency trees, no clock in
# chrono, no randomness in uuid. Fails (exit 1) with what it found.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
for crate in deskvisa-rules deskvisa-words deskvisa-letter; do
  tree=$(cargo tree -p "$crate" -e normal --prefix none)
  banned=$(grep -oE '^(tokio|sea-orm|sea-query|sqlx[a-z-]*|axum|hyper|lettre|reqwest|mio|socket2|getrandom|rand|rand_core) v' <<<"$tree" | sed 's/ v$//' | sort -u | tr '\n' ' ' || true)
  features=$(cargo tree -p "$crate" -e normal,features --prefix none -i chrono; cargo tree -p "$crate" -e normal,features --prefix none -i uuid 2>/dev/null || true)
  clock=$(grep -oE '(chrono feature "(clock|now|wasmbind)"|uuid feature "(v1|v4|v6|v7|rng[a-z-]*|fast-rng)")' <<<"$features" | sort -u || true)

  if [ -n "$banned$clock" ]; then
    echo "$crate is no longer pure:" >&2
    if [ -n "$banned" ]; then echo "  I/O or randomness crates: $banned" >&2; fi
    if [ -n "$clock" ]; then echo "  clock or randomness features: $(echo $clock)" >&2; fi
    status=1
  else
    echo "$crate is pure: $(grep -c . <<<"$tree") crates, none doing I/O, no clock, no randomness"
  fi
done
exit $status
