"""The year's Excel compilations (compile.py); the workbook machinery is in documents.excel."""
