"""The reductions the minimizer tries on a program's AST, the cleanup, and a static sanity check.

A reduction is an :data:`Edit`: a function that changes a *copy* of the current tree in place and
says whether it applied.  Edits find their site again by position in a deterministic walk, so the
same tree always yields the same edits in the same order.  Each ``*_edits`` generator lists the
edits of one kind for a tree, most promising first; the driver (``minimize``) decides which to try.

:func:`remove_dead_code` deletes what nothing reads (assignments, layers, helpers, imports) and is
applied after every edit, so dropping the use of a value drops the value in the same test.
:func:`well_formed` rejects candidates that could only fail for a boring reason (a name no longer
defined, a layer no longer built, inputs that no longer match the parameters) before they cost a
run.  Nothing here imports a framework.
"""

from __future__ import annotations

import ast
import builtins
import copy
import dataclasses
import math
from collections.abc import Callable, Iterator

from fuzzfox.program import ENTRY_CLASS, ENTRY_FUNCTION, INPUTS_FUNCTION

Edit = Callable[[ast.Module], bool]

BUILTIN_NAMES = frozenset(dir(builtins))
SIMPLE_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Assert, ast.Delete)
COMPOUND_STATEMENTS = (ast.For, ast.While, ast.If, ast.With)
# nn.Module methods that reach layers without naming them: a class using them keeps its layers.
INTROSPECTION = frozenset(
    {"children", "modules", "parameters", "buffers", "apply", "state_dict", "__dict__"}
    | {"named_children", "named_modules", "named_parameters", "named_buffers"}
)
# Integer keyword arguments that are axes, not sizes: shrinking them changes meaning, not size.
AXIS_KEYWORDS = frozenset({"dim", "dims", "axis", "start_dim", "end_dim", "dim0", "dim1"})


# ------------------------------------------------------------------------------ the program's parts


def model_class(tree: ast.Module) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == ENTRY_CLASS), None)


def _methods(tree: ast.Module) -> list[ast.FunctionDef]:
    model = model_class(tree)
    return [n for n in model.body if isinstance(n, ast.FunctionDef)] if model else []


