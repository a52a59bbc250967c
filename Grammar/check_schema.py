#!/usr/bin/env python3
"""Check MockCDP scenario files against Grammar/scenario.schema.json.

Usage: python3 Grammar/check_schema.py [--schema PATH] SCENARIO.yaml...

Files are read the way `mockcdp` reads them: YAML 1.2 core schema (`NO`, `on` and
`1:30` stay text, `010` is ten, dates stay text), anchors, aliases and `<<` merge
keys, one document per file, and a duplicate key is an error. Includes are resolved
as `mockcdp` resolves them: a top-level `include:` merges the listed files under the
file's own keys, and `!include path` stands for another file's document, paths being
relative to the including file. Each problem is printed as `file:line:column: error:
message` (the file being the one it was written in) with the source line and a caret;
the last line is `N passed, N failed`. The exit status is 0 when every file
passes and 1 otherwise.

Needs PyYAML and jsonschema (`pip install pyyaml jsonschema`).
"""

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

DEFAULT_SCHEMA = Path(__file__).resolve().parent / "scenario.schema.json"

# A document that expands to more nodes than this through aliases is refused,
# so a "billion laughs" file fails fast instead of exhausting memory.
MAX_EXPANDED_NODES = 1_000_000

MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"
INCLUDE_TAG = "!include"
MAX_INCLUDES = 1_000


class Core12Resolver(yaml.resolver.BaseResolver):
    """Resolves plain scalars by the YAML 1.2 core schema, plus `<<` merge keys."""


for _tag, _pattern, _first in [
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", list("-+0123456789.")),
    ("merge", r"<<", ["<"]),
]:
    Core12Resolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"), _first)


