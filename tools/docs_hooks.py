"""MkDocs hook: put the course notebooks on the website without copying them into docs/.

The notebooks stay in ``notebooks/``, where learners open them; this hook adds each one to
the site as ``notebooks/<name>.ipynb`` before mkdocs-jupyter renders it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

COURSE = Path(__file__).resolve().parent.parent


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add ``notebooks/*.ipynb`` to the site's files.

    Args:
        files: The files MkDocs found in ``docs/``.
        config: The site's configuration.

    Returns:
        The same files, with the notebooks added.
    """
    for notebook in sorted((COURSE / "notebooks").glob("*.ipynb")):
        path = notebook.relative_to(COURSE).as_posix()
        files.append(File(path, str(COURSE), config.site_dir, config.use_directory_urls))
    return files
