"""Reports for people: the annual workbook, the HTML report, the open-data export.

Built from the published tables (as read back from the warehouse), so a report shows
exactly what a report author pulls, certified years as filed.
"""
