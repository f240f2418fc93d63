"""Rebuild skills/data/account_counts.csv from the official files. Run by hand; nothing runs it at run time.

    .venv/bin/python skills/data/build_account_counts.py --year 2023 \\
        --cbp-us cbp23us.txt --cbp-states cbp23st.txt [--eurostat estat_sbs_sc_ovw.tsv] \\
        [--source-note "where the files came from"] [--out skills/data/account_counts.csv]

Inputs, as the publishers distribute them (read by column name, so added columns do no harm):

- **County Business Patterns** (US Census Bureau), the national file ``cbpYYus.txt`` and the state file
  ``cbpYYst.txt`` (inside ``cbpYYus.zip`` / ``cbpYYst.zip``): comma-separated, a header row, codes in quotes.
  Used: ``naics`` (six characters; a level above the 6-digit one is padded: ``31----`` sector, ``541///``
  subsector, ``5413//`` industry group, ``54131/`` industry, ``------`` all industries, skipped), ``lfo``
  (legal form, when present: ``-`` is all forms; the others are skipped so nothing is counted twice),
  ``fipstate`` (state file: the FIPS state code), ``est`` (establishments) and the size classes ``n<5``,
  ``n5_9``, ``n10_19``, ``n20_49``, ``n50_99``, ``n100_249``, ``n250_499``, ``n500_999``, ``n1000`` (``N``
  or empty: not available, skipped). CBP 2023 is coded in NAICS 2022; earlier years are not (2017 NAICS),
  so the builder refuses years before 2023.
- **Structural business statistics, sbs_sc_ovw** (Eurostat), the bulk TSV: the first column holds
  ``freq,indic_sbs,nace_r2,size_emp,geo\\TIME_PERIOD``, then one column per year; a value may carry a flag
  (``123 e``) or be ``:`` (not available, skipped). Used: ``indic_sbs`` = ``ENT_NR`` (number of enterprises),
  ``size_emp`` (``TOTAL`` → all, ``0-9``, ``10-19``, ``20-49``, ``50-249``, ``GE250`` → 250+), ``geo`` (Eurostat
  writes Greece ``EL``: stored as ISO ``GR``). Its codes are NACE Rev. 2.

Output: one row per (dataset, code, place, size class): dataset, publisher, year, unit, classification,
code, place (ISO 3166-1 alpha-2, or ISO 3166-2:US), size_band (``all`` or ``low-high`` / ``low+``), count,
row (the file and the key of the source row), under a header that names the sources.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent / "account_counts.csv"
COLUMNS = ("dataset", "publisher", "year", "unit", "classification", "code", "place", "size_band", "count", "row")
FIRST_NAICS_2022_YEAR = 2023
CBP_BANDS = {
    "n<5": "1-4",
    "n5_9": "5-9",
    "n10_19": "10-19",
    "n20_49": "20-49",
    "n50_99": "50-99",
    "n100_249": "100-249",
    "n250_499": "250-499",
    "n500_999": "500-999",
    "n1000": "1000+",
}
EUROSTAT_BANDS = {"TOTAL": "all", "0-9": "0-9", "10-19": "10-19", "20-49": "20-49", "50-249": "50-249", "GE250": "250+"}
EUROSTAT_GEO = {"EL": "GR"}
# FIPS 5-2 state codes → USPS abbreviations (ISO 3166-2:US uses the same two letters).
FIPS_STATES = dict(
    pair.split(":")
    for pair in str.split(
        "01:AL 02:AK 04:AZ 05:AR 06:CA 08:CO 09:CT 10:DE 11:DC 12:FL 13:GA 15:HI 16:ID 17:IL 18:IN 19:IA 20:KS "
        "21:KY 22:LA 23:ME 24:MD 25:MA 26:MI 27:MN 28:MS 29:MO 30:MT 31:NE 32:NV 33:NH 34:NJ 35:NM 36:NY 37:NC "
        "38:ND 39:OH 40:OK 41:OR 42:PA 44:RI 45:SC 46:SD 47:TN 48:TX 49:UT 50:VT 51:VA 53:WA 54:WV 55:WI 56:WY"
    )
)
RANGE_SECTORS = {"31": "31-33", "44": "44-45", "48": "48-49"}


def naics_code(raw: str) -> str | None:
    """CBP's padded code as the taxonomy writes it ("31----" → "31-33", "5413//" → "5413"); None for totals."""
    code = raw.strip().rstrip("-/")
    if not code:
        return None
    return RANGE_SECTORS.get(code, code)


