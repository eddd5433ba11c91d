"""An instruction whose arguments start with a JSON array, read as BuildKit reads it today.

The PyPI package `dockerfile` wraps a BuildKit parser from before dockerfile/1.10, whose
JSON decoder stopped after the first value: `RUN ["echo", "hi"] && make` was the exec form
`echo hi`, the rest dropped. BuildKit since then (commit 80518e257, "fix invalid usage of
json.NewDecoder") takes the JSON form only when the whole argument text is one JSON
array, and reads anything else as the shell form (RUN, CMD, ENTRYPOINT, SHELL and
HEALTHCHECK's command: the text as it is) or as whitespace-separated words (COPY, ADD,
VOLUME). `modern` turns the package's answer into today's; the oracle scripts
(`same_meaning.py`, `.ci/buildkit_parse.py`) read every instruction through it.
"""

import json
import re

# `parseMaybeJSON`: the text as one shell command when it is not JSON.
SHELL_FORM = {"RUN", "CMD", "ENTRYPOINT", "SHELL"}
# `parseMaybeJSONToList`: whitespace-separated words when it is not JSON.
WORDS_FORM = {"COPY", "ADD", "VOLUME"}

# Go's `unicode.IsSpace` on one byte taken as a rune, as `extractBuilderFlags` reads the
# line (so the UTF-8 continuation bytes 0x85 and 0xA0 are spaces to it).
GO_SPACE_BYTES = b"\t\n\v\f\r \x85\xa0"
# Go's `unicode.IsSpace` on characters, for `strings.TrimSpace`.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# The parser's `reWhitespace`.
WHITESPACE = re.compile(r"[\t\v\f\r ]+")


def go_trim(s):
    return s.strip(GO_SPACE)


def after_flags(line, esc):
    """`extractBuilderFlags`: the text after the leading `--flag` words (and after a
    lone `--`), byte by byte as BuildKit walks it."""
    b = line.encode("utf-8", "surrogateescape")
    e = ord(esc)
    pos = 0
    in_word = False
    quote = None
    while pos < len(b):
        ch = b[pos]
        if quote is not None:
            if ch == quote:
                quote = None
            elif ch == e:
                pos += 1
        elif not in_word:
            if ch in GO_SPACE_BYTES:
                pos += 1
                continue
            if b[pos : pos + 2] != b"--" or pos + 1 == len(b):
                return b[pos:].decode("utf-8", "surrogateescape")
            in_word = True
            start = pos
            continue
        elif ch in GO_SPACE_BYTES:
            in_word = False
            if b[start:pos] == b"--":
                return b[pos:].decode("utf-8", "surrogateescape")
        elif ch in (ord("'"), ord('"')):
            quote = ch
        elif ch == e:
            pos += 1
        pos += 1
    return ""


def whole_json_array(text):
    """Whether Go's `json.Unmarshal` reads the text as one value (the old parser already
    found an array of strings at its start)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def modern(command, esc="\\"):
    """The package's `Command`, with a JSON form today's BuildKit does not take read as
    the shell form or as words."""
    if not command.json:
        return command
    keyword = command.cmd.upper()
    parts = WHITESPACE.split(go_trim(command.original), maxsplit=1)
    rest = go_trim(after_flags(parts[1], esc)) if len(parts) == 2 else ""
    if keyword == "HEALTHCHECK":
        # `parseHealthConfig`: the type word, then the command as `parseMaybeJSON` reads it.
        kind = re.match(r"[^\t\n\v\f\r ]*", rest).group(0)
        text = rest[len(kind) :].lstrip("\t\n\v\f\r ")
        if whole_json_array(text):
            return command
        return command._replace(json=False, value=(command.value[0], text))
    if whole_json_array(rest):
        return command
    if keyword in SHELL_FORM:
        return command._replace(json=False, value=(rest,))
    if keyword in WORDS_FORM:
        return command._replace(json=False, value=tuple(WHITESPACE.split(rest)))
    return command
