"""Every data name a Jinja template uses, as a JSON Pointer pattern, with its line.

``{% for m in performance_measures %}{{ m.target }}`` uses
``/performance_measures`` and ``/performance_measures/*/target``: loop
variables are followed back to the list they came from, so a misspelt field
inside a table row is caught, not only a misspelt top-level name. Values that
are not data (a filter's result, ``loop``, Jinja's globals) are followed no
further.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

__all__ = ["NameUse", "names_used"]


class _Other:
    """A value that is not a record field: a constant, a filter's result, a paragraph of text."""


class _Builtin:
    """``loop`` or one of Jinja's globals: anything may be asked of it."""


OTHER = _Other()
BUILTIN = _Builtin()
Value = str | _Other | _Builtin

# Filters that hand back (some of) the same items, or one of them.
_SAME_ITEMS = frozenset({"list", "sort", "reverse", "selectattr", "rejectattr", "unique", "default", "d"})
_ONE_ITEM = frozenset({"first", "last", "random", "min", "max"})


@dataclass(frozen=True)
class NameUse:
    """One data name used by a template: ``/cost/annual_amount`` on template line 12."""

    pointer: str
    lineno: int

    @property
    def dotted(self) -> str:
        """The name as a template writes it, with ``[]`` for any item of a list."""
        return self.pointer.strip("/").replace("/*", "[]").replace("/", ".")


class _Walker:
    def __init__(self, builtins: Iterable[str]) -> None:
        self.builtins = frozenset(builtins)
        self.uses: list[NameUse] = []

    def _use(self, pointer: str, lineno: int) -> str:
        self.uses.append(NameUse(pointer, lineno))
        return pointer

    def _child(self, base: Value, name: str, lineno: int) -> Value:
        return self._use(f"{base}/{name}", lineno) if isinstance(base, str) else base

    @staticmethod
    def _item(base: Value) -> Value:
        return f"{base}/*" if isinstance(base, str) else base

    def _bind(self, target: nodes.Node, value: Value, scope: dict[str, Value]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, OTHER, scope)

    def _all(self, items: Iterable[Any], scope: dict[str, Value]) -> None:
        for item in items:
            if isinstance(item, nodes.Expr):
                self.expr(item, scope)
            elif isinstance(item, nodes.Node):
                self.visit(item, scope)

    def expr(self, node: nodes.Expr, scope: dict[str, Value]) -> Value:
        if isinstance(node, nodes.Name):
            if node.ctx != "load":
                return OTHER
            if node.name in scope:
                return scope[node.name]
            if node.name in self.builtins:
                return BUILTIN
            return self._use(f"/{node.name}", node.lineno)
        if isinstance(node, nodes.Getattr):
            return self._child(self.expr(node.node, scope), node.attr, node.lineno)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, int | str):
                key = node.arg.value
                return self._child(base, "*" if isinstance(key, int) else key, node.lineno)
            self.expr(node.arg, scope)
            return OTHER
        if isinstance(node, nodes.Filter | nodes.Test):
            base = self.expr(node.node, scope) if node.node is not None else OTHER
            self._all([*node.args, *(kw.value for kw in node.kwargs), node.dyn_args, node.dyn_kwargs], scope)
            if isinstance(node, nodes.Filter) and node.name in _SAME_ITEMS:
                return base
            if isinstance(node, nodes.Filter) and node.name in _ONE_ITEM:
                return self._item(base)
            return OTHER
        self._all(node.iter_child_nodes(), scope)
        return OTHER

    def visit(self, node: nodes.Node, scope: dict[str, Value]) -> None:
        if isinstance(node, nodes.For):
            inner = dict(scope)
            self._bind(node.target, self._item(self.expr(node.iter, scope)), inner)
            inner["loop"] = BUILTIN
            if node.test is not None:
                self.expr(node.test, inner)
            self._all(node.body, inner)
            self._all(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self._bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self._all(node.body, scope)
            self._bind(node.target, OTHER, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=True):
                self._bind(target, self.expr(value, scope), inner)
            self._all(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for argument in node.args:
                self._bind(argument, OTHER, inner)
            inner["caller"] = BUILTIN
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scope)
            self._all(node.defaults, scope)
            self._all(node.body, inner)
        else:
            self._all(node.iter_child_nodes(), scope)


def names_used(template: nodes.Template, builtins: Iterable[str] = ()) -> list[NameUse]:
    """Each data name ``template`` reads, in order, with every prefix (``/cost`` before ``/cost/notes``)."""
    walker = _Walker(builtins)
    walker.visit(template, {})
    return walker.uses
