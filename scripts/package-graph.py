#!/usr/bin/env python3
"""Prints each module's package graph for docs/package-graph.md: the edges between the module's own packages
(from `jdeps -verbose:package` on its built classes) and the strongly connected sets of more than one package
(cycles; Tarjan's algorithm). Build first: ./mvnw -B -o -q -pl <modules> -am compile -Djib.skip=true
Usage: scripts/package-graph.py [module:prefix ...]"""
import os
import re
import subprocess
import sys

DEFAULT = ["control-plane:dev.patchbay.control", "agents-api:dev.patchbay.agents", "admin-api:dev.patchbay.admin",
           "media-plane:dev.patchbay.media"]


def edges(module, prefix):
    jdeps = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jdeps")
    out = subprocess.run([jdeps, "-verbose:package", "-filter:none", f"{module}/target/classes"], check=True,
                         capture_output=True, text=True).stdout
    graph = {}
    for line in out.splitlines():
        m = re.match(r"\s+(\S+)\s+->\s+(\S+)", line)
        if not m:
            continue
        src, dst = m.groups()
        if not src.startswith(prefix) or not dst.startswith(prefix):
            continue
        s, d = short(src, prefix), short(dst, prefix)
        graph.setdefault(s, set())
        graph.setdefault(d, set())
        if s != d:
            graph[s].add(d)
    return graph


def short(package, prefix):
    return package[len(prefix) + 1:] if package != prefix else "(root)"


def sccs(graph):
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(args):
    for spec in args or DEFAULT:
        module, prefix = spec.split(":")
        graph = edges(module, prefix)
        cycles = sccs(graph)
        print(f"## {module}: {len(graph)} packages, {sum(len(d) for d in graph.values())} edges, "
              + (f"SCCs: {cycles}" if cycles else "no SCC"))
        print("```")
        for p in sorted(graph):
            print(f"{p} -> {', '.join(sorted(graph[p])) if graph[p] else '(nothing in the module)'}")
        print("```")


if __name__ == "__main__":
    main(sys.argv[1:])
