"""Regenerate the sample workbook as LibreOffice saves it (see README.md here).

    .venv/bin/python tests/data/libreoffice/make_libreoffice.py [TARGET]

Writes, into TARGET (default: this folder):

- sample.xlsx                 the sample, built by workbook.sample.build_sample
- sample-libreoffice.xlsx     sample.xlsx opened and saved as .xlsx by LibreOffice
- sample-libreoffice.ods      sample.xlsx saved as OpenDocument by LibreOffice
- sample-via-ods.xlsx         sample-libreoffice.ods saved back as .xlsx

Each conversion is `soffice --headless --convert-to FORMAT`, with a private
profile in a temporary folder so that a LibreOffice open on the desktop, or its
settings, play no part. The LibreOffice version is printed and belongs in the
README when the files are committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbook.sample import build_sample  # noqa: E402

# (file written, source it is converted from, --convert-to argument)
CONVERSIONS = (
    ("sample-libreoffice.xlsx", "sample.xlsx", "xlsx"),
    ("sample-libreoffice.ods", "sample.xlsx", "ods"),
    ("sample-via-ods.xlsx", "sample-libreoffice.ods", "xlsx"),
)


def convert(office: str, profile: Path, source: Path, to: str, out: Path) -> Path:
    """source converted by LibreOffice into the folder out; returns the file."""
    subprocess.run(
        [office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", to, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return out / f"{source.stem}.{to}"


def office_version(office: str, profile: Path) -> str:
    finished = subprocess.run(
        [office, f"-env:UserInstallation={profile.as_uri()}", "--version"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return finished.stdout.strip()


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).parent
    office = shutil.which("soffice")
    if office is None:
        sys.exit("LibreOffice (soffice) is not installed")
    target.mkdir(parents=True, exist_ok=True)
    build_sample(target / "sample.xlsx")

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        profile = scratch / "profile"
        print(office_version(office, profile))
        for name, source, to in CONVERSIONS:
            # Each conversion gets a folder of its own: LibreOffice names its
            # output after the source, and two outputs share a stem.
            out = scratch / name
            made = convert(office, profile, target / source, to, out)
            shutil.move(made, target / name)
            print(f"{(target / name).stat().st_size:>10}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
