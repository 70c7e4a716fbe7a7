#!/usr/bin/env python3
"""Counts the repeated blocks in crates/: pairs of files (a file with itself
counts once) that share a run of six or more lines alike, and fails when the
count is above the limit.

Why: the same lines written twice drift apart; `make check` keeps the count
from growing back (issue 19 set the limit at half of the 164 pairs counted
when it was filed).

"Alike" means the same after white space is folded. Lines that carry nothing
of their own are passed over before runs are matched, so that two blocks do
not look alike because of them: blank lines, comments, lines of punctuation
alone (`}`, `});`, `)]`), `use` lines and attribute lines (`#[derive(...)]`,
`#[test]`), which repeat by design. Runs that stand in more than eight places
are an idiom rather than a copy (a test's opening lines) and are reported
apart, not counted, as the project's review tool does.

Usage: repeated-blocks.py [--limit N] [--list] [ROOT]
"""

import argparse
import collections
import hashlib
import os
import re
import sys

RUN = 6
TOO_COMMON = 8
SOURCE_ENDINGS = (".rs", ".html", ".txt", ".css", ".js", ".mjs", ".sql", ".py", ".sh")
PUNCTUATION = re.compile(r"^[\s{}()\[\];,.<>|&?:=]*$")
SKIPPED_DIRS = {"target", "node_modules", ".git"}


def meaningful(line):
    """The line folded, or None when it carries nothing of its own."""
    text = " ".join(line.split())
    if not text or PUNCTUATION.match(text):
        return None
    if text.startswith(("//", "/*", "*", "#[", "#![", "use ", "pub use ", "{#", "<!--")):
        return None
    return text


def read(path):
    kept = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                text = meaningful(line)
                if text is not None:
                    kept.append((number, text))
    except (UnicodeDecodeError, OSError):
        return []
    return kept


def source_files(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(SOURCE_ENDINGS):
                yield os.path.join(folder, name)


def count(root):
    """(pairs: {(file_a, file_b): (line_a, line_b)}, too_common: int)."""
    places = collections.defaultdict(list)
    for path in source_files(root):
        lines = read(path)
        for start in range(len(lines) - RUN + 1):
            window = "\n".join(text for _, text in lines[start : start + RUN])
            digest = hashlib.blake2b(window.encode(), digest_size=16).digest()
            places[digest].append((path, start, lines[start][0]))
    pairs = {}
    too_common = 0
    for found in places.values():
        if len(found) < 2:
            continue
        if len(found) > TOO_COMMON:
            too_common += 1
            continue
        for i, (path_a, index_a, line_a) in enumerate(found):
            for path_b, index_b, line_b in found[i + 1 :]:
                # A run overlapping itself (six equal lines in a row) is not a copy.
                if path_a == path_b and abs(index_a - index_b) < RUN:
                    continue
                key = tuple(sorted((path_a, path_b)))
                pairs.setdefault(key, (line_a, line_b))
    return pairs, too_common


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="crates")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="name every pair")
    args = parser.parse_args()
    pairs, too_common = count(args.root)
    if args.list:
        for (path_a, path_b), (line_a, line_b) in sorted(pairs.items()):
            print(f"{path_a}:{line_a} ~ {path_b}:{line_b}")
    print(
        f"repeated blocks: {len(pairs)} pairs of files share {RUN} or more lines alike"
        f" ({too_common} runs standing in more than {TOO_COMMON} places left out)"
    )
    if args.limit is not None and len(pairs) > args.limit:
        print(f"more than the limit of {args.limit}: write it once", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
