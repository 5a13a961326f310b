#!/usr/bin/env python3
# Copyright (C) 2026 The QtPrometheusExporter authors
# SPDX-License-Identifier: MIT
"""Doxygen INPUT_FILTER: lets Doxygen read the QDoc-style comments of this project.

The library documents every public symbol next to its definition in the .cpp, in
Qt's own /*! ... */ style (QDoc). Doxygen reads /*! blocks and most commands
(\\class, \\brief, \\fn, \\enum, \\property, \\a, \\c, \\code, \\sa, \\li); this
filter rewrites the rest, only inside /*! ... */ blocks, line count unchanged:

  \\c{text with spaces}       -> <tt>text with spaces</tt> (braces may nest;
                                also \\e{}, \\b{}, \\a{})
  \\table \\header \\row \\li   -> an HTML table
  \\list \\li \\endlist         -> an HTML list
  \\value Name text           -> a list item naming the enumerator
  \\variable                  -> \\var

Of a .cpp it keeps only the /*! */ blocks and the declaration after each.

QDoc documents a property's accessors and notifier signal with the \\property
block; Doxygen would call them undocumented. So, for a header, the filter adds
a one-line comment to every READ, WRITE and NOTIFY function of a Q_PROPERTY
that has none, pointing at the property (which must itself be documented).

Usage (Doxyfile): INPUT_FILTER = "python3 qdoc2doxygen.py"; the file name is the
last argument, the filtered text goes to stdout.
"""
import re
import sys


def replace_braced(text, command, tag):
    """\\command{text} -> <tag>text</tag>; braces inside may nest."""
    out = []
    i = 0
    opener = '\\' + command + '{'
    while True:
        j = text.find(opener, i)
        if j < 0:
            out.append(text[i:])
            return ''.join(out)
        out.append(text[i:j])
        k = j + len(opener)
        depth = 1
        while k < len(text) and depth:
            if text[k] == '{':
                depth += 1
            elif text[k] == '}':
                depth -= 1
            k += 1
        inner = text[j + len(opener):k - 1]
        inner = inner.replace('<', '&lt;').replace('>', '&gt;').replace('@', '\\@')
        out.append('<%s>%s</%s>' % (tag, inner, tag))
        i = k


def convert_block(block):
    for command, tag in (('c', 'tt'), ('e', 'em'), ('b', 'b'), ('a', 'em')):
        block = replace_braced(block, command, tag)
    block = re.sub(r'\\variable\b', r'\\var', block)
    lines = block.split('\n')
    out = []
    mode = None          # None, 'table' or 'list'
    cell = None          # 'th' or 'td' while a table row is open
    open_cell = False
    for line in lines:
        stripped = line.strip()
        indent = line[:len(line) - len(line.lstrip())]
        if stripped.startswith('\\table'):
            mode = 'table'
            out.append(indent + '<table class="doxtable">')
            continue
        if stripped.startswith('\\endtable'):
            closing = ('</%s>' % cell if open_cell else '') + ('</tr>' if cell else '')
            out.append(indent + closing + '</table>')
            mode, cell, open_cell = None, None, False
            continue
        if stripped.startswith('\\list'):
            mode = 'list'
            out.append(indent + '<ul>')
            continue
        if stripped.startswith('\\endlist'):
            out.append(indent + ('</li>' if open_cell else '') + '</ul>')
            mode, open_cell = None, False
            continue
        if mode == 'table':
            m = re.match(r'\\(header|row)\b\s*(.*)$', stripped)
            prefix = ''
            if m:
                prefix = ('</%s>' % cell if open_cell else '') + ('</tr>' if cell else '') + '<tr>'
                cell = 'th' if m.group(1) == 'header' else 'td'
                open_cell = False
                stripped = m.group(2)
            parts = re.split(r'\\li\b\s*', stripped)
            text = prefix + parts[0]
            for part in parts[1:]:
                text += ('</%s>' % cell if open_cell else '') + '<%s>' % cell + part
                open_cell = True
            out.append(indent + text)
            continue
        if mode == 'list':
            parts = re.split(r'\\li\b\s*', stripped)
            text = parts[0]
            for part in parts[1:]:
                text += ('</li>' if open_cell else '') + '<li>' + part
                open_cell = True
            out.append(indent + text)
            continue
        m = re.match(r'\\value\s+(\S+)\s*(.*)$', stripped)
        if m:
            out.append(indent + '\\li <tt>%s</tt>: %s' % (m.group(1), m.group(2)))
            continue
        out.append(line)
    return '\n'.join(out)


