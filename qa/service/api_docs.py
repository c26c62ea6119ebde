"""GET /api/docs : the OpenAPI document as a page to read, rendered here from openapi.py (no CDN)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

DOCS_PATH = "/api/docs"  # a page about the API, not part of it: the OpenAPI document leaves it out
REF = "#/components/schemas/"

bp = Blueprint("api_docs", __name__)


@bp.get(DOCS_PATH)
def page():
    """Every path, method, parameter, body, response and schema, with its description."""
    spec = current_app.extensions["qa.service.openapi"]
    return render_template("api_docs.html", info=spec["info"], operations=operations(spec),
                           schemas=[(name, fields(schema), schema.get("description", ""))
                                    for name, schema in spec["components"]["schemas"].items()],
                           kind=kind)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per path and method, in the document's order."""
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {})
            out.append({
                "method": method.upper(), "path": path, "id": op.get("operationId", ""),
                "summary": op.get("summary", ""), "parameters": op.get("parameters", []),
                "body": [(media, m.get("schema", {})) for media, m in body.items()],
                "responses": [(status, r.get("description", ""),
                               [(media, m.get("schema", {})) for media, m in r.get("content", {}).items()])
                              for status, r in op.get("responses", {}).items()],
            })
    return out


def fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """An object schema's properties: name, kind, whether required, description."""
    required = set(schema.get("required", []))
    return [{"name": name, "schema": prop, "required": name in required,
             "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items()]


def kind(schema: dict[str, Any]) -> list[tuple[str, str | None]]:
    """A schema in words, as (text, linked schema name or None) pieces: "array of " + Entity."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return [(name, name)]
    if "anyOf" in schema:
        out: list[tuple[str, str | None]] = []
        for i, option in enumerate(schema["anyOf"]):
            out += ([(" or ", None)] if i else []) + kind(option)
        return out
    if "enum" in schema:
        return [("one of " + ", ".join("null" if v is None else str(v) for v in schema["enum"]), None)]
    if "const" in schema:
        return [(f"always {schema['const']}", None)]
    types = schema.get("type", "any")
    text = " or ".join(types) if isinstance(types, list) else types
    if text == "array":
        return [("array of ", None), *kind(schema.get("items", {}))]
    return [(text + limits(schema), None)]


def limits(schema: dict[str, Any]) -> str:
    """The bounds and default of a scalar schema, e.g. ", from 1 to 50, default 3"."""
    parts = []
    low, high = schema.get("minimum", schema.get("minLength")), schema.get("maximum", schema.get("maxLength"))
    unit = " characters" if "minLength" in schema or "maxLength" in schema else ""
    if low is not None and high is not None:
        parts.append(f"from {low} to {high}{unit}")
    elif low is not None:
        parts.append(f"at least {low}{unit}")
    elif high is not None:
        parts.append(f"at most {high}{unit}")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    if "format" in schema:
        parts.append(schema["format"])
    return ", " + ", ".join(parts) if parts else ""
