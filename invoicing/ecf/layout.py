"""The shape of each DGII document, read from its XSD: which elements, in which order, and how
long each text may be. The builders describe a document as nested dicts keyed by element
name; `render` writes them in the schema's order, leaves out what has no value, and cuts text
to the schema's lengths, so the order and the lengths live in one place: DGII's files.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from .errors import EcfInvalid, SchemaMessage
from .schemas import kind_of, parse_schema_document

XS = "{http://www.w3.org/2001/XMLSchema}"
# Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ElementSpec:
    name: str
    min_occurs: int
    max_occurs: int | None  # None: unbounded
    children: tuple[ElementSpec, ...] = ()
    max_length: int | None = None
    is_text: bool = False  # an xs:string-based simple type
    _by_name: dict[str, ElementSpec] = field(default_factory=dict, compare=False, repr=False)

    def child(self, name: str) -> ElementSpec | None:
        return self._by_name.get(name)

    @property
    def child_names(self) -> tuple[str, ...]:
        return tuple(child.name for child in self.children)


def _simple_types(root: etree._Element) -> dict[str, tuple[str, int | None]]:
    """name → (base type, maxLength) of every named simple type."""
    found = {}
    for simple in root.iter(XS + "simpleType"):
        name = simple.get("name")
        restriction = simple.find(XS + "restriction")
        if not name or restriction is None:
            continue
        max_length = restriction.find(XS + "maxLength")
        found[name.strip()] = (restriction.get("base", ""),
                               int(max_length.get("value")) if max_length is not None else None)
    return found


def _occurs(value: str | None, default: int = 1) -> int | None:
    if value is None:
        return default
    return None if value == "unbounded" else int(value)


def _element(node: etree._Element, types: dict) -> ElementSpec:
    children: list[ElementSpec] = []
    complex_type = node.find(XS + "complexType")
    if complex_type is not None:
        _collect(complex_type, types, children)
    type_name = (node.get("type") or "").strip()
    base, max_length = types.get(type_name, (type_name, None))
    return ElementSpec(
        name=node.get("name"), min_occurs=_occurs(node.get("minOccurs")),
        max_occurs=_occurs(node.get("maxOccurs")), children=tuple(children),
        max_length=max_length, is_text=base.endswith("string"),
        _by_name={child.name: child for child in children},
    )


def _collect(node: etree._Element, types: dict, out: list[ElementSpec]) -> None:
    for child in node:
        if child.tag == XS + "element":
            out.append(_element(child, types))
        elif child.tag in (XS + "sequence", XS + "choice", XS + "all"):
            _collect(child, types, out)


def layout(kind: str | int) -> ElementSpec:
    """The root element of `kind` ("31", "RFCE", "ANECF", "SEMILLA"…) with its tree."""
    return _layout(kind_of(kind))


@cache
def _layout(kind: str) -> ElementSpec:
    document = parse_schema_document(kind).getroot()
    types = _simple_types(document)
    return _element(document.find(XS + "element"), types)


def clean_text(value: str, max_length: int | None) -> str:
    """Text as DGII can take it: no characters XML cannot hold, whitespace runs as one space
    (DGII does not preserve whitespace), cut to the schema's length in characters."""
    text = _SPACES.sub(" ", _NOT_XML.sub("", value)).strip()
    if max_length is not None and len(text) > max_length:
        text = text[:max_length].rstrip()
    return text


def _is_empty(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_is_empty(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_is_empty(v) for v in value)
    return value is None or value == ""


def _fill(parent: etree._Element, spec: ElementSpec, data: Mapping[str, Any],
          rules: _Rules, path: str) -> None:
    unknown = [name for name, value in data.items()
               if spec.child(name) is None and name not in rules.droppable
               and not _is_empty(value)]
    if unknown:
        raise EcfInvalid([SchemaMessage(
            _("%(elements)s cannot go in this kind of document.")
            % {"elements": ", ".join(unknown)}, element=f"{path}/{unknown[0]}")])
    for child in spec.children:
        value = data.get(child.name)
        for item in value if isinstance(value, list | tuple) else [value]:
            _render_into(parent, child, item, rules, f"{path}/{child.name}")


def _render_into(parent: etree._Element, spec: ElementSpec, value: Any, rules: _Rules,
                 path: str) -> None:
    if isinstance(value, Mapping) and path in rules.keep:
        element = etree.SubElement(parent, spec.name)
        _fill(element, spec, value, rules, path)
        return
    if _is_empty(value):
        return
    if isinstance(value, Mapping):
        element = etree.Element(spec.name)
        _fill(element, spec, value, rules, path)
        if len(element):  # a group whose every field is empty is left out, like a field
            parent.append(element)
        return
    text = str(value)
    if spec.is_text:
        text = clean_text(text, spec.max_length)
    if text:
        etree.SubElement(parent, spec.name).text = text


@dataclass(frozen=True)
class _Rules:
    droppable: Collection[str]
    keep: Collection[str]


def render(kind: str, data: Mapping[str, Any], *, droppable: Collection[str] = (),
           keep: Collection[str] = ()) -> etree._Element:
    """The document `data` describes, as an element tree in schema order.

    `data` maps element names to values: a string (or anything `str()` formats as DGII
    expects), a dict for a group, a list for repeated elements. None, "" and empty groups are
    left out. A name the schema of `kind` does not have is refused (EcfInvalid), unless it is
    in `droppable`: optional details some document types simply do not carry. Groups whose
    path is in `keep` (e.g. "/ECF/Encabezado/Comprador") are written even when empty.
    """
    spec = layout(kind)
    root = etree.Element(spec.name)
    _fill(root, spec, data, _Rules(frozenset(droppable), frozenset(keep)), f"/{spec.name}")
    return root
