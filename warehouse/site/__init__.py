"""The warehouse's report: a static site of occupation pages with charts and edition-to-edition changes.

Built from the marts only, by the SQL files in queries/ (the queries a dashboard would run); it opens from
the files with no network: Plotly's JavaScript ships inside the site.
"""
from warehouse.site.build import SiteSummary, build_site

__all__ = ["SiteSummary", "build_site"]
