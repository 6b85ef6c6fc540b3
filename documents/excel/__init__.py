"""Excel: typed cell values (cells.py), opening untrusted workbooks (safety.py), titled write-only sheets (sheet.py)."""

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
