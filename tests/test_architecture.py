"""The layers point one way and no import cycle: a few lines of `ast` over the project's packages.

Layers (DESIGN.md, developers' guide): ``website`` (base) ← ``notices`` ← ``publicity`` ←
``approvals``; a lower layer never imports a higher one. ``whoosh_jieba`` (the domain-free search
backend) imports none of the project's packages; ``pg_jieba`` (its PostgreSQL twin) only
``whoosh_jieba.analyzer``, the tokens both index. ``pagecache`` imports ``website`` at most, and
the apps use only its public API (the ``pagecache`` package itself, not its modules). ``search``
imports no app's models: the apps tell it what they contribute through hooks or registries.
No module reads another package's private names (``_key``). Every import counts, including
function-local ones (deferring an import hides a dependency, it does not remove it). Cycles are
the strongly connected components of the graph of imports that run (module-level and
function-local; not those under ``if TYPE_CHECKING``): a cycle broken only by deferring one import
to a function is still a cycle (issue 10 counts publicity's 7 files that way). Packages that do
not exist (yet) are skipped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "website",
    "notices",
    "publicity",
    "approvals",
    "search",
    "whoosh_jieba",
    "pg_jieba",
    "pagecache",
)
LAYERS = ("website", "notices", "publicity", "approvals")  # each imports only those to its left
APPS = LAYERS

# Known offenders, removed by the architecture refactor (issue 10): the coordinator empties these
# once the branches that fix them are merged. (source module, imported module or name)
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()
# Module sets allowed to form an import cycle, removed by the architecture refactor (issue 10).
# publicity.models defers `from .views import serve_publicity` to a method; the views import the
# models: RoutablePageMixin for the objection route breaks it.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (the longest project module the name resolves to)
    names: tuple[str, ...]  # names taken by ``from target import names``
    line: int
    runs: bool  # executed at all (not only under ``if TYPE_CHECKING``)
    module_level: bool  # runs at import time (not in a function, not under TYPE_CHECKING)


def find_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module names of every ``.py`` file of the packages under ``root`` (no migrations)."""
    modules = {}
    for package in packages:
        if not (root / package / "__init__.py").exists():
            continue
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest project module that ``name`` (a module or a name in a module) falls in."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of project modules in one module, with whether it runs at import time."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, runs: bool, module_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            run, level = runs, module_level
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                level = False
            elif isinstance(child, ast.If) and _is_type_checking(child):
                run = level = False
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _resolve(alias.name, modules)
                    if target:
                        found.append(Import(module, target, (), child.lineno, run, level))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    target = _resolve(f"{base}.{alias.name}", modules)
                    if target:
                        names = () if target == f"{base}.{alias.name}" else (alias.name,)
                        found.append(Import(module, target, names, child.lineno, run, level))
            visit(child, run, level)

    visit(tree, True, True)
    return found