def _top_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def _method(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    return next((m for m in _methods(tree) if m.name == name), None)


def inputs_function(tree: ast.Module) -> ast.FunctionDef | None:
    return next((f for f in _top_functions(tree) if f.name == INPUTS_FUNCTION), None)


def entry_function(tree: ast.Module) -> ast.FunctionDef | None:
    if model_class(tree) is not None:
        return _method(tree, "forward")
    return next((f for f in _top_functions(tree) if f.name == ENTRY_FUNCTION), None)


def compute_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The code that is compiled: the entry point first, then the helpers it may call."""
    entry = entry_function(tree)
    rest = [m for m in _methods(tree) if m.name != "__init__"]
    rest += [f for f in _top_functions(tree) if f.name != INPUTS_FUNCTION]
    return ([entry] if entry else []) + [f for f in rest if f is not entry]


def all_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """Compute code, then ``__init__``, then ``make_inputs``."""
    extra = [_method(tree, "__init__"), inputs_function(tree)]
    return compute_functions(tree) + [f for f in extra if f is not None]


def _parameters(function: ast.FunctionDef) -> list[str]:
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def _inputs(function: ast.FunctionDef) -> list[str]:
    """Positional parameters that carry tensors (``self`` is not one)."""
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return positional[1:] if positional[:1] == ["self"] else positional


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _replace(parents: dict[ast.AST, ast.AST], old: ast.AST, new: ast.AST) -> None:
    parent = parents[old]
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
        elif isinstance(value, list):
            value[:] = [new if item is old else item for item in value]


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _self_attribute(node: ast.AST) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) and _is_self(node.value) else None


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _loaded_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(node: ast.AST) -> set[str]:
    """Every name the node binds, nested scopes included (lenient on purpose)."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update(_alias_name(a) for a in n.names)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
    return names


def _scoped_names(node: ast.AST) -> set[str]:
    """Names bound inside a simple statement's own little scopes: lambdas, comprehensions, walrus."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Lambda):
            names.update(_bound_names(n.args))
        elif isinstance(n, (ast.comprehension, ast.NamedExpr)):
            names.update(_bound_names(n.target))
    return names


def _alias_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        else:
            names |= _bound_names(statement)
    return names


# ------------------------------------------------------------------------------ the static check


def well_formed(tree: ast.Module, layers: frozenset[str]) -> bool:
    """No name read before it is bound, no layer of ``layers`` read but not built, inputs that fit.

    ``layers`` are the ``self`` attributes the original program assigned: reading one that is gone
    is an AttributeError, not the bug.
    """
    outer = _module_names(tree) | BUILTIN_NAMES
    if any(_outer_loads(s) - outer - _scoped_names(s) for s in tree.body):
        return False
    functions = [*_top_functions(tree), *_methods(tree)]
    if not all(_binds_before_use(function, outer) for function in functions):
        return False
    if _self_reads(tree) & (layers - _self_writes(tree)):
        return False
    returning = [entry_function(tree), inputs_function(tree)]
    return all(f is not None and _returns_value(f) for f in returning) and _inputs_fit(tree)


def _returns_value(function: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(function))


def _outer_loads(node: ast.AST) -> set[str]:
    """Names read when the statement itself runs (a function body runs later: it is not read)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        return set().union(*(_loaded_names(part) for part in parts))
    if isinstance(node, ast.Lambda):
        return set()
    if isinstance(node, ast.ClassDef):
        parts = [*node.bases, *(k.value for k in node.keywords), *node.decorator_list]
        inner = set().union(*(_outer_loads(s) for s in node.body))
        bound = set().union(*(_bound_names(s) for s in node.body if not isinstance(s, ast.FunctionDef)))
        return set().union(*(_loaded_names(part) for part in parts)) | (inner - bound)
    names = {node.id} if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else set()
    for child in ast.iter_child_nodes(node):
        names |= _outer_loads(child)
    return names


def _binds_before_use(function: ast.FunctionDef, outer: set[str]) -> bool:
    """Straight-line check of the function's top level; compound statements are judged leniently."""
    known = outer | set(_parameters(function))
    for statement in function.body:
        needed = _loaded_names(statement)
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            needed.add(statement.target.id)
        simple = isinstance(statement, SIMPLE_STATEMENTS)
        own = _scoped_names(statement) if simple else _bound_names(statement)
        if needed - known - own:
            return False
        known |= _bound_names(statement)
    return True


def _self_reads(tree: ast.Module) -> set[str]:
    return {
        n.attr
        for function in _methods(tree)
        for n in ast.walk(function)
        if _self_attribute(n) and isinstance(n.ctx, ast.Load)  # type: ignore[attr-defined]
    }


def _self_writes(tree: ast.Module) -> set[str]:
    writes = {
        n.attr
        for function in _methods(tree)
        for n in ast.walk(function)
        if _self_attribute(n) and not isinstance(n.ctx, ast.Load)  # type: ignore[attr-defined]
    }
    model = model_class(tree)
    if model is not None:
        writes |= {name for s in model.body if not isinstance(s, ast.FunctionDef) for name in _bound_names(s)}
    return writes


def layer_names(tree: ast.Module) -> frozenset[str]:
    return frozenset(_self_writes(tree))


def _inputs_fit(tree: ast.Module) -> bool:
    """``make_inputs`` returns as many values as the entry point takes (when both are literal)."""
    entry, inputs = entry_function(tree), inputs_function(tree)
    returned = _returned_inputs(inputs) if inputs else None
    if entry is None or returned is None or entry.args.vararg is not None:
        return True
    count = len(_inputs(entry))
    required = count - len(entry.args.defaults)
    return required <= len(returned) <= count


def _returned_inputs(inputs: ast.FunctionDef) -> list[ast.expr] | None:
    last = inputs.body[-1]
    if isinstance(last, ast.Return) and isinstance(last.value, (ast.Tuple, ast.List)):
        elements = last.value.elts
        return None if any(isinstance(e, ast.Starred) for e in elements) else elements
    return None


# ------------------------------------------------------------------------------ dead code


def remove_dead_code(tree: ast.Module) -> None:
    """Delete, until nothing changes, what no code reads: assignments, layers, helpers, imports.

    Only values without visible side effects go: no in-place call (``x.add_(...)``), no ``out=``.
    """
    while _remove_dead_once(tree):
        pass


def _remove_dead_once(tree: ast.Module) -> bool:
    changed = _drop_unused_imports(tree)
    changed |= _drop_unused_definitions(tree)
    changed |= _drop_unused_layers(tree)
    for function in all_functions(tree):
        changed |= _drop_dead_assignments(function)
    return changed


def _drop_unused_imports(tree: ast.Module) -> bool:
    used = _loaded_names(tree)
    changed = False
    for statement in list(tree.body):
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        kept = [a for a in statement.names if _alias_name(a) in used]
        if len(kept) != len(statement.names):
            changed = True
            if kept:
                statement.names = kept
            else:
                tree.body.remove(statement)
    return changed


def _drop_unused_definitions(tree: ast.Module) -> bool:
    """Helper functions and methods nobody calls, module-level assignments nobody reads."""
    used = _loaded_names(tree) | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)
    }
    entry_points = {ENTRY_CLASS, ENTRY_FUNCTION, INPUTS_FUNCTION, "forward", "__init__"}
    changed = False
    model = model_class(tree)
    for body in (tree.body, model.body if model else []):
        for statement in list(body):
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                dead = statement.name not in used and statement.name not in entry_points
            else:
                dead = _is_dead_assignment(statement, used)
            if dead and len(body) > 1:
                body.remove(statement)
                changed = True
    return changed


