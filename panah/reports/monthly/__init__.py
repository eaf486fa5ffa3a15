"""The monthly provincial report: the month's figures of one province, built from the
statistics engine, as JSON, a printable page, a PDF and a spreadsheet."""