def _private_attributes(module: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """``alias._name`` reads where ``alias`` is a module of another top-level package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in modules:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    top = module.split(".")[0]
    return [
        f"{aliases[node.value.id]}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and aliases[node.value.id].split(".")[0] != top
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def _rule_broken(imp: Import) -> str | None:
    """Why an import breaks the layering, or None."""
    source, target = imp.source.split(".")[0], imp.target.split(".")[0]
    if source == target:
        return None
    if any(name.startswith("_") and not name.startswith("__") for name in imp.names):
        return "reads a private name of another package"
    if source == "whoosh_jieba":
        return "whoosh_jieba imports none of the project's packages"
    if source == "pg_jieba" and imp.target != "whoosh_jieba.analyzer":
        return "pg_jieba imports whoosh_jieba.analyzer only"
    if source == "pagecache" and target != "website":
        return "pagecache imports website at most"
    if target == "pagecache" and imp.target != "pagecache":
        return "apps use pagecache's public API (the package), not its modules"
    if source == "search" and target in APPS and ".models" in f".{imp.target}.":
        return "search imports no app's models (hooks or registries only)"
    if source in LAYERS and target in LAYERS and LAYERS.index(target) > LAYERS.index(source):
        return f"{source} is below {target}"
    return None


def _known(source: str, name: str) -> bool:
    return any(
        source == known_source and (name == known or name.startswith(known + "."))
        for known_source, known in KNOWN_VIOLATIONS
    )


def layer_violations(root: Path, packages=PACKAGES) -> list[str]:
    """Imports that break the layering, as readable lines; known offenders left out."""
    modules = find_modules(root, packages)
    problems = []
    for module, path in modules.items():
        for imp in imports_of(module, path, modules):
            reason = _rule_broken(imp)
            taken = [f"{imp.target}.{n}" for n in imp.names] or [imp.target]
            if reason and not any(_known(module, t) for t in taken):
                problems.append(
                    f"{path.relative_to(root)}:{imp.line} imports {imp.target}: {reason}"
                )
        for name in _private_attributes(module, path, modules):
            if not _known(module, name):
                problems.append(f"{path.relative_to(root)} reads {name}: a private name")
    return problems


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm (iterative): the graph's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def import_cycles(root: Path, packages=PACKAGES) -> list[set[str]]:
    """Groups of project modules that import each other (imports that run, wherever they are
    in the module); known ones left out."""
    modules = find_modules(root, packages)
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, path in modules.items():
        for imp in imports_of(module, path, modules):
            if imp.runs and imp.target != module:
                graph[module].add(imp.target)
    return [
        component
        for component in strongly_connected(graph)
        if len(component) > 1 and not any(component <= known for known in KNOWN_CYCLES)
    ]


# ---- the project ---------------------------------------------------------------------------------


def test_lower_layers_never_import_higher_ones():
    assert layer_violations(ROOT) == []


def test_no_import_cycle_between_project_modules():
    assert import_cycles(ROOT) == []


def test_the_known_offenders_still_exist():
    """An allow-list entry whose import is gone must be deleted, so the list only shrinks."""
    modules = find_modules(ROOT)
    for source, name in KNOWN_VIOLATIONS:
        if source not in modules:
            continue  # moved by the refactor: the entry goes with the merge
        path = modules[source]
        taken = {
            f"{imp.target}.{n}" if n else imp.target
            for imp in imports_of(source, path, modules)
            for n in imp.names or ("",)
        } | set(_private_attributes(source, path, modules))
        assert any(t == name or t.startswith(name + ".") for t in taken), (source, name)


# ---- the checker itself, on a planted tree -------------------------------------------------------


def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in PACKAGES:
        if (root / package).is_dir():
            (root / package / "__init__.py").touch()
    return root


CLEAN = {
    "website/models.py": "from django.db import models\n",
    "notices/models.py": "from website.models import models\n",
    "publicity/models.py": "from notices import models\nfrom website import models as base\n",
    "approvals/views.py": "import pagecache\nfrom publicity.models import models\n",
    "pagecache/cache.py": "from website.models import models\n",
    "pagecache/rules.py": "from .cache import models\n",
    "whoosh_jieba/index.py": "import whoosh\nfrom . import analyzer\n",
    "whoosh_jieba/analyzer.py": "import jieba\n",
    "pg_jieba/tsearch.py": "from whoosh_jieba.analyzer import char_tokens\n",
    "search/views.py": "from whoosh_jieba import index\nfrom website.formatting import x\n",
    "website/formatting.py": "x = 1\n",
    "notices/migrations/0001_initial.py": "from approvals.models import Anything\n",
}


def test_a_clean_tree_passes(tmp_path):
    root = plant(tmp_path, CLEAN)
    assert layer_violations(root) == []
    assert import_cycles(root) == []


def test_a_missing_package_is_skipped(tmp_path):
    root = plant(tmp_path, {"website/models.py": "import notices.models\n"})
    assert layer_violations(root) == [] and import_cycles(root) == []


def test_a_planted_upward_import_fails(tmp_path):
    root = plant(tmp_path, {**CLEAN, "website/formatting.py": "from publicity.models import x\n"})
    assert layer_violations(root) == [
        "website/formatting.py:1 imports publicity.models: website is below publicity"
    ]


def test_a_function_local_upward_import_fails(tmp_path):
    local = "def f():\n    from .. import approvals\n    from approvals import views\n"
    root = plant(tmp_path, {**CLEAN, "notices/feeds.py": local})
    assert layer_violations(root) == [
        "notices/feeds.py:3 imports approvals.views: notices is below approvals"
    ]


def test_relative_and_type_checking_imports_are_resolved(tmp_path):
    text = (
        "from typing import TYPE_CHECKING\nfrom ..models import models\n"
        "if TYPE_CHECKING:\n    from approvals import views\n"
    )
    root = plant(tmp_path, {**CLEAN, "publicity/sub/__init__.py": "", "publicity/sub/a.py": text})
    modules = find_modules(root)
    found = imports_of("publicity.sub.a", modules["publicity.sub.a"], modules)
    assert [(i.target, i.names, i.runs, i.module_level) for i in found] == [
        ("publicity.models", ("models",), True, True),
        ("approvals.views", (), False, False),
    ]
    assert layer_violations(root) == [
        "publicity/sub/a.py:4 imports approvals.views: publicity is below approvals"
    ]


def test_the_other_rules_fail_when_broken(tmp_path):
    root = plant(
        tmp_path,
        {
            **CLEAN,
            "whoosh_jieba/store.py": "from website import formatting\n",
            "pg_jieba/backend.py": "from whoosh_jieba import index\n",
            "pagecache/signals.py": "def f():\n    import notices.models\n",
            "search/hooks.py": "from approvals.models import Doc\n",
            "approvals/models.py": "Doc = 1\n",
            "publicity/roster.py": "from pagecache.rules import register\n",
            "approvals/identity.py": (
                "from publicity import models as pm\nfrom website.formatting import _key\n"
                "pm._private()\n"
            ),
        },
    )
    assert sorted(layer_violations(root)) == [
        "approvals/identity.py reads publicity.models._private: a private name",
        "approvals/identity.py:2 imports website.formatting: reads a private name of another "
        "package",
        "pagecache/signals.py:2 imports notices.models: pagecache imports website at most",
        "pg_jieba/backend.py:1 imports whoosh_jieba.index: pg_jieba imports whoosh_jieba.analyzer "
        "only",
        "publicity/roster.py:1 imports pagecache.rules: apps use pagecache's public API "
        "(the package), not its modules",
        "search/hooks.py:1 imports approvals.models: search imports no app's models (hooks or "
        "registries only)",
        "whoosh_jieba/store.py:1 imports website.formatting: whoosh_jieba imports none of the "
        "project's packages",
    ]


def test_a_planted_cycle_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            **CLEAN,
            "notices/a.py": "from notices import b\n",
            "notices/b.py": "from . import c\n",
            "notices/c.py": "import notices.a\n",
        },
    )
    assert import_cycles(root) == [{"notices.a", "notices.b", "notices.c"}]


def test_a_cycle_hidden_in_a_function_still_fails_but_type_checking_does_not(tmp_path):
    files = {
        **CLEAN,
        "notices/a.py": "from notices import b\n",
        "notices/b.py": "def f():\n    from notices import a\n",
    }
    assert import_cycles(plant(tmp_path / "local", files)) == [{"notices.a", "notices.b"}]
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from notices import a\n"
    files["notices/b.py"] = typing_only
    assert import_cycles(plant(tmp_path / "typing", files)) == []


def test_strongly_connected_components():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": set()}
    components = sorted(sorted(c) for c in strongly_connected(graph))
    assert components == [["a", "b", "c"], ["d", "e"], ["f"]]
