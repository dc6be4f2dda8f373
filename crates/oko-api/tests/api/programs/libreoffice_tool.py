"""A workbook as LibreOffice Calc writes and reads it, through Python UNO (Debian's
python3-uno, run with /usr/bin/python3), for the round-trip tests.

  fill TEMPLATE OUT CELLS.json  types the cells into the template, saves as .xlsx
  cells SHEET FILE              prints the sheet's cells: [[type, text], ...] per row
  marks FILE                    prints each red-filled cell with its note:
                                [{"sheet", "cell", "note"}, ...]

A headless soffice is started for the call with its own profile and stopped after.
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table.CellContentType import EMPTY, FORMULA, TEXT, VALUE
from com.sun.star.util.NumberFormat import DATE, DATETIME

EXCEL_EPOCH = datetime.date(1899, 12, 30)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def office():
    profile = tempfile.mkdtemp(prefix="oko-lo-")
    pipe = "oko" + str(os.getpid())
    process = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         "-env:UserInstallation=file://" + profile,
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            context = resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    else:
        process.kill()
        raise SystemExit("soffice did not answer within 60 s")
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    return process, desktop


def load(desktop, path):
    url = uno.systemPathToFileUrl(os.path.abspath(path))
    # A freshly started office may answer before it can open documents.
    for _ in range(100):
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if document is not None:
            return document
        time.sleep(0.2)
    raise SystemExit("soffice did not open " + path)


def fill(template, out, cells):
    process, desktop = office()
    try:
        document = load(desktop, template)
        formats = document.getNumberFormats()
        locale = uno.createUnoStruct("com.sun.star.lang.Locale")
        locale.Language, locale.Country = "ru", "RU"
        date_format = formats.queryKey("DD.MM.YYYY", locale, False)
        if date_format == -1:
            date_format = formats.addNew("DD.MM.YYYY", locale)
        sheets = document.getSheets()
        for entry in json.load(open(cells, encoding="utf-8")):
            cell = sheets.getByName(entry["sheet"]).getCellRangeByName(entry["cell"])
            if "date" in entry:
                day = datetime.date.fromisoformat(entry["date"])
                cell.setValue((day - EXCEL_EPOCH).days)
                cell.NumberFormat = date_format
            elif "number" in entry:
                cell.setValue(entry["number"])
            else:
                cell.setString(entry["text"])
        url = uno.systemPathToFileUrl(os.path.abspath(out))
        document.storeToURL(url, (prop("FilterName", "Calc Office Open XML"),))
        document.close(True)
    finally:
        desktop.terminate()
        process.wait(timeout=60)


def cells(sheet_name, path):
    process, desktop = office()
    try:
        document = load(desktop, path)
        sheet = document.getSheets().getByName(sheet_name)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.getRangeAddress()
        formats = document.getNumberFormats()
        rows = []
        for r in range(end.EndRow + 1):
            row = []
            for c in range(end.EndColumn + 1):
                cell = sheet.getCellByPosition(c, r)
                kind = cell.getType()
                if kind == EMPTY:
                    row.append(None)
                elif kind == VALUE:
                    shown = formats.getByKey(cell.NumberFormat).Type
                    if shown & (DATE | DATETIME):
                        row.append(["date", cell.getString()])
                    else:
                        row.append(["number", repr(cell.getValue())])
                elif kind == TEXT:
                    row.append(["text", cell.getString()])
                elif kind == FORMULA:
                    row.append(["formula", cell.getFormula()])
            rows.append(row)
        document.close(True)
        print(json.dumps(rows, ensure_ascii=False))
    finally:
        desktop.terminate()
        process.wait(timeout=60)


# Excel's «Плохой» fill, as LibreOffice reports a cell's background.
RED = 0xFFC7CE


def column_letters(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def marks(path):
    process, desktop = office()
    try:
        document = load(desktop, path)
        found = []
        for sheet in document.getSheets():
            notes = {}
            for note in sheet.getAnnotations():
                at = note.getPosition()
                notes[(at.Row, at.Column)] = note.getString()
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.getRangeAddress()
            for r in range(end.EndRow + 1):
                for c in range(end.EndColumn + 1):
                    if sheet.getCellByPosition(c, r).CellBackColor == RED:
                        found.append({"sheet": sheet.getName(),
                                      "cell": column_letters(c) + str(r + 1),
                                      "note": notes.get((r, c), "")})
        document.close(True)
        print(json.dumps(found, ensure_ascii=False))
    finally:
        desktop.terminate()
        process.wait(timeout=60)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"fill": fill, "cells": cells, "marks": marks}[command](*args)
