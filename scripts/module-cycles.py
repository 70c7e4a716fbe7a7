#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a cycle.

For every crate under crates/ (and bench/), each file belongs to the
top-level module of its path (src/pages/host.rs is `pages`); a reference
`crate::x::...` (in a `use` or inline) or, from a top-level file,
`super::x` is an edge from that module to `x`. Unit tests (`#[cfg(test)]`
and what follows) are left out: tests may look anywhere. Strongly connected
components of more than one module are cycles; each is printed with the
references that make it, and the exit status is 1.

    scripts/module-cycles.py            # every crate
    scripts/module-cycles.py crates/http
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATE_REF = re.compile(r"\bcrate::(?:\{\s*)?([a-z_][a-z0-9_]*)")
CRATE_GROUP = re.compile(r"\bcrate::\{([^}]*)\}", re.S)
SUPER_REF = re.compile(r"\bsuper::(?:\{\s*)?([a-z_][a-z0-9_]*)")
ROOT_FILES = {"lib.rs", "main.rs"}


def top_module(src: pathlib.Path, file: pathlib.Path) -> str:
    parts = file.relative_to(src).parts
    if len(parts) == 1:
        return "(root)" if parts[0] in ROOT_FILES else parts[0][:-3]
    return parts[0]


def code_of(file: pathlib.Path) -> str:
    text = file.read_text(encoding="utf-8")
    cut = text.find("#[cfg(test)]")
    text = text if cut < 0 else text[:cut]
    # Comments may name modules in prose.
    return re.sub(r"//[^\n]*", "", text)


def edges_of(src: pathlib.Path):
    modules = set()
    edges = {}
    for file in sorted(src.rglob("*.rs")):
        module = top_module(src, file)
        modules.add(module)
        code = code_of(file)
        targets = set(CRATE_REF.findall(code))
        for group in CRATE_GROUP.findall(code):
            targets.update(re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", group))
        if len(file.relative_to(src).parts) == 1 and file.name not in ROOT_FILES:
            targets.update(SUPER_REF.findall(code))
        for target in targets:
            if target != module and target not in ("self", "super", "crate"):
                edges.setdefault(module, {}).setdefault(target, []).append(file.relative_to(ROOT))
    edges = {m: {t: f for t, f in ts.items() if t in modules} for m, ts in edges.items()}
    return modules, edges


def cycles(modules, edges):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(modules):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    given = [pathlib.Path(a).resolve() for a in sys.argv[1:]]
    crates = given or sorted([*(ROOT / "crates").iterdir(), ROOT / "bench", ROOT / "migrations"])
    failed = False
    for crate in crates:
        src = crate / "src"
        if not src.is_dir():
            continue
        modules, edges = edges_of(src)
        for component in cycles(modules, edges):
            failed = True
            print(f"{crate.relative_to(ROOT)}: import cycle between {', '.join(component)}")
            for a in component:
                for b in component:
                    for file in sorted(set(edges.get(a, {}).get(b, []))):
                        print(f"    {a} -> {b}  ({file})")
    if not failed:
        print(f"no import cycle between the modules of {len(crates)} crates")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
