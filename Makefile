# Two commands set everything up on a fresh machine (Python >= 3.10 and make):
#   make lab    open the course in JupyterLab
#   make test   run every test and notebook
# Both create .venv and install the kit into it the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Strict: a broken link, a missing page or image, or any other warning fails the build.
# Material for MkDocs announces its end of life (May 2027) on every build; it still gets
# fixes until then, and mkdocs.yml is the format its successor (Zensical) reads.
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# Commands started from the lab or the tests (`mlflow run`, `mlflow models serve`) find
# this environment's programs first, as if it were activated.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test databricks docs screenshots ui doctor bench lint lock notebooks postgres browser clean

# The course folder is JupyterLab's root, so that its terminals open where the notebooks'
# commands (`make ui`, `mlflow run project ...`) are typed; the lessons are in notebooks/.
# As root (a container), JupyterLab refuses to start without --allow-root.
lab: $(STAMP)  ## Open the course in JupyterLab
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

# The website is built (strict) by tests/test_docs.py, on a worker beside the other tests.
test: $(STAMP)  ## Lint, then run every test and notebook (pytest --nbval), the website's build among them
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

databricks: $(STAMP)  ## Run every notebook in an emulated Databricks workspace (part of make test)
	$(BIN)/python -m pytest tests/test_databricks.py tests/test_notebooks_on_databricks.py

docs: $(STAMP)  ## Build the course website into build/site (open build/site/index.html)
	$(MKDOCS)
	@echo "Website built: build/site/index.html"

screenshots: $(STAMP)  ## Retake the MLflow UI pictures in docs/images/ui (needs Chromium)
	$(BIN)/python tests/test_ui_screenshots.py

ui: $(STAMP)  ## The MLflow UI on the kit's local store, at http://127.0.0.1:5000
	$(BIN)/python -m helpers ui

doctor: $(STAMP)  ## Preflight check: versions, store, UI port, a tracking server, notebooks
	$(BIN)/python -m helpers doctor

bench: $(STAMP)  ## Speed checks: model logging, run tables and charts, notebook times, Spark, the tests
	$(BIN)/python benchmarks/bench_logging.py
	$(BIN)/python benchmarks/bench_compare.py
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_spark.py
	$(BIN)/python benchmarks/bench_tests.py

lint: $(STAMP)  ## Lint code and notebooks
	$(BIN)/ruff check .

notebooks: $(STAMP)  ## Write the exercise cells, then re-execute every notebook (both editions) in place on a fresh mlflow-store/ (what gets committed)
	@if [ -e mlflow-store ]; then echo "mlflow-store/ holds runs: the committed outputs are \
	made on a fresh store. Move it away first: mv mlflow-store mlflow-store.mine"; exit 1; fi
	$(BIN)/python tools/exercise_cells.py
	$(EXECUTE) notebooks/*.ipynb
	@# The Japanese notebooks log the same runs: on a fresh store too, as the tests run them.
	rm -rf mlflow-store
	$(EXECUTE) notebooks/ja/*.ipynb

EXECUTE := env -u COURSE_STORE_DIR -u MLFLOW_TRACKING_URI $(BIN)/jupyter nbconvert --to notebook \
	--execute --inplace --ExecutePreprocessor.record_timing=False

# Every install takes the exact versions of constraints.txt (the committed outputs were made
# with them): with uv when it can be installed (measured here on a fresh venv without caches:
# 14 s against 36 s for pip), else with pip. --compile-bytecode as pip does: where
# PYTHONDONTWRITEBYTECODE is set, every kernel and server would otherwise compile MLflow
# from source at each start (it made the tests twice as slow).
EXTRAS := lab,test,docs,auth,spark
$(STAMP): pyproject.toml requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	( $(BIN)/python -m pip install --quiet uv && \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python \
		-c constraints.txt -e ".[$(EXTRAS)]" ) || \
	( $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]" )
	touch $(STAMP)

# One lock for Python 3.10 to 3.13 (--universal: a line per Python where versions differ).
# Keeps the current pins where pyproject.toml still allows them; `make lock UPGRADE=--upgrade`
# moves to the newest releases (then `make notebooks` and check the outputs).
lock: $(STAMP)  ## Refresh constraints.txt from pyproject.toml (the exact versions every install uses)
	$(BIN)/uv pip compile pyproject.toml --extra lab --extra test --extra docs --extra auth --extra spark \
		--universal --python-version 3.10 -o constraints.txt $(UPGRADE)

postgres:  ## Start a local PostgreSQL server (Debian/Ubuntu, as root) for the workshop test
	bash tools/postgres.sh

browser:  ## Install Debian's Chromium and a Japanese font (as root) for the browser tests and `make screenshots`
	bash tools/chromium.sh

clean:  ## Remove the virtual environment (the store in mlflow-store/ is kept)
	rm -rf $(VENV)
