#!/usr/bin/env bash
# Set up everything and run the main job on embedded defaults: `formocr demo` creates the data
# folders and the SQLite store in data/, drops the sample scans of data/samples (made by
# `formocr synth`) into the inbox of the demo municipality, runs the watcher until they are
# read, and prints the documents, what needs review and where everything is. Safe to run
# again: the samples then come out as duplicates of the files already read. Then it starts the
# review UI on http://localhost:8501/ (demo logins printed) and goes on watching the inbox
# until Ctrl-C.
#   scripts/demo.sh --port 8600       the UI on another port
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/formocr demo --ui "$@"
