#!/usr/bin/env python3
"""Prints what a sharegen build store holds, as JSON.

Usage: tools/inspect-store.py STORE [header|warnings|watch|ledger|memo]

STORE is `.sharegen-cache/<output name>-<channel>` beside the output folder. Without a
part, prints the header and how many entries each part holds; with one, that part:
`warnings` (the last build's, as `sharegen build` reports them again, each with the
source line its excerpt shows), `watch` (every
watched path with its kind and stamp hash; 0 means "look again"), `ledger` (the output
files of each share and where its entry lies in manifest.json), `memo` (each share file's
path, the digest of its bytes and the size of its kept outcome). Standard library only;
it does not check the parts' digests (sharegen does, and ignores a damaged store).

The format (BuildStore.swift, FileMemo.swift): `sharegen-store 3\\n`, the parts in the
order memo, warnings, watch list, watch stamps, ledger, then the header, then the
header's offset as 8 big-endian bytes. Integers are unsigned LEB128 (signed ones as their
64-bit two's complement), strings are a length and UTF-8 bytes, an optional is a 0/1
byte and the value, an array is a count and the elements.
"""
import json
import os
import sys

MAGIC = b"sharegen-store 3\n"
PARTS = ["memo", "warnings", "watchList", "watchStamps", "ledger"]
KINDS = {0: "file", 1: "contentFolder", 2: "input", 3: "templateFolder", 4: "reported", 5: "absentFolder"}


class Reader:
    def __init__(self, data, start=0, end=None):
        self.data, self.position, self.end = data, start, len(data) if end is None else end

    def unsigned(self):
        value, shift = 0, 0
        while True:
            if self.position >= self.end or shift >= 64:
                raise ValueError("damaged: an integer runs past its part")
            byte = self.data[self.position]
            self.position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value & ((1 << 64) - 1)
            shift += 7

    def signed(self):
        value = self.unsigned()
        return value - (1 << 64) if value >= 1 << 63 else value

    def flag(self):
        if self.position >= self.end:
            raise ValueError("damaged: a flag runs past its part")
        value = self.data[self.position]
        self.position += 1
        if value > 1:
            raise ValueError("damaged: a flag is neither 0 nor 1")
        return value == 1

    def bytes(self, count):
        if count < 0 or self.position + count > self.end:
            raise ValueError("damaged: bytes run past their part")
        value = self.data[self.position:self.position + count]
        self.position += count
        return value

    def string(self):
        return self.bytes(self.signed()).decode("utf-8", "replace")

    def optional_string(self):
        return self.string() if self.flag() else None

    def strings(self):
        return [self.string() for _ in range(self.signed())]

    def location(self):
        return {"file": self.string(), "line": self.signed(), "column": self.signed()}


def read_store(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise ValueError("%s is not a sharegen build store (format 3)" % path)
    offset = int.from_bytes(data[-8:], "big")
    reader = Reader(data, offset, len(data) - 8)
    header = {
        "tool": reader.string(), "channel": reader.string(), "inputs": reader.unsigned(), "global": reader.unsigned(),
        "outputMarker": reader.string(), "outputFolders": reader.unsigned(),
        "standbyFolders": reader.unsigned() if reader.signed() == 1 else None, "standbyMarker": reader.optional_string(),
        "pages": reader.signed(), "stubs": reader.signed(), "shareFiles": reader.signed(),
    }
    parts, start = {}, len(MAGIC)
    for name in PARTS:
        count = reader.signed()
        reader.unsigned()  # its digest
        parts[name] = (start, start + count)
        start += count
    return data, header, parts


def warnings(data, part):
    reader = Reader(data, *part)
    found = []
    for _ in range(reader.signed()):
        warning = {"severity": reader.string(), "rule": reader.string(), "message": reader.string()}
        warning.update(reader.location())
        warning["related"] = [reader.location() for _ in range(reader.signed())]
        found.append(warning)
    # Then the source line each one's excerpt shows, or none.
    if reader.signed() != len(found):
        raise ValueError("damaged: %d warnings but another number of excerpts" % len(found))
    for warning in found:
        warning["excerpt"] = reader.optional_string()
    return found


def watch(data, parts):
    start, end = parts["watchList"]
    paths = data[start:end].decode("utf-8", "replace").split("\0") if end > start else []
    reader = Reader(data, *parts["watchStamps"])
    count = reader.signed()
    if count != len(paths):
        raise ValueError("damaged: %d watched paths but %d stamps" % (len(paths), count))
    entries = []
    for path in paths:
        kind, stamp, digest = reader.signed(), reader.unsigned(), reader.unsigned()
        entries.append({"path": path, "kind": KINDS.get(kind, kind), "hash": stamp, "digest": digest})
    return entries


def ledger(data, part):
    reader = Reader(data, *part)
    result = {"otherOutputs": reader.strings(), "standbyDiffering": reader.strings(), "shares": []}
    for _ in range(reader.signed()):
        source, digest, outputs = reader.string(), reader.unsigned(), reader.strings()
        start, end = reader.signed(), reader.signed()
        result["shares"].append({"source": source, "digest": digest, "outputs": outputs,
                                 "manifestEntry": [start, end] if 0 <= start <= end else None})
    folders = reader.string()
    result["folders"] = folders.split("\0") if folders else []
    return result


def memo(data, part):
    reader = Reader(data, *part)
    if reader.string() != "sharegen-memo 3":
        raise ValueError("the memo is of another format")
    result = {"configDigest": reader.unsigned(), "entries": []}
    while True:
        count, length = reader.signed(), reader.signed()
        reader.unsigned()  # the part's digest
        if count == 0:
            return result
        for _ in range(count):
            path, digest = reader.string(), reader.unsigned()
            size = reader.signed()
            reader.bytes(size)
            result["entries"].append({"path": path, "digest": digest, "outcomeBytes": size})


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    try:
        data, header, parts = read_store(sys.argv[1])
        which = sys.argv[2] if len(sys.argv) == 3 else None
        readers = {
            "warnings": lambda: warnings(data, parts["warnings"]), "watch": lambda: watch(data, parts),
            "ledger": lambda: ledger(data, parts["ledger"]), "memo": lambda: memo(data, parts["memo"]),
        }
        if which is None:
            header["entries"] = {
                "warnings": len(readers["warnings"]()), "watch": len(readers["watch"]()),
                "ledger": len(readers["ledger"]()["shares"]), "memo": len(readers["memo"]()["entries"]),
            }
            result = header
        elif which == "header":
            result = header
        elif which in readers:
            result = readers[which]()
        else:
            sys.exit("unknown part %r: header, warnings, watch, ledger or memo" % which)
    except (OSError, ValueError, IndexError) as error:
        sys.exit("%s: %s" % (sys.argv[1], error))
    try:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: the rest is not wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
