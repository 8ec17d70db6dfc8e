"""The API's JSON parser: DRF's, with the body size and the nesting depth bounded.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 (read no further than the limit); JSON nested
deeper than MAX_DEPTH — or so deep that the decoder itself gives up (RecursionError) — is a 400
`malformed_request`, never a 500. No request of this API nests more than a few levels.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

from invoicing.core.limits import RequestTooLarge

MAX_DEPTH = 32


def _deeper_than(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        too_deep = ParseError(_("JSON parse error - nested deeper than %(depth)s levels.")
                              % {"depth": MAX_DEPTH})
        try:
            data = json.loads(raw.decode(encoding),
                              parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise too_deep from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON parse error - %s") % exc) from None
        if _deeper_than(data, MAX_DEPTH):
            raise too_deep
        return data