def _drop_unused_layers(tree: ast.Module) -> bool:
    """Layers nothing reads; then an ``__init__`` left with nothing but ``super().__init__()``."""
    init, model = _method(tree, "__init__"), model_class(tree)
    if init is None or model is None or _introspects(tree):
        return False
    read = _self_reads(tree)
    kept = [
        s
        for s in init.body
        if not (
            isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and _self_attribute(s.targets[0]) not in read | {None}
            and _is_pure(s.value)
        )
    ]
    changed = len(kept) != len(init.body)
    init.body[:] = kept or [ast.Pass()]
    if all(_is_super_init(s) or isinstance(s, ast.Pass) for s in init.body):
        model.body.remove(init)
        changed = True
    return changed


def _is_super_init(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _introspects(tree: ast.Module) -> bool:
    """Whether the model reaches its layers other than by name (``self.children()``, ``getattr``)."""
    model = model_class(tree)
    if model is None:
        return False
    parents = _parents(model)
    for node in ast.walk(model):
        if _is_self(node) and isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
            parent = parents.get(node)
            if not isinstance(parent, ast.Attribute) or parent.attr in INTROSPECTION:
                return True
    return False


def _drop_dead_assignments(function: ast.FunctionDef) -> bool:
    used = _loaded_names(function)
    changed = False
    for statement in list(function.body):
        if _is_dead_assignment(statement, used) and len(function.body) > 1:
            function.body.remove(statement)
            changed = True
    return changed


def _is_dead_assignment(statement: ast.stmt, used: set[str]) -> bool:
    if not isinstance(statement, ast.Assign) or not _is_pure(statement.value):
        return False
    targets: list[ast.expr] = []
    for target in statement.targets:
        targets.extend(target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])
    return all(isinstance(t, ast.Name) and t.id not in used for t in targets)


def _is_pure(node: ast.AST) -> bool:
    for n in ast.walk(node):
        if isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if isinstance(n, ast.Call):
            func = n.func
            if isinstance(func, ast.Attribute) and func.attr.endswith("_") and not func.attr.endswith("__"):
                return False
            if any(k.arg == "out" for k in n.keywords):
                return False
    return True


# ------------------------------------------------------------------------------ statement lists


def bodies(tree: ast.Module) -> list[str]:
    """Keys of the statement lists delta debugging works on, compute code first, module last."""
    model = model_class(tree)
    keys = [_function_key(f, model) for f in all_functions(tree)]
    return [*keys, *([ENTRY_CLASS] if model else []), ""]


def _function_key(function: ast.FunctionDef, model: ast.ClassDef | None) -> str:
    is_method = model is not None and function in model.body
    return f"{ENTRY_CLASS}.{function.name}" if is_method else function.name


def body_of(tree: ast.Module, key: str) -> list[ast.stmt] | None:
    """The statement list a key of :func:`bodies` names, in this tree."""
    model = model_class(tree)
    if key == "":
        return tree.body
    if key == ENTRY_CLASS:
        return model.body if model else None
    owner, _, name = key.rpartition(".")
    scope = (model.body if model else []) if owner else tree.body
    found = next((n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name), None)
    return found.body if found else None


