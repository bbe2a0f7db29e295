"""The shared client-tracking workbook: its layout, template, sample and reader."""
