"""Exports for Gephi, Pajek and spreadsheets: GEXF and GraphML streamed to disk, edge and node CSV.

The static network goes to GEXF 1.2, GraphML, Pajek ``.net`` and CSV; the
network over time (:func:`write_dynamic_gexf`) to a dynamic GEXF 1.3 file
that Gephi's timeline plays.

References
----------
.. [1] GEXF 1.2 and 1.3 formats, https://gexf.net/ (Gephi).
.. [2] Brandes, U., Eiglsperger, M., Herman, I., Himsolt, M., & Marshall,
   M. S. (2001). GraphML progress report. Graph Drawing 2001, LNCS 2265.
.. [3] Batagelj, V., & Mrvar, A. (1998). Pajek: program for large network
   analysis. Connections, 21(2), 47-57.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import numpy as np
import pandas as pd

from helpers.config import StudyConfig
from helpers.networks.build import KINDS, edge_table
from helpers.networks.growth import time_periods
from helpers.networks.layout import LAYOUTS_KEY
from helpers.store import atomic_path, write_csv_atomic

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_XML_SPECIAL = re.compile("[&<>\"'\x00-\x1f]")  # anything that needs escaping in an attribute
_PAJEK_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f]')  # a quoted Pajek label cannot hold these


def annotate_graph(G: nx.Graph, table: pd.DataFrame, columns: Sequence[str] | None = None) -> nx.Graph:
    """Copy the columns of a node table (measures, community, roles) onto the nodes of ``G``, in place."""
    columns = [c for c in (columns or table.columns) if c in table.columns]
    for column in columns:
        values = table[column].reindex(list(G))
        nx.set_node_attributes(G, {node: _plain(value) for node, value in values.items()}, column)
    return G


def export_graph(G: nx.Graph, folder: Path, name: str = "interactions") -> dict[str, Path]:
    """Write ``G`` for Gephi and spreadsheets: GEXF, GraphML, edge list and node list CSV.

    Node and edge attributes (role, community, measures, counts per kind) go
    into every format.  GEXF and GraphML are streamed to disk (networkx's
    writers build the whole XML tree in memory, minutes and gigabytes for a
    million edges) and read back identically by :func:`networkx.read_gexf`
    and :func:`networkx.read_graphml`.  Missing values (None, NaN) are left
    out of GEXF/GraphML and empty in CSV.  Files are written atomically.

    Returns
    -------
    dict
        ``{"gexf": path, "graphml": path, "edges": path, "nodes": path}``.

    References
    ----------
    .. [1] GEXF 1.2 format, https://gexf.net/ (Gephi).
    .. [2] Brandes, U., Eiglsperger, M., Herman, I., Himsolt, M., & Marshall,
       M. S. (2001). GraphML progress report. Graph Drawing 2001, LNCS 2265.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"gexf": folder / f"{name}.gexf", "graphml": folder / f"{name}.graphml",
             "edges": folder / f"{name}_edges.csv", "nodes": folder / f"{name}_nodes.csv"}
    layouts = G.graph.pop(LAYOUTS_KEY, None)  # drawing positions are not part of the network
    try:
        with atomic_path(paths["gexf"]) as tmp:
            write_gexf(G, tmp)
        with atomic_path(paths["graphml"]) as tmp:
            write_graphml(G, tmp)
    finally:
        if layouts is not None:
            G.graph[LAYOUTS_KEY] = layouts
    write_csv_atomic(paths["edges"], nx.to_pandas_edgelist(G, source="source", target="target"))
    nodes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    write_csv_atomic(paths["nodes"], nodes.reindex(list(G)).rename_axis("node"), index=True)
    return paths


