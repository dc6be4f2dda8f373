"""The cells of a sheet as Gnumeric read them: the workbook converted by
`ssconvert` (Debian's gnumeric) to Gnumeric's own XML, whose cells carry their
value type (40: a number, 60: a string) and format. Prints [[type, text], ...]
per row, as openpyxl_tool.py does. Standard library only.

  gnumeric_cells.py SHEET FILE
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = {"gnm": "http://www.gnumeric.org/v10.dtd"}


def cells(sheet_name, path):
    out = os.path.join(tempfile.mkdtemp(prefix="oko-gnm-"), "book.gnumeric")
    subprocess.run(["ssconvert", path, out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = ET.fromstring(gzip.open(out).read())
    for sheet in root.iterfind("gnm:Sheets/gnm:Sheet", NS):
        if sheet.findtext("gnm:Name", namespaces=NS) != sheet_name:
            continue
        found = {}
        for cell in sheet.iterfind("gnm:Cells/gnm:Cell", NS):
            r, c = int(cell.get("Row")), int(cell.get("Col"))
            kind, fmt = cell.get("ValueType"), cell.get("ValueFormat") or ""
            if kind == "40":
                style = "date" if ("yy" in fmt.lower() or "dd" in fmt.lower()) else "number"
                found[(r, c)] = [style, cell.text]
            elif kind == "60":
                found[(r, c)] = ["text", cell.text]
            elif kind == "20":
                found[(r, c)] = ["bool", cell.text]
        # Formats may sit in the sheet's styles rather than on the cell.
        for region in sheet.iterfind("gnm:Styles/gnm:StyleRegion", NS):
            style = region.find("gnm:Style", NS)
            fmt = (style.get("Format") or "").lower()
            if "yy" not in fmt:
                continue
            for (r, c), value in found.items():
                if (int(region.get("startRow")) <= r <= int(region.get("endRow"))
                        and int(region.get("startCol")) <= c <= int(region.get("endCol"))
                        and value[0] == "number"):
                    value[0] = "date"
        height = max((r for r, _ in found), default=-1) + 1
        width = max((c for _, c in found), default=-1) + 1
        rows = [[found.get((r, c)) for c in range(width)] for r in range(height)]
        print(json.dumps(rows, ensure_ascii=False))
        return
    raise SystemExit("no sheet " + sheet_name)


if __name__ == "__main__":
    cells(*sys.argv[1:])
