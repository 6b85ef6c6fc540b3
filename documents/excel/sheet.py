"""A titled sheet of a write-only workbook, the layout of every Tidtam export that is read by people.

A title block (heading; the office, the fiscal year, any notes, and when it was made), a header row, then
one row per item. Text that looks like a formula is written as text; control characters are dropped.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..text import be_datetime

MONEY = "#,##0.00"
NUMBER = "#,##0.##"
PERCENT = "0.0%"


def measure_format(value, unit) -> str:
    """The number format of an indicator value: its unit decides the decimals (plans.lib.thaidate.unit_places)."""
    from plans.lib.thaidate import unit_places

    places = unit_places(value, unit)
    return "#,##0" + ("." + "0" * places if places else "")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet:
    """One sheet of a write-only workbook: a title block (heading; office, fiscal year, ``notes`` such as the
    basis of the results, and when it was made), a header row, then ``row()`` per item."""

    def __init__(self, workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int, str]], *,
                 fiscal_year, notes: tuple[str, ...] | list[str] = ()):
        """``columns``: (header, width, number format or ""); ``fiscal_year``: anything with ``year`` and
        ``office.name``."""
        self.ws = workbook.create_sheet(title[:31])
        self.formats = [fmt for _h, _w, fmt in columns]
        for index, (_header, width, _fmt) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        parts = [fiscal_year.office.name, f"{_('fiscal year')} {fiscal_year.year}", *notes,
                 be_datetime(timezone.localtime())]
        self.ws.append([self._cell(heading, font=TITLE)])
        self.ws.append([self._cell(" · ".join(parts))])
        self.ws.append([])
        self.ws.append([self._cell(header, font=BOLD, fill=HEADER_FILL, alignment=WRAP) for header, _w, _f in columns])
        self.ws.freeze_panes = "A5"

    def _cell(self, value, number_format="", **style):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        elif isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) and len(value) > 1:
            cell.data_type = "s"  # text that looks like a formula stays text
        if number_format and isinstance(value, (int, float, Decimal)):
            cell.number_format = number_format
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def row(self, values: list, formats: dict[int, str] | None = None):
        """``formats``: number formats of this row only, by column index (an indicator's unit decides its
        decimals)."""
        formats = {**dict(enumerate(self.formats)), **(formats or {})}
        self.ws.append([None if value is None else self._cell(value, formats[index])
                        for index, value in enumerate(values[:len(self.formats)])])
