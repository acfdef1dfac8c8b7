"""A batch of page files -> inputs ready to load: each parsed, or rejected with its one-line reason."""
from __future__ import annotations

from flows.sources import InputRejected, PageRef, read_page
from parsers import ParseError, parse_page
from warehouse.load import Input


def read_inputs(refs: list[PageRef]) -> list[Input]:
    """Read and parse pages. A page that fails becomes a rejected input; the others are unaffected."""
    inputs = []
    for ref in refs:
        try:
            data, sha256 = read_page(ref)
        except InputRejected as exc:  # not a regular file, a bad link, over the size cap, a bad WARC record
            inputs.append(Input(ref.source_url, "", exc.nbytes, reason_code=exc.code, reason=exc.reason))
            continue
        except OSError as exc:
            inputs.append(Input(ref.source_url, "", 0, reason_code="unreadable", reason=f"cannot read file: {exc.strerror}"))
            continue
        item = Input(ref.source_url, sha256, len(data))
        try:
            item.page = parse_page(data)
        except ParseError as exc:
            item.reason_code, item.reason = exc.code, exc.reason
        except Exception as exc:  # a parser bug must not cost the rest of the batch
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            item.reason_code, item.reason = "parser_error", f"parser failed: {type(exc).__name__}: {first_line}"
        inputs.append(item)
    return inputs
