#!/usr/bin/env python3
"""Reads the DOCX and ODT files Pacte writes with readers that are not Pacte's: python-docx for
DOCX, odfpy for ODT (both from PyPI). Prints, per file, one JSON object: the paragraph styles
used, the number of tables, the header text, and the whole text (paragraphs and table cells).
Exits 1 when a file cannot be opened. Usage: check-office-document.py FILE.docx|FILE.odt ..."""
import json
import sys


def read_docx(path):
    from docx import Document

    document = Document(path)
    styles = {p.style.name for p in document.paragraphs if p.style is not None}
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append("\t".join(cell.text for cell in row.cells))
            styles |= {p.style.name for cell in row.cells for p in cell.paragraphs if p.style is not None}
    styles = sorted(styles)
    headers = [p.text for section in document.sections for p in section.header.paragraphs]
    table_styles = sorted({t.style.name for t in document.tables if t.style is not None})
    return {"styles": styles, "tableStyles": table_styles, "tables": len(document.tables),
            "header": " ".join(headers), "sections": len(document.sections), "text": "\n".join(texts)}


def read_odt(path):
    from odf import opendocument, teletype
    from odf.style import Style
    from odf.table import Table
    from odf.text import H, P

    document = opendocument.load(path)
    names = {}
    for style in document.styles.getElementsByType(Style):
        names[style.getAttribute("name")] = style.getAttribute("displayname") or style.getAttribute("name")
    used = set()
    texts = []
    for element in document.text.getElementsByType(P) + document.text.getElementsByType(H):
        used.add(names.get(element.getAttribute("stylename"), element.getAttribute("stylename")))
        texts.append(teletype.extractText(element))
    header = " ".join(teletype.extractText(p) for p in document.masterstyles.getElementsByType(P))
    return {"styles": sorted(s for s in used if s), "tables": len(document.text.getElementsByType(Table)),
            "header": header, "text": "\n".join(texts)}


def main(paths):
    failed = False
    for path in paths:
        try:
            result = read_docx(path) if path.endswith(".docx") else read_odt(path)
            result["file"] = path
            print(json.dumps(result, ensure_ascii=False))
        except Exception as error:  # the reader's own message is what the test shows
            failed = True
            print(json.dumps({"file": path, "error": f"{type(error).__name__}: {error}"}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