class Core12Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                     yaml.composer.Composer, Core12Resolver):
    """Builds a node tree with source marks; values are built by `Document`."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        Core12Resolver.__init__(self)


class ScenarioError(Exception):
    """A problem found while reading a file, with its file and 1-based position."""

    def __init__(self, file, line, column, message):
        super().__init__(message)
        self.file, self.line, self.column, self.message = file, line, column, message


def position(node):
    mark = node.start_mark
    return mark.name, mark.line + 1, mark.column + 1


class Document:
    """Plain Python values built from a node tree, with the position of every value and key."""

    def __init__(self, root, file):
        self.file = file
        self.reading_problems = []
        self.value_positions = {}
        self.key_positions = {}
        self._expanded = 0
        self._open = set()
        self.value = self._build(root, ())

    def _build(self, node, path):
        self._expanded += 1
        if self._expanded > MAX_EXPANDED_NODES:
            raise ScenarioError(*position(node), "the document expands to more than "
                                f"{MAX_EXPANDED_NODES:,} values through aliases")
        self.value_positions.setdefault(path, position(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if id(node) in self._open:
            raise ScenarioError(*position(node), "an alias refers to a node that contains it")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self._open.discard(id(node))

    def _scalar(self, node):
        text, tag = node.value, node.tag
        kind = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else None
        if kind == "str":
            return text
        if kind == "null" and re.fullmatch(r"~|null|Null|NULL|", text):
            return None
        if kind == "bool" and text in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return text.lower() == "true"
        if kind == "int":
            for pattern, base in ((r"[-+]?[0-9]+", 10), (r"0o[0-7]+", 8), (r"0x[0-9a-fA-F]+", 16)):
                if re.fullmatch(pattern, text):
                    return int(text[2:] if base != 10 else text, base)
        if kind == "float":
            if re.fullmatch(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", text):
                self.reading_problems.append((*position(node), f"{text} is not allowed in a "
                                              "scenario; quote it if you mean text"))
                return text
            try:
                return float(text)
            except ValueError:
                pass
        raise ScenarioError(*position(node), f"unsupported tag {tag} on {text!r}")

    def _mapping(self, node, path):
        # Explicit keys first, so their positions win over those of merged copies.
        explicit, merge_values, seen = {}, [], {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merge_values.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(*position(key_node), "a mapping key must be a plain value")
            key = key_node.value
            if key in seen:
                # Keep reading, so the other problems of the file are reported too.
                self.reading_problems.append((*position(key_node), f"duplicate key '{key}' "
                                              f"(first given on line {seen[key]})"))
                continue
            seen[key] = position(key_node)[1]
            self.key_positions[path + (key,)] = position(key_node)
            explicit[key] = self._build(value_node, path + (key,))
        merged = {}
        for value_node in merge_values:
            for source in self._merge_sources(value_node):
                for key, value in self._build(source, path).items():
                    merged.setdefault(key, value)
        merged.update(explicit)
        return merged

    @staticmethod
    def _merge_sources(node):
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise ScenarioError(*position(source),
                                    "'<<' merges a mapping or a list of mappings")
        return sources


def compose(text, file):
    """The node tree of one file, its marks naming the file."""
    composer = Core12Composer(text)
    composer.name = str(file)
    try:
        root = composer.get_single_node()
    except yaml.composer.ComposerError as error:
        if "expected a single document" in str(error.context):
            mark = error.problem_mark
            raise ScenarioError(str(file), mark.line + 1, mark.column + 1,
                                "a scenario file holds one YAML document") from None
        raise
    finally:
        composer.dispose()
    if root is None:
        raise ScenarioError(str(file), 1, 1, "the file is empty")
    return root


class Includes:
    """Splices included files into a node tree, keeping the source lines of every file."""

    def __init__(self):
        self.lines = {}
        self.count = 0

    def load(self, path, opened=()):
        text = Path(path).read_text(encoding="utf-8")
        self.lines[str(path)] = text.splitlines()
        root = compose(text, path)
        return self._file(root, Path(path), opened + (Path(path).resolve(),))

    def _file(self, root, path, opened):
        if not isinstance(root, yaml.MappingNode):
            return self._resolve(root, path, opened)
        own, includes = [], []
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "include" \
                    and key.tag != INCLUDE_TAG:
                includes += value.value if isinstance(value, yaml.SequenceNode) else [value]
            else:
                own.append((key, value))
        merged = None
        for item in includes:
            node = self._include(item, path, opened)
            if not isinstance(node, yaml.MappingNode):
                raise ScenarioError(*position(item), "a file included at the top must hold "
                                    "a mapping")
            merged = node if merged is None else merge(merged, node)
        body = self._resolve(yaml.MappingNode(root.tag, own, root.start_mark, root.end_mark,
                                              root.flow_style), path, opened)
        return body if merged is None else merge(merged, body)

    def _resolve(self, node, path, opened):
        if isinstance(node, yaml.ScalarNode):
            return self._include(node, path, opened) if node.tag == INCLUDE_TAG else node
        if isinstance(node, yaml.SequenceNode):
            items = []
            for item in node.value:
                if isinstance(item, yaml.ScalarNode) and item.tag == INCLUDE_TAG:
                    included = self._include(item, path, opened)
                    items += (included.value if isinstance(included, yaml.SequenceNode)
                              else [included])
                else:
                    items.append(self._resolve(item, path, opened))
            node.value = items
            return node
        node.value = [(key, self._resolve(value, path, opened)) for key, value in node.value]
        return node

    def _include(self, node, path, opened):
        self.count += 1
        if self.count > MAX_INCLUDES:
            raise ScenarioError(*position(node), f"more than {MAX_INCLUDES} includes")
        if not isinstance(node, yaml.ScalarNode) or not node.value:
            raise ScenarioError(*position(node), "an include needs a file path")
        target = Path(node.value) if Path(node.value).is_absolute() \
            else path.parent / node.value
        if target.resolve() in opened:
            raise ScenarioError(*position(node), f"include cycle through {node.value}")
        try:
            return self.load(target, opened)
        except OSError as error:
            raise ScenarioError(*position(node), f"cannot read '{target}': "
                                f"{error.strerror or error}") from None


def merge(base, over):
    """`base` with the keys of `over` written over it, mappings merging at every depth."""
    if not (isinstance(base, yaml.MappingNode) and isinstance(over, yaml.MappingNode)):
        return over
    pairs = list(base.value)
    for key, value in over.value:
        index = next((i for i, (k, _) in enumerate(pairs)
                      if isinstance(k, yaml.ScalarNode) and k.value == key.value), None)
        if index is None:
            pairs.append((key, value))
        else:
            pairs[index] = (key, merge(pairs[index][1], value))
    return yaml.MappingNode(over.tag, pairs, over.start_mark, over.end_mark, over.flow_style)


def read_scenario(path, includes):
    """Returns the Document of a scenario file with its includes, or raises ScenarioError."""
    return Document(includes.load(path), str(path))


def describe(path):
    """Dotted path of a value, as in `funnels.purchase[2].rate`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the scenario"


