#!/usr/bin/env python3
"""Sets keys of Pulsar ``key=value`` configuration files from the environment.

``PULSAR_PREFIX_<key>=<value>`` sets ``<key>`` (added when the file lacks it); a variable named
exactly like a key the file already has sets that key. This is the contract of the official
apachepulsar/pulsar image's script of the same name, which Testcontainers' PulsarContainer runs
before ``bin/pulsar standalone``; the binary distribution does not ship it.

Usage: apply-config-from-env.py FILE...
"""
import os
import sys

PREFIX = "PULSAR_PREFIX_"


def apply(path, environment):
    with open(path, encoding="utf-8") as source:
        lines = source.read().split("\n")
    where = {}
    for index, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            where[line.split("=", 1)[0].strip()] = index
    for name, value in sorted(environment.items()):
        if name.startswith(PREFIX) and len(name) > len(PREFIX):
            key = name[len(PREFIX):]
        elif name in where:
            key = name
        else:
            continue
        if key in where:
            lines[where[key]] = key + "=" + value
        else:
            where[key] = len(lines)
            lines.append(key + "=" + value)
        secret = any(word in key.lower() for word in ("password", "secret", "token", "auth"))
        print("apply-config-from-env: " + path + ": " + key + "=" + ("(hidden)" if secret else value))
    with open(path, "w", encoding="utf-8") as target:
        target.write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for config in sys.argv[1:]:
        apply(config, os.environ)
