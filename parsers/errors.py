"""Why a page could not be parsed. Every error carries a one-line reason a user can act on."""


class ParseError(Exception):
    """Base class. `code` is a stable short name stored with the rejected input."""

    code = "parse_error"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EmptyInput(ParseError):
    code = "empty"


class BinaryInput(ParseError):
    code = "binary"


class UndecodableInput(ParseError):
    code = "undecodable"


class NotFoundPage(ParseError):
    code = "not_found_page"


class LandingPage(ParseError):
    code = "landing_page"


class UnknownLayout(ParseError):
    code = "unknown_layout"


class MissingContent(ParseError):
    """The layout was recognised but something every page of it has (title, edition) is missing."""

    code = "missing_content"


class OverLimit(ParseError):
    """The page is larger, deeper or longer than any handbook page: parsing it would drop content."""

    code = "over_limit"


class ImplausibleEdition(ParseError):
    """The page names an edition or projection span no handbook has had."""

    code = "implausible_edition"


class NotAStatement(ParseError):
    """Text about the handbook (an essay or article quoting a statement's sections), not a statement."""

    code = "not_a_statement"


class MixedEditions(ParseError):
    """The page states two editions as its own: a copy that mixes statements of two editions."""

    code = "mixed_editions"