def _count(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _cbp_rows(path: Path, year: int, place_of: dict[str, str] | None) -> Iterator[dict[str, object]]:
    dataset = f"County Business Patterns {year}"
    with path.open(newline="", encoding="latin-1") as handle:
        reader = csv.DictReader(handle)
        missing = {"naics", "est"} - set(reader.fieldnames or ())
        if missing:
            raise SystemExit(f"{path}: not a CBP file, no column {sorted(missing)}")
        for record in reader:
            code = naics_code(record["naics"])
            if code is None or record.get("lfo", "-") != "-":
                continue
            place = "US" if place_of is None else place_of.get(record.get("fipstate", "").strip())
            if place is None:
                continue
            key = f"{path.name} naics={record['naics'].strip()}" + (
                f" fipstate={record['fipstate'].strip()}" if place_of is not None else ""
            )
            base = {
                "dataset": dataset,
                "publisher": "US Census Bureau",
                "year": year,
                "unit": "establishments",
                "classification": "NAICS 2022",
                "code": code,
                "place": place,
                "row": key,
            }
            total = _count(record["est"])
            if total is not None:
                yield {**base, "size_band": "all", "count": total}
            for column, label in CBP_BANDS.items():
                value = _count(record.get(column))
                if value is not None:
                    yield {**base, "size_band": label, "count": value}


def cbp(us: Path, states: Path | None, year: int) -> Iterator[dict[str, object]]:
    """Establishments by NAICS 2022 code and size class, for the nation and (with the state file) each state."""
    if year < FIRST_NAICS_2022_YEAR:
        raise SystemExit(f"CBP {year} is coded in NAICS 2017, not NAICS 2022: use {FIRST_NAICS_2022_YEAR} or later")
    yield from _cbp_rows(us, year, None)
    if states is not None:
        yield from _cbp_rows(states, year, {fips: f"US-{usps}" for fips, usps in FIPS_STATES.items()})


def _value(cell: str) -> int | None:
    number = cell.strip().split(" ")[0]
    return int(number) if number.isdigit() else None


def eurostat(path: Path, year: int) -> Iterator[dict[str, object]]:
    """Enterprises by NACE Rev. 2 code, size class and country, for one year of sbs_sc_ovw."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = [cell.strip() for cell in next(reader)]
        keys = header[0].split("\\")[0].split(",")
        if str(year) not in header or not {"indic_sbs", "nace_r2", "size_emp", "geo"} <= set(keys):
            raise SystemExit(f"{path}: not an sbs_sc_ovw file with {year}")
        column = header.index(str(year))
        for cells in reader:
            key = dict(zip(keys, cells[0].split(","), strict=False))
            count = _value(cells[column]) if column < len(cells) else None
            size = EUROSTAT_BANDS.get(key["size_emp"])
            if key["indic_sbs"] != "ENT_NR" or size is None or count is None or len(key["geo"]) != 2:
                continue
            yield {
                "dataset": f"Structural business statistics sbs_sc_ovw {year}",
                "publisher": "Eurostat",
                "year": year,
                "unit": "enterprises",
                "classification": "NACE Rev. 2",
                "code": key["nace_r2"],
                "place": EUROSTAT_GEO.get(key["geo"], key["geo"]),
                "size_band": size,
                "count": count,
                "row": f"{path.name} {cells[0]}",
            }


HEADER = """\
# Potential customer accounts by industry code and place, read by skills/library/account_counts.py.
# Rebuilt by skills/data/build_account_counts.py from the official files (see its docstring and
# docs/decisions/0016-market-sizing.md); never edited by hand, never downloaded at run time.
# Built from: {sources}
# {note}
"""


def write(rows: Iterable[dict[str, object]], out: Path, sources: list[str], note: str) -> int:
    ordered = sorted(rows, key=lambda r: (str(r["dataset"]), str(r["place"]), str(r["code"]), str(r["size_band"])))
    with out.open("w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER.format(sources="; ".join(sources), note=note or "Source of the files: not given."))
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ordered)
    return len(ordered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--cbp-us", type=Path)
    parser.add_argument("--cbp-states", type=Path)
    parser.add_argument("--eurostat", type=Path)
    parser.add_argument("--eurostat-year", type=int)
    parser.add_argument("--source-note", default="")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    sources = []
    if args.cbp_us:
        rows += cbp(args.cbp_us, args.cbp_states, args.year)
        sources.append(
            f"US Census Bureau, County Business Patterns {args.year} ({args.cbp_us.name}"
            + (f", {args.cbp_states.name})" if args.cbp_states else ")")
        )
    if args.eurostat:
        year = args.eurostat_year or args.year
        rows += eurostat(args.eurostat, year)
        sources.append(f"Eurostat, sbs_sc_ovw {year} ({args.eurostat.name})")
    if not sources:
        parser.error("give --cbp-us and/or --eurostat")
    written = write(rows, args.out, sources, args.source_note)
    print(f"{written} rows written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
