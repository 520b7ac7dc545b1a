#!/usr/bin/env python3
"""Adds country and region names in the UN languages other than English to the seed.

The names come from the Unicode CLDR (the `cldr-localenames-full` npm package, pinned below;
licence Unicode-3.0, see seed/README.md). English names stay the ISO / M49 names already in
the seed. CLDR's default names are used, except where CLDR tells two countries apart by their
capital ("Congo - Kinshasa"): there its variant name ("Congo (DRC)") is taken.

    python3 scripts/cldr-names.py            # downloads the package with npm into a temp folder
    python3 scripts/cldr-names.py --package DIR   # an unpacked package folder

A developer tool: run it when the pinned CLDR version changes, then `tipx seed --check`.
"""
import argparse
import json
import pathlib
import subprocess
import tempfile

CLDR_PACKAGE = "cldr-localenames-full@48.2.0"
LANGS = ["ar", "zh", "fr", "ru", "es"]
PREFER_VARIANT = {"CD", "CG"}
SEED = pathlib.Path(__file__).resolve().parent.parent / "seed"


def territories(package: pathlib.Path, lang: str) -> dict:
    data = json.loads((package / "main" / lang / "territories.json").read_text("utf-8"))
    return data["main"][lang]["localeDisplayNames"]["territories"]


def name(table: dict, code: str):
    if code in PREFER_VARIANT and f"{code}-alt-variant" in table:
        return table[f"{code}-alt-variant"]
    return table.get(code)


def update(path: pathlib.Path, tables: dict) -> int:
    rows = json.loads(path.read_text("utf-8"))
    missing = 0
    for row in rows:
        names = {}
        for lang in LANGS:
            value = name(tables[lang], row["code"])
            if value:
                names[lang] = value
            else:
                missing += 1
        row["names"] = names
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=pathlib.Path, help="an unpacked cldr-localenames-full folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package
        if package is None:
            subprocess.run(["npm", "pack", "--silent", CLDR_PACKAGE], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            tarball = next(pathlib.Path(tmp).glob("cldr-localenames-full-*.tgz"))
            subprocess.run(["tar", "xzf", str(tarball)], cwd=tmp, check=True)
            package = pathlib.Path(tmp) / "package"
        tables = {lang: territories(package, lang) for lang in LANGS}
        for file in ["countries.json", "regions.json"]:
            missing = update(SEED / file, tables)
            print(f"{file}: names in {len(LANGS)} languages added ({missing} missing, English is the fallback)")


if __name__ == "__main__":
    main()