def shown(value):
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


class SchemaChecker:
    def __init__(self, schema):
        jsonschema.Draft202012Validator.check_schema(schema)
        self.validator = jsonschema.Draft202012Validator(schema)

    def problems(self, document):
        """Yields (line, column, message) for every schema violation in a document."""
        for error in self.validator.iter_errors(document.value):
            yield from self._explain(error, document)

    def _explain(self, error, document):
        path = tuple(error.absolute_path)
        where = document.value_positions.get(path, (document.file, 1, 1))
        schema = error.schema if isinstance(error.schema, dict) else {}

        if error.validator == "additionalProperties":
            allowed = sorted(schema.get("properties", {}))
            patterns = list(schema.get("patternProperties", {}))
            for key in error.instance:
                if key in allowed or any(re.search(p, key) for p in patterns):
                    continue
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                advice = (f"did you mean '{hint[0]}'?" if hint
                          else "expected one of: " + ", ".join(allowed))
                file, line, column = document.key_positions.get(path + (key,), where)
                yield file, line, column, f"unknown key '{key}' in {describe(path)}; {advice}"
            return

        in_key = "propertyNames" in error.relative_schema_path
        if in_key:
            where = document.key_positions.get(path + (error.instance,), where)
        if error.validator == "pattern" and "patternErrorMessage" in schema:
            message = schema["patternErrorMessage"]
        elif "errorMessage" in schema:
            message = schema["errorMessage"]
        elif error.validator == "required":
            missing = [key for key in error.validator_value if key not in error.instance]
            yield *where, f"missing key '{missing[0]}' in {describe(path)}"
            return
        elif error.context:
            deepest = jsonschema.exceptions.best_match(error.context)
            yield from self._explain(deepest, document)
            return
        else:
            message = error.message
        subject = f"key '{error.instance}'" if in_key else describe(path)
        if in_key or isinstance(error.instance, (dict, list)):
            yield *where, f"{subject}: {message}"
        else:
            yield *where, f"{subject}: {message}; got {shown(error.instance)}"


def check_file(path, checker):
    """Returns the (file, line, column, message) problems of one scenario, and the source
    lines of every file it read, by file."""
    includes = Includes()
    try:
        document = read_scenario(path, includes)
    except (OSError, UnicodeDecodeError) as error:
        return [(str(path), 0, 0, f"cannot read the file: {error}")], includes.lines
    except ScenarioError as error:
        return [(error.file, error.line, error.column, error.message)], includes.lines
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        file, line, column = (mark.name, mark.line + 1, mark.column + 1) if mark \
            else (str(path), 1, 1)
        return [(file, line, column, f"invalid YAML: {error.problem or error.context}")], \
            includes.lines
    problems = sorted(set(document.reading_problems) | set(checker.problems(document)))
    return problems, includes.lines


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check MockCDP scenarios against the schema.")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA,
                        help="JSON Schema to check against (default: %(default)s)")
    parser.add_argument("scenarios", nargs="+", type=Path, help="scenario files to check")
    options = parser.parse_args(argv)

    checker = SchemaChecker(json.loads(options.schema.read_text(encoding="utf-8")))
    passed = failed = 0
    for path in options.scenarios:
        problems, sources = check_file(path, checker)
        if not problems:
            passed += 1
            continue
        failed += 1
        for file, line, column, message in problems:
            print(f"{file}:{line}:{column}: error: {message}")
            lines = sources.get(file, [])
            if 0 < line <= len(lines):
                print(f"    {lines[line - 1]}")
                print(f"    {' ' * (column - 1)}^")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
