"""Documents: the PDF and Excel machinery below the domain apps.

``documents.pdf`` renders HTML to PDF with a fixed Sarabun (exact Thai copy and search), merges sections and
stamps page numbers; ``documents.excel`` reads typed values out of cells, opens untrusted workbooks safely and
writes titled sheets; ``documents.text`` holds the Thai text helpers both use; ``documents.responses`` turns a
workbook or a PDF into the one kind of download response; ``documents.uploads`` decides what an uploaded file
really is (zip bombs and macros refused) and the name it is kept under. Nothing here knows a model of the apps: the apps
import documents, never the other way round.
"""
