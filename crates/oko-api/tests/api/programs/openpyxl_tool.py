"""A workbook as openpyxl (PyPI) writes and reads it, for the round-trip tests.

  fill TEMPLATE OUT CELLS.json  types the cells into the template and saves it
  cells SHEET FILE              prints the sheet's cells: [[type, text], ...] per row
  marks FILE                    prints every red-filled cell with its note

CELLS.json: [{"sheet": "...", "cell": "B2", "number"|"text"|"date": value}];
dates as "2021-09-15". Types: number, date, text, bool.
"""
import datetime
import json
import sys

import openpyxl


def typed(cell):
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return ["bool", str(value)]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return ["date", value.strftime("%Y-%m-%d")]
    if isinstance(value, (int, float)):
        return ["number", repr(value)]
    return ["text", str(value)]


def fill(template, out, cells):
    book = openpyxl.load_workbook(template)
    for entry in json.load(open(cells, encoding="utf-8")):
        cell = book[entry["sheet"]][entry["cell"]]
        if "date" in entry:
            cell.value = datetime.date.fromisoformat(entry["date"])
            cell.number_format = "DD.MM.YYYY"
        elif "number" in entry:
            cell.value = entry["number"]
        else:
            cell.value = entry["text"]
    book.save(out)


def cells(sheet, path):
    book = openpyxl.load_workbook(path)
    rows = [[typed(cell) for cell in row] for row in book[sheet].iter_rows()]
    print(json.dumps(rows, ensure_ascii=False))


def marks(path):
    book = openpyxl.load_workbook(path)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                colour = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None
                if colour == "FFFFC7CE":
                    note = cell.comment.text if cell.comment else ""
                    found.append({"sheet": sheet.title, "cell": cell.coordinate, "note": note})
    print(json.dumps(found, ensure_ascii=False))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"fill": fill, "cells": cells, "marks": marks}[command](*args)