def keep_statements(key: str, kept: list[int]) -> Edit:
    def edit(tree: ast.Module) -> bool:
        body = body_of(tree, key)
        if body is None or not kept:
            return False
        body[:] = [body[i] for i in kept]
        return True

    return edit


# ------------------------------------------------------------------------------ structural edits


def layer_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop a layer: its ``self.x = ...`` in ``__init__``, and ``self.x(h, ...)`` becomes ``h``."""
    init = _method(tree, "__init__")
    if init is None:
        return
    seen: list[str] = []
    for statement in init.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            name = _self_attribute(statement.targets[0])
            if name and name not in seen:
                seen.append(name)
                yield _drop_layer(name)


def _drop_layer(name: str) -> Edit:
    def edit(tree: ast.Module) -> bool:
        init = _method(tree, "__init__")
        if init is None:
            return False
        init.body[:] = [
            s
            for s in init.body
            if not (isinstance(s, ast.Assign) and any(_self_attribute(t) == name for t in s.targets))
        ] or [ast.Pass()]
        parents = _parents(tree)
        for function in compute_functions(tree):
            for node in list(ast.walk(function)):
                if isinstance(node, ast.Call) and _self_attribute(node.func) == name:
                    if not node.args or isinstance(node.args[0], ast.Starred):
                        return False
                    _replace(parents, node, node.args[0])
                    parents[node.args[0]] = parents[node]
        return True

    return edit


def unwrap_edits(tree: ast.Module) -> Iterator[Edit]:
    """Replace a ``for``/``while``/``if``/``with`` statement by its body (an ``if`` also by its else)."""
    for key in bodies(tree):
        body = body_of(tree, key) or []
        for index, statement in enumerate(body):
            if isinstance(statement, COMPOUND_STATEMENTS):
                yield _unwrap(key, index, "body")
                if isinstance(statement, ast.If) and statement.orelse:
                    yield _unwrap(key, index, "orelse")


def _unwrap(key: str, index: int, field: str) -> Edit:
    def edit(tree: ast.Module) -> bool:
        body = body_of(tree, key)
        if body is None or index >= len(body):
            return False
        body[index : index + 1] = getattr(body[index], field)
        return True

    return edit


def input_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop an input the entry point never reads, and its value in ``make_inputs``."""
    entry, inputs = entry_function(tree), inputs_function(tree)
    if entry is None or inputs is None or _returned_inputs(inputs) is None:
        return
    read = _loaded_names(entry)
    for position, name in enumerate(_inputs(entry)):
        if name not in read:
            yield _drop_input(position)


def _drop_input(position: int) -> Edit:
    def edit(tree: ast.Module) -> bool:
        entry, inputs = entry_function(tree), inputs_function(tree)
        returned = _returned_inputs(inputs) if inputs else None
        if entry is None or returned is None or position >= len(returned):
            return False
        names = entry.args.posonlyargs + entry.args.args
        offset = 1 if names and names[0].arg == "self" else 0
        target = names[position + offset]
        for group in (entry.args.posonlyargs, entry.args.args):
            if target in group:
                group.remove(target)
        del returned[position]
        return True

    return edit


def inline_edits(tree: ast.Module) -> Iterator[Edit]:
    """Fold ``y = <expr>`` into the one later statement that reads ``y``."""
    for f_index, function in enumerate(compute_functions(tree)):
        for s_index in range(len(function.body)):
            if _inline_target(function, s_index) is not None:
                yield _inline(f_index, s_index)


def _inline_target(function: ast.FunctionDef, index: int) -> ast.Name | None:
    """The single read of the name the statement assigns, if it can take the value's place."""
    statement = function.body[index]
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return None
    name = statement.targets[0].id
    later = function.body[index + 1 :]
    reads = [
        (position, n)
        for position, s in enumerate(later)
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]
    if len(reads) != 1:
        return None
    position, read = reads[0]
    rebound = _loaded_names(statement.value) | {name}
    if any(_bound_names(s) & rebound for s in later[:position]):
        return None
    user = later[position]
    if not isinstance(user, SIMPLE_STATEMENTS) or _scoped_names(user):
        return None
    return read