PROPERTY_RE = re.compile(r'Q_PROPERTY\s*\(([^;]*?)\)\s*$', re.S | re.M)


def property_accessors(text):
    """Maps accessor/notifier name -> (class, property) for every Q_PROPERTY."""
    names = {}
    for m in PROPERTY_RE.finditer(text):
        words = m.group(1).split()
        keys = [i for i, w in enumerate(words) if w in ('READ', 'MEMBER')]
        if not keys or keys[0] < 1:
            continue
        prop = words[keys[0] - 1].lstrip('*&')
        classes = re.findall(r'^class\s+(?:\w+\s+)?(\w+)[^;]*$', text[:m.start()], re.M)
        prop = (classes[-1] + '::' if classes else '') + prop
        for key in ('READ', 'WRITE', 'NOTIFY', 'RESET'):
            if key in words:
                i = words.index(key)
                if i + 1 < len(words):
                    names[words[i + 1]] = prop
    return names


def annotate_header(text):
    accessors = property_accessors(text)
    if not accessors:
        return text
    lines = text.split('\n')
    out = []
    for i, line in enumerate(lines):
        m = re.match(r'\s*(?:virtual\s+|static\s+)?[\w:<>,\s\*&]*?\b(\w+)\s*\(', line)
        previous = lines[i - 1].strip() if i else ''
        if (m and m.group(1) in accessors and 'Q_PROPERTY' not in line
                and not previous.endswith('*/') and not line.strip().startswith(('//', '*'))):
            prop = accessors[m.group(1)]
            role = 'Notifier signal' if m.group(1).endswith('Changed') else 'Accessor'
            # Same line: keeps line numbers right for warnings.
            line = '%s //!< %s of the \\ref %s "%s" property.' % (
                line, role, prop, prop.rsplit('::', 1)[-1])
            # A trailing //!< documents the declaration that ends on this line.
        out.append(line)
    return '\n'.join(out)


STRUCTURAL_RE = re.compile(r'\\(class|enum|property|fn|variable|var|page|mainpage)\b')


def strip_cpp(text):
    """Keeps the /*! */ blocks of a .cpp and the declaration after each one, blanks
    the rest (line count unchanged): code without documentation, such as a
    private class's, is of no interest to the manual and only confuses Doxygen."""
    lines = text.split('\n')
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith('/*!'):
            start = i
            while True:
                out.append(lines[i])
                if '*/' in lines[i] or i + 1 >= len(lines):
                    break
                i += 1
            i += 1
            # A block that names what it documents stands alone.
            if STRUCTURAL_RE.search('\n'.join(lines[start:i])):
                continue
            # The declaration that follows, up to its body or its semicolon.
            while i < len(lines) and not lines[i].strip():
                out.append('')
                i += 1
            while i < len(lines) and not lines[i].lstrip().startswith('/*!'):
                decl = lines[i]
                if '{' in decl:
                    out.append(decl[:decl.index('{')] + '{}')
                    i += 1
                    break
                out.append(decl)
                i += 1
                if decl.rstrip().endswith(';'):
                    break
            continue
        out.append('')
        i += 1
    return '\n'.join(out)


def main():
    path = sys.argv[-1]
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith(('.h', '.hpp')) or '.' not in path.rsplit('/', 1)[-1]:
        text = annotate_header(text)
    elif path.endswith('.cpp'):
        text = strip_cpp(text)
    text = re.sub(r'/\*!.*?\*/', lambda m: convert_block(m.group(0)), text, flags=re.S)
    sys.stdout.write(text)


if __name__ == '__main__':
    main()