def _attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The type of each attribute over all nodes (or edges): boolean, long, double or string."""
    seen: dict[str, set[str]] = {}
    for data in items:
        for key, value in data.items():
            value = _plain(value)
            if value is not None:
                seen.setdefault(key, set()).add(_xml_type(value))
    types = {}
    for key in sorted(seen):
        kinds = seen[key]
        types[key] = kinds.pop() if len(kinds) == 1 else "double" if kinds <= {"long", "double"} else "string"
    return types


def _xml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    return "double" if isinstance(value, float) else "string"


def _plain(value: Any) -> Any:
    """A plain Python scalar for export, or None for a missing value."""
    kind = type(value)
    if kind is int or kind is str or kind is bool:  # the common case, first
        return value
    if kind is float:
        return None if value != value else value  # NaN is the only float unequal to itself
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return ";".join(map(str, value))
    return str(value)


def _xml_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def write_gexf(G: nx.Graph, path: Path) -> None:
    """Stream ``G`` to a GEXF 1.2 file (nodes labelled by ``display``, edges weighted by ``weight``)."""
    node_types = _attribute_types(data for _, data in G.nodes(data=True))
    edge_types = _attribute_types(data for _, _, data in G.edges(data=True))
    edge_types.pop("weight", None)
    node_ids = {key: str(i) for i, key in enumerate(node_types)}
    edge_ids = {key: str(i) for i, key in enumerate(edge_types)}
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
                  'version="1.2">\n  <meta><creator>rarevoices (helpers.networks)</creator></meta>\n')
        kind = "directed" if G.is_directed() else "undirected"
        out.write(f'  <graph defaultedgetype="{kind}" mode="static" name={_attr(G.graph.get("name", ""))}>\n')
        for cls, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
            out.write(f'    <attributes class="{cls}" mode="static">\n')
            for key, xml_type in types.items():
                out.write(f'      <attribute id="{ids[key]}" title={_attr(key)} type="{xml_type}" />\n')
            out.write("    </attributes>\n")
        out.write("    <nodes>\n")
        for node, data in G.nodes(data=True):
            label = _plain(data.get("display", node))
            out.write(f"      <node id={_attr(node)} label={_attr(label if label is not None else node)}>")
            out.write(_gexf_values(data, node_types, node_ids))
            out.write("</node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for i, (u, v, data) in enumerate(G.edges(data=True)):
            weight = _plain(data.get("weight"))
            weight_attr = f" weight={_attr(weight)}" if weight is not None else ""
            out.write(f'      <edge id="{i}" source={_attr(u)} target={_attr(v)}{weight_attr}>')
            out.write(_gexf_values({k: x for k, x in data.items() if k != "weight"}, edge_types, edge_ids))
            out.write("</edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")


def _gexf_values(data: dict[str, Any], types: dict[str, str], ids: dict[str, str]) -> str:
    parts = []
    for key, value in data.items():
        value = _plain(value)
        if value is not None and key in types:
            parts.append(f'<attvalue for="{ids[key]}" value={_attr(_xml_value(value, types[key]))} />')
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def write_graphml(G: nx.Graph, path: Path) -> None:
    """Stream ``G`` to a GraphML file with typed node and edge attributes."""
    node_types = _attribute_types(data for _, data in G.nodes(data=True))
    edge_types = _attribute_types(data for _, _, data in G.edges(data=True))
    node_keys = {key: f"n{i}" for i, key in enumerate(node_types)}
    edge_keys = {key: f"e{i}" for i, key in enumerate(edge_types)}
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for cls, types, keys in (("node", node_types, node_keys), ("edge", edge_types, edge_keys)):
            for key, xml_type in types.items():
                out.write(f'  <key id="{keys[key]}" for="{cls}" attr.name={_attr(key)} '
                          f'attr.type="{xml_type}" />\n')
        kind = "directed" if G.is_directed() else "undirected"
        out.write(f'  <graph edgedefault="{kind}">\n')
        for node, data in G.nodes(data=True):
            out.write(f"    <node id={_attr(node)}>{_graphml_values(data, node_types, node_keys)}</node>\n")
        for u, v, data in G.edges(data=True):
            out.write(f"    <edge source={_attr(u)} target={_attr(v)}>"
                      f"{_graphml_values(data, edge_types, edge_keys)}</edge>\n")
        out.write("  </graph>\n</graphml>\n")


def _graphml_values(data: dict[str, Any], types: dict[str, str], keys: dict[str, str]) -> str:
    parts = []
    for key, value in data.items():
        value = _plain(value)
        if value is not None and key in types:
            text = _xml_value(value, types[key])
            if types[key] == "string":
                text = escape(_XML_INVALID.sub("", text))
            parts.append(f'<data key="{keys[key]}">{text}</data>')
    return "".join(parts)


def _attr(value: Any) -> str:
    """An XML attribute value, quoted and escaped."""
    text = str(value)
    if _XML_SPECIAL.search(text) is None:
        return f'"{text}"'
    return quoteattr(_XML_INVALID.sub("", text))


# --------------------------------------------------------------------------- networks over time, Pajek

GEXF_13 = "http://gexf.net/1.3"


def export_dynamic_gexf(
    interactions: pd.DataFrame,
    folder: Path,
    name: str = "interactions",
    *,
    node_attributes: pd.DataFrame | nx.Graph | None = None,
    freq: str = "quarter",
    title: str = "",
) -> Path:
    """Write ``<name>_dynamic.gexf`` atomically (see :func:`write_dynamic_gexf`) and return its path."""
    path = Path(folder) / f"{name}_dynamic.gexf"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        write_dynamic_gexf(interactions, tmp, node_attributes, freq=freq, title=title)
    return path


def write_dynamic_gexf(
    interactions: pd.DataFrame,
    path: Path,
    node_attributes: pd.DataFrame | nx.Graph | None = None,
    *,
    freq: str = "quarter",
    title: str = "",
) -> None:
    """Stream the interaction network over time to a dynamic GEXF 1.3 file, for Gephi's timeline.

    The nodes and edges are those of :func:`helpers.networks.build.build_graph`
    (self-interactions dropped).  Time is cut into calendar periods (``freq``:
    month, quarter or year, UTC, as :func:`helpers.networks.growth.time_periods`):

    - an **edge** ``u -> v`` exists in each period in which ``u`` addressed
      ``v`` (consecutive periods joined into one ``<spell>``), and its
      ``weight`` is a dynamic attribute, the interactions of each period
      (``<attvalue for="weight" value=… start=… end=…>``); its totals per kind
      (``reply``, ``mention``, ``share``, ``quote``, ``interactions``) are static;
    - a **node** exists in the periods in which it sent or received an
      interaction (the union of its edges' periods), with the static
      attributes of ``node_attributes`` (a node table indexed by node, or a
      graph whose node attributes to take, e.g. the annotated static graph;
      ``display`` becomes the label).

    ``timeformat="date"``, ``timerepresentation="interval"``; a spell runs from
    the first to the last day of its periods, both included, so spells never
    touch (Gephi rejects overlapping intervals).  Interactions without a time
    (none in a validated table) count in the totals but in no spell.

    References
    ----------
    .. [1] GEXF 1.3 primer and schema, https://gexf.net/ (GEXF Working Group, Gephi).
    """
    frame = interactions[interactions["source_author"] != interactions["target_author"]]
    edges = edge_table(frame)
    sources, targets = frame["source_author"].astype(str), frame["target_author"].astype(str)
    timed = frame["created_at"].notna().to_numpy()
    periods = time_periods(frame["created_at"][timed], freq)
    counts = pd.DataFrame({"source": sources[timed].to_numpy(), "target": targets[timed].to_numpy(),
                           "period": periods.array.asi8}).groupby(["source", "target", "period"]).size()
    per_edge: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for (source, target, period), count in zip(counts.index.tolist(), counts.tolist(), strict=True):
        per_edge.setdefault((source, target), []).append((period, count))
    per_node: dict[str, set[int]] = {}
    for (source, target), spells in per_edge.items():
        for node in (source, target):
            per_node.setdefault(node, set()).update(period for period, _ in spells)
    dates = {period.ordinal: (period.start_time.date().isoformat(), period.end_time.date().isoformat())
             for period in periods.unique()}

    nodes = sorted(set(edges["source"]).union(edges["target"]))
    records = _node_records(node_attributes, nodes)
    node_types = _attribute_types(records.values())
    node_types.pop("display", None)  # the label
    node_ids = {key: str(i) for i, key in enumerate(node_types)}
    edge_static = ["interactions", *KINDS]
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  f'<gexf xmlns="{GEXF_13}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  f'xsi:schemaLocation="{GEXF_13} {GEXF_13}/gexf.xsd" version="1.3">\n'
                  "  <meta><creator>rarevoices (helpers.networks)</creator>"
                  f"<description>{escape(_XML_INVALID.sub('', title))} (interactions per {freq})"
                  "</description></meta>\n")
        bounds = f' start="{dates[min(dates)][0]}" end="{dates[max(dates)][1]}"' if dates else ""
        out.write('  <graph defaultedgetype="directed" mode="dynamic" timeformat="date" '
                  f'timerepresentation="interval" timezone="UTC"{bounds}>\n'
                  '    <attributes class="node" mode="static">\n')
        for key, xml_type in node_types.items():
            out.write(f'      <attribute id="{node_ids[key]}" title={_attr(key)} type="{xml_type}" />\n')
        out.write('    </attributes>\n    <attributes class="edge" mode="static">\n')
        for i, key in enumerate(edge_static):
            out.write(f'      <attribute id="{i}" title="{key}" type="long" />\n')
        out.write('    </attributes>\n    <attributes class="edge" mode="dynamic">\n'
                  '      <attribute id="weight" title="Weight" type="double" />\n    </attributes>\n'
                  f'    <nodes count="{len(nodes)}">\n')
        for node in nodes:
            data = records[node]
            label = _plain(data.pop("display", None))
            out.write(f"      <node id={_attr(node)} label={_attr(node if label is None else label)}>"
                      f"{_gexf_values(data, node_types, node_ids)}"
                      f"{_spells(per_node.get(node, ()), dates)}</node>\n")
        out.write(f'    </nodes>\n    <edges count="{len(edges)}">\n')
        columns = zip(*(edges[c].tolist() for c in ["source", "target", "weight", *KINDS]), strict=True)
        for i, (source, target, *totals) in enumerate(columns):
            spells = per_edge.get((source, target), [])
            values = "".join(f'<attvalue for="{j}" value="{total}" />' for j, total in enumerate(totals))
            values += "".join(f'<attvalue for="weight" value="{float(count)!r}" start="{dates[period][0]}" '
                              f'end="{dates[period][1]}" />' for period, count in spells)
            out.write(f'      <edge id="{i}" source={_attr(source)} target={_attr(target)}>'
                      f"<attvalues>{values}</attvalues>{_spells([p for p, _ in spells], dates)}</edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")


def _node_records(node_attributes: pd.DataFrame | nx.Graph | None, nodes: list[str]) -> dict[str, dict]:
    """Static node attributes for the dynamic GEXF: node to ``{attribute: value}``."""
    if node_attributes is None:
        return {node: {} for node in nodes}
    if isinstance(node_attributes, nx.Graph):
        return {node: dict(node_attributes.nodes[node]) if node in node_attributes else {} for node in nodes}
    table = node_attributes[~node_attributes.index.duplicated()].reindex(pd.Index(nodes, dtype=object))
    return table.to_dict("index")


def _spells(periods: Iterable[int], dates: dict[int, tuple[str, str]]) -> str:
    """``<spells>`` of the given periods, consecutive periods joined into one spell."""
    runs: list[list[int]] = []
    for period in sorted(periods):
        if runs and period == runs[-1][1] + 1:
            runs[-1][1] = period
        else:
            runs.append([period, period])
    if not runs:
        return ""
    spells = "".join(f'<spell start="{dates[first][0]}" end="{dates[last][1]}" />' for first, last in runs)
    return f"<spells>{spells}</spells>"


def export_pajek(G: nx.Graph, folder: Path, name: str = "interactions") -> Path:
    """Write ``<name>.net`` atomically (see :func:`write_pajek`) and return its path."""
    path = Path(folder) / f"{name}.net"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        write_pajek(G, tmp)
    return path


def write_pajek(G: nx.Graph, path: Path, weight: str = "weight") -> None:
    """Write ``G`` as a Pajek ``.net`` file: vertices labelled by node id, arcs weighted by ``weight``.

    Only the structure and the weights: Pajek's vertex lines take coordinates
    and drawing options, not data (:func:`networkx.write_pajek` writes string
    attributes as key-value pairs and warns about every other one).  The
    labels are the node ids (organisation accounts and pseudonyms, as in the
    other exports), always in double quotes, so spaces are kept; a double
    quote, backslash or control character, which a quoted label cannot hold,
    becomes ``_``.  :func:`networkx.read_pajek` reads the file back.

    References
    ----------
    .. [1] Batagelj, V., & Mrvar, A. (1998). Pajek: program for large network
       analysis. Connections, 21(2), 47-57.
    """
    labels = [_PAJEK_UNSAFE.sub("_", str(node)) for node in G]
    if len(set(labels)) < len(labels):
        raise ValueError("two nodes have the same Pajek label once quotes, backslashes and control "
                         "characters are replaced")
    number = {node: i for i, node in enumerate(G, start=1)}
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"*vertices {len(labels)}\n")
        out.writelines(f'{i} "{label}"\n' for i, label in enumerate(labels, start=1))
        out.write("*arcs\n" if G.is_directed() else "*edges\n")
        for u, v, w in G.edges(data=weight, default=1):
            value = _plain(w)
            out.write(f"{number[u]} {number[v]} {1 if value is None else value}\n")


def networks_folder(config: StudyConfig, org_id: str | None = None) -> Path:
    """Where exports go: ``<processed>/networks/<org_id or "study">/``."""
    return config.processed_path / "networks" / (org_id or "study")
