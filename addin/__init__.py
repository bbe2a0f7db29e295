"""The xlwings scripts behind the workbook's buttons."""
