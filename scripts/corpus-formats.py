#!/usr/bin/env python3
"""Writes each given plain-text document as the files users actually hold, for the tests of
Pacte's document reader: a PDF with a text layer (fpdf2), a Word file (python-docx), an
OpenDocument text (odfpy) and a scanned PDF (the text PDF rendered to a 200 dpi image by
pdftoppm, wrapped in a PDF with no text layer). Lines with tabs become table rows, form feeds
page breaks. Usage: corpus-formats.py OUTPUT_DIR FILE.txt...
"""
import logging
import os
import subprocess
import sys
import tempfile
import warnings

from docx import Document
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P, SoftPageBreak

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def blocks(text):
    """Pages of blocks: ('p', line) or ('table', [cells...])."""
    pages = []
    for page in text.split("\f"):
        out = []
        for line in page.split("\n"):
            line = line.rstrip("\r")
            if "\t" in line:
                cells = [c.strip() for c in line.split("\t")]
                if out and out[-1][0] == "table":
                    out[-1][1].append(cells)
                else:
                    out.append(("table", [cells]))
            else:
                out.append(("p", line))
        pages.append(out)
    return pages


def write_docx(pages, path):
    document = Document()
    for number, page in enumerate(pages):
        if number:
            document.add_page_break()
        for kind, body in page:
            if kind == "p":
                document.add_paragraph(body)
            else:
                width = max(len(r) for r in body)
                table = document.add_table(rows=len(body), cols=width)
                for r, row in enumerate(body):
                    for c in range(width):
                        table.cell(r, c).text = row[c] if c < len(row) else ""
    document.save(path)


def write_odt(pages, path):
    document = OpenDocumentText()
    for number, page in enumerate(pages):
        if number:
            document.text.addElement(SoftPageBreak())
        for kind, body in page:
            if kind == "p":
                document.text.addElement(P(text=body))
            else:
                width = max(len(r) for r in body)
                table = Table()
                table.addElement(TableColumn(numbercolumnsrepeated=width))
                for row in body:
                    tr = TableRow()
                    for c in range(width):
                        cell = TableCell()
                        cell.addElement(P(text=row[c] if c < len(row) else ""))
                        tr.addElement(cell)
                    table.addElement(tr)
                document.text.addElement(table)
    document.save(path)


def write_pdf(pages, path):
    """Tables in a monospaced font with their columns at least three spaces apart, as office
    programs print them; prose wrapped to the page."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("mono", fname=MONO)
    pdf.add_font("sans", fname=SANS)
    pdf.set_margins(12, 12, 12)
    for page in pages:
        pdf.add_page()
        for kind, body in page:
            if kind == "p":
                pdf.set_font("sans", size=9)
                pdf.multi_cell(0, 4.5, body if body else " ", new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("mono", size=7)
                width = max(len(r) for r in body)
                sizes = [max(len(r[c]) if c < len(r) else 0 for r in body) for c in range(width)]
                for row in body:
                    cells = [(row[c] if c < len(row) else "").ljust(sizes[c]) for c in range(width)]
                    pdf.multi_cell(0, 3.6, "    ".join(cells).rstrip() or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(path)


def write_scan(text_pdf, path):
    with tempfile.TemporaryDirectory() as work:
        prefix = os.path.join(work, "page")
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", text_pdf, prefix], check=True)
        images = sorted(f for f in os.listdir(work) if f.endswith(".png"))
        pdf = FPDF(format="A4")
        for image in images:
            pdf.add_page()
            pdf.image(os.path.join(work, image), x=0, y=0, w=210, h=297)
        pdf.output(path)


def main():
    # Bullets from a private-use area (Word's symbol font) have no glyph in DejaVu: harmless here.
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*missing the following glyphs.*")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for source in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(source))[0]
        with open(source, encoding="utf-8") as f:
            pages = blocks(f.read())
        base = os.path.join(out, name)
        write_docx(pages, base + ".docx")
        write_odt(pages, base + ".odt")
        write_pdf(pages, base + ".pdf")
        write_scan(base + ".pdf", base + ".scan.pdf")
    print(f"{len(sys.argv) - 2} document(s) écrits en PDF, DOCX, ODT et PDF scanné dans {out}")


if __name__ == "__main__":
    main()
