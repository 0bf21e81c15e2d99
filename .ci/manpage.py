#!/usr/bin/env python3
"""Writes shelfmirror(1), a man(7) page, from the binary's own help.

Usage: python3 .ci/manpage.py path/to/shelfmirror > shelfmirror.1

The text comes from `shelfmirror --experimental-dump-help`, the JSON that swift-argument-parser
gives every command (the one its GenerateManual plugin reads), so the page says what `--help`
says. The plugin itself is not used: it builds the whole package in its own configuration
before it writes anything, and cannot take a binary that is already built (`make install BIN=…`).

Hidden commands (shouldDisplay false) and the argument parser's own `help` are left out.
SOURCE_DATE_EPOCH, when set, dates the page (reproducible builds); else today.
"""
import datetime
import json
import os
import subprocess
import sys


def roff(text):
    """Escapes text for a roff text line: backslashes, dashes, characters beyond ASCII (as
    \\[uXXXX], which groff and mandoc read whatever the locale), and a leading . or ' (a request)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    return "\\&" + text if text.startswith((".", "'")) else text


def quoted(text):
    """An argument of a macro, in double quotes (a quote inside becomes roff's \\(dq)."""
    return '"' + roff(text).replace('"', "\\(dq") + '"'


def prose(text):
    """Help text as roff: blank lines are paragraph breaks; indented lines (examples) are kept
    as they are, unfilled."""
    out, verbatim = [], False
    for line in text.split("\n"):
        indented = line.startswith((" ", "\t"))
        if indented and not verbatim:
            out += [".RS 2", ".nf"]
        elif not indented and verbatim:
            out += [".fi", ".RE"]
        verbatim = indented
        if verbatim:
            out.append(roff(line[2:] if line.startswith("  ") else line))
        else:
            out.append(roff(line) if line.strip() else ".PP")
    if verbatim:
        out += [".fi", ".RE"]
    return out


def name_of(name):
    dashes = {"long": "--", "short": "-", "longWithSingleDash": "-"}
    return dashes[name["kind"]] + name["name"]


def argument_title(argument):
    """The .TP title of an option, flag or positional: every spelling, then its value."""
    value = argument.get("valueName", "value")
    if argument["kind"] == "positional":
        title = "\\fI" + roff(value) + "\\fR"
    else:
        title = ", ".join("\\fB" + roff(name_of(n)) + "\\fR" for n in argument.get("names", []))
        if argument["kind"] == "option":
            title += " \\fI" + roff(value) + "\\fR"
    return title + (" ..." if argument.get("isRepeating") else "")


def argument_text(argument):
    lines = prose(argument.get("abstract", ""))
    if argument.get("discussion"):
        lines += [".IP"] + prose(argument["discussion"])
    if argument.get("allValues"):
        lines.append(roff("(values: " + ", ".join(argument["allValues"]) + ")"))
    if argument.get("defaultValue") and argument["kind"] != "flag":
        lines.append(roff("(default: " + argument["defaultValue"] + ")"))
    return lines


def synopsis(path, command):
    parts = []
    for argument in command.get("arguments") or []:
        if not argument.get("shouldDisplay", True) or argument.get("valueName") in ("help", "version"):
            continue
        if argument["kind"] == "positional":
            part = "<" + argument.get("valueName", "value") + ">"
        else:
            part = name_of(argument["preferredName"])
            if argument["kind"] == "option":
                part += " <" + argument.get("valueName", "value") + ">"
        if argument.get("isRepeating"):
            part += " ..."
        parts.append("[" + part + "]" if argument.get("isOptional") else part)
    return " ".join(path + parts)


def visible(commands):
    return [c for c in commands or [] if c.get("shouldDisplay", True) and c["commandName"] != "help"]


def command_section(path, command):
    """A subsection per command (and its subcommands): synopsis, abstract, discussion, arguments."""
    path = path + [command["commandName"]]
    out = [".SS " + quoted(" ".join(path[1:])), ".B " + quoted(synopsis(path, command)), ".PP"]
    out += prose(command.get("abstract", ""))
    if command.get("discussion"):
        out += [".PP"] + prose(command["discussion"])
    for argument in command.get("arguments") or []:
        # --help and --version are said once, under OPTIONS.
        if argument.get("shouldDisplay", True) and argument.get("valueName") not in ("help", "version"):
            out += [".TP", argument_title(argument)] + argument_text(argument)
    for sub in visible(command.get("subcommands")):
        out += command_section(path, sub)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: manpage.py path/to/shelfmirror")
    binary = sys.argv[1]
    info = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True,
                                     capture_output=True, text=True).stdout)["command"]
    version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date() if epoch
           else datetime.date.today())
    name = info["commandName"]

    out = [
        '.\\" Generated by .ci/manpage.py from `' + name + ' --experimental-dump-help`; do not edit.',
        ".TH " + name.upper() + " 1 " + quoted(day.isoformat()) + " " + quoted(name + " " + version)
        + ' "User Commands"',
        ".SH NAME",
        roff(name) + " \\- " + roff(info.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B " + roff(name),
        ".I command",
        "[\\fIoptions\\fR]",
        ".SH DESCRIPTION",
    ]
    out += prose(info.get("discussion", info.get("abstract", "")))
    out += [".SH OPTIONS"]
    for argument in info.get("arguments") or []:
        if argument.get("shouldDisplay", True):
            out += [".TP", argument_title(argument)] + argument_text(argument)
    out += [".SH COMMANDS"]
    for command in visible(info.get("subcommands")):
        out += command_section([name], command)
    print("\n".join(out))


if __name__ == "__main__":
    main()
