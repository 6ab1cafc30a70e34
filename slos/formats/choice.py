"""Which format an SLO file is in, and the one entry point that imports any of them.

Detection reads the file's own declaration, never guesses from its shape: OpenSLO documents
say ``apiVersion: openslo/v1``, Sloth specs ``version: "prometheus/v1"``; anything else is read
as the SLO definition template (``slos:`` list). Each import stays all or nothing."""

import re

from slos import definitions
from slos.formats import openslo, sloth

AUTO = "auto"
DEFINITIONS = "definitions"
OPENSLO = "openslo"
SLOTH = "sloth"

FORMATS = {
    DEFINITIONS: "SLO definition template (a slos: list)",
    OPENSLO: "OpenSLO v1 (apiVersion: openslo/v1)",
    SLOTH: 'Sloth (version: "prometheus/v1")',
}
READERS = {DEFINITIONS: definitions.import_text, OPENSLO: openslo.import_text,
           SLOTH: sloth.import_text}
# What export writes (Sloth is read, not written).
WRITERS = {DEFINITIONS: definitions.export, OPENSLO: openslo.export}

_OPENSLO = re.compile(r"""^apiVersion:[ \t]*["']?openslo/v1["']?[ \t]*(#.*)?$""", re.M)
_SLOTH = re.compile(r"""^version:[ \t]*["']?prometheus/v1["']?[ \t]*(#.*)?$""", re.M)


def detect(text):
    """The format a file declares (top-level key), else the definition template."""
    if _OPENSLO.search(text):
        return OPENSLO
    if _SLOTH.search(text):
        return SLOTH
    return DEFINITIONS


def import_text(text, file_format=AUTO, default_service=None, data_source=None):
    """(format read, saved SLOs); raises definitions.ImportRefused, saving nothing."""
    chosen = detect(text) if file_format == AUTO else file_format
    return chosen, READERS[chosen](text, default_service=default_service,
                                   data_source=data_source)


def export(slos, file_format=DEFINITIONS):
    """Every SLO of ``slos`` as one YAML file in ``file_format`` (definitions or openslo)."""
    return WRITERS[file_format](slos)
