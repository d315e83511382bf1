"""Expression reductions: a sub-expression replaced by an operand or an earlier name, an argument
dropped."""

from __future__ import annotations

import ast
import copy
import dataclasses
from collections.abc import Iterator

from fuzzfox.program_ast import bound_name, compute_functions
from fuzzfox.triage.minimize_passes.common import (
    AXIS_KEYWORDS,
    Edit,
    all_functions,
    bound_names,
    input_parameters,
    is_self,
    parameter_names,
    parents_of,
    replace,
    self_attribute,
)


def expression_edits(tree: ast.Module) -> Iterator[Edit]:
    """Replace a sub-expression of the compute code by a name readable there, or by an operand.

    ``y = torch.relu(x + b)`` -> ``y = x + b`` -> ``y = x``; a variable or a statement's value
    may also become an earlier variable (``return c.sum()`` -> ``return b``), after which the code
    computing ``c`` is dead.  Names come first, earliest first: the biggest cut is tried first.
    """
    for index, site in enumerate(_expression_sites(tree)):
        for name in _substitutes(site):
            yield _replace_expression(index, None, name)
        for operand in range(len(_operands(site))):
            yield _replace_expression(index, operand, None)


@dataclasses.dataclass
class _Site:
    function: ast.FunctionDef
    node: ast.expr
    local: set[str]  # every name the function binds, and self
    earlier: list[str]  # inputs, then variables assigned in the statements before this one
    whole: bool  # the node is its statement's whole value


def _expression_sites(tree: ast.Module) -> list[_Site]:
    """Every replaceable node of the compute code: last statement first (its value feeds nothing
    else, so replacing it can make the most code dead), outer nodes before inner ones."""
    sites: list[_Site] = []
    for function in compute_functions(tree):
        parents = parents_of(function)
        local = set(parameter_names(function)) | bound_names(function) | {"self"}
        earlier = [list(input_parameters(function))]
        for statement in function.body:
            assigned = [
                target.id
                for node in ast.walk(statement)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            ]
            new = [name for name in dict.fromkeys(assigned) if name not in earlier[-1]]
            earlier.append(earlier[-1] + new)
        for index in reversed(range(len(function.body))):
            statement = function.body[index]
            for node in ast.walk(statement):
                if isinstance(node, ast.expr) and _is_value(node, local) and _replaceable(node, parents):
                    whole = node is getattr(statement, "value", None)
                    sites.append(_Site(function, node, local, earlier[index], whole))
    return sites


def _is_value(node: ast.expr, local: set[str]) -> bool:
    """Whether the node computes a value, rather than naming a module, dtype, function or ``self``."""
    if is_self(node) or _is_constant(node):
        return False
    if isinstance(node, (ast.Starred, ast.Slice, ast.JoinedStr, ast.FormattedValue, ast.Lambda)):
        return False
    if isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
        return False
    chain: ast.expr = node
    while isinstance(chain, ast.Attribute):
        chain = chain.value
    return not isinstance(chain, ast.Name) or chain.id in local


def _replaceable(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """Not a callee, and not inside an index or an axis argument (those are not tensor math)."""
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Call) and child is parent.func:
            return False
        if isinstance(parent, ast.Subscript) and child is parent.slice:
            return False
        if isinstance(parent, ast.keyword) and parent.arg in AXIS_KEYWORDS:
            return False
        child, parent = parent, parents.get(parent)
    return True


def _is_constant(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    return isinstance(node, ast.Constant)


def _operands(site: _Site) -> list[ast.expr]:
    """The node's value children: what it could be replaced by."""
    node = site.node
    children: list[ast.expr] = []
    if isinstance(node, ast.BinOp):
        children = [node.left, node.right]
    elif isinstance(node, ast.UnaryOp):
        children = [node.operand]
    elif isinstance(node, ast.IfExp):
        children = [node.body, node.orelse]
    elif isinstance(node, (ast.Subscript, ast.Attribute)):
        children = [node.value]
    elif isinstance(node, (ast.Tuple, ast.List)):
        children = list(node.elts)
    elif isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            children.append(node.func.value)
        children += node.args
        children += [k.value for k in node.keywords]
    return [c for c in children if _is_value(c, site.local)]


def _substitutes(site: _Site) -> list[str]:
    """Names that may stand in for the node, earliest first: an input, or for a variable or a
    statement's whole value also a variable assigned before."""
    if isinstance(site.node, ast.Name):
        return [name for name in site.earlier if name != site.node.id]
    return site.earlier if site.whole else input_parameters(site.function)


def _replace_expression(index: int, operand: int | None, name: str | None) -> Edit:
    def edit(tree: ast.Module) -> bool:
        sites = _expression_sites(tree)
        if index >= len(sites):
            return False
        site = sites[index]
        if operand is not None:
            options = _operands(site)
            if operand >= len(options):
                return False
            new: ast.expr = copy.deepcopy(options[operand])
        else:
            new = ast.Name(str(name), ast.Load())
        replace(parents_of(site.function), site.node, new)
        return True

    return edit


# Calls that seed a random generator (numpy, torch, jax, tf, Python): without its argument the
# generator seeds itself from the OS, and a reproducer would draw new inputs on every run.
SEEDING_CALLS = frozenset(
    {"default_rng", "RandomState", "Generator", "SeedSequence", "PCG64", "seed", "manual_seed"}
    | {"PRNGKey", "key", "set_seed", "from_seed", "Random"}
)


def argument_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop a keyword argument, a positional argument, or an element of a list argument (never
    the seed of a random generator: the reproducer must draw the same inputs every run)."""
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    imported = {bound_name(alias) for statement in imports for alias in statement.names}
    for index, call in enumerate(_calls(tree)):
        if _seeds_a_generator(call):
            continue
        for keyword in range(len(call.keywords)):
            yield _drop_argument(index, "keywords", keyword, None)
        for position, argument in enumerate(call.args):
            if _droppable(call, position, imported):
                yield _drop_argument(index, "args", position, None)
            if isinstance(argument, (ast.List, ast.Tuple)) and len(argument.elts) > 1:
                for element in range(len(argument.elts)):
                    yield _drop_argument(index, "args", position, element)


def _seeds_a_generator(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in SEEDING_CALLS


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [n for f in all_functions(tree) for n in ast.walk(f) if isinstance(n, ast.Call)]


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _droppable(call: ast.Call, position: int, imported: set[str]) -> bool:
    """A layer call keeps its arguments; a library function keeps its first operand unless a size."""
    func = call.func
    argument = call.args[position]
    if isinstance(argument, ast.Starred) or self_attribute(func):
        return False
    is_method_of_value = isinstance(func, ast.Attribute) and _root_name(func.value) not in imported
    return position > 0 or is_method_of_value or _is_constant(argument)


def _drop_argument(index: int, field: str, position: int, element: int | None) -> Edit:
    def edit(tree: ast.Module) -> bool:
        calls = _calls(tree)
        if index >= len(calls):
            return False
        arguments = getattr(calls[index], field)
        if position >= len(arguments):
            return False
        if element is None:
            del arguments[position]
            return True
        container = arguments[position]
        if not isinstance(container, (ast.List, ast.Tuple)) or element >= len(container.elts):
            return False
        del container.elts[element]
        return True

    return edit
