"""Account counts: the builder reads files in the official layouts, the loader finds rows with their source, and
the user's own count comes first. The files here are small fixtures in those layouts, made for the test (their
numbers are not official data)."""

from __future__ import annotations

import pytest

from skills.data import build_account_counts as build
from skills.library import account_counts
from tests.agents.conftest import call_skill

CBP_HEADER = (
    '"naics","lfo","emp_nf","emp","qp1_nf","qp1","ap_nf","ap","est","n<5","n5_9","n10_19","n20_49","n50_99",'
    '"n100_249","n250_499","n500_999","n1000"'
)
CBP_US = "\n".join(
    [
        CBP_HEADER,
        '"------","-","G",100,"G",1,"G",1,9000,1,1,1,1,1,1,1,1,1',  # all industries: skipped
        '"611630","-","G",10,"G",1,"G",1,100,40,30,20,6,2,1,1,"N","N"',
        '"611630","C","G",10,"G",1,"G",1,60,20,20,10,5,2,1,1,"N","N"',  # one legal form: skipped
        '"6116//","-","G",10,"G",1,"G",1,900,1,1,1,1,1,1,1,1,1',
        '"31----","-","G",10,"G",1,"G",1,500,1,1,1,1,1,1,1,1,1',
    ]
)
CBP_STATES = '"fipstate",' + CBP_HEADER + '\n"06","611630","-","G",1,"G",1,"G",1,12,5,4,3,"N","N","N","N","N","N"\n'
EUROSTAT = (
    "freq,indic_sbs,nace_r2,size_emp,geo\\TIME_PERIOD\t2021 \t2022 \n"
    "A,ENT_NR,P8553,TOTAL,EL\t700 \t710 e\n"
    "A,ENT_NR,P8553,0-9,EL\t650 \t:\n"
    "A,EMP_NR,P8553,TOTAL,EL\t5000 \t5100 \n"
    "A,ENT_NR,P8553,TOTAL,EU27_2020\t9000 \t9100 \n"
)


@pytest.fixture
def built(tmp_path, monkeypatch):
    (tmp_path / "cbp23us.txt").write_text(CBP_US, encoding="latin-1")
    (tmp_path / "cbp23st.txt").write_text(CBP_STATES, encoding="latin-1")
    (tmp_path / "sbs.tsv").write_text(EUROSTAT, encoding="utf-8")
    out = tmp_path / "counts.csv"
    argv = ["--year", "2023", "--cbp-us", str(tmp_path / "cbp23us.txt"), "--cbp-states", str(tmp_path / "cbp23st.txt"),
            "--eurostat", str(tmp_path / "sbs.tsv"), "--eurostat-year", "2022", "--source-note", "test fixtures",
            "--out", str(out)]  # fmt: skip
    assert build.main(argv) == 0
    monkeypatch.setattr(account_counts, "DATA_PATH", out)
    return out


def test_the_builder_keeps_all_legal_forms_and_codes_the_taxonomy_spells(built):
    rows = account_counts.rows()
    us = {(r["code"], r["size_band"]): int(r["count"]) for r in rows if r["place"] == "US"}
    assert us[("611630", "all")] == 100 and us[("6116", "all")] == 900 and us[("31-33", "all")] == 500
    assert ("611630", "500-999") not in us  # "N": not available, not zero
    assert {r["place"] for r in rows} == {"US", "US-CA", "GR"}  # EL is ISO GR; the EU aggregate is not a place
    greek = [r for r in rows if r["place"] == "GR"]
    assert [(r["size_band"], r["count"]) for r in greek] == [("all", "710")]  # 2022, flag dropped; ":" skipped
    assert "Built from: US Census Bureau, County Business Patterns 2023" in built.read_text()


def test_the_builder_refuses_cbp_years_coded_in_naics_2017(tmp_path):
    (tmp_path / "cbp22us.txt").write_text(CBP_US, encoding="latin-1")
    with pytest.raises(SystemExit, match="NAICS 2017"):
        build.main(["--year", "2022", "--cbp-us", str(tmp_path / "cbp22us.txt"), "--out", str(tmp_path / "x.csv")])


def test_a_dataset_row_gives_the_count_its_source_and_the_size_share(built):
    found = call_skill(
        "market.account_counts",
        {"codes": ["611630"], "places": ["US", "US-CA", "DE"], "employees_min": 5, "employees_max": 49},
    )
    us = found["counts"][0]
    assert (us["place"], us["count"]) == ("US", 100)
    assert us["source"]["kind"] == "dataset" and us["source"]["year"] == 2023
    assert us["source"]["rows"] == ["cbp23us.txt naics=611630"]
    assert us["size_share"]["value"] == 0.56  # 5–9, 10–19, 20–49: (30 + 20 + 6) / 100
    assert found["missing"] == ["DE"]


def test_the_users_count_comes_before_the_dataset(built):
    found = call_skill(
        "market.account_counts", {"codes": ["611630"], "places": ["US"], "given": [{"place": "US", "count": 7}]}
    )
    assert found["counts"][0]["count"] == 7 and found["counts"][0]["source"]["kind"] == "input"


def test_the_shipped_file_names_its_sources_and_has_no_invented_rows():
    text = account_counts.DATA_PATH.read_text()
    assert "County Business Patterns" in text and "sbs_sc_ovw" in text
    assert account_counts.rows(account_counts.DATA_PATH) == ()  # decision 0016: no verified official copy yet
