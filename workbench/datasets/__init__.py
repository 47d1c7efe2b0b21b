"""Bundled data: the generated brand-community sample, the tiny hand-checkable export, karate.

- :func:`generate_sample` / :func:`write_sample` / :func:`sample_path`: a realistic twarc2
  export of a brand community with planted communities and roles, and its ground truth.
- :func:`tiny_export` / :func:`write_tiny` / :func:`tiny_truth` / :func:`tiny_interactions`:
  20 accounts and 45 tweets whose every count is stated by hand (see :mod:`workbench.datasets.tiny`).
- :func:`karate`: Zachary's karate club, for the workshop.
"""

from workbench.datasets.karate import karate
from workbench.datasets.sample import SAMPLE_FILE, Sample, generate_sample, sample_path, write_sample
from workbench.datasets.tiny import TINY_COUNTS, tiny_export, tiny_interactions, tiny_truth, write_tiny

__all__ = [
    "Sample", "generate_sample", "write_sample", "sample_path", "SAMPLE_FILE",
    "tiny_export", "write_tiny", "tiny_truth", "tiny_interactions", "TINY_COUNTS",
    "karate",
]