def _inline(f_index: int, s_index: int) -> Edit:
    def edit(tree: ast.Module) -> bool:
        functions = compute_functions(tree)
        if f_index >= len(functions) or s_index >= len(functions[f_index].body):
            return False
        function = functions[f_index]
        read = _inline_target(function, s_index)
        if read is None:
            return False
        statement = function.body[s_index]
        assert isinstance(statement, ast.Assign)
        _replace(_parents(function), read, statement.value)
        del function.body[s_index]
        return True

    return edit


# ------------------------------------------------------------------------------ expressions


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
        parents = _parents(function)
        local = set(_parameters(function)) | _bound_names(function) | {"self"}
        earlier = [list(_inputs(function))]
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
    if _is_self(node) or _is_constant(node):
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
    return site.earlier if site.whole else _inputs(site.function)


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
        _replace(_parents(site.function), site.node, new)
        return True

    return edit


# ------------------------------------------------------------------------------ arguments


def argument_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop a keyword argument, a positional argument, or an element of a list argument."""
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    imported = {_alias_name(alias) for statement in imports for alias in statement.names}
    for index, call in enumerate(_calls(tree)):
        for keyword in range(len(call.keywords)):
            yield _drop_argument(index, "keywords", keyword, None)
        for position, argument in enumerate(call.args):
            if _droppable(call, position, imported):
                yield _drop_argument(index, "args", position, None)
            if isinstance(argument, (ast.List, ast.Tuple)) and len(argument.elts) > 1:
                for element in range(len(argument.elts)):
                    yield _drop_argument(index, "args", position, element)


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [n for f in all_functions(tree) for n in ast.walk(f) if isinstance(n, ast.Call)]


def _droppable(call: ast.Call, position: int, imported: set[str]) -> bool:
    """A layer call keeps its arguments; a library function keeps its first operand unless a size."""
    func = call.func
    argument = call.args[position]
    if isinstance(argument, ast.Starred) or _self_attribute(func):
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


# ------------------------------------------------------------------------------ constants


def int_edits(tree: ast.Module) -> Iterator[Edit]:
    """Shrink sizes of inputs and layers: a value everywhere at once (shapes must agree), then one
    place at a time; toward 1, 2, then half."""
    everywhere = _int_constants([tree])
    sizes = _int_constants([f for f in (inputs_function(tree), _method(tree, "__init__")) if f])
    for value in sorted({c.value for c in sizes}, reverse=True):
        targets = sorted({t for t in (1, 2, value // 2) if 1 <= t < value})
        if sum(c.value == value for c in everywhere) > 1:
            for target in targets:
                yield _set_ints(value, target, None)
        for site, constant in enumerate(sizes):
            if constant.value == value:
                for target in targets:
                    yield _set_ints(value, target, site)


def _int_constants(roots: list[ast.AST]) -> list[ast.Constant]:
    """Integer literals above 1, not booleans, not axes."""
    found: list[ast.Constant] = []
    for root in roots:
        parents = _parents(root)
        for node in ast.walk(root):
            if (
                isinstance(node, ast.Constant)
                and type(node.value) is int
                and node.value > 1
                and not (isinstance(parents.get(node), ast.keyword) and parents[node].arg in AXIS_KEYWORDS)
            ):
                found.append(node)
    return found


def _set_ints(value: int, target: int, site: int | None) -> Edit:
    def edit(tree: ast.Module) -> bool:
        if site is None:
            constants = [c for c in _int_constants([tree]) if c.value == value]
        else:
            sizes = _int_constants([f for f in (inputs_function(tree), _method(tree, "__init__")) if f])
            constants = [sizes[site]] if site < len(sizes) and sizes[site].value == value else []
        for constant in constants:
            constant.value = target
        return bool(constants)

    return edit


def float_edits(tree: ast.Module) -> Iterator[Edit]:
    """Simplify a float literal: toward 0 or 1, rounded, or to one significant digit."""
    for site, constant in enumerate(_float_constants(tree)):
        value = constant.value
        if not math.isfinite(value):
            continue
        targets = dict.fromkeys((0.0, 1.0, float(round(value)), float(f"{value:.1g}")))
        for target in targets:
            if target != value:
                yield _set_float(site, target)


def _float_constants(tree: ast.Module) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float]


def _set_float(site: int, target: float) -> Edit:
    def edit(tree: ast.Module) -> bool:
        constants = _float_constants(tree)
        if site >= len(constants):
            return False
        constants[site].value = target
        return True

    return edit
