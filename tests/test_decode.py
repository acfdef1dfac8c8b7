import pytest

from parsers.decode import decode, decode_page
from parsers.errors import BinaryInput, EmptyInput

from conftest import MRT_2010, page_bytes


def test_declared_iso_8859_1_is_read_as_windows_1252():
    # The 2010-11 pages declare iso-8859-1 but carry Windows-1252 curly quotes (0x92).
    data = page_bytes(MRT_2010)
    assert b"\x92" in data
    text, encoding = decode_page(data)
    assert encoding == "cp1252"
    assert "bachelor\u2019s" in text
    assert "\x92" not in text


def test_utf8_page():
    text, encoding = decode_page('<html><head><meta charset="utf-8"></head><body>2024\u201334</body></html>'.encode())
    assert encoding == "utf-8" and "2024\u201334" in text


def test_page_declaring_utf8_but_holding_windows_1252_bytes():
    data = b'<html><head><meta charset="utf-8"></head><body><p>bachelor\x92s degree \x96 or more</p></body></html>'
    text, _ = decode_page(data)
    assert "bachelor\u2019s degree \u2013 or more" in text


def test_byte_order_mark():
    text, encoding = decode_page(b"\xef\xbb\xbfSignificant Points")
    assert text == "Significant Points" and encoding.startswith("utf")


def test_decoded_bytes_for_lxml_skip_the_bom():
    doc = decode(b"\xef\xbb\xbf<html><body>x</body></html>")
    assert doc.raw.startswith(b"<html>") and doc.encoding == "utf-8"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "])
def test_empty(data):
    with pytest.raises(EmptyInput):
        decode_page(data)


def test_binary():
    with pytest.raises(BinaryInput) as info:
        decode_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in info.value.reason
