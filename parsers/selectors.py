"""Where things are on the handbook's HTML pages: every XPath the layouts use, compiled once.

Kept together so that a change on the BLS site is mended in one place. Paths are as narrow as the pages
allow (child steps rather than '//'): every '//' walks the whole tree, which costs as much as a tenth of
parsing the page. Where only a '//' can say it (the tabs, the O*NET links), the elements are found with
lxml's tag filter instead, which visits only the elements of that tag.
"""
from lxml import etree

from parsers.html import Part

# --- ocos layout (the handbook through the 2010-11 edition, bls.gov/oco/ocosNNN.htm) ---
# The bytes that hold the statement: from the content column to the end-of-content comment.
OCOS_PART = Part(b'<div id="bodytext"', b"<!-- END CONTENT -->", with_head=False)
# The statement's column; everything outside it is site navigation.
OCOS_CONTENT = etree.XPath('//div[@id="bodytext"]')
# Below the content column: the h1 holds the title between <!-- OOH Title --> comments; every section
# starts at an h2 ("Significant Points" has no id, the others do: nature, emply, ...); the suggested
# citation names the page's own address ("http://www.bls.gov/oco/ocos103.htm").
OCOS_TITLE = etree.XPath('./h1[comment()[normalize-space(.)="OOH Title"]]')
OCOS_H2 = etree.XPath("./h2")
OCOS_CITATION_URL = etree.XPath('./div[@class="citation"]//a/text()', smart_strings=False)
# Where the statement ends: the citation box and the "Last Modified Date" line follow the last section.
OCOS_END_CLASSES = frozenset({"citation", "update"})
# Working conditions are a running header inside Nature of the Work, not a heading of their own.
OCOS_RUNNING_HEADER = etree.XPath('.//span[@class="runningheader"]')
# Page furniture between sections: the OES wage-links box (p#oes_links holding links to /oes/; a few
# pages put their wage paragraph itself in that p), and the boxes in <fieldset> but the O*NET one
# (which lists the O*NET-SOC codes), such as the non-BLS-links disclaimer.
OCOS_OES_LINKS = etree.XPath('self::*[@id="oes_links"][.//a[contains(@href, "/oes")]]')

# --- tabbed layout (the current handbook, bls.gov/ooh/<group>/<slug>.htm) ---
# The bytes that hold the statement: from the tab panes to the suggested citation below them.
TABBED_PART = Part(b'<div id="panes"', b"<!-- BLS CITATION -->", with_head=True)
# Open Graph metadata in <head>: the title and the page's own address.
TABBED_TITLE = etree.XPath('/html/head/meta[@property="og:title"]/@content', smart_strings=False)
TABBED_H1 = etree.XPath("//h1")
TABBED_CANONICAL = etree.XPath('/html/head/meta[@property="og:url"]/@href | /html/head/meta[@property="og:url"]/@content',
                              smart_strings=False)
# Tabs tab-1 .. tab-9, each with one h2 whose id names the section (directly in the tab or in its
# <article>). Glossary pop-ups (qf-wage, about-pay, inlinehelp-...) carry h2 elements too, but live
# outside the tabs.
def tabbed_tabs(root: etree._Element) -> list[etree._Element]:
    """The tab divs, in document order: what '//div[starts-with(@id, "tab-")]' selects, found with lxml's
    C-level tag filter, which visits only the divs (the XPath walks every node of the page and takes about
    half as long again)."""
    return [div for div in root.iter("div") if (div.get("id") or "").startswith("tab-")]


TABBED_TAB_H2 = etree.XPath("./h2[@id] | ./article/h2[@id]")

# --- both HTML layouts ---
# O*NET links carry O*NET-SOC codes: onetonline.org/link/summary/29-2072.00
_ONET_LINK_PATHS = ("onetonline.org/link/", "online.onetcenter.org/link/")


def onet_links(el: etree._Element) -> list[str]:
    """The addresses of the O*NET links below an element, in document order, as
    './/a[contains(@href, ...)]/@href' selects them (in about two thirds of the XPath's time)."""
    return [href for a in el.iterdescendants("a") if (href := a.get("href")) is not None
            and any(path in href for path in _ONET_LINK_PATHS)]
