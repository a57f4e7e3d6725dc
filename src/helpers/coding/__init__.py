"""Hand-coding of posts: codebook, blind coding sheets, inter-coder agreement and consensus labels.

The workflow of a content analysis (Krippendorff 2018, chs. 7 and 12;
Neuendorf 2017, chs. 5 to 7):

1. :func:`load_codebook` reads the codebook (the packaged one codes knowledge
   type and health relevance); :func:`render_codebook_html` prints it for the
   coders.
2. :func:`draw_sample` draws a stratified, seeded sample of posts and assigns
   it to coders, with an overlap every coder codes;
   :func:`write_coding_sheets` writes one blind sheet per coder.
3. :func:`read_coded_sheets` reads the sheets back; :func:`agreement` gives
   Krippendorff's alpha per variable; :func:`adjudication_sheet` lists the
   disagreements to settle; :func:`consensus_labels` gives one label per post,
   the file ``rarevoices evaluate --labels`` reads.

References
----------
Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.
Neuendorf, K. A. (2017). *The Content Analysis Guidebook* (2nd ed.). Sage.
"""

from helpers.coding.codebook import (
    DEFAULT_CODEBOOK,
    Category,
    Codebook,
    CodebookError,
    CodingError,
    Variable,
    load_codebook,
    render_codebook_html,
)
from helpers.coding.reliability import (
    Agreement,
    adjudication_sheet,
    agreement,
    consensus_labels,
    read_coded_sheets,
)
from helpers.coding.sample import draw_sample, write_coding_sheets

__all__ = [
    "DEFAULT_CODEBOOK",
    "Agreement",
    "Category",
    "Codebook",
    "CodebookError",
    "CodingError",
    "Variable",
    "adjudication_sheet",
    "agreement",
    "consensus_labels",
    "draw_sample",
    "load_codebook",
    "read_coded_sheets",
    "render_codebook_html",
    "write_coding_sheets",
]
