#!/usr/bin/env python3
"""Puts a results file (less its title line) between <!-- NAME:start --> and <!-- NAME:end --> in a doc.

usage: doc_section.py NAME DOC RESULTS
"""
import re
import sys

name, doc, result = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(doc).read()
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
body = result.split("\n", 2)[2].strip()
text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: start + "\n" + body + "\n" + end, text, flags=re.S)
open(doc, "w").write(text)
